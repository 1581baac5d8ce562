package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/internal/mpitest"
	"github.com/netsweep/netsweep/slurm"
)

// TestRenderBudgetGolden renders examples/campaign.toml with --budget
// 500h for every batch scheduler, as one job and as a job array of 4
// shards, and compares the scripts with
// testdata/golden/campaign.budget[-shards].EXT (go test -run
// RenderBudgetGolden -update rewrites them); bash -n checks each. Each
// script gives its runs --budget (500h, or 125h a shard), in the one run
// line that resubmissions run again too, and does not resubmit a run that
// exits 77 (its budget spent). The goldens without a budget
// (TestRenderGolden and the others) stay as they were.
func TestRenderBudgetGolden(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash not found: %v", err)
	}
	text, err := os.ReadFile("../examples/campaign.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ scheduler, ext string }{
		{"slurm", "sbatch"}, {"sge", "sge.sh"}, {"pbspro", "pbspro.sh"}, {"torque", "torque.sh"},
	} {
		for _, shards := range []bool{false, true} {
			name, share := "campaign.budget", "500h"
			spec := string(text)
			if shards {
				name, share = "campaign.budget-shards", "125h"
				spec = strings.Replace(spec, "# array_shards = 4", "array_shards = 4", 1)
			}
			t.Run(tc.scheduler+"/"+name, func(t *testing.T) {
				args := []string{"--scheduler", tc.scheduler}
				if tc.scheduler == "pbspro" || tc.scheduler == "torque" {
					spec, args = pbsFlavour(spec, tc.scheduler), nil
				}
				specPath := writeSpec(t, spec)
				out := filepath.Join(t.TempDir(), "job.sh")
				args = append([]string{"render", specPath, "--out", "/campaigns/campaign", "-o", out, "--budget", "500h"}, args...)
				if code, msg := netsweep(t, args...); code != 0 {
					t.Fatalf("render: exit %d: %s", code, msg)
				}
				got, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, got, name+"."+tc.ext, "RenderBudgetGolden")
				if out, err := exec.Command(bash, "-n", out).CombinedOutput(); err != nil {
					t.Errorf("bash -n: %v\n%s", err, out)
				}
				for _, want := range []string{"\nbudget=" + share + "\n", ` --budget "$budget" &` + "\n", "\n77)\n"} {
					if !strings.Contains(string(got), want) {
						t.Errorf("the script lacks %q", want)
					}
				}
				if n := strings.Count(string(got), ` run "$spec" `); n != 1 {
					t.Errorf("%d run lines; want the one that has the budget", n)
				}
			})
		}
	}
}

// TestRenderBudgetErrors: a bad --budget is a usage error, and a
// launcher run by hand (Rocks without a queue) takes no budget.
func TestRenderBudgetErrors(t *testing.T) {
	specPath := writeSpec(t, minimalSpec+defaultCluster)
	if code, msg := netsweep(t, "render", specPath, "--budget", "0h"); code != exitUsage || !strings.Contains(msg, "--budget 0h") {
		t.Errorf("--budget 0h: exit %d: %s", code, msg)
	}
	rocks := writeSpec(t, rocksRun(minimalSpec))
	if code, msg := netsweep(t, "render", rocks, "--budget", "5h"); code != exitUsage || !strings.Contains(msg, "this launcher takes none") {
		t.Errorf("rocks-run with --budget: exit %d: %s", code, msg)
	}
}

// TestRunBudgetShards runs a campaign with [precision] as the two shards
// of a job array would, each with its share of a budget far below one
// chunk's cost, as the rendered scripts pass it: each shard stops with
// exit status 77 (not 75: a resubmission with the same budget would do
// nothing) having kept its cost in its own DIR/shards/I/cost.json, does
// nothing when run again with the same budget, and completes with a
// larger one; the collected results.csv is byte-identical to a run's
// without budget or shards.
func TestRunBudgetShards(t *testing.T) {
	spec := writeSpec(t, precisionSpec)
	want := reference(t, spec)
	dir := t.TempDir()
	for i := range 2 {
		out := filepath.Join(dir, "shards", fmt.Sprint(i))
		run := func(budget string) (int, string) {
			return netsweep(t, "run", spec, "--out", out, "--shard", fmt.Sprintf("%d/2", i), "--quiet", "--workers", "2", "--budget", budget)
		}
		if code, msg := run("1e-9h"); code != exitBudget || !strings.Contains(msg, "of its budget of 1e-09 core-hours") {
			t.Fatalf("shard %d with a spent budget: exit %d: %s", i, code, msg)
		}
		before := journalRuns(t, out)
		if before == 0 {
			t.Errorf("shard %d: the chunks in flight when the budget ran out were not journaled", i)
		}
		if _, err := os.Stat(filepath.Join(out, "cost.json")); err != nil {
			t.Errorf("shard %d: %v", i, err)
		}
		if code, msg := run("1e-9h"); code != exitBudget {
			t.Fatalf("shard %d run again with its spent budget: exit %d: %s", i, code, msg)
		}
		if n := journalRuns(t, out); n != before {
			t.Errorf("shard %d: a run with a spent budget ran %d repetitions", i, n-before)
		}
		if code, msg := run("1000h"); code != 0 {
			t.Fatalf("shard %d with a larger budget: exit %d: %s", i, code, msg)
		}
	}
	if code, msg := netsweep(t, "collect", dir); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, msg)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "results.csv"))
	if !bytes.Equal(got, want) {
		t.Errorf("collected results after budget stops differ from a run without budget: %s", firstDiff(want, got))
	}
	// 'results' shows the precision columns of results.csv.
	var stdout, stderr bytes.Buffer
	if err := dispatch(context.Background(), []string{"results", dir, "--metrics", "final_size"}, &stdout, &stderr); err != nil {
		t.Fatalf("results: %v: %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if h := strings.Fields(lines[0]); len(lines) != 7 || h[len(h)-2] != "precision" || h[len(h)-1] != "precision_met" {
		t.Errorf("results:\n%s", stdout.String())
	}
	if met := strings.Count(stdout.String(), " true\n"); met == 0 {
		t.Errorf("results shows no point that met its target:\n%s", stdout.String())
	}
}

// TestMPIBudget runs under real mpirun -np 3 with a budget spent by the
// first chunks, then again with the same budget: both runs end with exit
// status 77 (every rank ends; none waits for work that never comes), the
// second having run nothing, and a larger budget completes the campaign
// to a run's results without budget.
func TestMPIBudget(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	spec := writeSpec(t, precisionSpec)
	want := reference(t, spec)
	out := filepath.Join(t.TempDir(), "out")
	var before int
	for round := range 2 {
		cmd := mpiCommand(mpirun, impl, 3, bin, "run", spec, "--out", out, "--quiet", "--budget", "1e-9h")
		msg, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitBudget {
			t.Fatalf("round %d: %v, want exit status %d\n%s", round, err, exitBudget, msg)
		}
		n := journalRuns(t, out)
		if round == 1 && n != before {
			t.Errorf("a run with a spent budget ran %d repetitions", n-before)
		}
		before = n
	}
	if msg, err := mpiCommand(mpirun, impl, 3, bin, "run", spec, "--out", out, "--quiet", "--budget", "1000h").CombinedOutput(); err != nil {
		t.Fatalf("a larger budget: %v\n%s", err, msg)
	}
	got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	if !bytes.Equal(got, want) {
		t.Errorf("results after budget stops under MPI differ: %s", firstDiff(want, got))
	}
}

// TestMPIBudgetScript runs the Slurm job script that 'submit --budget'
// writes, with bash, outside Slurm (the script falls back to its own
// clock without SLURM_JOB_*): its real mpirun runs the real netsweep-mpi
// with the budget, which the first chunks spend. The script ends with
// status 77 and does not resubmit itself (sbatch, first on PATH here,
// would leave a mark); as shard 1 of an array of 2 (SLURM_ARRAY_TASK_ID)
// it passes half the budget and runs into DIR/shards/1. The scheduler's
// side is TestSlurmIntegration's.
func TestMPIBudgetScript(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	if impl != mpitest.OpenMPI {
		t.Skip("the script's bare mpirun needs Open MPI's root and slot settings here")
	}
	fake := t.TempDir()
	mark := filepath.Join(fake, "sbatch-called")
	if err := os.WriteFile(filepath.Join(fake, "sbatch"), []byte("#!/bin/sh\ntouch "+mark+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, shards := range []int{0, 2} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			extra := "launcher = \"mpirun\"\ntime = \"5\"\nmax_resubmits = 3\nbinary = \"" + bin + "\"\nntasks = 2\n" +
				"env = { OMPI_ALLOW_RUN_AS_ROOT = \"1\", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM = \"1\", PATH = \"" + fake + ":" + filepath.Dir(mpirun) + ":/usr/bin:/bin\" }\n"
			if shards > 0 {
				extra += fmt.Sprintf("array_shards = %d\n", shards)
			}
			text := precisionSpec + "\n[cluster]\n" + extra
			dir := filepath.Join(t.TempDir(), "camp")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "spec.toml"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			script := filepath.Join(dir, "job.sbatch")
			if code, msg := netsweep(t, "render", filepath.Join(dir, "spec.toml"), "--scheduler", "slurm", "--out", dir, "-o", script, "--budget", "2e-9h"); code != 0 {
				t.Fatalf("render: exit %d: %s", code, msg)
			}
			cmd := exec.Command("bash", script)
			cmd.Env = append(os.Environ(), "NETSWEEP_FAULTS=", "SLURM_ARRAY_TASK_ID=1")
			msg, err := cmd.CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitBudget {
				t.Fatalf("the script: %v, want exit status %d\n%s", err, exitBudget, msg)
			}
			share, out := "2e-09", dir
			if shards > 0 {
				share, out = "1e-09", filepath.Join(dir, "shards", "1")
			}
			if !strings.Contains(string(msg), "of its budget of "+share+" core-hours") || !strings.Contains(string(msg), "stopped at its budget of "+share+"h (status 77); not resubmitting") {
				t.Errorf("the script's output:\n%s", msg)
			}
			if _, err := os.Stat(filepath.Join(out, "cost.json")); err != nil {
				t.Errorf("no cost kept where the run went: %v", err)
			}
			if _, err := os.Stat(mark); err == nil {
				t.Error("the script resubmitted itself after its budget was spent")
			}
		})
	}
}

// TestSubmitBudgetChecked is the head node's side of 'submit --remote
// --budget' (headnode.submitArgs gives it --budget-checked): with no plan
// in DIR it submits all the same, with the budget in the job script; the
// flag alone, or with --remote, is a usage error.
func TestSubmitBudgetChecked(t *testing.T) {
	f := &fakeSlurm{jobs: map[string][]slurm.JobInfo{}, nextID: 40}
	useFake(t, f)
	specPath := writeSpec(t, minimalSpec+defaultCluster)
	dir := filepath.Join(t.TempDir(), "camp")
	if code, msg := netsweep(t, "submit", specPath, "--out", dir, "--budget", "7h"); code == 0 || !strings.Contains(msg, "run 'netsweep plan") {
		t.Fatalf("submit --budget without a plan: exit %d: %s", code, msg)
	}
	if code, msg := netsweep(t, "submit", specPath, "--out", dir, "--budget", "7h", "--budget-checked"); code != 0 {
		t.Fatalf("submit --budget-checked: exit %d: %s", code, msg)
	}
	script, err := os.ReadFile(filepath.Join(dir, "slurm", "job.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "\nbudget=7h\n") || !strings.Contains(string(script), ` --budget "$budget" &`) {
		t.Errorf("the job script does not pass the checked budget:\n%s", script)
	}
	if code, msg := netsweep(t, "submit", specPath, "--out", dir, "--budget-checked"); code != exitUsage || !strings.Contains(msg, "give the --budget") {
		t.Errorf("--budget-checked alone: exit %d: %s", code, msg)
	}
	if code, msg := netsweep(t, "submit", specPath, "--remote", "h", "--budget", "7h", "--budget-checked"); code != exitUsage || !strings.Contains(msg, "leave it out") {
		t.Errorf("--budget-checked with --remote: exit %d: %s", code, msg)
	}
	if len(f.submitted) != 1 {
		t.Errorf("%d submissions; want the one with --budget-checked", len(f.submitted))
	}
}
