package slurm

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/internal/jobtest"
)

func TestArgs(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"sbatch", SbatchArgs(SubmitRequest{Script: "/d/job.sbatch"}), []string{"--parsable", "--export=ALL", "/d/job.sbatch"}},
		{"sbatch-all", SbatchArgs(SubmitRequest{Script: "job file.sbatch", Output: "/d 1/slurm/%x-%j.out", Args: []string{"--dependency=afterok:12", "--hold"}}),
			[]string{"--parsable", "--export=ALL", "--output=/d 1/slurm/%x-%j.out", "--dependency=afterok:12", "--hold", "job file.sbatch"}},
		{"sbatch-dash", SbatchArgs(SubmitRequest{Script: "-job.sbatch"}), []string{"--parsable", "--export=ALL", "./-job.sbatch"}},
		{"squeue", SqueueArgs("123"), []string{"--noheader", "--states=all", "--jobs=123", "--format=%i|%T|%r"}},
		{"scontrol", ScontrolShowJobArgs("123_4"), []string{"--oneliner", "show", "job", "123_4"}},
		{"sacct", SacctArgs("123"), []string{"--parsable2", "--noheader", "--jobs=123", "--format=JobID,JobName,State,ExitCode"}},
		{"scancel", ScancelArgs("123"), []string{"123"}},
		{"signal", SignalArgs("123", "USR1"), []string{"--batch", "--signal=USR1", "123"}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestParseSbatch(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"123\n", "123"},
		{"123;cluster\n", "123"},
		{"sbatch: warning: x\n456\n", "456"},
		{"", ""},
		{"Submitted batch job 123\n", ""},
		{"12a\n", ""},
		{";c\n", ""},
	} {
		got, err := ParseSbatch(tc.in)
		if (err != nil) != (tc.want == "") || got != tc.want {
			t.Errorf("ParseSbatch(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParseSqueue(t *testing.T) {
	got, err := ParseSqueue("12|RUNNING|None\n13_0|PENDING|Resources\n\n13_1|PENDING|Reason|with bar\n")
	want := []QueueEntry{{"12", "RUNNING", "None"}, {"13_0", "PENDING", "Resources"}, {"13_1", "PENDING", "Reason|with bar"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSqueue = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"12 RUNNING\n", "|RUNNING|x\n", "12||x\n"} {
		if _, err := ParseSqueue(bad); err == nil {
			t.Errorf("ParseSqueue(%q) succeeded", bad)
		}
	}
}

// scontrolOut is real `scontrol --oneliner show job` output from Slurm
// 22.05 (scripts/slurm-local.sh), shortened, with a Command path that has
// a space in it.
const scontrolOut = `JobId=7 JobName=netsweep-test UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901753 Nice=0 Account=(null) QOS=(null) JobState=CANCELLED Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:15 RunTime=00:00:02 TimeLimit=00:01:00 TimeMin=N/A SubmitTime=2026-11-23T22:40:01 Partition=debug NodeList=vm BatchHost=vm NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,mem=21695M,node=1,billing=1 Socks/Node=* Features=(null) Command=/tmp/my dir/job.sbatch WorkDir=/tmp StdOut=/tmp/my dir/slurm-7.out Power=
JobId=9 ArrayJobId=8 ArrayTaskId=1 JobName=arr JobState=COMPLETED Reason=None ExitCode=75:0
`

func TestParseScontrol(t *testing.T) {
	jobs, err := ParseScontrol(scontrolOut)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 {
		t.Fatalf("got %d jobs, want 2", len(jobs))
	}
	j := jobs[0]
	for _, c := range []struct{ got, want string }{
		{j.ID, "7"}, {j.Name, "netsweep-test"}, {j.State, "CANCELLED"}, {j.Reason, "None"},
		{j.Fields["Command"], "/tmp/my dir/job.sbatch"}, {j.Fields["StdOut"], "/tmp/my dir/slurm-7.out"},
		{j.Fields["TRES"], "cpu=1,mem=21695M,node=1,billing=1"}, {j.Fields["ReqB:S:C:T"], "0:0:*:*"},
		{j.Fields["Socks/Node"], "*"}, {j.Fields["Power"], ""}, {j.Fields["TimeLimit"], "00:01:00"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if j.ExitCode != 0 || j.Signal != 15 {
		t.Errorf("ExitCode, Signal = %d, %d; want 0, 15", j.ExitCode, j.Signal)
	}
	if a := jobs[1]; a.ID != "8_1" || a.State != "COMPLETED" || a.ExitCode != 75 {
		t.Errorf("array task = %+v; want ID 8_1, COMPLETED, exit 75", a)
	}
	for _, bad := range []string{"garbage\n", "JobId=1\n", "JobState=RUNNING\n", "JobId=1 JobState=X ExitCode=1\n", "JobId=1 JobState=X ExitCode=a:b\n"} {
		if _, err := ParseScontrol(bad); err == nil {
			t.Errorf("ParseScontrol(%q) succeeded", bad)
		}
	}
}

func TestParseSacct(t *testing.T) {
	got, err := ParseSacct("12|job|COMPLETED|0:0\n12.batch|batch|COMPLETED|0:0\n13|x|CANCELLED by 0|0:15\n14_2|y|FAILED|75:0\n")
	want := []AcctEntry{
		{"12", "job", "COMPLETED", 0, 0}, {"12.batch", "batch", "COMPLETED", 0, 0},
		{"13", "x", "CANCELLED", 0, 15}, {"14_2", "y", "FAILED", 75, 0},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSacct = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"12|COMPLETED|0:0\n", "12|j||0:0\n", "12|j|COMPLETED|0\n", "|j|X|0:0\n"} {
		if _, err := ParseSacct(bad); err == nil {
			t.Errorf("ParseSacct(%q) succeeded", bad)
		}
	}
}

func TestTerminal(t *testing.T) {
	for state, want := range map[string]bool{
		"COMPLETED": true, "FAILED": true, "CANCELLED": true, "TIMEOUT": true, "OUT_OF_MEMORY": true,
		"PENDING": false, "RUNNING": false, "COMPLETING": false, "CONFIGURING": false, "SUSPENDED": false, "REQUEUED": false,
	} {
		if Terminal(state) != want {
			t.Errorf("Terminal(%s) = %v", state, !want)
		}
	}
}

// FuzzParsers feeds arbitrary text to every output parser: none may
// panic, and what they accept must hold together.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{scontrolOut, "12|RUNNING|None\n", "12|j|COMPLETED|0:0\n", "123;c\n", "", "=", "A= B=C D", "|||", "1:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if id, err := ParseSbatch(s); err == nil && !plainIDRE.MatchString(id) {
			t.Fatalf("ParseSbatch(%q) = %q", s, id)
		}
		if es, err := ParseSqueue(s); err == nil {
			for _, e := range es {
				if e.ID == "" || e.State == "" || strings.Contains(e.ID, "|") || strings.Contains(e.State, "|") {
					t.Fatalf("ParseSqueue(%q) gave %+v", s, e)
				}
			}
		}
		if jobs, err := ParseScontrol(s); err == nil {
			for _, j := range jobs {
				if j.ID == "" || j.State == "" || j.ExitCode < 0 || j.Signal < 0 {
					t.Fatalf("ParseScontrol(%q) gave %+v", s, j)
				}
				// Writing the fields back as one line parses to the same fields.
				var words []string
				for k, v := range j.Fields {
					words = append(words, k+"="+v)
				}
				again, err := ParseScontrol(strings.Join(words, " "))
				if err != nil || len(again) != 1 {
					t.Fatalf("fields %q do not parse back: %v", words, err)
				}
				if !reflect.DeepEqual(again[0].Fields, j.Fields) && !anyValueLooksLikeKey(j.Fields) {
					t.Fatalf("fields %v parse back as %v", j.Fields, again[0].Fields)
				}
			}
		}
		if es, err := ParseSacct(s); err == nil {
			for _, e := range es {
				if e.JobID == "" || e.State == "" || strings.Contains(e.State, " ") || e.ExitCode < 0 {
					t.Fatalf("ParseSacct(%q) gave %+v", s, e)
				}
			}
		}
	})
}

// anyValueLooksLikeKey reports whether a value holds a word that starts
// like a key, or runs of spaces: such values cannot round-trip.
func anyValueLooksLikeKey(f map[string]string) bool {
	for _, v := range f {
		ws := strings.Fields(v)
		if strings.Join(ws, " ") != v {
			return true
		}
		for i, w := range ws {
			if i > 0 && keyRE.MatchString(w) {
				return true
			}
		}
	}
	return false
}

func fakeRunner(t *testing.T, env ...string) (*Runner, *bytes.Buffer, string) {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("testdata", "bin"))
	if err != nil {
		t.Fatal(err)
	}
	args := filepath.Join(t.TempDir(), "args")
	var stderr bytes.Buffer
	r := &Runner{
		Sbatch: filepath.Join(bin, "sbatch"), Squeue: filepath.Join(bin, "squeue"), Scontrol: filepath.Join(bin, "scontrol"),
		Sacct: filepath.Join(bin, "sacct"), Scancel: filepath.Join(bin, "scancel"),
		Env: append([]string{"FAKE_ARGS=" + args}, env...), Stderr: &stderr,
	}
	return r, &stderr, args
}

func readArgs(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return jobtest.SplitNUL(b)
}

func TestRunnerSubmit(t *testing.T) {
	r, stderr, args := fakeRunner(t, "FAKE_STDOUT=77;cl\n", "FAKE_STDERR=sbatch: warning: one\ntwo")
	id, err := r.Submit(context.Background(), SubmitRequest{Script: "/d/j.sbatch", Output: "/d/%j.out", Env: []string{"FAKE_EXTRA=1"}})
	if err != nil || id != "77" {
		t.Fatalf("Submit = %q, %v; want 77", id, err)
	}
	if got, want := readArgs(t, args), append([]string{"sbatch"}, SbatchArgs(SubmitRequest{Script: "/d/j.sbatch", Output: "/d/%j.out"})...); !reflect.DeepEqual(got, want) {
		t.Errorf("sbatch ran with %q, want %q", got, want)
	}
	if got, want := stderr.String(), "sbatch: sbatch: warning: one\nsbatch: two\n"; got != want {
		t.Errorf("forwarded stderr %q, want %q", got, want)
	}
}

func TestRunnerErrors(t *testing.T) {
	ctx := context.Background()
	r, stderr, _ := fakeRunner(t, "FAKE_EXIT=1", "FAKE_STDERR=slurm_load_jobs error: Invalid job id specified\n")
	_, err := r.ShowJob(ctx, "5")
	if err == nil || !strings.Contains(err.Error(), "Invalid job id specified") || !strings.HasPrefix(err.Error(), "slurm: scontrol --oneliner show job 5 failed: exit status 1") {
		t.Errorf("ShowJob error = %v; want the command and its stderr", err)
	}
	if !strings.HasPrefix(stderr.String(), "scontrol: slurm_load_jobs error") {
		t.Errorf("stderr not forwarded with a prefix: %q", stderr.String())
	}
	for _, id := range []string{"", "5;rm", "-5", "5 6", "abc"} {
		if err := r.Cancel(ctx, id); err == nil || !strings.Contains(err.Error(), "bad job id") {
			t.Errorf("Cancel(%q) = %v; want a bad job id error", id, err)
		}
	}
	if err := r.Signal(ctx, "5", "USR1;x"); err == nil {
		t.Error("Signal accepted a bad signal name")
	}
	missing := &Runner{Sbatch: "/nonexistent/sbatch", Stderr: stderr}
	if _, err := missing.Submit(ctx, SubmitRequest{Script: "x"}); err == nil || !strings.Contains(err.Error(), "/nonexistent/sbatch") {
		t.Errorf("Submit with a missing sbatch = %v", err)
	}
	bad, _, _ := fakeRunner(t, "FAKE_STDOUT=Submitted batch job 5\n")
	if _, err := bad.Submit(ctx, SubmitRequest{Script: "x"}); err == nil {
		t.Error("Submit accepted output without --parsable")
	}
}

func TestRunnerCommands(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, stdout string
		run          func(r *Runner) (any, error)
		want         any
		args         []string
	}{
		{"queue", "5|RUNNING|None\n", func(r *Runner) (any, error) { return r.Queue(ctx, "5") },
			[]QueueEntry{{"5", "RUNNING", "None"}}, append([]string{"squeue"}, SqueueArgs("5")...)},
		{"accounting", "5|j|TIMEOUT|0:0\n", func(r *Runner) (any, error) { return r.Accounting(ctx, "5") },
			[]AcctEntry{{"5", "j", "TIMEOUT", 0, 0}}, append([]string{"sacct"}, SacctArgs("5")...)},
		{"cancel", "", func(r *Runner) (any, error) { return nil, r.Cancel(ctx, "5_2") },
			nil, []string{"scancel", "5_2"}},
		{"signal", "", func(r *Runner) (any, error) { return nil, r.Signal(ctx, "5", "USR1") },
			nil, append([]string{"scancel"}, SignalArgs("5", "USR1")...)},
		{"wait", "JobId=5 JobName=j JobState=COMPLETED Reason=None ExitCode=0:0\n", func(r *Runner) (any, error) {
			jobs, err := r.Wait(ctx, "5", time.Millisecond)
			if err != nil {
				return nil, err
			}
			return jobs[0].State, nil
		}, "COMPLETED", append([]string{"scontrol"}, ScontrolShowJobArgs("5")...)},
	} {
		r, _, args := fakeRunner(t, "FAKE_STDOUT="+tc.stdout)
		got, err := tc.run(r)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, %v; want %v", tc.name, got, err, tc.want)
		}
		if a := readArgs(t, args); !reflect.DeepEqual(a, tc.args) {
			t.Errorf("%s: ran %q, want %q", tc.name, a, tc.args)
		}
	}
}

func TestWaitCancelled(t *testing.T) {
	r, _, _ := fakeRunner(t, "FAKE_STDOUT=JobId=5 JobName=j JobState=RUNNING Reason=None\n")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := r.Wait(ctx, "5", 5*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait on a running job with an expiring context = %v", err)
	}
}

func TestAppendJobID(t *testing.T) {
	dir := t.TempDir()
	for _, id := range []string{"12", "13"} {
		if err := AppendJobID(dir, id); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := os.ReadFile(JobsFile(dir)); err != nil || string(b) != "12\n13\n" {
		t.Errorf("jobs file %q, %v", b, err)
	}
	if err := AppendJobID(dir, "1\n2"); err == nil {
		t.Error("AppendJobID accepted a bad id")
	}
}

func TestReadJobIDs(t *testing.T) {
	dir := t.TempDir()
	if ids, err := ReadJobIDs(dir); ids != nil || err != nil {
		t.Errorf("no jobs file: %v, %v; want none", ids, err)
	}
	os.MkdirAll(filepath.Join(dir, "slurm"), 0o755)
	os.WriteFile(JobsFile(dir), []byte("12\n13_1\n\ngarbage\n14\n"), 0o644)
	if ids, err := ReadJobIDs(dir); err != nil || !reflect.DeepEqual(ids, []string{"12", "13_1", "14"}) {
		t.Errorf("ReadJobIDs = %v, %v", ids, err)
	}
}
