package sge

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/netsweep/netsweep/cluster"
)

// fakeCommands answers from the captured outputs.
type fakeCommands struct {
	queue map[string][]QueueEntry
	acct  map[string][]AcctEntry
}

func (f *fakeCommands) Submit(context.Context, SubmitRequest) (string, error) { return "1", nil }
func (f *fakeCommands) Cancel(context.Context, string) error                  { return nil }
func (f *fakeCommands) Queue(_ context.Context, id string) ([]QueueEntry, error) {
	return f.queue[id], nil
}
func (f *fakeCommands) Accounting(_ context.Context, id string) ([]AcctEntry, error) {
	if a, ok := f.acct[id]; ok {
		return a, nil
	}
	return nil, ErrUnknownJob
}

func TestSchedulerStatus(t *testing.T) {
	all, err := ParseQstat([]byte(readFile(t, "qstat-array.xml")))
	if err != nil {
		t.Fatal(err)
	}
	states, err := ParseQstat([]byte(readFile(t, "qstat-states.xml")))
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, states...)
	queue := map[string][]QueueEntry{}
	for _, e := range all {
		queue[e.ID] = append(queue[e.ID], e)
	}
	acct := map[string][]AcctEntry{}
	for _, f := range []string{"qacct-done.txt", "qacct-array.txt", "qacct-h_rt.txt", "qacct-deleted.txt"} {
		es, err := ParseQacct(readFile(t, f))
		if err != nil {
			t.Fatal(err)
		}
		acct[es[0].ID] = es
	}
	fake := &fakeCommands{queue: queue, acct: acct}
	for _, tc := range []struct {
		id     string
		shards int
		want   []cluster.JobStatus
	}{
		{"1", 0, []cluster.JobStatus{{ID: "1", State: "COMPLETED", Done: true, HasExit: true}}},
		// Array job 2: tasks 2 and 3 run, task 1 ended (qacct).
		{"2", 3, []cluster.JobStatus{
			{ID: "2.2", State: "r", Tasks: []int{1}},
			{ID: "2.3", State: "r", Tasks: []int{2}},
			{ID: "2.1", State: "COMPLETED", Done: true, HasExit: true, Tasks: []int{0}},
		}},
		{"3", 3, []cluster.JobStatus{{ID: "3", State: "qw", Reason: "queued", Pending: true, Tasks: []int{0, 1, 2}}}},
		{"4", 0, []cluster.JobStatus{{ID: "4", State: "qw", Reason: "queued", Pending: true}}},
		{"6", 0, []cluster.JobStatus{{ID: "6", State: "FAILED (37  : qmaster enforced h_rt, h_cpu, or h_vmem limit)", Done: true, HasExit: true, Signal: 9}}},
		{"8", 0, []cluster.JobStatus{{ID: "8", State: "FAILED (100 : assumedly after job)", Done: true, HasExit: true, Signal: 12}}},
		{"41", 0, []cluster.JobStatus{{ID: "41", State: "dr"}}},
		{"42", 0, []cluster.JobStatus{{ID: "42", State: "hqw", Reason: "held", Pending: true}}},
		{"43", 10, []cluster.JobStatus{{ID: "43", State: "Eqw", Reason: "error: see qstat -j 43", Tasks: []int{3, 5, 6, 7, 8}}}},
	} {
		s := NewScheduler(&cluster.Config{ArrayShards: tc.shards}, fake)
		got, err := s.Status(context.Background(), tc.id)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Status(%s) =\n%+v, %v\nwant\n%+v", tc.id, got, err, tc.want)
		}
	}
	s := NewScheduler(&cluster.Config{}, fake)
	if _, err := s.Status(context.Background(), "99"); !errors.Is(err, cluster.ErrUnknownJob) {
		t.Errorf("Status of an unknown job: %v; want ErrUnknownJob", err)
	}
	if j, ok := cluster.Active(mustStatus(t, s, "41")); !ok || j.ID != "41" {
		t.Errorf("a job being deleted (dr) is still active until it is gone")
	}
}

func mustStatus(t *testing.T, s *Scheduler, id string) []cluster.JobStatus {
	t.Helper()
	st, err := s.Status(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStatusString(t *testing.T) {
	for _, tc := range []struct {
		j    cluster.JobStatus
		want string
	}{
		{acctStatus(AcctEntry{ID: "1", Failed: "0"}, 0), "COMPLETED, exit 0"},
		{acctStatus(AcctEntry{ID: "1", Failed: "0", Exit: 75}, 0), "EXITED, exit 75"},
		{acctStatus(AcctEntry{ID: "1", Failed: "100 : assumedly after job", Exit: 137}, 0), "FAILED (100 : assumedly after job), killed by signal 9"},
		{queueStatus(QueueEntry{ID: "3", State: "qw"}, 0), "qw (reason queued)"},
	} {
		if got := tc.j.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.j, got, tc.want)
		}
	}
}
