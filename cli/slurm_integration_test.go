package cli

// End-to-end tests of submit, status, cancel and collect against a real
// Slurm, running the real bin/netsweep-mpi under mpirun. Start a one-node
// cluster first:
//
//	eval "$(scripts/slurm-local.sh up)"
//	CI=true go test ./cli -run Slurm -v
//	scripts/slurm-local.sh down
//
// Without SLURM_CONF, sbatch or mpirun they skip, loudly, except under
// CI=true, where they fail. They take two to three minutes on two cores,
// most of it the campaign that outlives its one-minute time limit.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/slurm"
	"github.com/netsweep/netsweep/spec"
)

// needSlurmTools returns a Runner for the local Slurm, skipping (failing
// under CI=true) where there is none.
func needSlurmTools(t *testing.T) *slurm.Runner {
	t.Helper()
	missing := func(msg string) {
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + ", and CI=true")
		}
		t.Skip("SKIPPING the Slurm integration tests: " + msg)
	}
	if os.Getenv("SLURM_CONF") == "" {
		missing(`SLURM_CONF is not set; start a local Slurm with: eval "$(scripts/slurm-local.sh up)"`)
	}
	for _, c := range []string{"sbatch", "scontrol", "scancel", "mpirun"} {
		if _, err := exec.LookPath(c); err != nil {
			missing(fmt.Sprintf("%s not found (%v); install slurm-wlm and openmpi-bin", c, err))
		}
	}
	return &slurm.Runner{Stderr: logWriter{t}}
}

// logWriter forwards the Slurm commands' stderr to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// buildNetsweepMPI builds bin/netsweep-mpi (go build -tags mpi) into a
// temporary directory.
func buildNetsweepMPI(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Fatalf("no go command to build netsweep-mpi: %v", err)
	}
	tags := "mpi"
	if out, _ := exec.Command("mpirun", "--version").CombinedOutput(); bytes.Contains(out, []byte("HYDRA")) {
		tags = "mpi,mpich"
	}
	bin := filepath.Join(t.TempDir(), "netsweep-mpi")
	cmd := exec.Command(gobin, "build", "-tags", tags, "-o", bin, "../cmd/netsweep")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %s: %v\n%s", tags, err, out)
	}
	return bin
}

// clusterTable is a [cluster] table running bin under mpirun with ntasks
// ranks, plus the lines in extra.
func clusterTable(bin string, ntasks int, extra string) string {
	env := ""
	if os.Geteuid() == 0 { // Open MPI refuses to run as root without these
		env = `env = { OMPI_ALLOW_RUN_AS_ROOT = "1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM = "1" }` + "\n"
	}
	return fmt.Sprintf("\n[cluster]\nlauncher = \"mpirun\"\nbinary = %q\nntasks = %d\n%s%s", bin, ntasks, env, extra)
}

// sirSpec is a small SIR-on-ER campaign; sweep is its [sweep] table body.
func sirSpec(name string, reps, n int, sweep string) string {
	return fmt.Sprintf(`name = %q
seed = 17
repetitions = %d

[network]
generator = "er"
n = %d
mean_degree = 4.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0
seeds = 1

[sweep]
%s
`, name, reps, n, sweep)
}

// slurmCampaign is one submitted campaign under test.
type slurmCampaign struct {
	clusterCampaign
	r *slurm.Runner
}

func newSlurmCampaign(t *testing.T, r *slurm.Runner, text string) *slurmCampaign {
	t.Helper()
	return &slurmCampaign{clusterCampaign: newClusterCampaign(t, text, slurm.ReadJobIDs, filepath.Join("slurm", "*.out")), r: r}
}

// waitAll waits until the campaign's latest job has ended and no job
// follows it, and returns every job id and the latest jobs' states.
func (c *slurmCampaign) waitAll(limit time.Duration) ([]string, []slurm.JobInfo) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		ids, err := slurm.ReadJobIDs(c.dir)
		if err != nil || len(ids) == 0 {
			c.t.Fatalf("jobs file: %v, %v", ids, err)
		}
		last := ids[len(ids)-1]
		jobs, err := c.r.Wait(ctx, last, 500*time.Millisecond)
		if err != nil {
			c.writeLogs()
			c.t.Fatalf("%v (jobs so far: %v)\n%s", err, ids, c.status())
		}
		// A job appends its successor's id just before it ends.
		time.Sleep(2 * time.Second)
		if again, _ := slurm.ReadJobIDs(c.dir); len(again) == len(ids) {
			return ids, jobs
		}
	}
}

// embeddedResults runs spec with the embedded runtime and returns its
// results.csv.
func embeddedResults(t testing.TB, spec string, workers int) ([]byte, error) {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("netsweep-ref-%d", time.Now().UnixNano()))
	defer os.RemoveAll(dir)
	var stdout, stderr bytes.Buffer
	if err := dispatch(context.Background(), []string{"run", spec, "--out", dir, "--quiet", "--workers", fmt.Sprint(workers)}, &stdout, &stderr); err != nil {
		return nil, fmt.Errorf("reference run: %v\n%s", err, stderr.String())
	}
	return os.ReadFile(filepath.Join(dir, "results.csv"))
}

func sameResults(t *testing.T, got string, want []byte) {
	t.Helper()
	b, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from the embedded runtime's results for the same spec:\n%s\nwant:\n%s", got, b, want)
	}
}

func wantLines(t *testing.T, what, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("%s lacks %q:\n%s", what, l, out)
		}
	}
}

func TestSlurmIntegration(t *testing.T) {
	r := needSlurmTools(t)
	bin := buildNetsweepMPI(t)
	// Sized before any job runs, on an idle node.
	resubmitSweep := `"process.beta" = { start = 0.2, stop = 1.2, num = 6 }` + "\n" + `"network.mean_degree" = { start = 2.0, stop = 6.0, num = 10 }`
	resubmitReps := calibrate(t, resubmitSweep, 75*time.Second)

	// Two ranks under mpirun: the results are the embedded runtime's, byte
	// for byte. It runs alone, first: it takes both CPUs of the test node.
	t.Run("submit", func(t *testing.T) {
		c := newSlurmCampaign(t, r, sirSpec("slurm-submit", 40, 2000, `"process.beta" = [0.25, 0.5, 1.0]`)+clusterTable(bin, 2, `time = "5"`+"\n"))
		id := c.submit()
		want, err := embeddedResults(t, c.spec, 2)
		if err != nil {
			t.Fatal(err)
		}
		ids, jobs := c.waitAll(2 * time.Minute)
		if len(ids) != 1 || jobs[0].State != "COMPLETED" || jobs[0].ExitCode != 0 {
			c.writeLogs()
			t.Fatalf("jobs %v, latest %+v; want job %s COMPLETED with exit 0", ids, jobs[0], id)
		}
		sameResults(t, filepath.Join(c.dir, "results.csv"), want)
		log, _ := os.ReadFile(filepath.Join(c.dir, "slurm", "slurm-submit-"+id+".out"))
		wantLines(t, "the job's log", string(log), "on 2 ranks")
		wantLines(t, "status", c.status(), "progress  120/120 runs (100.0%)", "state     complete",
			"1 submitted: the first and 0 resubmissions", "job "+id+": COMPLETED, exit 0")
	})

	// scancel stops a running job well: the chunks in flight, repetitions
	// of 2 s here, finish and are journaled within Slurm's KillWait, the
	// job does not resubmit itself, and a resume runs only the rest, to the
	// same results. The ranks run under srun, as on most clusters: Slurm
	// signals every rank and srun waits for them, where mpirun would end
	// the job at once on its own SIGTERM.
	t.Run("scancel", func(t *testing.T) {
		c := newSlurmCampaign(t, r, sirSpec("slurm-scancel", 12, 500, `"process.beta" = [0.5, 1.0]`)+
			fmt.Sprintf("\n[cluster]\nlauncher = \"srun\"\nbinary = %q\nntasks = 2\ntime = \"5\"\nmax_resubmits = 3\n", bin))
		want, err := embeddedResults(t, c.spec, 2)
		if err != nil {
			t.Fatal(err)
		}
		// sbatch passes both on to the job: slow repetitions, and srun
		// starting the ranks through PMIx.
		t.Setenv(spec.FaultsEnv, "delay=2s")
		t.Setenv("SLURM_MPI_TYPE", "pmix")
		id := c.submit()
		t.Setenv(spec.FaultsEnv, "")
		deadline := time.Now().Add(2 * time.Minute)
		for journalRuns(t, c.dir) < 2 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(700 * time.Millisecond) // the next chunks are in flight
		before := journalRuns(t, c.dir)
		if code, out := netsweep(t, "cancel", c.dir); code != 0 || !strings.Contains(out, "cancelled job "+id) {
			t.Fatalf("cancel: exit %d, %q", code, out)
		}
		ids, jobs := c.waitAll(time.Minute)
		after := journalRuns(t, c.dir)
		if len(ids) != 1 || jobs[0].State != "CANCELLED" || after <= before || after >= 24 {
			c.writeLogs()
			t.Fatalf("after scancel: jobs %v, latest %+v, %d runs journaled, %d at the cancel; want the chunks in flight journaled and no resubmission", ids, jobs[0], after, before)
		}
		code, msg := netsweep(t, "run", filepath.Join(c.dir, campaign.SpecFile), "--out", c.dir, "--workers", "2")
		if code != 0 || !strings.Contains(msg, fmt.Sprintf("%d of 24 runs already done", after)) {
			t.Fatalf("resume: exit %d: %s", code, msg)
		}
		sameResults(t, filepath.Join(c.dir, "results.csv"), want)
	})

	t.Run("parallel", func(t *testing.T) {
		// A campaign longer than its one-minute time limit: each job gets
		// USR1 20 s before its end (10 to 40 s in: slurmctld looks every
		// 30 s), stops cleanly with status 75 and resubmits itself. The
		// campaign is sized to about 75 s of one core, measured here, so
		// the first job cannot finish it. Many small points keep the chunks
		// queued at a worker short (see the report on lookahead).
		t.Run("resubmit", func(t *testing.T) {
			t.Parallel()
			reps := resubmitReps
			c := newSlurmCampaign(t, r, sirSpec("slurm-resubmit", reps, 5000, resubmitSweep)+
				clusterTable(bin, 1, "time = \"00:01:00\"\nsignal_lead = 20\nmax_resubmits = 8\n"))
			c.submit()
			ref := make(chan []byte, 1)
			go func() {
				b, err := embeddedResults(t, c.spec, 1)
				if err != nil {
					t.Error(err)
				}
				ref <- b
			}()
			ids, jobs := c.waitAll(5 * time.Minute)
			want := <-ref
			if jobs[0].State != "COMPLETED" || len(ids) < 2 {
				c.writeLogs()
				t.Fatalf("jobs %v, latest %+v; want at least one resubmission and the latest COMPLETED", ids, jobs[0])
			}
			t.Logf("%d repetitions × 60 points took %d jobs", reps, len(ids))
			for _, id := range ids[:len(ids)-1] {
				// A job that stopped early and resubmitted itself exits 0.
				if js, err := r.ShowJob(context.Background(), id); err != nil || js[0].State != "COMPLETED" {
					t.Errorf("job %s: %+v, %v; want COMPLETED (stopped on USR1, resubmitted)", id, js, err)
				}
			}
			sameResults(t, filepath.Join(c.dir, "results.csv"), want)
			last := ids[len(ids)-1]
			wantLines(t, "status", c.status(), fmt.Sprintf("%d submitted: the first and %d resubmissions (max_resubmits 8)", len(ids), len(ids)-1),
				"state     complete", "job "+last+": COMPLETED, exit 0")
			log, _ := os.ReadFile(filepath.Join(c.dir, "slurm", "slurm-resubmit-"+ids[0]+".out"))
			wantLines(t, "the first job's log", string(log), "user defined signal 1", "resubmitted as job "+ids[1])
		})

		// A long job is cancelled; it does not resubmit itself.
		t.Run("cancel", func(t *testing.T) {
			t.Parallel()
			c := newSlurmCampaign(t, r, sirSpec("slurm-cancel", 100000, 20000, `"process.beta" = [0.5, 1.0]`)+
				clusterTable(bin, 1, "time = \"10\"\nmax_resubmits = 3\n"))
			id := c.submit()
			ctx := context.Background()
			for i := 0; ; i++ {
				jobs, err := r.ShowJob(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if jobs[0].State == "RUNNING" {
					break
				}
				if i == 240 {
					t.Fatalf("job %s not running after 2 minutes: %+v", id, jobs[0])
				}
				time.Sleep(500 * time.Millisecond)
			}
			wantLines(t, "status", c.status(), "job "+id+": RUNNING")
			if code, out := netsweep(t, "submit", c.spec, "--out", c.dir); code != exitFailure || !strings.Contains(out, "already has job "+id+" RUNNING") {
				t.Errorf("a second submit while job %s runs: exit %d, %q; want a refusal", id, code, out)
			}
			code, out := netsweep(t, "cancel", c.dir)
			if code != 0 || !strings.Contains(out, "cancelled job "+id+" (RUNNING)") {
				t.Fatalf("cancel: exit %d, %q", code, out)
			}
			ids, jobs := c.waitAll(time.Minute)
			if len(ids) != 1 || jobs[0].State != "CANCELLED" {
				c.writeLogs()
				t.Fatalf("after cancel: jobs %v, latest %+v; want job %s CANCELLED and no resubmission", ids, jobs[0], id)
			}
			wantLines(t, "status", c.status(), "job "+id+": CANCELLED")
			if code, out := netsweep(t, "cancel", c.dir); code != 0 || !strings.Contains(out, "no job of "+c.dir+" is pending or running") {
				t.Errorf("second cancel: exit %d, %q", code, out)
			}
		})

		// A job array of 3 shards, collected: the results are one job's.
		t.Run("array", func(t *testing.T) {
			t.Parallel()
			c := newSlurmCampaign(t, r, sirSpec("slurm-array", 50, 2000, `"process.beta" = [0.25, 0.5, 1.0]`)+
				clusterTable(bin, 1, "time = \"5\"\narray_shards = 3\n"))
			id := c.submit()
			want, err := embeddedResults(t, c.spec, 1)
			if err != nil {
				t.Fatal(err)
			}
			ids, jobs := c.waitAll(3 * time.Minute)
			if len(ids) != 1 || len(jobs) != 3 {
				c.writeLogs()
				t.Fatalf("jobs %v, tasks %+v; want one array job of 3 tasks", ids, jobs)
			}
			for _, j := range jobs {
				if j.State != "COMPLETED" {
					c.writeLogs()
					t.Errorf("task %s: %+v; want COMPLETED", j.ID, j)
				}
			}
			wantLines(t, "status", c.status(), "a job array of 3 shards ("+id+")", "progress  150/150 runs (100.0%)",
				"shard 0   48/48 runs (100.0%), complete; job "+id+"_0 COMPLETED, exit 0",
				"shard 2   51/51 runs (100.0%), complete; job "+id+"_2 COMPLETED, exit 0",
				"merge them with 'netsweep collect "+c.dir+"'")
			if code, out := netsweep(t, "collect", c.dir); code != 0 {
				t.Fatalf("collect: exit %d: %s", code, out)
			}
			sameResults(t, filepath.Join(c.dir, "results.csv"), want)
			wantLines(t, "status", c.status(), "results   collected in "+filepath.Join(c.dir, "results.csv"))
		})
	})
}

// calibrate returns the repetitions per point that make the campaign of
// sweep (60 points, n = 5000) take about d on one core here: it times 20
// repetitions per point. Only the workload is sized by this timing; no
// assertion depends on it.
func calibrate(t *testing.T, sweep string, d time.Duration) int {
	t.Helper()
	const probe = 20
	spec := writeSpec(t, sirSpec("calibrate", probe, 5000, sweep))
	start := time.Now()
	if code, out := netsweep(t, "run", spec, "--out", filepath.Join(t.TempDir(), "out"), "--quiet", "--workers", "1"); code != 0 {
		t.Fatalf("calibration run: exit %d: %s", code, out)
	}
	reps := int(float64(probe) * float64(d) / float64(time.Since(start)))
	return min(max(reps, 200), 20000)
}
