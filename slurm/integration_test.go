package slurm

// Integration tests against a real Slurm. Start a one-node cluster first:
//
//	eval "$(scripts/slurm-local.sh up)"
//	go test ./slurm -run Integration
//
// Without SLURM_CONF or sbatch they skip, loudly, except under CI=true,
// where they fail. They take under a minute: the USR1 test waits for
// Slurm's warning signal, which arrives 10 to 40 s into a 1-minute job.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/internal/jobtest"

	"github.com/netsweep/netsweep/cluster"
)

func needSlurm(t *testing.T) *Runner {
	t.Helper()
	if os.Getenv("SLURM_CONF") == "" {
		const msg = `SLURM_CONF is not set; start a local Slurm with: eval "$(scripts/slurm-local.sh up)"`
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + ", and CI=true")
		}
		t.Skip("SKIP: " + msg)
	}
	for _, c := range []string{"sbatch", "squeue", "scontrol", "scancel", "srun"} {
		jobtest.LookTool(t, c)
	}
	return &Runner{Stderr: testWriter{t}}
}

// testWriter forwards the commands' stderr to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// tempDir is a directory slurmd can write in (jobs run as root here, as
// the test does, so t.TempDir serves).
func tempDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	if err := os.Chmod(d, 0o777); err != nil {
		t.Fatal(err)
	}
	return d
}

func waitFor(t *testing.T, r *Runner, id string, limit time.Duration) JobInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	jobs, err := r.Wait(ctx, id, 250*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	return jobs[0]
}

func waitForAll(t *testing.T, r *Runner, id string, limit time.Duration) []JobInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	jobs, err := r.Wait(ctx, id, 250*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func TestIntegration(t *testing.T) {
	r := needSlurm(t)
	t.Run("submit", func(t *testing.T) {
		t.Parallel()
		dir := tempDir(t)
		script := filepath.Join(dir, "hello.sbatch")
		os.WriteFile(script, []byte("#!/bin/bash\n#SBATCH --time=1\necho hello from $SLURM_JOB_ID\necho to stderr >&2\n"), 0o755)
		id, err := r.Submit(context.Background(), SubmitRequest{Script: script, Output: filepath.Join(dir, "%j.out"), Args: []string{"--job-name=netsweep-hello"}})
		if err != nil {
			t.Fatal(err)
		}
		j := waitFor(t, r, id, 60*time.Second)
		if j.State != "COMPLETED" || j.ExitCode != 0 || j.Name != "netsweep-hello" {
			t.Fatalf("job %s: %+v; want COMPLETED, exit 0, name netsweep-hello", id, j)
		}
		out, err := os.ReadFile(filepath.Join(dir, id+".out"))
		if want := "hello from " + id + "\nto stderr\n"; err != nil || string(out) != want {
			t.Errorf("output %q, %v; want %q", out, err, want)
		}
		q, err := r.Queue(context.Background(), id)
		if err != nil || len(q) != 1 || q[0].ID != id || q[0].State != "COMPLETED" {
			t.Errorf("squeue for a finished job: %v, %v; want one COMPLETED entry", q, err)
		}
	})
	t.Run("unknown job", func(t *testing.T) {
		t.Parallel()
		// Job ids count up from 1: this one was never submitted.
		_, err := r.ShowJob(context.Background(), "987654321")
		if !errors.Is(err, ErrUnknownJob) || !errors.Is(err, cluster.ErrUnknownJob) {
			t.Errorf("scontrol show job of an unknown job: %v; want ErrUnknownJob", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		dir := tempDir(t)
		script := filepath.Join(dir, "sleep.sbatch")
		os.WriteFile(script, []byte("#!/bin/bash\n#SBATCH --time=2\nsleep 300\n"), 0o755)
		ctx := context.Background()
		id, err := r.Submit(ctx, SubmitRequest{Script: script, Output: filepath.Join(dir, "%j.out")})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			q, err := r.Queue(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(q) == 1 && q[0].State == "RUNNING" {
				break
			}
			if i == 240 {
				t.Fatalf("job %s not running after 60 s: %v", id, q)
			}
			time.Sleep(250 * time.Millisecond)
		}
		if err := r.Cancel(ctx, id); err != nil {
			t.Fatal(err)
		}
		if j := waitFor(t, r, id, 60*time.Second); j.State != "CANCELLED" {
			t.Errorf("job %s after scancel: %+v; want CANCELLED", id, j)
		}
	})
	t.Run("resubmit", func(t *testing.T) {
		t.Parallel()
		j := netsweepJob(t, "resume-once", cluster.Config{Time: "2", MaxResubmits: 2})
		ids := runNetsweepJob(t, r, j, 2, 90*time.Second)
		for i, id := range ids {
			if info := waitFor(t, r, id, 60*time.Second); info.State != "COMPLETED" || info.ExitCode != 0 {
				t.Errorf("job %d (%s): %+v; want COMPLETED", i, id, info)
			}
		}
		if _, err := os.Stat(filepath.Join(j.Dir, "done")); err != nil {
			t.Errorf("the resubmitted job did not finish the run: %v", err)
		}
		args, _ := os.ReadFile(filepath.Join(j.Dir, "args.1"))
		if a := strings.Split(string(args), "\n"); len(a) < 6 || a[0] != "run" || a[1] != j.Spec || a[2] != "--out" || a[3] != j.Dir || a[4] != "--deadline" {
			t.Errorf("the runner got %q", a)
		}
	})
	t.Run("mpirun", func(t *testing.T) {
		t.Parallel()
		jobtest.LookTool(t, "mpirun")
		env := map[string]string{}
		if os.Geteuid() == 0 { // Open MPI refuses root without these
			env["OMPI_ALLOW_RUN_AS_ROOT"], env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1", "1"
		}
		j := netsweepJob(t, "resume-once", cluster.Config{Time: "2", MaxResubmits: 1, Options: &Options{Launcher: "mpirun"}, NTasks: 1, Env: env})
		runNetsweepJob(t, r, j, 2, 90*time.Second)
		if _, err := os.Stat(filepath.Join(j.Dir, "done")); err != nil {
			t.Errorf("the resubmitted job did not finish the run: %v", err)
		}
	})
	t.Run("array", func(t *testing.T) {
		t.Parallel()
		j := netsweepJob(t, "resume-once", cluster.Config{Time: "2", MaxResubmits: 1, ArrayShards: 2})
		ids := runNetsweepJob(t, r, j, 3, 90*time.Second)
		for _, id := range ids {
			for _, info := range waitForAll(t, r, id, 60*time.Second) {
				if info.State != "COMPLETED" {
					t.Errorf("job %s: %+v; want COMPLETED", info.ID, info)
				}
			}
		}
		for shard := 0; shard < 2; shard++ {
			out := filepath.Join(j.Dir, "shards", strconv.Itoa(shard))
			if _, err := os.Stat(filepath.Join(out, "done")); err != nil {
				t.Errorf("shard %d was not finished by its resubmission: %v", shard, err)
			}
			args, _ := os.ReadFile(filepath.Join(out, "args.1"))
			if a := strings.Split(string(args), "\n"); len(a) < 8 || a[3] != out || a[6] != "--shard" || a[7] != strconv.Itoa(shard)+"/2" {
				t.Errorf("shard %d: the runner got %q", shard, a)
			}
		}
	})
	t.Run("usr1", func(t *testing.T) {
		t.Parallel()
		// A 1-minute job warned 20 s before its end. slurmctld checks
		// every 30 s (PERIODIC_TIMEOUT) and sends the warning once the end
		// is within lead+30 s: USR1 comes 10 to 40 s in.
		j := netsweepJob(t, "wait-usr1", cluster.Config{Time: "1", Options: &Options{SignalLead: 20}, MaxResubmits: 1})
		ids := runNetsweepJob(t, r, j, 2, 100*time.Second)
		first := waitFor(t, r, ids[0], 10*time.Second)
		if first.State != "COMPLETED" {
			t.Errorf("first job: %+v; want COMPLETED (stopped on USR1, resubmitted)", first)
		}
		started, err1 := readUnix(filepath.Join(j.Dir, "started"))
		usr1, err2 := readUnix(filepath.Join(j.Dir, "usr1"))
		if err1 != nil || err2 != nil {
			t.Fatalf("the runner did not record USR1: %v, %v", err1, err2)
		}
		if d := usr1 - started; d < 5 || d > 45 {
			t.Errorf("USR1 came %d s after the start; want it 10 to 40 s in", d)
		}
		args, _ := os.ReadFile(filepath.Join(j.Dir, "args.0"))
		a := strings.Split(string(args), "\n")
		deadline, err := time.Parse(time.RFC3339, a[5])
		if err != nil {
			t.Fatalf("deadline %q: %v", a[5], err)
		}
		if d := deadline.Unix() - started; d < 50 || d > 61 {
			t.Errorf("deadline %s is %d s after the runner started; want about 60", a[5], d)
		}
	})
}

// allEnded reports whether every job listed is known to have ended.
func allEnded(ctx context.Context, r *Runner, ids []string) bool {
	for _, id := range ids {
		jobs, err := r.ShowJob(ctx, id)
		if err != nil {
			return false
		}
		for _, j := range jobs {
			if !Terminal(j.State) {
				return false
			}
		}
	}
	return true
}

func readUnix(file string) (int64, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// netsweepJob renders a netsweep job script whose runner is the stand-in
// testdata/integration/netsweep-mpi in the given mode.
func netsweepJob(t *testing.T, mode string, c cluster.Config) Job {
	t.Helper()
	dir := tempDir(t)
	bin, err := filepath.Abs(filepath.Join("testdata", "integration", "netsweep-mpi"))
	if err != nil {
		t.Fatal(err)
	}
	c.Binary = bin
	j := Job{Name: "netsweep-" + mode, Cluster: c, Spec: filepath.Join(dir, "spec.toml"), Dir: filepath.Join(dir, "camp"), Script: filepath.Join(dir, "job.sbatch")}
	if err := os.WriteFile(j.Spec, []byte(mode), 0o644); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Render(&b, j); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(j.Script, b.Bytes(), 0o755); err != nil {
		t.Fatal(err)
	}
	return j
}

// runNetsweepJob submits j as netsweep does and waits until the jobs file
// lists n jobs, the last one finished; it returns their ids.
func runNetsweepJob(t *testing.T, r *Runner, j Job, n int, limit time.Duration) []string {
	t.Helper()
	ctx := context.Background()
	if err := os.MkdirAll(filepath.Join(j.Dir, "slurm"), 0o777); err != nil {
		t.Fatal(err)
	}
	id, err := r.Submit(ctx, SubmitRequest{Script: j.Script, Output: Output(j)})
	if err != nil {
		t.Fatal(err)
	}
	if err := AppendJobID(j.Dir, id); err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(limit)
	for {
		b, _ := os.ReadFile(JobsFile(j.Dir))
		ids := strings.Fields(string(b))
		if len(ids) >= n {
			if len(ids) > n {
				t.Fatalf("jobs file lists %v; want %d jobs", ids, n)
			}
			last := waitFor(t, r, ids[n-1], time.Until(end))
			if last.State != "COMPLETED" {
				logs, _ := filepath.Glob(filepath.Join(j.Dir, "slurm", "*.out"))
				for _, l := range logs {
					b, _ := os.ReadFile(l)
					t.Logf("%s:\n%s", l, b)
				}
				t.Fatalf("last job %s: %+v", ids[n-1], last)
			}
			return ids
		}
		if allEnded(ctx, r, ids) {
			// Give the jobs file a moment: ids are written just before a job ends.
			time.Sleep(3 * time.Second)
			if b2, _ := os.ReadFile(JobsFile(j.Dir)); len(strings.Fields(string(b2))) == len(ids) {
				logs, _ := filepath.Glob(filepath.Join(j.Dir, "slurm", "*.out"))
				for _, l := range logs {
					b, _ := os.ReadFile(l)
					t.Logf("%s:\n%s", l, b)
				}
				t.Fatalf("jobs %v all ended with fewer than %d resubmissions", ids, n-1)
			}
		}
		if time.Now().After(end) {
			t.Fatalf("after %v the jobs file lists %v; want %d jobs", limit, ids, n)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
