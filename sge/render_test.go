package sge

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

// goldenJobs are rendered to testdata/NAME.sge.sh.
var goldenJobs = map[string]Job{
	"minimal": {Name: "minimal", Cluster: cluster.Config{Time: "10"}, Spec: "sweep.toml", Dir: "out", Script: "out/slurm/job.sbatch"},
	"full": {Name: "sir-er", Cluster: cluster.Config{
		Options: &Options{PE: "orte", Queue: "all.q", Project: "netsci", SignalLead: 300},
		NTasks:  32, CPUsPerTask: 2, Memory: "2000", Time: "2-00:00:00", MaxResubmits: 5, ArrayShards: 4,
		Modules: []string{"openmpi"}, Env: map[string]string{"GOMAXPROCS": "2", "NOTE": "it's"},
		Binary: "$HOME/bin/netsweep-mpi", Workdir: "/share/apps/me",
	}, Spec: "/home/me/sir.toml", Dir: "/export/home/me/sir 1", Script: "/export/home/me/sir 1/slurm/job.sbatch"},
}

func TestRenderGolden(t *testing.T) {
	for name, job := range goldenJobs {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(&b, job); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", name+".sge.sh")
			if *update {
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./sge -run TestRenderGolden -update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("rendered %s differs from %s; if the change is intended, rerun with -update\n%s", name, file, got)
			}
			bashSyntax(t, b.String())
		})
	}
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
		{"name", func(j *Job) { j.Name = "1job" }},
		{"spec", func(j *Job) { j.Spec = "-x.toml" }},
		{"dir", func(j *Job) { j.Dir = "host:out" }},
		{"dir", func(j *Job) { j.Dir = "out,b" }},
		{"dir", func(j *Job) { j.Dir = "$HOME/out" }},
		{"dir", func(j *Job) { j.Dir = "a\nb" }},
		{"script", func(j *Job) { j.Script = "" }},
		{"binary", func(j *Job) { j.Cluster.Binary = "--help" }},
		{"modules[0]", func(j *Job) { j.Cluster.Modules = []string{"-f"} }},
		{"time", func(j *Job) { j.Cluster.Time = "" }},
		{"pe", func(j *Job) { j.Cluster.Options = &Options{PE: "mpi 4"} }},
		{"queue", func(j *Job) { j.Cluster.Options = &Options{Queue: "all.q\n#$ -x"} }},
		{"project", func(j *Job) { j.Cluster.Options = &Options{Project: "p'"} }},
		{"signal_lead", func(j *Job) { j.Cluster.Options = &Options{SignalLead: 600} }},
		{"signal_lead", func(j *Job) { j.Cluster.Options = &Options{SignalLead: -1} }},
	} {
		job := Job{Name: "j", Cluster: cluster.Config{Time: "10"}, Spec: "s.toml", Dir: "d", Script: "d/j.sh"}
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

func TestLeadAndSlots(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		time string
		want int
	}{
		{Options{}, "2:00:00", 120}, {Options{}, "2", 60}, {Options{}, "10", 120}, {Options{SignalLead: 30}, "2", 30},
	} {
		if got := tc.o.Lead(tc.time); got != tc.want {
			t.Errorf("Lead(%+v, %s) = %d, want %d", tc.o, tc.time, got, tc.want)
		}
	}
	for _, tc := range []struct {
		c            cluster.Config
		ranks, slots int
		pe           string
	}{
		{cluster.Config{}, 0, 0, ""},
		{cluster.Config{NTasks: 1}, 1, 1, ""},
		{cluster.Config{NTasks: 4}, 4, 4, DefaultPE},
		{cluster.Config{NTasks: 4, CPUsPerTask: 2, Options: &Options{PE: "orte"}}, 4, 8, "orte"},
		{cluster.Config{Nodes: 2, NTasksPerNode: 8}, 16, 16, DefaultPE},
		{cluster.Config{Nodes: 2}, 0, 0, ""},
	} {
		if r, s, pe := Ranks(&tc.c), Slots(&tc.c), OptionsOf(&tc.c).PEName(Slots(&tc.c)); r != tc.ranks || s != tc.slots || pe != tc.pe {
			t.Errorf("%+v: ranks %d, slots %d, pe %q; want %d, %d, %q", tc.c, r, s, pe, tc.ranks, tc.slots, tc.pe)
		}
	}
}

// directiveLines returns the #$ lines qsub reads from script (every one:
// qsub reads them anywhere before the first command, and a #$ line after
// it would be a bug) and the other lines.
func directiveLines(script string) []string {
	var d []string
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#$") {
			d = append(d, line)
		}
	}
	return d
}

// wantDirectives lists the #$ lines a job should get, computed here from
// the fields, independently of render.go.
func wantDirectives(job Job) []string {
	c := job.Cluster
	o := OptionsOf(&c)
	w := []string{"#$ -N " + job.Name, "#$ -S /bin/bash"}
	if o.Queue != "" {
		w = append(w, "#$ -q "+o.Queue)
	}
	if o.Project != "" {
		w = append(w, "#$ -P "+o.Project)
	}
	ranks := c.NTasks
	if ranks == 0 {
		ranks = c.Nodes * c.NTasksPerNode
	}
	slots := ranks
	if c.CPUsPerTask > 1 {
		slots *= c.CPUsPerTask
	}
	switch {
	case o.PE != "" && slots > 0:
		w = append(w, fmt.Sprintf("#$ -pe %s %d", o.PE, slots))
	case o.PE != "":
		w = append(w, "#$ -pe "+o.PE+" 1")
	case slots > 1:
		w = append(w, fmt.Sprintf("#$ -pe mpi %d", slots))
	}
	d, _ := cluster.ParseTime(c.Time)
	hms := func(s int64) string { return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60) }
	lim := int64(d / time.Second)
	w = append(w, "#$ -l h_rt="+hms(lim), "#$ -l s_rt="+hms(lim-int64(o.Lead(c.Time))), "#$ -notify")
	if c.Memory != "" {
		m := c.Memory
		if strings.IndexByte("0123456789", m[len(m)-1]) >= 0 {
			m += "M"
		}
		w = append(w, "#$ -l h_vmem="+m)
	}
	if c.ArrayShards > 0 {
		w = append(w, fmt.Sprintf("#$ -t 1-%d", c.ArrayShards))
	}
	return w
}

// fuzzJob builds a job from fuzzed strings, one in every string field.
func fuzzJob(name, pe, queue, project, memory, tlimit, module, envName, envValue, binary, workdir, spec, dir string, lead, shards, resub uint8) Job {
	o := &Options{PE: pe, Queue: queue, Project: project, SignalLead: int(lead)}
	c := cluster.Config{
		Options: o, Memory: memory, Time: tlimit,
		Binary: binary, Workdir: workdir, ArrayShards: int(shards % 5), MaxResubmits: int(resub % 3),
		Nodes: int(shards % 3), NTasks: int(resub % 7), CPUsPerTask: int(lead % 3),
	}
	if module != "" {
		c.Modules = []string{module, "m2"}
	}
	if envName != "" {
		c.Env = map[string]string{envName: envValue, "ZZ_OTHER": envValue + "2"}
	}
	return Job{Name: name, Cluster: c, Spec: spec, Dir: dir, Script: dir + "/slurm/job.sbatch"}
}

// FuzzRender renders jobs with fuzzed values in every string field. For
// every job Render accepts it checks that bash parses the script, that
// qsub reads exactly the expected #$ lines, that every line is the
// template's line with each value in as one shell.Quote word (rendering
// the same job with plain placeholders gives the same lines, none more),
// and, running the script with stand-ins for mpirun, module and qsub, that
// each value arrives as exactly itself and nothing runs.
func FuzzRender(f *testing.F) {
	bash := jobtest.LookTool(f, "bash")
	jobtest.LookTool(f, "date")
	f.Add("j", "mpi", "all.q", "proj", "4G", "10", "gcc/12", "OMP_NUM_THREADS", "1", "netsweep-mpi", "", "s.toml", "out", uint8(0), uint8(0), uint8(1))
	f.Add("j", "orte", "", "", "", "1-2:30", "gcc", "X", "$(touch pwned)", "$(touch pwned)", "$(touch pwned)", "$(touch pwned)", "$(touch pwned)", uint8(30), uint8(3), uint8(2))
	f.Add("j", "p", "", "", "", "5", "a/b", "X", "`touch pwned`;touch pwned", "b'in", "w'd\"x", "it's.toml", "o; touch pwned", uint8(0), uint8(2), uint8(2))
	f.Add("j", "p\n#$ -x", "q y", "", "", "5", "m\nx", "X", "a\nb", "b\n", "w\n", "s\n", "d\n", uint8(0), uint8(0), uint8(0))
	f.Add("j", "", "", "", "", "5", "m", "X", "'\\'\"$HOME${x}*?~", "~/bin/x", "~", "*", "~x", uint8(1), uint8(1), uint8(1))
	f.Add("j", "", "", "", "", "5", "m", "X", "#not a comment", "#", "#w", "#s", "#d", uint8(0), uint8(4), uint8(1))
	fakes, err := filepath.Abs(filepath.Join("testdata", "jobbin"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, pe, queue, project, memory, tlimit, module, envName, envValue, binary, workdir, spec, dir string, lead, shards, resub uint8) {
		job := fuzzJob(name, pe, queue, project, memory, tlimit, module, envName, envValue, binary, workdir, spec, dir, lead, shards, resub)
		var b bytes.Buffer
		if err := Render(&b, job); err != nil {
			if len(ValidateJob(job)) == 0 {
				t.Fatalf("Render failed on a valid job: %v", err)
			}
			return
		}
		got := b.String()
		bashSyntax(t, got)

		if d, want := directiveLines(got), wantDirectives(job); strings.Join(d, "\n") != strings.Join(want, "\n") {
			t.Fatalf("#$ lines:\n%q\nwant:\n%q", d, want)
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
		// Script derives from Dir: replace it as a whole word first.
		realScript := job.Script
		place(&ph.Dir)
		ph.Script = ph.Dir + "/slurm/job.sbatch"
		pairs = append([]string{shell.Quote(ph.Script), shell.Quote(realScript)}, pairs...)
		place(&ph.Name)
		place(&ph.Spec)
		place(&pho.PE)
		place(&pho.Queue)
		place(&pho.Project)
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

// runScript runs job's script with the stand-ins in testdata/jobbin, the
// launcher exiting 75, as array task 3 where the job is an array, and
// checks every value each stand-in received. The workdir and campaign
// directory are moved under a temporary directory.
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
	cmd.Env = []string{"PATH=" + fakes + ":/usr/bin:/bin", "HOME=" + tmp, "FAKE_LOG=" + log, "FAKE_STATUS=75", "NSLOTS=6"}
	if job.Cluster.ArrayShards > 0 {
		cmd.Env = append(cmd.Env, "SGE_TASK_ID=3")
	}
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
	ranks := Ranks(&job.Cluster)
	if ranks == 0 {
		ranks = 6 // NSLOTS
	}
	launch := []string{"-np", strconv.Itoa(ranks), job.Cluster.BinaryPath(), "run", job.Spec, "--out", job.Dir, "--deadline", "DEADLINE"}
	if job.Cluster.ArrayShards > 0 {
		launch[6] = job.Dir + "/shards/2"
		launch = append(launch, "--shard", fmt.Sprintf("2/%d", job.Cluster.ArrayShards))
	}
	want = append(want, call{Name: "mpirun", Args: launch})
	if resubmit {
		q := []string{"-terse", "-o", job.Dir + "/slurm/", "-j", "y", "-v", "NETSWEEP_ATTEMPT=1"}
		if job.Cluster.ArrayShards > 0 {
			q = append(q, "-t", "3")
		}
		want = append(want, call{Name: "qsub", Args: append(q, job.Script)})
	}
	jobtest.CheckCalls(t, calls, want, out, "mpirun", job.Cluster.Env, cwd)
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
		name                  string
		runner, attempt, max  int
		qsubFails             bool
		wantStatus, wantQsubs int
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
			job := Job{Name: "j", Cluster: cluster.Config{Time: "10", MaxResubmits: tc.max}, Spec: "s.toml", Dir: tmp + "/d", Script: tmp + "/job.sh"}
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
			if tc.qsubFails {
				cmd.Env = append(cmd.Env, "FAKE_QSUB_STATUS=1")
			}
			out, err := cmd.CombinedOutput()
			if s := jobtest.ExitStatus(err); s != tc.wantStatus {
				t.Fatalf("status %d, want %d\n%s", s, tc.wantStatus, out)
			}
			n := 0
			for _, c := range jobtest.ReadCalls(t, log) {
				if c.Name == "qsub" {
					n++
					if want := "NETSWEEP_ATTEMPT=" + strconv.Itoa(tc.attempt+1); c.Args[6] != want {
						t.Errorf("qsub -v %q, want %s", c.Args[6], want)
					}
				}
			}
			if n != tc.wantQsubs {
				t.Errorf("qsub ran %d times, want %d\n%s", n, tc.wantQsubs, out)
			}
			jobs, err := os.ReadFile(JobsFile(job.Dir))
			if wantJobs := tc.wantQsubs == 1 && !tc.qsubFails; wantJobs != (err == nil && string(jobs) == "4242\n") {
				t.Errorf("jobs file %q, %v; want it written: %v", jobs, err, wantJobs)
			}
		})
	}
}

// TestScriptForwardsSignals sends the script's shell what Grid Engine
// sends: USR1 at the soft limit, USR2 before a kill (with -notify: qdel,
// or h_rt). The launched step gets USR1 either way; its status 75 leads to
// a resubmission after USR1, and to none after USR2 (the job is being
// deleted: a resubmission would outlive 'netsweep cancel').
func TestScriptForwardsSignals(t *testing.T) {
	bash := jobtest.LookTool(t, "bash")
	fakes, _ := filepath.Abs(filepath.Join("testdata", "jobbin"))
	for _, sig := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			job := Job{Name: "j", Cluster: cluster.Config{Time: "10", MaxResubmits: 1}, Spec: "s.toml", Dir: tmp + "/d", Script: tmp + "/job.sh"}
			file := filepath.Join(tmp, "job.sh")
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
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			resubmit := sig == syscall.SIGUSR1
			if s, want := jobtest.ExitStatus(err), map[bool]int{true: 0, false: 75}[resubmit]; s != want {
				t.Fatalf("script exited %d, want %d (resubmitted: %v)\n%s", s, want, resubmit, out.String())
			}
			if b, err := os.ReadFile(filepath.Join(log, "usr1")); err != nil || string(b) != "usr1\n" {
				t.Errorf("the launched step got USR1 %q times (%v), want once\n%s", b, err, out.String())
			}
			jobs, err := os.ReadFile(JobsFile(job.Dir))
			if resubmit && (err != nil || string(jobs) != "4242\n") || !resubmit && err == nil {
				t.Errorf("jobs file %q, %v; want a resubmission: %v", jobs, err, resubmit)
			}
		})
	}
}

// call is a stand-in command's run (jobtest.Call).
type call = jobtest.Call
