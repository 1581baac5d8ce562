package slurm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/netsweep/netsweep/cluster"
)

func TestArrayTasks(t *testing.T) {
	for _, tc := range []struct {
		job  JobInfo
		want []int
	}{
		{JobInfo{ID: "5_2", Fields: map[string]string{"ArrayTaskId": "2"}}, []int{2}},
		{JobInfo{ID: "5", Fields: map[string]string{"ArrayTaskId": "0-3"}}, []int{0, 1, 2, 3}},
		{JobInfo{ID: "5", Fields: map[string]string{"ArrayTaskId": "1,3-4%2"}}, []int{1, 3, 4}},
		{JobInfo{ID: "5", Fields: map[string]string{"ArrayTaskId": "0-9"}}, []int{0, 1, 2, 3, 4}}, // only tasks < k
		{JobInfo{ID: "5_1", Fields: map[string]string{}}, []int{1}},                               // from sacct
		{JobInfo{ID: "5_[0-1]", Fields: map[string]string{}}, []int{0, 1}},
		{JobInfo{ID: "5", Fields: map[string]string{}}, nil}, // not an array
		{JobInfo{ID: "5", Fields: map[string]string{"ArrayTaskId": "x"}}, nil},
	} {
		if got := arrayTasks(tc.job, 5); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("arrayTasks(%v, 5) = %v; want %v", tc.job, got, tc.want)
		}
	}
}

// TestStatusString: what 'netsweep status' says of a job, from what
// scontrol says of it.
func TestStatusString(t *testing.T) {
	for _, tc := range []struct {
		job  JobInfo
		want string
	}{
		{JobInfo{State: "PENDING", Reason: "Priority"}, "PENDING (reason Priority)"},
		{JobInfo{State: "RUNNING", Reason: "None"}, "RUNNING"},
		{JobInfo{State: "COMPLETED", Fields: map[string]string{"ExitCode": "0:0"}}, "COMPLETED, exit 0"},
		{JobInfo{State: "FAILED", ExitCode: 75, Fields: map[string]string{"ExitCode": "75:0"}}, "FAILED, exit 75"},
		{JobInfo{State: "TIMEOUT", Signal: 15, Fields: map[string]string{"ExitCode": "0:15"}}, "TIMEOUT, killed by signal 15"},
		{JobInfo{State: "CANCELLED"}, "CANCELLED"},
	} {
		if got := status(tc.job, 0).String(); got != tc.want {
			t.Errorf("status(%+v).String() = %q; want %q", tc.job, got, tc.want)
		}
	}
}

// fakeCommands answers from its tables, as slurmctld and sacct would.
type fakeCommands struct {
	jobs map[string][]JobInfo
	acct map[string][]AcctEntry
}

func (f *fakeCommands) Submit(context.Context, SubmitRequest) (string, error) { return "1", nil }
func (f *fakeCommands) Cancel(context.Context, string) error                  { return nil }

func (f *fakeCommands) ShowJob(_ context.Context, id string) ([]JobInfo, error) {
	if j, ok := f.jobs[id]; ok {
		return j, nil
	}
	return nil, fmt.Errorf("%w: scontrol failed: Invalid job id specified", ErrUnknownJob)
}

func (f *fakeCommands) Accounting(_ context.Context, id string) ([]AcctEntry, error) {
	if a, ok := f.acct[id]; ok {
		return a, nil
	}
	return nil, errors.New("slurm: sacct failed: Slurm accounting storage is disabled")
}

// TestSchedulerStatus: scontrol first, then sacct (steps left out), then
// ErrUnknownJob; array tasks below array_shards.
func TestSchedulerStatus(t *testing.T) {
	f := &fakeCommands{
		jobs: map[string][]JobInfo{
			"7": {{ID: "7", State: "PENDING", Reason: "Resources", Fields: map[string]string{"ArrayTaskId": "0-3"}}},
		},
		acct: map[string][]AcctEntry{
			"8": {{JobID: "8_1", State: "COMPLETED"}, {JobID: "8_1.batch", State: "COMPLETED"}},
			"9": {{JobID: "9.batch", State: "COMPLETED"}},
		},
	}
	s := NewScheduler(&cluster.Config{ArrayShards: 3}, f)
	ctx := context.Background()
	st, err := s.Status(ctx, "7")
	if err != nil || len(st) != 1 || !st[0].Pending || st[0].Done || !reflect.DeepEqual(st[0].Tasks, []int{0, 1, 2}) {
		t.Errorf("Status(7) = %+v, %v", st, err)
	}
	if j, ok := cluster.Active(st); !ok || j.ID != "7" {
		t.Errorf("Active = %v, %v; want job 7", j, ok)
	}
	st, err = s.Status(ctx, "8")
	if err != nil || len(st) != 1 || st[0].ID != "8_1" || !st[0].Done || st[0].String() != "COMPLETED, exit 0" || !reflect.DeepEqual(st[0].Tasks, []int{1}) {
		t.Errorf("Status(8) from sacct = %+v, %v", st, err)
	}
	if _, ok := cluster.Active(st); ok {
		t.Error("Active of a finished job")
	}
	for _, id := range []string{"9", "10"} {
		if _, err := s.Status(ctx, id); !errors.Is(err, ErrUnknownJob) || !errors.Is(err, cluster.ErrUnknownJob) || err.Error() != "no longer known to Slurm" {
			t.Errorf("Status(%s) error %v; want ErrUnknownJob", id, err)
		}
	}
}

// TestShowJobUnknown: scontrol's "Invalid job id" becomes ErrUnknownJob;
// other failures do not.
func TestShowJobUnknown(t *testing.T) {
	ctx := context.Background()
	r, _, _ := fakeRunner(t, "FAKE_EXIT=1", "FAKE_STDERR=slurm_load_jobs error: Invalid job id specified\n")
	if _, err := r.ShowJob(ctx, "12"); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("ShowJob of an unknown job: %v; want ErrUnknownJob", err)
	}
	r, _, _ = fakeRunner(t, "FAKE_EXIT=1", "FAKE_STDERR=slurm_load_jobs error: Unable to contact slurm controller\n")
	if _, err := r.ShowJob(ctx, "12"); err == nil || errors.Is(err, ErrUnknownJob) {
		t.Errorf("ShowJob with slurmctld down: %v; want another error", err)
	}
}
