package cli

// End-to-end tests of submit, status, cancel and collect against a real
// Grid Engine, running the real netsweep-mpi under mpirun. Start a
// one-node cell first:
//
//	eval "$(scripts/sge-local.sh up)"
//	CI=true go test ./cli -run SGE -v
//	scripts/sge-local.sh down
//
// Without SGE_ROOT, qsub or mpirun they skip, loudly, except under
// CI=true, where they fail. They take three to four minutes on two cores,
// most of it the campaign that outlives its one-minute soft limit.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/sge"
)

// needSGE returns the scheduler of the local cell, skipping (failing under
// CI=true) where there is none.
func needSGE(t *testing.T) *sge.Runner {
	t.Helper()
	missing := func(msg string) {
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + ", and CI=true")
		}
		t.Skip("SKIPPING the Grid Engine integration tests: " + msg)
	}
	if os.Getenv("SGE_ROOT") == "" {
		missing(`SGE_ROOT is not set; start a local Grid Engine cell with: eval "$(scripts/sge-local.sh up)"`)
	}
	for _, c := range []string{"qsub", "qstat", "qacct", "qdel", "mpirun"} {
		if _, err := exec.LookPath(c); err != nil {
			missing(fmt.Sprintf("%s not found (%v); install gridengine-client and openmpi-bin", c, err))
		}
	}
	return &sge.Runner{Stderr: logWriter{t}}
}

// sgeTable is a [cluster] table for the local cell running bin with
// ntasks ranks, plus the lines in extra.
func sgeTable(bin string, ntasks int, extra string) string {
	env := ""
	if os.Geteuid() == 0 { // Open MPI refuses to run as root without these
		env = `env = { OMPI_ALLOW_RUN_AS_ROOT = "1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM = "1" }` + "\n"
	}
	return fmt.Sprintf("\n[cluster]\nscheduler = \"sge\"\nbinary = %q\nntasks = %d\n%s%s", bin, ntasks, env, extra)
}

// sgeCampaign is one submitted campaign under test.
type sgeCampaign struct {
	clusterCampaign
	sched *sge.Scheduler
}

func newSGECampaign(t *testing.T, r *sge.Runner, text string, shards int) *sgeCampaign {
	t.Helper()
	return &sgeCampaign{clusterCampaign: newClusterCampaign(t, text, sge.ReadJobIDs, filepath.Join("slurm", "*.o*")),
		sched: sge.NewScheduler(&cluster.Config{ArrayShards: shards}, r)}
}

// wait polls Status of job id until every entry is done (qacct has
// them), and returns them.
func (c *sgeCampaign) wait(id string, limit time.Duration) []cluster.JobStatus {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		st, err := c.sched.Status(context.Background(), id)
		if err == nil {
			if _, active := cluster.Active(st); !active {
				return st
			}
		}
		if time.Now().After(deadline) {
			c.writeLogs()
			c.t.Fatalf("job %s not done after %v: %+v, %v\n%s", id, limit, st, err, c.status())
		}
		time.Sleep(time.Second)
	}
}

// waitAll waits until the campaign's latest job has ended and no job
// follows it, and returns every job id and the latest job's states.
func (c *sgeCampaign) waitAll(limit time.Duration) ([]string, []cluster.JobStatus) {
	c.t.Helper()
	start := time.Now()
	for {
		ids, err := sge.ReadJobIDs(c.dir)
		if err != nil || len(ids) == 0 {
			c.t.Fatalf("jobs file: %v, %v", ids, err)
		}
		st := c.wait(ids[len(ids)-1], limit-time.Since(start))
		// A job appends its successor's id just before it ends.
		time.Sleep(2 * time.Second)
		if again, _ := sge.ReadJobIDs(c.dir); len(again) == len(ids) {
			return ids, st
		}
	}
}

func TestSGEIntegration(t *testing.T) {
	r := needSGE(t)
	bin := buildNetsweepMPI(t)
	resubmitSweep := `"process.beta" = { start = 0.2, stop = 1.2, num = 6 }` + "\n" + `"network.mean_degree" = { start = 2.0, stop = 6.0, num = 10 }`
	resubmitReps := calibrate(t, resubmitSweep, 180*time.Second)

	// Two ranks in the parallel environment: the results are the embedded
	// runtime's, byte for byte.
	t.Run("submit", func(t *testing.T) {
		c := newSGECampaign(t, r, sirSpec("sge-submit", 40, 2000, `"process.beta" = [0.25, 0.5, 1.0]`)+sgeTable(bin, 2, `time = "5"`+"\n"), 0)
		id := c.submit()
		want, err := embeddedResults(t, c.spec, 2)
		if err != nil {
			t.Fatal(err)
		}
		ids, st := c.waitAll(3 * time.Minute)
		if len(ids) != 1 || st[0].State != "COMPLETED" {
			c.writeLogs()
			t.Fatalf("jobs %v, latest %+v; want job %s COMPLETED", ids, st, id)
		}
		sameResults(t, filepath.Join(c.dir, "results.csv"), want)
		log, _ := os.ReadFile(filepath.Join(c.dir, "slurm", "sge-submit.o"+id))
		wantLines(t, "the job's log", string(log), "on 2 ranks")
		wantLines(t, "status", c.status(), "progress  120/120 runs (100.0%)", "state     complete",
			"1 submitted: the first and 0 resubmissions", "job "+id+": COMPLETED, exit 0",
			"log "+filepath.Join(c.dir, "slurm", "sge-submit.o"+id))
	})

	t.Run("parallel", func(t *testing.T) {
		// A campaign longer than its one-minute soft limit: each job gets
		// SIGUSR1 at s_rt, 60 s in (h_rt 2 minutes, signal_lead 60),
		// stops cleanly with status 75 and resubmits itself. The campaign
		// is sized to about 180 s of one core, measured here: three times
		// the soft limit, so that it outlives one job on a busy machine
		// (sized to 100 s, it once fit in one job when the load dropped).
		t.Run("resubmit", func(t *testing.T) {
			t.Parallel()
			c := newSGECampaign(t, r, sirSpec("sge-resubmit", resubmitReps, 5000, resubmitSweep)+
				sgeTable(bin, 1, "time = \"2\"\nsignal_lead = 60\nmax_resubmits = 8\n"), 0)
			c.submit()
			ref := make(chan []byte, 1)
			go func() {
				b, err := embeddedResults(t, c.spec, 1)
				if err != nil {
					t.Error(err)
				}
				ref <- b
			}()
			ids, st := c.waitAll(10 * time.Minute)
			want := <-ref
			if st[0].State != "COMPLETED" || len(ids) < 2 {
				c.writeLogs()
				t.Fatalf("jobs %v, latest %+v; want at least one resubmission and the latest COMPLETED", ids, st)
			}
			t.Logf("%d repetitions × 60 points took %d jobs", resubmitReps, len(ids))
			for _, id := range ids[:len(ids)-1] {
				// A job that stopped early and resubmitted itself exits 0.
				if js, err := c.sched.Status(context.Background(), id); err != nil || js[0].State != "COMPLETED" {
					t.Errorf("job %s: %+v, %v; want COMPLETED (stopped on USR1, resubmitted)", id, js, err)
				}
			}
			sameResults(t, filepath.Join(c.dir, "results.csv"), want)
			last := ids[len(ids)-1]
			wantLines(t, "status", c.status(), fmt.Sprintf("%d submitted: the first and %d resubmissions (max_resubmits 8)", len(ids), len(ids)-1),
				"state     complete", "job "+last+": COMPLETED, exit 0")
			log, _ := os.ReadFile(filepath.Join(c.dir, "slurm", "sge-resubmit.o"+ids[0]))
			wantLines(t, "the first job's log", string(log), "user defined signal 1", "resubmitted as job "+ids[1])
		})

		// A long job is cancelled: it stops, does not resubmit itself, and
		// its journal keeps what it finished, which a resume reuses.
		t.Run("cancel", func(t *testing.T) {
			t.Parallel()
			c := newSGECampaign(t, r, sirSpec("sge-cancel", 100000, 20000, `"process.beta" = [0.5, 1.0]`)+
				sgeTable(bin, 1, "time = \"10\"\nmax_resubmits = 3\n"), 0)
			id := c.submit()
			deadline := time.Now().Add(4 * time.Minute)
			for journalRuns(t, c.dir) < 2 {
				if time.Now().After(deadline) {
					c.writeLogs()
					t.Fatalf("job %s journaled nothing in 4 minutes\n%s", id, c.status())
				}
				time.Sleep(250 * time.Millisecond)
			}
			wantLines(t, "status", c.status(), "job "+id+": r")
			if code, out := netsweep(t, "submit", c.spec, "--out", c.dir); code != exitFailure || !strings.Contains(out, "already has job "+id+" r") {
				t.Errorf("a second submit while job %s runs: exit %d, %q; want a refusal", id, code, out)
			}
			before := journalRuns(t, c.dir)
			code, out := netsweep(t, "cancel", c.dir)
			if code != 0 || !strings.Contains(out, "cancelled job "+id+" (r)") {
				t.Fatalf("cancel: exit %d, %q", code, out)
			}
			ids, st := c.waitAll(2 * time.Minute)
			after := journalRuns(t, c.dir)
			// qdel sends SIGUSR2 (-notify), which the script passes on as
			// USR1, then, the queue's notify time (10 s) later, SIGKILL:
			// the run stops well in time (exit 75) or is killed (failed
			// 100); either way the job is not resubmitted.
			stopped := st[0].State == "EXITED" && st[0].ExitCode == 75
			killed := strings.HasPrefix(st[0].State, "FAILED (100")
			if len(ids) != 1 || !(stopped || killed) || after < before {
				c.writeLogs()
				t.Fatalf("after cancel: jobs %v, latest %+v, %d runs journaled (%d before); want job %s stopped or killed, no resubmission, the journal kept", ids, st, after, before, id)
			}
			t.Logf("job %s: %s; the journal kept %d runs", id, st[0], after)
			wantLines(t, "status", c.status(), "job "+id+": "+st[0].String(), fmt.Sprintf("progress  %d/200000 runs", after))
			if code, out := netsweep(t, "cancel", c.dir); code != 0 || !strings.Contains(out, "no job of "+c.dir+" is pending or running") {
				t.Errorf("second cancel: exit %d, %q", code, out)
			}
			if _, err := os.Stat(filepath.Join(c.dir, campaign.JournalFile)); err != nil {
				t.Errorf("the journal is gone: %v", err)
			}
		})

		// A job array of 3 shards, collected: the results are one job's.
		t.Run("array", func(t *testing.T) {
			t.Parallel()
			c := newSGECampaign(t, r, sirSpec("sge-array", 50, 2000, `"process.beta" = [0.25, 0.5, 1.0]`)+
				sgeTable(bin, 1, "time = \"5\"\narray_shards = 3\n"), 3)
			id := c.submit()
			want, err := embeddedResults(t, c.spec, 1)
			if err != nil {
				t.Fatal(err)
			}
			ids, st := c.waitAll(5 * time.Minute)
			if len(ids) != 1 || len(st) != 3 {
				c.writeLogs()
				t.Fatalf("jobs %v, tasks %+v; want one array job of 3 tasks", ids, st)
			}
			for _, j := range st {
				if j.State != "COMPLETED" {
					c.writeLogs()
					t.Errorf("task %s: %+v; want COMPLETED", j.ID, j)
				}
			}
			wantLines(t, "status", c.status(), "a job array of 3 shards ("+id+")", "progress  150/150 runs (100.0%)",
				"shard 0   48/48 runs (100.0%), complete; job "+id+".1 COMPLETED, exit 0",
				"shard 2   51/51 runs (100.0%), complete; job "+id+".3 COMPLETED, exit 0",
				"merge them with 'netsweep collect "+c.dir+"'")
			if code, out := netsweep(t, "collect", c.dir); code != 0 {
				t.Fatalf("collect: exit %d: %s", code, out)
			}
			sameResults(t, filepath.Join(c.dir, "results.csv"), want)
			wantLines(t, "status", c.status(), "results   collected in "+filepath.Join(c.dir, "results.csv"))
		})
	})
}
