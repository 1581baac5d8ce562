package slurm

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netsweep/netsweep/internal/jobtest"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/internal/shell"
)

var update = flag.Bool("update", false, "rewrite the golden job scripts in testdata/")

// goldenJobs are rendered to testdata/NAME.sbatch.
var goldenJobs = map[string]Job{
	"minimal": {Name: "minimal", Cluster: cluster.Config{Time: "10"}, Spec: "sweep.toml", Dir: "out", Script: "out/slurm/job.sbatch"},
	"full": {Name: "full", Cluster: validConfig(), Spec: "/home/me/sweep.toml",
		Dir: "/scratch/camp 1", Script: "/scratch/camp 1/slurm/job.sbatch"},
	"srun-resubmit": {Name: "sir-er", Cluster: cluster.Config{
		Options: &Options{Partition: "compute"}, NTasks: 128, Time: "1-00:00:00", MaxResubmits: 5,
		Modules: []string{"openmpi"}, Env: map[string]string{"GOMAXPROCS": "1"},
		Binary: "$HOME/bin/netsweep-mpi", Workdir: "/scratch/me",
	}, Spec: "/scratch/me/sir.toml", Dir: "/scratch/me/sir", Script: "/scratch/me/sir/slurm/job.sbatch"},
}

func TestRenderGolden(t *testing.T) {
	for name, job := range goldenJobs {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(&b, job); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", name+".sbatch")
			if *update {
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./slurm -run TestRenderGolden -update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("rendered %s differs from %s; if the change is intended, rerun with -update\n%s", name, file, diffLines(string(want), got))
			}
			bashSyntax(t, b.String())
		})
	}
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("first difference at line %d:\nwant %q\ngot  %q", i+1, a, b)
		}
	}
	return ""
}

func bashSyntax(t testing.TB, script string) {
	t.Helper()
	bash := jobtest.LookTool(t, "bash")
	cmd := exec.Command(bash, "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s\nscript:\n%s", err, out, script)
	}
}

func TestRenderRejectsBadJobs(t *testing.T) {
	for _, tc := range []struct {
		key    string
		modify func(*Job)
	}{
		{"name", func(j *Job) { j.Name = "a b" }},
		{"name", func(j *Job) { j.Name = "" }},
		{"spec", func(j *Job) { j.Spec = "" }},
		{"spec", func(j *Job) { j.Spec = "-x.toml" }},
		{"dir", func(j *Job) { j.Dir = "out%j" }},
		{"dir", func(j *Job) { j.Dir = "a\nb" }},
		{"script", func(j *Job) { j.Script = "" }},
		{"binary", func(j *Job) { j.Cluster.Binary = "--help" }},
		{"modules[0]", func(j *Job) { j.Cluster.Modules = []string{"-f"} }},
		{"time", func(j *Job) { j.Cluster.Time = "" }},
	} {
		job := Job{Name: "j", Cluster: cluster.Config{Time: "10"}, Spec: "s.toml", Dir: "d", Script: "d/j.sbatch"}
		tc.modify(&job)
		var b bytes.Buffer
		err := Render(&b, job)
		var fe *cluster.FieldError
		if err == nil || !errors.As(err, &fe) || fe.Key != tc.key {
			t.Errorf("%s: Render error = %v, want a FieldError for %s", tc.key, err, tc.key)
		}
		if b.Len() != 0 {
			t.Errorf("%s: Render wrote %d bytes for a bad job", tc.key, b.Len())
		}
	}
}

// sbatchLines returns the #SBATCH lines Slurm reads from script: those
// before the first line that is neither blank nor a comment.
func sbatchLines(script string) (directives []string, later []string) {
	reading := true
	for i, line := range strings.Split(script, "\n") {
		if i == 0 {
			continue // #!/bin/bash
		}
		trimmed := strings.TrimSpace(line)
		if trimmed != "" && !strings.HasPrefix(trimmed, "#") {
			reading = false
		}
		if strings.HasPrefix(trimmed, "#SBATCH") {
			if reading {
				directives = append(directives, line)
			} else {
				later = append(later, line)
			}
		}
	}
	return directives, later
}

// wantDirectives lists the #SBATCH lines a job should get, computed here
// from the fields, independently of render.go.
func wantDirectives(job Job) []string {
	c := job.Cluster
	o := OptionsOf(&c)
	w := []string{"--job-name=" + job.Name}
	add := func(name, v string) {
		if v != "" && v != "0" {
			w = append(w, "--"+name+"="+v)
		}
	}
	add("partition", o.Partition)
	add("account", o.Account)
	add("qos", o.QOS)
	add("nodes", strconv.Itoa(c.Nodes))
	add("ntasks", strconv.Itoa(c.NTasks))
	add("ntasks-per-node", strconv.Itoa(c.NTasksPerNode))
	add("cpus-per-task", strconv.Itoa(c.CPUsPerTask))
	add("mem", c.Memory)
	d, _ := cluster.ParseTime(c.Time)
	add("time", cluster.FormatTime(time.Duration(limitSeconds(d))*time.Second))
	add("signal", "B:USR1@"+strconv.Itoa(o.Lead(c.Time)))
	if c.ArrayShards > 0 {
		add("array", fmt.Sprintf("0-%d", c.ArrayShards-1))
	}
	w = append(w, o.SbatchExtra...)
	for i := range w {
		w[i] = "#SBATCH " + w[i]
	}
	return w
}

// fuzzJob builds a job from fuzzed strings, one in every string field.
func fuzzJob(name, partition, account, qos, memory, tlimit, module, envName, envValue, binary, workdir, extra, spec, dir string, mpirun bool, shards, resub uint8) Job {
	o := &Options{Partition: partition, Account: account, QOS: qos}
	c := cluster.Config{
		Options: o, Memory: memory, Time: tlimit,
		Binary: binary, Workdir: workdir, ArrayShards: int(shards % 5), MaxResubmits: int(resub % 3),
		Nodes: int(shards % 3), NTasks: int(resub % 7),
	}
	if module != "" {
		c.Modules = []string{module, "m2"}
	}
	if envName != "" {
		c.Env = map[string]string{envName: envValue, "ZZ_OTHER": envValue + "2"}
	}
	if extra != "" {
		o.SbatchExtra = []string{extra}
	}
	if mpirun {
		o.Launcher = "mpirun"
	}
	return Job{Name: name, Cluster: c, Spec: spec, Dir: dir, Script: dir + "/slurm/job.sbatch"}
}

// FuzzRender renders jobs with fuzzed values in every string field. For
// every job Render accepts it checks that bash parses the script, that
// Slurm reads exactly the expected #SBATCH lines, that every line is the
// template's line with each value in as one shell.Quote word (rendering
// the same job with plain placeholders gives the same lines, none more),
// and, running the script with stand-ins for srun, mpirun, module and
// sbatch, that each value arrives as exactly itself and nothing runs.
func FuzzRender(f *testing.F) {
	bash := jobtest.LookTool(f, "bash")
	jobtest.LookTool(f, "date")
	f.Add("j", "debug", "acct", "normal", "4G", "10", "gcc/12", "OMP_NUM_THREADS", "1", "netsweep-mpi", "", "--exclusive", "s.toml", "out", false, uint8(0), uint8(1))
	f.Add("j", "p", "", "", "", "1-2:30", "gcc", "X", "$(touch pwned)", "$(touch pwned)", "$(touch pwned)", "--x=1", "$(touch pwned)", "$(touch pwned)", true, uint8(3), uint8(2))
	f.Add("j", "p", "", "", "", "5", "a/b", "X", "`touch pwned`;touch pwned", "b'in", "w'd\"x", "--gres=gpu:2", "it's.toml", "o; touch pwned", false, uint8(2), uint8(2))
	f.Add("j", "p", "", "", "", "5", "a`touch pwned`", "X", "x", "x", "", "--x=$(touch pwned)", "s", "d", false, uint8(0), uint8(0))
	f.Add("j", "p\n#SBATCH --x", "", "", "", "5", "m\nx", "X", "a\nb", "b\n", "w\n", "--x=1\n#SBATCH --y", "s\n", "d\n", false, uint8(0), uint8(0))
	f.Add("j", "p", "", "", "", "5", "m", "X", "'\\'\"$HOME${x}*?~", "~/bin/x", "~", "--a=%j", "*", "~x", true, uint8(1), uint8(1))
	f.Add("j", "p", "", "", "", "5", "m", "X", "#not a comment", "#", "#w", "--b", "#s", "#d", false, uint8(4), uint8(1))
	fakes, err := filepath.Abs(filepath.Join("testdata", "jobbin"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, partition, account, qos, memory, tlimit, module, envName, envValue, binary, workdir, extra, spec, dir string, mpirun bool, shards, resub uint8) {
		job := fuzzJob(name, partition, account, qos, memory, tlimit, module, envName, envValue, binary, workdir, extra, spec, dir, mpirun, shards, resub)
		var b bytes.Buffer
		if err := Render(&b, job); err != nil {
			if len(ValidateJob(job)) == 0 {
				t.Fatalf("Render failed on a valid job: %v", err)
			}
			return
		}
		got := b.String()
		bashSyntax(t, got)

		directives, later := sbatchLines(got)
		if want := wantDirectives(job); !equal(directives, want) || len(later) > 0 {
			t.Fatalf("#SBATCH lines:\n%q\nlater: %q\nwant:\n%q", directives, later, want)
		}

		// The same job with placeholders for every free value.
		ph := job
		pho := *OptionsOf(&job.Cluster)
		ph.Cluster.Options = &pho
		ph.Cluster.Modules = append([]string(nil), job.Cluster.Modules...)
		ph.Cluster.Env = map[string]string{}
		var pairs []string // placeholder word, real word
		n := 0
		place := func(v *string) {
			if *v == "" {
				return
			}
			p := fmt.Sprintf("zqPH%dzq", n)
			n++
			pairs = append(pairs, shell.Quote(p), shell.Quote(*v))
			*v = p
		}
		// Output and Script derive from Dir: replace them as whole words first.
		realOutput, realScript := Output(job), job.Script
		place(&ph.Dir)
		ph.Script = ph.Dir + "/slurm/job.sbatch"
		pairs = append([]string{shell.Quote(Output(ph)), shell.Quote(realOutput), shell.Quote(ph.Script), shell.Quote(realScript)}, pairs...)
		place(&ph.Name)
		place(&ph.Spec)
		place(&pho.Partition)
		place(&pho.Account)
		place(&pho.QOS)
		place(&ph.Cluster.Binary)
		place(&ph.Cluster.Workdir)
		for i := range ph.Cluster.Modules {
			place(&ph.Cluster.Modules[i])
		}
		for k, v := range job.Cluster.Env {
			place(&v)
			ph.Cluster.Env[k] = v
		}
		var pb bytes.Buffer
		if err := Render(&pb, ph); err != nil {
			t.Fatalf("placeholder job does not render: %v", err)
		}
		refLines := strings.Split(pb.String(), "\n")
		gotLines := strings.Split(got, "\n")
		if len(gotLines) != len(refLines) {
			t.Fatalf("script has %d lines, the template makes %d:\n%s", len(gotLines), len(refLines), got)
		}
		r := strings.NewReplacer(pairs...)
		for i := range refLines {
			if want := r.Replace(refLines[i]); gotLines[i] != want {
				t.Fatalf("line %d is\n%q\nwant\n%q", i+1, gotLines[i], want)
			}
		}

		if runScript(t, bash, fakes, job) && testing.Verbose() {
			t.Logf("ran the script of %q", job.Spec)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// runScript runs job's script with the stand-ins in testdata/jobbin, the
// launcher exiting 75, and checks every value each stand-in received. The
// workdir and campaign directory are moved under a temporary directory.
func runScript(t *testing.T, bash, fakes string, job Job) (ran bool) {
	tmp := t.TempDir()
	inside := func(p string) bool {
		rel, err := filepath.Rel(tmp, p)
		return err == nil && !strings.HasPrefix(rel, "..")
	}
	cwd := filepath.Join(tmp, "cwd")
	if err := os.Mkdir(cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	if job.Cluster.Workdir != "" {
		job.Cluster.Workdir = filepath.Join(tmp, "wd", job.Cluster.Workdir)
		if !inside(job.Cluster.Workdir) || os.MkdirAll(job.Cluster.Workdir, 0o755) != nil {
			return false // cannot make this directory here; the checks above stand
		}
		cwd = job.Cluster.Workdir
	}
	job.Dir = filepath.Join(tmp, "out", job.Dir) + "/" // keep any odd characters
	if !inside(filepath.Clean(job.Dir)) || len(ValidateJob(job)) > 0 {
		return false
	}
	var b bytes.Buffer
	if err := Render(&b, job); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(tmp, "log")
	if err := os.Mkdir(log, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-s")
	cmd.Stdin = &b
	cmd.Dir = filepath.Join(tmp, "cwd")
	if err := os.MkdirAll(cmd.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd.Env = []string{"PATH=" + fakes + ":/usr/bin:/bin", "HOME=" + tmp, "FAKE_LOG=" + log, "FAKE_STATUS=75", "SLURM_ARRAY_TASK_ID=3"}
	out, err := cmd.CombinedOutput()
	resubmit := job.Cluster.MaxResubmits > 0
	wantStatus := 0
	if !resubmit {
		wantStatus = 75
	}
	if status := jobtest.ExitStatus(err); status != wantStatus {
		t.Fatalf("script exited %d (%v), want %d\n%s", status, err, wantStatus, out)
	}
	calls := jobtest.ReadCalls(t, log)
	var want []call
	for _, m := range job.Cluster.Modules {
		want = append(want, call{Name: "module", Args: []string{"load", m}})
	}
	outDir := job.Dir
	launch := []string{job.Cluster.BinaryPath(), "run", job.Spec, "--out", outDir, "--deadline", "DEADLINE"}
	if job.Cluster.ArrayShards > 0 {
		launch[4] = outDir + "/shards/3"
		launch = append(launch, "--shard", fmt.Sprintf("3/%d", job.Cluster.ArrayShards))
	}
	want = append(want, call{Name: OptionsOf(&job.Cluster).LauncherName(), Args: launch})
	if resubmit {
		sb := []string{"--parsable", "--export=ALL", "--output=" + Output(job)}
		if job.Cluster.ArrayShards > 0 {
			sb = append(sb, "--array=3")
		}
		want = append(want, call{Name: "sbatch", Args: append(sb, job.Script)})
	}
	jobtest.CheckCalls(t, calls, want, out, OptionsOf(&job.Cluster).LauncherName(), job.Cluster.Env, cwd)
	for _, c := range calls {
		if c.Name == "sbatch" && c.Env["NETSWEEP_ATTEMPT"] != "1" {
			t.Errorf("sbatch saw NETSWEEP_ATTEMPT=%q, want 1", c.Env["NETSWEEP_ATTEMPT"])
		}
	}
	if resubmit {
		jobs, err := os.ReadFile(filepath.Join(job.Dir, "slurm", "jobs"))
		if err != nil || string(jobs) != "4242\n" {
			t.Errorf("jobs file = %q, %v; want \"4242\\n\"", jobs, err)
		}
	}
	jobtest.NothingRan(t, tmp)
	return true
}

// TestScriptStatuses runs the script with the stand-ins for each runner
// status: 0 complete, 75 resumable (resubmitted, or not once
// max_resubmits is used up), anything else a failure.
func TestScriptStatuses(t *testing.T) {
	bash := jobtest.LookTool(t, "bash")
	fakes, _ := filepath.Abs(filepath.Join("testdata", "jobbin"))
	for _, tc := range []struct {
		name                   string
		runner, attempt, max   int
		sbatchFails            bool
		wantStatus, wantSbatch int
	}{
		{"complete", 0, 0, 2, false, 0, 0},
		{"resumable", 75, 0, 2, false, 0, 1},
		{"resumable-last", 75, 1, 2, false, 0, 1},
		{"resumable-used-up", 75, 2, 2, false, 75, 0},
		{"resubmit-fails", 75, 0, 2, true, 75, 1},
		{"failure", 3, 0, 2, false, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			job := Job{Name: "j", Cluster: cluster.Config{Time: "10", MaxResubmits: tc.max}, Spec: "s.toml", Dir: tmp + "/d", Script: tmp + "/job.sbatch"}
			var b bytes.Buffer
			if err := Render(&b, job); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(tmp, "log")
			os.Mkdir(log, 0o755)
			cmd := exec.Command(bash, "-s")
			cmd.Stdin = &b
			cmd.Dir = tmp
			cmd.Env = []string{"PATH=" + fakes + ":/usr/bin:/bin", "FAKE_LOG=" + log,
				"FAKE_STATUS=" + strconv.Itoa(tc.runner), "NETSWEEP_ATTEMPT=" + strconv.Itoa(tc.attempt)}
			if tc.sbatchFails {
				cmd.Env = append(cmd.Env, "FAKE_SBATCH_STATUS=1")
			}
			out, err := cmd.CombinedOutput()
			if s := jobtest.ExitStatus(err); s != tc.wantStatus {
				t.Fatalf("status %d, want %d\n%s", s, tc.wantStatus, out)
			}
			n := 0
			for _, c := range jobtest.ReadCalls(t, log) {
				if c.Name == "sbatch" {
					n++
					if want := strconv.Itoa(tc.attempt + 1); c.Env["NETSWEEP_ATTEMPT"] != want {
						t.Errorf("NETSWEEP_ATTEMPT=%q, want %s", c.Env["NETSWEEP_ATTEMPT"], want)
					}
				}
			}
			if n != tc.wantSbatch {
				t.Errorf("sbatch ran %d times, want %d\n%s", n, tc.wantSbatch, out)
			}
			jobs, err := os.ReadFile(JobsFile(job.Dir))
			if wantJobs := tc.wantSbatch == 1 && !tc.sbatchFails; wantJobs != (err == nil && string(jobs) == "4242\n") {
				t.Errorf("jobs file %q, %v; want it written: %v", jobs, err, wantJobs)
			}
		})
	}
}

// TestScriptForwardsUSR1 sends USR1 to the script's shell, as Slurm's
// --signal=B:USR1@N does, and checks that the launched step gets it and
// that its status 75 leads to a resubmission.
func TestScriptForwardsUSR1(t *testing.T) {
	bash := jobtest.LookTool(t, "bash")
	fakes, _ := filepath.Abs(filepath.Join("testdata", "jobbin"))
	tmp := t.TempDir()
	job := Job{Name: "j", Cluster: cluster.Config{Time: "10", MaxResubmits: 1}, Spec: "s.toml", Dir: tmp + "/d", Script: tmp + "/job.sbatch"}
	file := filepath.Join(tmp, "job.sbatch")
	var b bytes.Buffer
	if err := Render(&b, job); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(tmp, "log")
	os.Mkdir(log, 0o755)
	cmd := exec.Command(bash, file)
	cmd.Dir = tmp
	cmd.Env = []string{"PATH=" + fakes + ":/usr/bin:/bin", "FAKE_LOG=" + log, "FAKE_WAIT_USR1=1"}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(log, "ready")); err == nil {
			break
		}
		if i == 200 {
			cmd.Process.Kill()
			t.Fatalf("the stand-in launcher never started\n%s", out.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if s := jobtest.ExitStatus(err); s != 0 {
		t.Fatalf("script exited %d, want 0 (resubmitted)\n%s", s, out.String())
	}
	if _, err := os.Stat(filepath.Join(log, "usr1")); err != nil {
		t.Errorf("the launched step did not get USR1\n%s", out.String())
	}
	if jobs, err := os.ReadFile(JobsFile(job.Dir)); err != nil || string(jobs) != "4242\n" {
		t.Errorf("jobs file %q, %v", jobs, err)
	}
}

// call is a stand-in command's run (jobtest.Call).
type call = jobtest.Call
