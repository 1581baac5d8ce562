package cli

// Budgets against the real local Slurm, directly and over sshd with
// --remote. Run them alone, after the cluster is up:
//
//	eval "$(scripts/slurm-local.sh up)"
//	CI=true go test ./cli -run 'TestSlurmBudget$|TestRemoteSlurmBudget$' -v

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/headnode"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/slurm"
)

// TestSlurmBudget submits, against the real local Slurm (see
// slurm_integration_test.go), a campaign whose plan, made by 'netsweep
// plan' with a short pilot and then edited to expect almost nothing,
// lets 'submit --budget 1e-9h' through: the job's run spends that budget
// on its first chunks, journals them and ends with exit 77, and the job
// does not resubmit itself. Submitting again with a larger budget
// resumes from the journal (the pilot's repetitions and the first job's)
// and completes the campaign to the embedded runtime's results.csv, byte
// for byte.
func TestSlurmBudget(t *testing.T) {
	r := needSlurmTools(t)
	const reps, total = 200, 600 // 3 points
	bin := buildNetsweepMPI(t)
	c := newSlurmCampaign(t, r, sirSpec("slurm-budget", reps, 20000, `"process.beta" = [0.5, 1.0, 1.5]`)+
		clusterTable(bin, 2, "time = \"5\"\nmax_resubmits = 3\n"))
	want, err := embeddedResults(t, c.spec, 2)
	if err != nil {
		t.Fatal(err)
	}
	if code, msg := netsweep(t, "plan", c.spec, "--out", c.dir, "--pilot", "200ms", "--workers", "2"); code != 0 {
		t.Fatalf("plan: exit %d: %s", code, msg)
	}
	pilot := journalRuns(t, c.dir)
	if pilot >= total {
		t.Fatalf("the pilot ran all %d repetitions; the test needs a campaign with work left", pilot)
	}
	cheapPlan(t, c.dir)

	submit := func(budget string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := dispatch(context.Background(), []string{"submit", c.spec, "--out", c.dir, "--budget", budget}, &stdout, &stderr); err != nil {
			t.Fatalf("submit --budget %s: %v\n%s", budget, err, stderr.String())
		}
		return strings.TrimSpace(stdout.String())
	}

	// stopped runs a job with the budget, which the journal's cost makes
	// spent, and checks that it ends with exit 77, alone, its log saying
	// so, and returns the repetitions journaled then.
	var ids []string
	stopped := func(budget string) int {
		t.Helper()
		id := submit(budget)
		var jobs []slurm.JobInfo
		ids, jobs = c.waitAll(2 * time.Minute)
		if ids[len(ids)-1] != id || jobs[0].ExitCode != 77 {
			c.writeLogs()
			t.Fatalf("jobs %v, latest %+v; want job %s last, ended with exit 77", ids, jobs[0], id)
		}
		log, _ := os.ReadFile(filepath.Join(c.dir, "slurm", "slurm-budget-"+id+".out"))
		wantLines(t, "the job's log", string(log), "stopped at its budget of "+budget+" (status 77); not resubmitting")
		wantLines(t, "status", c.status(), "job "+id+": FAILED, exit 77")
		return journalRuns(t, c.dir)
	}

	// The pilot's core time, in DIR/cost.json, already exceeds 1e-09
	// core-hours (written 1e-09h, as the job script writes it): the job
	// hands out no chunk.
	if n := stopped("1e-09h"); n != pilot || len(ids) != 1 {
		c.writeLogs()
		t.Fatalf("a job whose budget the pilot had spent: %d repetitions journaled, %d by the pilot, jobs %v", n, pilot, ids)
	}
	// A budget just above the pilot's cost: the job's first chunks spend
	// it, and the chunks in flight then are journaled.
	b, err := os.ReadFile(filepath.Join(c.dir, campaign.CostFile))
	if err != nil {
		t.Fatal(err)
	}
	var cost struct {
		CoreSeconds float64 `json:"core_seconds"`
	}
	if err := json.Unmarshal(b, &cost); err != nil || !(cost.CoreSeconds > 0) {
		t.Fatalf("%s: %s, %v", campaign.CostFile, b, err)
	}
	spent := stopped(strconv.FormatFloat(cost.CoreSeconds/3600+1e-7, 'g', -1, 64) + "h")
	if spent <= pilot || spent >= total || len(ids) != 2 {
		c.writeLogs()
		t.Fatalf("%d repetitions journaled after the budget stop, %d by the pilot, jobs %v; want the chunks in flight journaled, not the whole campaign, and no resubmission", spent, pilot, ids)
	}
	t.Logf("the pilot ran %d repetitions, the second job %d more before its budget stopped it", pilot, spent-pilot)

	id3 := submit("1000h")
	ids, jobs := c.waitAll(2 * time.Minute)
	if len(ids) != 3 || ids[2] != id3 || jobs[0].State != "COMPLETED" || jobs[0].ExitCode != 0 {
		c.writeLogs()
		t.Fatalf("jobs %v, latest %+v; want job %s COMPLETED with exit 0", ids, jobs[0], id3)
	}
	log, _ := os.ReadFile(filepath.Join(c.dir, "slurm", "slurm-budget-"+id3+".out"))
	wantLines(t, "the second job's log", string(log), fmt.Sprintf("%d of %d runs already done", spent, total))
	sameResults(t, filepath.Join(c.dir, "results.csv"), want)
}

// cheapPlan edits the estimate of 'netsweep plan' in dir to expect 1e-12
// core-hours, which tiny budgets cover.
func cheapPlan(t *testing.T, dir string) {
	t.Helper()
	planFile := filepath.Join(dir, campaign.PlanFile)
	b, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]any
	if err := json.Unmarshal(b, &plan); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"core_hours", "core_hours_lo", "core_hours_hi"} {
		if _, ok := plan[k]; !ok {
			t.Fatalf("%s has no %s", planFile, k)
		}
		plan[k] = 1e-12
	}
	if b, err = json.Marshal(plan); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(planFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRemoteSlurmBudget is 'submit --remote --budget' over a real sshd to
// the real local Slurm (see remote_integration_test.go): with no plan in
// LOCALDIR it is refused before anything reaches the head node; with the
// plan there (made by 'netsweep plan', then edited to expect almost
// nothing) the remote job gets the budget, spends it on its first chunks
// and ends with exit 77, not resubmitted, counted in the head's
// DIR/cost.json (the pilot's cost stays here); a second submission with a
// larger budget completes the campaign, and the collected results.csv is
// the embedded runtime's, byte for byte.
func TestRemoteSlurmBudget(t *testing.T) {
	rc := newRemoteCluster(t)
	rc.trust(t)
	me, err := remote.DefaultUser()
	if err != nil {
		t.Fatal(err)
	}
	const total = 600
	c := newRemoteCampaign(t, sirSpec("remote-budget", 200, 20000, `"process.beta" = [0.5, 1.0, 1.5]`)+
		clusterTable("netsweep-mpi-is-uploaded", 2, "time = \"5\"\nmax_resubmits = 3\n"))
	submit := func(budget string) (int, string) {
		args := append([]string{"submit", c.spec, "--remote", rc.target(me), "--out", c.local, "--remote-dir", c.rdir, "--upload-binary", rc.bin, "--budget", budget}, rc.common...)
		return netsweep(t, args...)
	}
	if code, out := submit("1e-09h"); code == 0 || !strings.Contains(out, "run 'netsweep plan") {
		t.Fatalf("submit --remote --budget with no plan: exit %d: %s", code, out)
	}
	if _, err := os.Stat(c.rdir); err == nil {
		t.Fatalf("a submission refused for its budget created %s on the head node", c.rdir)
	}
	if code, msg := netsweep(t, "plan", c.spec, "--out", c.local, "--pilot", "200ms", "--workers", "2"); code != 0 {
		t.Fatalf("plan: exit %d: %s", code, msg)
	}
	cheapPlan(t, c.local)
	want, err := embeddedResults(t, c.spec, 2)
	if err != nil {
		t.Fatal(err)
	}

	code, out := submit("1e-09h")
	if code != 0 {
		t.Fatalf("submit --remote --budget 1e-09h: exit %d: %s", code, out)
	}
	if strings.Contains(out, "does not pass the budget") {
		t.Errorf("submit still warns that the budget is not passed: %s", out)
	}
	id := strings.SplitN(out, "\n", 2)[0]
	st := waitRemote(t, c.local, id, 3*time.Minute)
	log, _ := os.ReadFile(filepath.Join(c.rdir, "slurm", "remote-budget-"+id+".out"))
	if !strings.Contains(st, "job "+id+": FAILED, exit 77") || !strings.Contains(string(log), "stopped at its budget of 1e-09h (status 77); not resubmitting") {
		t.Fatalf("the remote job with a budget of 1e-09h:\n%s\nits log:\n%s", st, log)
	}
	script, _ := os.ReadFile(filepath.Join(c.rdir, "slurm", "job.sbatch"))
	wantLines(t, "the remote job script", string(script), "\nbudget=1e-09h\n")
	if _, err := os.Stat(filepath.Join(c.rdir, campaign.CostFile)); err != nil {
		t.Error(err)
	}
	spent := journalRuns(t, c.rdir)
	if spent == 0 || spent >= total {
		t.Fatalf("%d repetitions journaled on the head after the budget stop; want the chunks in flight, not the whole campaign", spent)
	}
	rec, _, _ := headnode.ReadRecord(c.local)
	if len(rec.Jobs) != 1 {
		t.Fatalf("jobs %v after a budget stop; want no resubmission", rec.Jobs)
	}

	if code, out = submit("1000h"); code != 0 {
		t.Fatalf("submit --remote --budget 1000h: exit %d: %s", code, out)
	}
	id = strings.SplitN(out, "\n", 2)[0]
	wantLines(t, "status", waitRemote(t, c.local, id, 3*time.Minute), "job "+id+": COMPLETED, exit 0")
	if code, out := netsweep(t, "collect", c.local); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, out)
	}
	sameResults(t, filepath.Join(c.local, "results.csv"), want)
}
