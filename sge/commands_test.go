package sge

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

// The files in testdata/ are the output of a real Grid Engine 8.1.9
// (Debian bookworm's gridengine packages, the cell of scripts/sge-local.sh),
// captured with the commands named in each test; qstat-states.xml has the
// same elements, with the states a busy cluster shows (dr, hqw, Eqw).
func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestQsubArgs(t *testing.T) {
	got := QsubArgs(SubmitRequest{Script: "-odd.sh", LogDir: "/d/slurm/", Env: []string{"NETSWEEP_ATTEMPT=0", "A=b c"}, Args: []string{"-h"}})
	want := []string{"-terse", "-o", "/d/slurm/", "-j", "y", "-v", "NETSWEEP_ATTEMPT=0", "-v", "A=b c", "-h", "./-odd.sh"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("QsubArgs = %q, want %q", got, want)
	}
	if got := QstatArgs(); !reflect.DeepEqual(got, []string{"-xml", "-u", "*"}) {
		t.Errorf("QstatArgs = %q", got)
	}
}

func TestParseQsub(t *testing.T) {
	for out, want := range map[string]string{"1\n": "1", "2.1-3:1\n": "2", "warning: x\n17\n": "17"} {
		if id, err := ParseQsub(out); err != nil || id != want {
			t.Errorf("ParseQsub(%q) = %q, %v; want %s", out, id, err, want)
		}
	}
	for _, out := range []string{"", "Your job 5 (\"x\") has been submitted\n", "5;rm", "5.x"} {
		if id, err := ParseQsub(out); err == nil {
			t.Errorf("ParseQsub(%q) = %q; want an error", out, id)
		}
	}
}

func TestParseQstat(t *testing.T) {
	// qstat -xml with job 2 (an array of 3 tasks) running tasks 2 and 3,
	// array job 3 pending and job 4 pending.
	es, err := ParseQstat([]byte(readFile(t, "qstat-array.xml")))
	if err != nil {
		t.Fatal(err)
	}
	want := []QueueEntry{
		{ID: "2", Name: "tryit", State: "r", Queue: "all.q@vm", Slots: 1, Tasks: "2"},
		{ID: "2", Name: "tryit", State: "r", Queue: "all.q@vm", Slots: 1, Tasks: "3"},
		{ID: "3", Name: "tryit", State: "qw", Slots: 1, Tasks: "1-3:1"},
		{ID: "4", Name: "tryit", State: "qw", Slots: 1},
	}
	if !reflect.DeepEqual(es, want) {
		t.Errorf("ParseQstat =\n%+v\nwant\n%+v", es, want)
	}
	for _, bad := range []string{"", "<job_info><job_info><job_list><state>r</state></job_list></job_info></job_info>", "<job_info><queue_info><job_list><JB_job_number>1</JB_job_number><state>r</state><slots>x</slots></job_list></queue_info></job_info>", "not xml"} {
		if es, err := ParseQstat([]byte(bad)); err == nil {
			t.Errorf("ParseQstat(%q) = %+v; want an error", bad, es)
		}
	}
}

func TestParseQacct(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []AcctEntry // Fields not compared
	}{
		{"qacct-done.txt", []AcctEntry{{ID: "1", Name: "tryit", Failed: "0", Exit: 0}}},
		{"qacct-array.txt", []AcctEntry{{ID: "2", Name: "tryit", Task: 1, Failed: "0", Exit: 0}}},
		{"qacct-h_rt.txt", []AcctEntry{{ID: "6", Name: "s.sh", Failed: "37  : qmaster enforced h_rt, h_cpu, or h_vmem limit", Exit: 137}}},
		{"qacct-deleted.txt", []AcctEntry{{ID: "8", Name: "s.sh", Failed: "100 : assumedly after job", Exit: 140}}},
	} {
		es, err := ParseQacct(readFile(t, tc.file))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		for i := range es {
			if es[i].Fields["qname"] != "all.q" {
				t.Errorf("%s: qname %q", tc.file, es[i].Fields["qname"])
			}
			es[i].Fields = nil
		}
		if !reflect.DeepEqual(es, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.file, es, tc.want)
		}
	}
	for _, bad := range []string{"jobnumber 1\n", "====\njobnumber x\nfailed 0\nexit_status 0\n", "====\njobnumber 1\nexit_status 0\n", "====\njobnumber 1\nfailed 0\nexit_status -1\n", "====\njobnumber 1\nfailed 0\nexit_status 0\ntaskid 0\n"} {
		if es, err := ParseQacct(bad); err == nil {
			t.Errorf("ParseQacct(%q) = %+v; want an error", bad, es)
		}
	}
}

// FuzzParsers feeds arbitrary text to every output parser: none may
// panic, and what they accept must hold together.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"qstat-array.xml", "qstat-states.xml", "qacct-done.txt", "qacct-h_rt.txt"} {
		f.Add(readFile(f, s))
	}
	for _, s := range []string{"", "5\n", "5.1-3:1", "====\n", "<job_info/>", "1-3:1,x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if id, err := ParseQsub(s); err == nil && !idRE.MatchString(id) {
			t.Fatalf("ParseQsub(%q) = %q", s, id)
		}
		if es, err := ParseQstat([]byte(s)); err == nil {
			for _, e := range es {
				if !idRE.MatchString(e.ID) || e.State == "" {
					t.Fatalf("ParseQstat(%q) gave %+v", s, e)
				}
			}
		}
		if es, err := ParseQacct(s); err == nil {
			for _, e := range es {
				if !idRE.MatchString(e.ID) || e.Exit < 0 || e.Task < 0 || e.Failed == "" {
					t.Fatalf("ParseQacct(%q) gave %+v", s, e)
				}
			}
		}
		for _, k := range []int{0, 3} {
			for _, task := range cluster.ArrayTasks(s, k) {
				if task < 0 || task >= k {
					t.Fatalf("ArrayTasks(%q, %d) gave %d", s, k, task)
				}
			}
		}
	})
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
		Qsub: filepath.Join(bin, "qsub"), Qstat: filepath.Join(bin, "qstat"), Qacct: filepath.Join(bin, "qacct"), Qdel: filepath.Join(bin, "qdel"),
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
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

func TestRunnerSubmit(t *testing.T) {
	r, stderr, args := fakeRunner(t, "FAKE_STDOUT=77.1-3:1\n", "FAKE_STDERR=warning: one\ntwo")
	req := SubmitRequest{Script: "/d/j.sh", LogDir: "/d/slurm/", Env: []string{"NETSWEEP_ATTEMPT=0"}}
	id, err := r.Submit(context.Background(), req)
	if err != nil || id != "77" {
		t.Fatalf("Submit = %q, %v; want 77", id, err)
	}
	if got, want := readArgs(t, args), append([]string{"qsub"}, QsubArgs(req)...); !reflect.DeepEqual(got, want) {
		t.Errorf("qsub ran with %q, want %q", got, want)
	}
	if got, want := stderr.String(), "qsub: warning: one\nqsub: two\n"; got != want {
		t.Errorf("forwarded stderr %q, want %q", got, want)
	}
}

func TestRunnerCommands(t *testing.T) {
	ctx := context.Background()
	abs := func(name string) string { p, _ := filepath.Abs(filepath.Join("testdata", name)); return p }

	r, _, args := fakeRunner(t, "FAKE_STDOUT_FILE="+abs("qstat-array.xml"))
	es, err := r.Queue(ctx, "2")
	if err != nil || len(es) != 2 || es[0].Tasks != "2" || es[1].Tasks != "3" {
		t.Errorf("Queue(2) = %+v, %v; want the two running tasks", es, err)
	}
	if got := readArgs(t, args); !reflect.DeepEqual(got, append([]string{"qstat"}, QstatArgs()...)) {
		t.Errorf("qstat ran with %q", got)
	}
	if es, err := r.Queue(ctx, "99"); err != nil || len(es) != 0 {
		t.Errorf("Queue(99) = %+v, %v; want none", es, err)
	}

	r, _, args = fakeRunner(t, "FAKE_STDOUT_FILE="+abs("qacct-h_rt.txt"))
	if as, err := r.Accounting(ctx, "6"); err != nil || len(as) != 1 || as[0].Exit != 137 {
		t.Errorf("Accounting(6) = %+v, %v", as, err)
	}
	if got := readArgs(t, args); !reflect.DeepEqual(got, []string{"qacct", "-j", "6"}) {
		t.Errorf("qacct ran with %q", got)
	}

	// What Grid Engine 8.1.9 says of a job it does not know.
	r, _, _ = fakeRunner(t, "FAKE_EXIT=1", "FAKE_STDERR=error: job id 99 not found\n")
	if _, err := r.Accounting(ctx, "99"); !errors.Is(err, ErrUnknownJob) || !errors.Is(err, cluster.ErrUnknownJob) || !strings.Contains(err.Error(), "job id 99 not found") {
		t.Errorf("Accounting of an unknown job: %v; want ErrUnknownJob with qacct's message", err)
	}
	r, stderr, args := fakeRunner(t, "FAKE_EXIT=1", "FAKE_STDOUT=denied: job \"99\" does not exist\n")
	if err := r.Cancel(ctx, "99"); !errors.Is(err, ErrUnknownJob) || !strings.Contains(err.Error(), `job "99" does not exist`) {
		t.Errorf("Cancel of an unknown job: %v; want ErrUnknownJob with qdel's message", err)
	}
	if got := readArgs(t, args); !reflect.DeepEqual(got, []string{"qdel", "99"}) {
		t.Errorf("qdel ran with %q", got)
	}
	for _, id := range []string{"", "5;rm", "-5", "5 6", "5.1"} {
		if err := r.Cancel(ctx, id); err == nil || !strings.Contains(err.Error(), "bad job id") {
			t.Errorf("Cancel(%q) = %v; want a bad job id error", id, err)
		}
	}
	_ = stderr
	missing := &Runner{Qsub: "/nonexistent/qsub", Stderr: stderr}
	if _, err := missing.Submit(ctx, SubmitRequest{Script: "x"}); err == nil || !strings.Contains(err.Error(), "/nonexistent/qsub") {
		t.Errorf("Submit with a missing qsub = %v", err)
	}
}

func TestJobIDs(t *testing.T) {
	dir := t.TempDir()
	if ids, err := ReadJobIDs(dir); err != nil || ids != nil {
		t.Fatalf("ReadJobIDs of a new dir = %v, %v", ids, err)
	}
	for _, id := range []string{"5", "12"} {
		if err := AppendJobID(dir, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := AppendJobID(dir, "5.1"); err == nil {
		t.Error("AppendJobID accepted a task id")
	}
	os.WriteFile(JobsFile(dir), []byte("5\n12\ngarbage\n"), 0o644)
	if ids, err := ReadJobIDs(dir); err != nil || !reflect.DeepEqual(ids, []string{"5", "12"}) {
		t.Errorf("ReadJobIDs = %v, %v", ids, err)
	}
}
