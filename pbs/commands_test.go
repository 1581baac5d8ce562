package pbs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/cluster"
)

// PBS has no Debian package: the files in testdata/ follow the output that
// the PBS Professional 2022 Reference Guide documents for qstat -f -F json
// (the "Jobs" object of job id to attributes; Exit_status a number,
// 256 + the signal for a job killed by one; Variable_List an object) and
// that Torque's qstat(1) documents for qstat -f (a "Job Id:" line, then
// "key = value" lines, long values continued after a tab).
func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestArgs(t *testing.T) {
	for _, tc := range []struct {
		r    SubmitRequest
		want []string
	}{
		{SubmitRequest{Script: "/d/j.sh", LogDir: "/d/slurm/", Env: []string{"NETSWEEP_ATTEMPT=0"}},
			[]string{"-o", "/d/slurm/", "-j", "oe", "-v", "NETSWEEP_ATTEMPT=0", "/d/j.sh"}},
		{SubmitRequest{Script: "-j.sh", Env: []string{"A=1", "B=2"}, Shards: 3},
			[]string{"-v", "A=1,B=2", "-J", "1-3", "./-j.sh"}},
		{SubmitRequest{Script: "j.sh", Flavour: Torque, Shards: 3}, []string{"-t", "1-3", "j.sh"}},
	} {
		if got := QsubArgs(tc.r); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("QsubArgs(%+v) = %q, want %q", tc.r, got, tc.want)
		}
	}
	if got := QstatArgs(PBSPro, "1.s"); !reflect.DeepEqual(got, []string{"-f", "-F", "json", "-x", "-t", "1.s"}) {
		t.Errorf("QstatArgs(pbspro) = %q", got)
	}
	if got := QstatArgs(Torque, "1.s"); !reflect.DeepEqual(got, []string{"-f", "-t", "1.s"}) {
		t.Errorf("QstatArgs(torque) = %q", got)
	}
}

func TestParseQsub(t *testing.T) {
	for out, want := range map[string]string{"1234.pbs01\n": "1234.pbs01", "1234[].pbs01\n": "1234[].pbs01", "77\n": "77"} {
		if id, err := ParseQsub(out); err != nil || id != want {
			t.Errorf("ParseQsub(%q) = %q, %v; want %s", out, id, err, want)
		}
	}
	for _, out := range []string{"", "qsub: Unknown queue", "12;rm", "1.a b"} {
		if id, err := ParseQsub(out); err == nil {
			t.Errorf("ParseQsub(%q) = %q; want an error", out, id)
		}
	}
}

func TestParseQstat(t *testing.T) {
	jobs, err := ParseQstatJSON([]byte(readFile(t, "qstat-pro-array.json")))
	if err != nil {
		t.Fatal(err)
	}
	want := []JobInfo{
		{ID: "1234[1].pbs01", Name: "sir-er", State: "X", HasExit: true, Shard: -1},
		{ID: "1234[2].pbs01", Name: "sir-er", State: "R", Shard: -1},
		{ID: "1234[3].pbs01", Name: "sir-er", State: "Q", Comment: "Not Running: Insufficient amount of resource: ncpus ", Shard: -1},
		{ID: "1234[].pbs01", Name: "sir-er", State: "B", Indices: "3", Shard: -1},
	}
	if !reflect.DeepEqual(jobs, want) {
		t.Errorf("ParseQstatJSON(array) =\n%+v\nwant\n%+v", jobs, want)
	}
	jobs, err = ParseQstatJSON([]byte(readFile(t, "qstat-pro-done.json")))
	if err != nil || len(jobs) != 1 || jobs[0].Exit != 271 || !jobs[0].HasExit || jobs[0].Shard != 1 || jobs[0].State != "F" {
		t.Errorf("ParseQstatJSON(done) = %+v, %v", jobs, err)
	}
	if jobs, err := ParseQstatJSON([]byte(`{"timestamp":1,"pbs_version":"2024.1","pbs_server":"s"}`)); err != nil || len(jobs) != 0 {
		t.Errorf("no Jobs: %+v, %v; want none", jobs, err)
	}
	jobs, err = ParseQstatText(readFile(t, "qstat-torque.txt"))
	wantT := []JobInfo{
		{ID: "5678.torque01", Name: "sir-er", State: "C", HasExit: true, Comment: "Job started on Sun Dec 06 at 03:02", Shard: 2},
		{ID: "5679[1].torque01", Name: "sir-er-1", State: "R", Indices: "1-3", Shard: -1},
	}
	if err != nil || !reflect.DeepEqual(jobs, wantT) {
		t.Errorf("ParseQstatText =\n%+v, %v\nwant\n%+v", jobs, err, wantT)
	}
	for _, bad := range []string{"", "{", `{"Jobs":{"x":{"job_state":"R"}}}`, `{"Jobs":{"1.s":{}}}`, `{"Jobs":{"1.s":{"job_state":"F","Exit_status":1.5}}}`} {
		if jobs, err := ParseQstatJSON([]byte(bad)); err == nil {
			t.Errorf("ParseQstatJSON(%q) = %+v; want an error", bad, jobs)
		}
	}
	for _, bad := range []string{"x = y\n", "Job Id: 1.s\n    job_state R\n", "Job Id: 1.s\n    Job_Name = j\n", "Job Id: 1.s\n    job_state = C\n    exit_status = x\n"} {
		if jobs, err := ParseQstatText(bad); err == nil {
			t.Errorf("ParseQstatText(%q) = %+v; want an error", bad, jobs)
		}
	}
}

// fakeCommands answers Show from the documented outputs.
type fakeCommands struct{ jobs map[string][]JobInfo }

func (f *fakeCommands) Submit(context.Context, SubmitRequest) (string, error) { return "1.s", nil }
func (f *fakeCommands) Cancel(context.Context, string) error                  { return nil }
func (f *fakeCommands) Show(_ context.Context, id string) ([]JobInfo, error) {
	if j, ok := f.jobs[id]; ok {
		return j, nil
	}
	return nil, ErrUnknownJob
}

func TestSchedulerStatus(t *testing.T) {
	arr, _ := ParseQstatJSON([]byte(readFile(t, "qstat-pro-array.json")))
	done, _ := ParseQstatJSON([]byte(readFile(t, "qstat-pro-done.json")))
	tq, _ := ParseQstatText(readFile(t, "qstat-torque.txt"))
	fake := &fakeCommands{jobs: map[string][]JobInfo{
		"1234[].pbs01": arr, "1234[]": arr[3:], "1240.pbs01": done, "5678.torque01": tq[:1],
	}}
	for _, tc := range []struct {
		id   string
		want []cluster.JobStatus
	}{
		{"1234[].pbs01", []cluster.JobStatus{
			{ID: "1234[1].pbs01", State: "FINISHED", Done: true, HasExit: true, Tasks: []int{0}},
			{ID: "1234[2].pbs01", State: "RUNNING", Tasks: []int{1}},
			{ID: "1234[3].pbs01", State: "QUEUED", Pending: true, Reason: "Not Running: Insufficient amount of resource: ncpus ", Tasks: []int{2}},
		}},
		{"1234[]", []cluster.JobStatus{{ID: "1234[].pbs01", State: "RUNNING", Tasks: []int{2}}}},
		{"1240.pbs01", []cluster.JobStatus{{ID: "1240.pbs01", State: "FINISHED", Done: true, HasExit: true, Signal: 15,
			Reason: "Job run at Sun Dec 06 at 03:02 on (node01:ncpus=4) and finished", Tasks: []int{1}}}},
		{"5678.torque01", []cluster.JobStatus{{ID: "5678.torque01", State: "COMPLETED", Done: true, HasExit: true, Reason: "Job started on Sun Dec 06 at 03:02", Tasks: []int{2}}}},
	} {
		s := NewScheduler(&cluster.Config{ArrayShards: 3}, fake)
		got, err := s.Status(context.Background(), tc.id)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Status(%s) =\n%+v, %v\nwant\n%+v", tc.id, got, err, tc.want)
		}
	}
	s := NewScheduler(&cluster.Config{}, fake)
	if _, err := s.Status(context.Background(), "9.s"); !errors.Is(err, cluster.ErrUnknownJob) {
		t.Errorf("Status of an unknown job: %v", err)
	}
}

func fakeRunner(t *testing.T, flavour string, env ...string) (*Runner, *bytes.Buffer, string) {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("testdata", "bin"))
	if err != nil {
		t.Fatal(err)
	}
	args := filepath.Join(t.TempDir(), "args")
	var stderr bytes.Buffer
	r := &Runner{Flavour: flavour, Qsub: filepath.Join(bin, "qsub"), Qstat: filepath.Join(bin, "qstat"), Qdel: filepath.Join(bin, "qdel"),
		Env: append([]string{"FAKE_ARGS=" + args}, env...), Stderr: &stderr}
	return r, &stderr, args
}

func readArgs(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

func TestRunner(t *testing.T) {
	ctx := context.Background()
	abs := func(name string) string { p, _ := filepath.Abs(filepath.Join("testdata", name)); return p }
	r, stderr, args := fakeRunner(t, PBSPro, "FAKE_STDOUT=1234[].pbs01\n", "FAKE_STDERR=qsub: warning\n")
	req := SubmitRequest{Script: "/d/j.sh", LogDir: "/d/slurm/", Env: []string{"NETSWEEP_ATTEMPT=0"}, Shards: 3}
	if id, err := r.Submit(ctx, req); err != nil || id != "1234[].pbs01" {
		t.Fatalf("Submit = %q, %v", id, err)
	}
	if got := readArgs(t, args); !reflect.DeepEqual(got, append([]string{"qsub"}, QsubArgs(req)...)) {
		t.Errorf("qsub ran with %q", got)
	}
	if got := stderr.String(); got != "qsub: qsub: warning\n" {
		t.Errorf("forwarded stderr %q", got)
	}
	r, _, args = fakeRunner(t, PBSPro, "FAKE_STDOUT_FILE="+abs("qstat-pro-array.json"))
	if jobs, err := r.Show(ctx, "1234[].pbs01"); err != nil || len(jobs) != 4 {
		t.Errorf("Show = %+v, %v", jobs, err)
	}
	if got := readArgs(t, args); !reflect.DeepEqual(got, append([]string{"qstat"}, QstatArgs(PBSPro, "1234[].pbs01")...)) {
		t.Errorf("qstat ran with %q", got)
	}
	r, _, _ = fakeRunner(t, Torque, "FAKE_STDOUT_FILE="+abs("qstat-torque.txt"))
	if jobs, err := r.Show(ctx, "5678.torque01"); err != nil || len(jobs) != 2 || jobs[0].State != "C" {
		t.Errorf("Show (torque) = %+v, %v", jobs, err)
	}
	// What PBS Pro and Torque print for a job they do not know.
	for _, msg := range []string{"qstat: Unknown Job Id 99.pbs01\n", "qstat: Unknown Job Id Error 99.torque01\n"} {
		r, _, _ = fakeRunner(t, PBSPro, "FAKE_EXIT=153", "FAKE_STDERR="+msg)
		if _, err := r.Show(ctx, "99.pbs01"); !errors.Is(err, ErrUnknownJob) || !errors.Is(err, cluster.ErrUnknownJob) {
			t.Errorf("Show of an unknown job (%q): %v; want ErrUnknownJob", msg, err)
		}
	}
	r, _, args = fakeRunner(t, PBSPro)
	if err := r.Cancel(ctx, "1234[].pbs01"); err != nil {
		t.Fatal(err)
	}
	if got := readArgs(t, args); !reflect.DeepEqual(got, []string{"qdel", "1234[].pbs01"}) {
		t.Errorf("qdel ran with %q", got)
	}
	for _, id := range []string{"", "5;rm", "-5", "5 6", "x.s"} {
		if err := r.Cancel(ctx, id); err == nil {
			t.Errorf("Cancel(%q) accepted a bad id", id)
		}
	}
	dir := t.TempDir()
	AppendJobID(dir, "1234[].pbs01")
	AppendJobID(dir, "1240.pbs01")
	if ids, err := ReadJobIDs(dir); err != nil || !reflect.DeepEqual(ids, []string{"1234[].pbs01", "1240.pbs01"}) {
		t.Errorf("ReadJobIDs = %v, %v", ids, err)
	}
}

// FuzzParsers feeds arbitrary text to every output parser: none may
// panic, and what they accept must hold together.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"qstat-pro-array.json", "qstat-pro-done.json", "qstat-torque.txt"} {
		f.Add(readFile(f, s))
	}
	for _, s := range []string{"", "1.s\n", "{}", "Job Id: 1.s\n", "1-3:1,x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if id, err := ParseQsub(s); err == nil && !idRE.MatchString(id) {
			t.Fatalf("ParseQsub(%q) = %q", s, id)
		}
		for _, parse := range []func() ([]JobInfo, error){
			func() ([]JobInfo, error) { return ParseQstatJSON([]byte(s)) },
			func() ([]JobInfo, error) { return ParseQstatText(s) },
		} {
			if jobs, err := parse(); err == nil {
				for _, j := range jobs {
					if !idRE.MatchString(j.ID) || j.State == "" || j.Shard < -1 {
						t.Fatalf("parsed %q into %+v", s, j)
					}
					for _, task := range status(j, 3).Tasks {
						if task < 0 || task >= 3 {
							t.Fatalf("status of %+v gave task %d", j, task)
						}
					}
				}
			}
		}
	})
}
