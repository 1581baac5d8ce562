package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/slurm"
)

var update = flag.Bool("update", false, "rewrite the golden job scripts in testdata/golden")

// defaultCluster is added to the examples that have no [cluster] table, so
// every example renders to a golden script.
const defaultCluster = `
[cluster]
time = "1:00:00"
ntasks = 4
`

// TestRenderGolden renders every example spec to its job script and
// compares it with testdata/golden/EXAMPLE.sbatch (go test -run
// RenderGolden -update rewrites them).
func TestRenderGolden(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			specPath := f
			if !bytes.Contains(text, []byte("\n[cluster]")) {
				specPath = writeSpec(t, string(text)+defaultCluster)
				linkExampleData(t, filepath.Dir(specPath))
			}
			out := filepath.Join(t.TempDir(), "job.sbatch")
			if code, msg := netsweep(t, "render", specPath, "--scheduler", "slurm", "--out", "/campaigns/"+name, "-o", out); code != 0 {
				t.Fatalf("render: exit %d: %s", code, msg)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if fi, _ := os.Stat(out); fi.Mode()&0o100 == 0 {
				t.Errorf("-o wrote %s without the execute bit: %v", out, fi.Mode())
			}
			// Without -o the script goes to stdout, unchanged.
			var stdout, stderr bytes.Buffer
			if err := dispatch(context.Background(), []string{"render", specPath, "--out", "/campaigns/" + name}, &stdout, &stderr); err != nil || stdout.String() != string(got) {
				t.Errorf("render to stdout: %v; differs from -o: %v", err, stdout.String() != string(got))
			}
			checkGolden(t, got, name+".sbatch", "RenderGolden")
			for _, line := range []string{
				"spec=/campaigns/" + name + "/spec.toml\n",
				"dir=/campaigns/" + name + "\n",
				"script=/campaigns/" + name + "/slurm/job.sbatch\n",
			} {
				if !strings.Contains(string(got), line) {
					t.Errorf("the script lacks %q", line)
				}
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	noCluster := writeSpec(t, minimalSpec)
	withCluster := writeSpec(t, minimalSpec+defaultCluster)
	badCluster := writeSpec(t, minimalSpec+"\n[cluster]\nntasks = 2\n")
	for _, tc := range []struct {
		args []string
		want string // in the message
	}{
		{[]string{"render"}, "usage: netsweep render"},
		{[]string{"render", noCluster}, "has no [cluster] table"},
		{[]string{"render", noCluster}, noCluster},
		{[]string{"render", withCluster, "--scheduler", "lsf"}, "want slurm or sge or pbs or rocks"},
		{[]string{"render", withCluster, "--scheduler", "lsf"}, `unknown --scheduler "lsf"`},
		{[]string{"render", badCluster}, "cluster.time"},
		{[]string{"submit", noCluster}, "has no [cluster] table"},
		{[]string{"submit"}, "usage: netsweep submit"},
		{[]string{"cancel"}, "usage: netsweep cancel"},
	} {
		code, msg := netsweep(t, tc.args...)
		if code != exitUsage || !strings.Contains(msg, tc.want) {
			t.Errorf("%q: exit %d, %q; want exit %d and %q", tc.args, code, msg, exitUsage, tc.want)
		}
	}
}

const minimalSpec = `name = "slurm-unit"
seed = 3
repetitions = 10

[network]
generator = "er"
n = 200
mean_degree = 3.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0
seeds = 1

[sweep]
"process.beta" = [0.5, 1.0]
`

// fakeSlurm stands in for slurm.Runner: it answers from its tables and
// records what it was asked.
type fakeSlurm struct {
	jobs      map[string][]slurm.JobInfo // ShowJob's answers; others are unknown
	acct      map[string][]slurm.AcctEntry
	nextID    int
	submitted []slurm.SubmitRequest
	cancelled []string
	onCancel  func(id string)
}

func (f *fakeSlurm) Submit(_ context.Context, req slurm.SubmitRequest) (string, error) {
	f.submitted = append(f.submitted, req)
	f.nextID++
	id := strconv.Itoa(f.nextID)
	f.jobs[id] = []slurm.JobInfo{{ID: id, State: "PENDING", Reason: "Priority"}}
	return id, nil
}

func (f *fakeSlurm) ShowJob(_ context.Context, id string) ([]slurm.JobInfo, error) {
	if j, ok := f.jobs[id]; ok {
		return j, nil
	}
	return nil, fmt.Errorf("slurm: scontrol --oneliner show job %s failed: exit status 1: slurm_load_jobs error: Invalid job id specified (%w)", id, slurm.ErrUnknownJob)
}

func (f *fakeSlurm) Accounting(_ context.Context, id string) ([]slurm.AcctEntry, error) {
	if a, ok := f.acct[id]; ok {
		return a, nil
	}
	return nil, errors.New("slurm: sacct failed: Slurm accounting storage is disabled")
}

func (f *fakeSlurm) Cancel(_ context.Context, id string) error {
	f.cancelled = append(f.cancelled, id)
	for i := range f.jobs[id] {
		f.jobs[id][i].State = "CANCELLED"
	}
	if f.onCancel != nil {
		f.onCancel(id)
	}
	return nil
}

// useFake makes the commands talk to f for the rest of the test.
func useFake(t *testing.T, f *fakeSlurm) {
	t.Helper()
	old := openBackend
	openBackend = func(c *cluster.Config, name string, _ io.Writer) (cluster.Backend, error) {
		if name != "" && name != "slurm" {
			return old(c, name, io.Discard)
		}
		return slurm.NewScheduler(c, f), nil
	}
	t.Cleanup(func() { openBackend = old })
}

func writeJobs(t *testing.T, dir string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := slurm.AppendJobID(dir, id); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSubmit(t *testing.T) {
	f := &fakeSlurm{jobs: map[string][]slurm.JobInfo{}, nextID: 40}
	useFake(t, f)
	specPath := writeSpec(t, minimalSpec+defaultCluster+"max_resubmits = 2\n")
	dir := filepath.Join(t.TempDir(), "camp")
	var stdout, stderr bytes.Buffer
	if err := dispatch(context.Background(), []string{"submit", specPath, "--out", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("submit: %v\n%s", err, stderr.String())
	}
	if stdout.String() != "41\n" {
		t.Errorf("stdout %q; want the job id alone", stdout.String())
	}
	if !strings.Contains(stderr.String(), "job 41") || !strings.Contains(stderr.String(), "netsweep status "+dir) {
		t.Errorf("stderr %q does not name the job and how to follow it", stderr.String())
	}
	// The job runs a copy of the spec: editing the user's file changes nothing.
	orig, _ := os.ReadFile(specPath)
	os.WriteFile(specPath, []byte("edited"), 0o644)
	if b, err := os.ReadFile(filepath.Join(dir, "spec.toml")); err != nil || !bytes.Equal(b, orig) {
		t.Errorf("DIR/spec.toml is not a copy of the spec: %v", err)
	}
	os.WriteFile(specPath, orig, 0o644)
	script, err := os.ReadFile(filepath.Join(dir, "slurm", "job.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	var rendered bytes.Buffer
	if err := dispatch(context.Background(), []string{"render", specPath, "--out", dir}, &rendered, &stderr); err != nil || rendered.String() != string(script) {
		t.Errorf("the submitted script differs from render's: %v", err)
	}
	want := slurm.SubmitRequest{
		Script: filepath.Join(dir, "slurm", "job.sbatch"),
		Output: filepath.Join(dir, "slurm", "%x-%j.out"),
		Env:    []string{"NETSWEEP_ATTEMPT=0"},
	}
	if len(f.submitted) != 1 || !reflect.DeepEqual(f.submitted[0], want) {
		t.Errorf("sbatch got %+v; want %+v", f.submitted, want)
	}
	if ids, _ := slurm.ReadJobIDs(dir); !reflect.DeepEqual(ids, []string{"41"}) {
		t.Errorf("jobs file lists %v; want [41]", ids)
	}

	// While job 41 is pending or running, a second submit is refused.
	for _, state := range []string{"PENDING", "RUNNING"} {
		f.jobs["41"][0].State = state
		code, msg := netsweep(t, "submit", specPath, "--out", dir)
		if code != exitFailure || !strings.Contains(msg, "job 41 "+state) || !strings.Contains(msg, "netsweep cancel "+dir) {
			t.Errorf("submit with job 41 %s: exit %d, %q; want a refusal naming the job and cancel", state, code, msg)
		}
	}
	if len(f.submitted) != 1 {
		t.Fatalf("a refused submit ran sbatch")
	}
	// Once it has ended (or Slurm forgot it), submitting again resumes.
	f.jobs["41"][0].State = "TIMEOUT"
	if code, msg := netsweep(t, "submit", specPath, "--out", dir); code != 0 {
		t.Fatalf("resubmit after TIMEOUT: exit %d: %s", code, msg)
	}
	delete(f.jobs, "41")
	delete(f.jobs, "42")
	if code, msg := netsweep(t, "submit", specPath, "--out", dir); code != 0 {
		t.Fatalf("resubmit after the jobs were forgotten: exit %d: %s", code, msg)
	}
	if ids, _ := slurm.ReadJobIDs(dir); !reflect.DeepEqual(ids, []string{"41", "42", "43"}) {
		t.Errorf("jobs file lists %v; want [41 42 43]", ids)
	}

	// Another spec may not reuse the directory.
	f.jobs["43"][0].State = "COMPLETED"
	other := writeSpec(t, strings.Replace(minimalSpec, "seed = 3", "seed = 4", 1)+defaultCluster)
	if code, msg := netsweep(t, "submit", other, "--out", dir); code != exitFailure || !strings.Contains(msg, "holds another campaign") {
		t.Errorf("submit of another spec into %s: exit %d, %q; want a refusal", dir, code, msg)
	}
	if len(f.submitted) != 3 {
		t.Errorf("sbatch ran %d times; want 3", len(f.submitted))
	}
}

func TestCancel(t *testing.T) {
	f := &fakeSlurm{jobs: map[string][]slurm.JobInfo{
		"10": {{ID: "10", State: "COMPLETED"}},
		"11": {{ID: "11", State: "RUNNING"}},
	}}
	useFake(t, f)
	dir := t.TempDir()
	writeJobs(t, dir, "9", "10", "11")
	// Job 11, cancelled as it resubmits itself, adds job 12.
	f.onCancel = func(id string) {
		if id == "11" {
			f.jobs["12"] = []slurm.JobInfo{{ID: "12", State: "PENDING", Reason: "Priority"}}
			writeJobs(t, dir, "12")
		}
	}
	code, out := netsweep(t, "cancel", dir)
	if code != 0 {
		t.Fatalf("cancel: exit %d: %s", code, out)
	}
	if !reflect.DeepEqual(f.cancelled, []string{"11", "12"}) {
		t.Errorf("cancelled %v; want [11 12]", f.cancelled)
	}
	for _, want := range []string{"cancelled job 11 (RUNNING)", "cancelled job 12 (PENDING)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	// Nothing left to cancel.
	f.cancelled = nil
	if code, out := netsweep(t, "cancel", dir); code != 0 || !strings.Contains(out, "no job of "+dir+" is pending or running") || f.cancelled != nil {
		t.Errorf("second cancel: exit %d, %q, cancelled %v", code, out, f.cancelled)
	}
	if code, out := netsweep(t, "cancel", t.TempDir()); code != exitFailure || !strings.Contains(out, "has no Slurm jobs") {
		t.Errorf("cancel of a directory without jobs: exit %d, %q", code, out)
	}
}

// TestStatusSubmitted follows a campaign from submission: pending with no
// journal yet, then finished and forgotten by slurmctld but known to
// sacct.
func TestStatusSubmitted(t *testing.T) {
	f := &fakeSlurm{jobs: map[string][]slurm.JobInfo{}, acct: map[string][]slurm.AcctEntry{}, nextID: 6}
	useFake(t, f)
	specPath := writeSpec(t, minimalSpec+defaultCluster+"max_resubmits = 4\n")
	dir := filepath.Join(t.TempDir(), "camp")
	if code, msg := netsweep(t, "submit", specPath, "--out", dir); code != 0 {
		t.Fatalf("submit: %d %s", code, msg)
	}
	code, out := netsweep(t, "status", dir)
	for _, want := range []string{"campaign  slurm-unit", "not started", "1 submitted: the first and 0 resubmissions (max_resubmits 4)", "job 7: PENDING (reason Priority)"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status of a pending campaign: exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	// The job ran (here, in-process) and resubmitted itself once; slurmctld
	// has forgotten job 8, sacct remembers it.
	if code, msg := netsweep(t, "run", filepath.Join(dir, "spec.toml"), "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("run: %d %s", code, msg)
	}
	writeJobs(t, dir, "8")
	f.acct["8"] = []slurm.AcctEntry{{JobID: "8", State: "COMPLETED"}, {JobID: "8.batch", State: "COMPLETED"}}
	code, out = netsweep(t, "status", dir)
	for _, want := range []string{"progress  20/20 runs", "state     complete", "2 submitted: the first and 1 resubmissions", "job 8: COMPLETED, exit 0"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status of a finished campaign: exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	delete(f.acct, "8")
	if _, out = netsweep(t, "status", dir); !strings.Contains(out, "job 8: no longer known to Slurm") {
		t.Errorf("status of a forgotten job:\n%s", out)
	}
	// A directory never submitted has no Slurm lines.
	plain := filepath.Join(t.TempDir(), "plain")
	netsweep(t, "run", specPath, "--out", plain, "--quiet")
	if _, out := netsweep(t, "status", plain); strings.Contains(out, "\nslurm ") || strings.Contains(out, "\njobs ") {
		t.Errorf("status of a campaign run locally mentions Slurm:\n%s", out)
	}
}

// TestStatusArray follows a job array of 3 shards: shard 0 complete, shard
// 1 resubmitted and running, shard 2 never started; then all collected.
func TestStatusArray(t *testing.T) {
	f := &fakeSlurm{jobs: map[string][]slurm.JobInfo{}}
	useFake(t, f)
	specPath := writeSpec(t, minimalSpec+defaultCluster+"array_shards = 3\n")
	dir := filepath.Join(t.TempDir(), "camp")
	if code, msg := netsweep(t, "submit", specPath, "--out", dir); code != 0 {
		t.Fatalf("submit: %d %s", code, msg)
	}
	f.jobs["1"] = []slurm.JobInfo{{ID: "1", State: "PENDING", Reason: "Resources", Fields: map[string]string{"ArrayTaskId": "0-2"}}}
	_, out := netsweep(t, "status", dir)
	for _, want := range []string{"a job array of 3 shards (1)", "progress  0/20 runs", "shard 0   0/6 runs, not started; job 1 PENDING (reason Resources)", "shard 2   0/8 runs, not started; job 1 PENDING"} {
		if !strings.Contains(out, want) {
			t.Errorf("status of a pending array lacks %q:\n%s", want, out)
		}
	}
	sp := filepath.Join(dir, "spec.toml")
	if code, msg := netsweep(t, "run", sp, "--out", filepath.Join(dir, "shards", "0"), "--shard", "0/3", "--quiet"); code != 0 {
		t.Fatalf("shard 0: %s", msg)
	}
	writeJobs(t, dir, "2")
	f.jobs["1"] = []slurm.JobInfo{
		{ID: "1_0", State: "COMPLETED", Fields: map[string]string{"ArrayTaskId": "0", "ExitCode": "0:0"}},
		{ID: "1_1", State: "COMPLETED", Fields: map[string]string{"ArrayTaskId": "1", "ExitCode": "0:0"}},
		{ID: "1_2", State: "FAILED", ExitCode: 1, Fields: map[string]string{"ArrayTaskId": "2", "ExitCode": "1:0"}},
	}
	f.jobs["2"] = []slurm.JobInfo{{ID: "2_1", State: "RUNNING", Fields: map[string]string{"ArrayTaskId": "1"}}}
	_, out = netsweep(t, "status", dir)
	for _, want := range []string{"2 submitted: a job array of 3 shards (1) and 1 resubmissions", "progress  6/20 runs (30.0%)",
		"shard 0   6/6 runs (100.0%), complete; job 1_0 COMPLETED, exit 0", "shard 1   0/6 runs, not started; job 2_1 RUNNING", "shard 2   0/8 runs, not started; job 1_2 FAILED, exit 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("status of a running array lacks %q:\n%s", want, out)
		}
	}
	for i := 1; i < 3; i++ {
		if code, msg := netsweep(t, "run", sp, "--out", filepath.Join(dir, "shards", strconv.Itoa(i)), "--shard", fmt.Sprintf("%d/3", i), "--quiet"); code != 0 {
			t.Fatalf("shard %d: %s", i, msg)
		}
	}
	if _, out = netsweep(t, "status", dir); !strings.Contains(out, "merge them with 'netsweep collect "+dir+"'") {
		t.Errorf("status of a finished array does not say to collect:\n%s", out)
	}
	if code, msg := netsweep(t, "collect", dir); code != 0 {
		t.Fatalf("collect: %s", msg)
	}
	if _, out = netsweep(t, "status", dir); !strings.Contains(out, "progress  20/20 runs (100.0%)") || !strings.Contains(out, "results   collected in "+filepath.Join(dir, "results.csv")) {
		t.Errorf("status of a collected array:\n%s", out)
	}
}

// checkGolden compares got with testdata/golden/name, first writing it there
// under -update; test names the test to rerun with -update.
func checkGolden(t *testing.T, got []byte, name, test string) {
	t.Helper()
	golden := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -run %s -update)", err, test)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file %s (if the change is intended, rerun with -update):\n%s", name, golden, got)
	}
}
