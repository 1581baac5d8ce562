package pbs

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

// goldenJobs are rendered to testdata/NAME.pbs.sh.
var goldenJobs = map[string]Job{
	"minimal": {Name: "minimal", Cluster: cluster.Config{Time: "10"}, Spec: "sweep.toml", Dir: "out", Script: "out/slurm/job.sbatch"},
	"full": {Name: "sir-er", Cluster: cluster.Config{
		Options: &Options{Queue: "workq", Account: "netsci", StopLead: 300},
		Nodes:   4, NTasksPerNode: 16, CPUsPerTask: 2, Memory: "64G", Time: "2-00:00:00", MaxResubmits: 5, ArrayShards: 4,
		Modules: []string{"openmpi"}, Env: map[string]string{"GOMAXPROCS": "2", "NOTE": "it's"},
		Binary: "$HOME/bin/netsweep-mpi", Workdir: "/scratch/me",
	}, Spec: "/home/me/sir.toml", Dir: "/scratch/me/sir 1", Script: "/scratch/me/sir 1/slurm/job.sbatch"},
	"torque": {Name: "sir-er", Cluster: cluster.Config{
		Options: &Options{Flavour: Torque, Queue: "batch"},
		Nodes:   2, NTasks: 24, Memory: "4000", Time: "12:00:00", MaxResubmits: 2, ArrayShards: 3,
	}, Spec: "/home/me/sir.toml", Dir: "/home/me/sir", Script: "/home/me/sir/slurm/job.sbatch"},
}

func TestRenderGolden(t *testing.T) {
	for name, job := range goldenJobs {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(&b, job); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", name+".pbs.sh")
			if *update {
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./pbs -run TestRenderGolden -update to create it)", err)
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
		{"dir", func(j *Job) { j.Dir = "a\nb" }},
		{"script", func(j *Job) { j.Script = "" }},
		{"binary", func(j *Job) { j.Cluster.Binary = "--help" }},
		{"modules[0]", func(j *Job) { j.Cluster.Modules = []string{"-f"} }},
		{"time", func(j *Job) { j.Cluster.Time = "" }},
		{"flavour", func(j *Job) { j.Cluster.Options = &Options{Flavour: "slurm"} }},
		{"queue", func(j *Job) { j.Cluster.Options = &Options{Queue: "workq\n#PBS -x"} }},
		{"account", func(j *Job) { j.Cluster.Options = &Options{Account: "a b"} }},
		{"stop_lead", func(j *Job) { j.Cluster.Options = &Options{StopLead: 600} }},
		{"stop_lead", func(j *Job) { j.Cluster.Options = &Options{StopLead: -1} }},
		{"array_shards", func(j *Job) { j.Cluster.ArrayShards = 1 }},
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

func TestResources(t *testing.T) {
	for _, tc := range []struct {
		c     cluster.Config
		fl    string
		res   []string
		ranks int
	}{
		{cluster.Config{}, PBSPro, []string{"walltime=1:00:00"}, 0},
		{cluster.Config{NTasks: 8}, PBSPro, []string{"select=8:ncpus=1:mpiprocs=1", "walltime=1:00:00"}, 8},
		{cluster.Config{NTasks: 8, CPUsPerTask: 2, Memory: "4G"}, PBSPro, []string{"select=8:ncpus=2:mpiprocs=1:mem=4gb", "walltime=1:00:00"}, 8},
		{cluster.Config{Nodes: 2, NTasksPerNode: 4}, PBSPro, []string{"select=2:ncpus=4:mpiprocs=4", "walltime=1:00:00"}, 8},
		{cluster.Config{Nodes: 2, NTasks: 7}, PBSPro, []string{"select=2:ncpus=4:mpiprocs=4", "walltime=1:00:00"}, 7},
		{cluster.Config{Nodes: 2}, PBSPro, []string{"select=2", "walltime=1:00:00"}, 0},
		{cluster.Config{NTasks: 8, Memory: "500"}, Torque, []string{"procs=8", "mem=500mb", "walltime=1:00:00"}, 8},
		{cluster.Config{Nodes: 2, NTasksPerNode: 4, CPUsPerTask: 2}, Torque, []string{"nodes=2:ppn=8", "walltime=1:00:00"}, 8},
		{cluster.Config{Nodes: 3}, Torque, []string{"nodes=3", "walltime=1:00:00"}, 0},
	} {
		res, ranks := Resources(&tc.c, tc.fl, "1:00:00")
		if strings.Join(res, " ") != strings.Join(tc.res, " ") || ranks != tc.ranks {
			t.Errorf("Resources(%+v, %s) = %q, %d; want %q, %d", tc.c, tc.fl, res, ranks, tc.res, tc.ranks)
		}
	}
}

// directiveLines returns the #PBS lines of script (every one: qsub reads
// them before the first command, and a #PBS line after it would be a bug).
func directiveLines(script string) []string {
	var d []string
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#PBS") {
			d = append(d, line)
		}
	}
	return d
}

// wantDirectives lists the #PBS lines a job should get, computed here
// from the fields for the shapes fuzzJob makes (ntasks and nodes, no
// ntasks_per_node), independently of render.go.
func wantDirectives(job Job) []string {
	c := job.Cluster
	o := OptionsOf(&c)
	w := []string{"#PBS -N " + job.Name}
	if o.Queue != "" {
		w = append(w, "#PBS -q "+o.Queue)
	}
	if o.Account != "" {
		w = append(w, "#PBS -A "+o.Account)
	}
	cpt := c.CPUsPerTask
	if cpt < 1 {
		cpt = 1
	}
	mem := ""
	if m := c.Memory; m != "" {
		unit := strings.ToLower(m[len(m)-1:])
		if strings.Contains("0123456789", unit) {
			mem = m + "mb"
		} else {
			mem = m[:len(m)-1] + unit + "b"
		}
	}
	per := 0
	if c.Nodes > 0 && c.NTasks > 0 {
		per = (c.NTasks + c.Nodes - 1) / c.Nodes
	}
	if o.Flavour == Torque {
		switch {
		case per > 0:
			w = append(w, fmt.Sprintf("#PBS -l nodes=%d:ppn=%d", c.Nodes, per*cpt))
		case c.Nodes > 0:
			w = append(w, fmt.Sprintf("#PBS -l nodes=%d", c.Nodes))
		case c.NTasks > 0:
			w = append(w, fmt.Sprintf("#PBS -l procs=%d", c.NTasks*cpt))
		}
		if mem != "" {
			w = append(w, "#PBS -l mem="+mem)
		}
	} else {
		sel := ""
		switch {
		case per > 0:
			sel = fmt.Sprintf("select=%d:ncpus=%d:mpiprocs=%d", c.Nodes, per*cpt, per)
		case c.Nodes > 0:
			sel = fmt.Sprintf("select=%d", c.Nodes)
		case c.NTasks > 0:
			sel = fmt.Sprintf("select=%d:ncpus=%d:mpiprocs=1", c.NTasks, cpt)
		}
		if sel != "" && mem != "" {
			sel += ":mem=" + mem
		}
		if sel != "" {
			w = append(w, "#PBS -l "+sel)
		}
	}
	d, _ := cluster.ParseTime(c.Time)
	s := int64(d / time.Second)
	return append(w, fmt.Sprintf("#PBS -l walltime=%d:%02d:%02d", s/3600, s/60%60, s%60))
}

// fuzzJob builds a job from fuzzed strings, one in every string field.
func fuzzJob(name, queue, account, memory, tlimit, module, envName, envValue, binary, workdir, spec, dir string, torque bool, lead, shards, resub uint8) Job {
	o := &Options{Queue: queue, Account: account, StopLead: int(lead)}
	if torque {
		o.Flavour = Torque
	}
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
// qsub reads exactly the expected #PBS lines, that every line is the
// template's line with each value in as one shell.Quote word (rendering
// the same job with plain placeholders gives the same lines, none more),
// and, running the script with stand-ins for mpirun, module and qsub, that
// each value arrives as exactly itself and nothing runs. It is the same
// test as the Slurm and Grid Engine templates'.
func FuzzRender(f *testing.F) {
	bash := jobtest.LookTool(f, "bash")
	jobtest.LookTool(f, "date")
	f.Add("j", "workq", "proj", "4G", "10", "gcc/12", "OMP_NUM_THREADS", "1", "netsweep-mpi", "", "s.toml", "out", false, uint8(0), uint8(0), uint8(1))
	f.Add("j", "", "", "", "1-2:30", "gcc", "X", "$(touch pwned)", "$(touch pwned)", "$(touch pwned)", "$(touch pwned)", "$(touch pwned)", true, uint8(30), uint8(3), uint8(2))
	f.Add("j", "p", "", "", "5", "a/b", "X", "`touch pwned`;touch pwned", "b'in", "w'd\"x", "it's.toml", "o; touch pwned", false, uint8(0), uint8(2), uint8(2))
	f.Add("j", "p\n#PBS -x", "q y", "", "5", "m\nx", "X", "a\nb", "b\n", "w\n", "s\n", "d\n", true, uint8(0), uint8(0), uint8(0))
	f.Add("j", "", "", "", "5", "m", "X", "'\\'\"$HOME${x}*?~", "~/bin/x", "~", "*", "~x", false, uint8(1), uint8(4), uint8(1))
	f.Add("j", "", "", "", "5", "m", "X", "#not a comment", "#", "#w", "#s", "#d", true, uint8(0), uint8(4), uint8(1))
	fakes, err := filepath.Abs(filepath.Join("testdata", "jobbin"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, queue, account, memory, tlimit, module, envName, envValue, binary, workdir, spec, dir string, torque bool, lead, shards, resub uint8) {
		job := fuzzJob(name, queue, account, memory, tlimit, module, envName, envValue, binary, workdir, spec, dir, torque, lead, shards, resub)
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
		place(&pho.Queue)
		place(&pho.Account)
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
// launcher exiting 75, as array index 3 where the job is an array, and
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
	nodefile := filepath.Join(tmp, "nodefile")
	os.WriteFile(nodefile, []byte("n1\nn1\nn1\nn2\nn2\nn2\n"), 0o644)
	cmd.Env = []string{"PATH=" + fakes + ":/usr/bin:/bin", "HOME=" + tmp, "FAKE_LOG=" + log, "FAKE_STATUS=75", "PBS_NODEFILE=" + nodefile}
	if job.Cluster.ArrayShards > 0 {
		cmd.Env = append(cmd.Env, ArrayVar(OptionsOf(&job.Cluster).FlavourName())+"=3")
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
	_, ranks := Resources(&job.Cluster, OptionsOf(&job.Cluster).FlavourName(), "1:00:00")
	if ranks == 0 {
		ranks = 6 // lines of PBS_NODEFILE
	}
	launch := []string{"-np", strconv.Itoa(ranks), job.Cluster.BinaryPath(), "run", job.Spec, "--out", job.Dir, "--deadline", "DEADLINE"}
	if job.Cluster.ArrayShards > 0 {
		launch[6] = job.Dir + "/shards/2"
		launch = append(launch, "--shard", fmt.Sprintf("2/%d", job.Cluster.ArrayShards))
	}
	want = append(want, call{Name: "mpirun", Args: launch})
	if resubmit {
		v := "NETSWEEP_ATTEMPT=1"
		if job.Cluster.ArrayShards > 0 {
			v += ",NETSWEEP_SHARD=2"
		}
		q := []string{"-o", job.Dir + "/slurm/", "-j", "oe", "-v", v}
		want = append(want, call{Name: "qsub", Args: append(q, job.Script)})
	}
	jobtest.CheckCalls(t, calls, want, out, "mpirun", job.Cluster.Env, cwd)
	if resubmit {
		jobs, err := os.ReadFile(filepath.Join(job.Dir, "slurm", "jobs"))
		if err != nil || string(jobs) != "4242.pbs01\n" {
			t.Errorf("jobs file = %q, %v; want \"4242.pbs01\\n\"", jobs, err)
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
					if want := "NETSWEEP_ATTEMPT=" + strconv.Itoa(tc.attempt+1); c.Args[5] != want {
						t.Errorf("qsub -v %q, want %s", c.Args[5], want)
					}
				}
			}
			if n != tc.wantQsubs {
				t.Errorf("qsub ran %d times, want %d\n%s", n, tc.wantQsubs, out)
			}
			jobs, err := os.ReadFile(JobsFile(job.Dir))
			if wantJobs := tc.wantQsubs == 1 && !tc.qsubFails; wantJobs != (err == nil && string(jobs) == "4242.pbs01\n") {
				t.Errorf("jobs file %q, %v; want it written: %v", jobs, err, wantJobs)
			}
		})
	}
}

// TestScriptForwardsSignals sends USR1 to the script's shell, as qsig -s
// USR1 does: the launched step gets it, and its status 75 leads to a
// resubmission.
func TestScriptForwardsSignals(t *testing.T) {
	bash := jobtest.LookTool(t, "bash")
	fakes, _ := filepath.Abs(filepath.Join("testdata", "jobbin"))
	for _, sig := range []syscall.Signal{syscall.SIGUSR1} {
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
			if s := jobtest.ExitStatus(err); s != 0 {
				t.Fatalf("script exited %d, want 0 (resubmitted)\n%s", s, out.String())
			}
			if b, err := os.ReadFile(filepath.Join(log, "usr1")); err != nil || string(b) != "usr1\n" {
				t.Errorf("the launched step got USR1 %q times (%v), want once\n%s", b, err, out.String())
			}
			if jobs, err := os.ReadFile(JobsFile(job.Dir)); err != nil || string(jobs) != "4242.pbs01\n" {
				t.Errorf("jobs file %q, %v", jobs, err)
			}
		})
	}
}

// call is a stand-in command's run (jobtest.Call).
type call = jobtest.Call
