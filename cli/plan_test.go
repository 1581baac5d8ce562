package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanAndBudget runs 'netsweep plan' with a short pilot, then
// 'submit --budget' with budgets below and above its estimate, and with
// no estimate: the refusals come before anything is submitted (an
// estimate within the budget goes on to the spec's [cluster], which this
// spec lacks, so submit stops there).
func TestPlanAndBudget(t *testing.T) {
	spec := writeSpec(t, precisionSpec)
	out := filepath.Join(t.TempDir(), "out")
	code, msg := netsweep(t, "plan", spec, "--out", out, "--pilot", "1s", "--workers", "2", "--within", "1h")
	if code != 0 || !strings.Contains(msg, "core-hours (95% interval") || !strings.Contains(msg, "ntasks = ") {
		t.Fatalf("plan: exit %d:\n%s", code, msg)
	}
	if _, err := os.Stat(filepath.Join(out, "plan.json")); err != nil {
		t.Fatal(err)
	}
	if code, msg := netsweep(t, "submit", spec, "--out", out, "--budget", "1e-9h"); code == 0 || !strings.Contains(msg, "more than the budget") {
		t.Errorf("submit over budget: exit %d: %s", code, msg)
	}
	if code, msg := netsweep(t, "submit", spec, "--out", out, "--budget", "1000h"); strings.Contains(msg, "budget") || !strings.Contains(msg, "[cluster]") {
		t.Errorf("submit within budget: exit %d: %s", code, msg)
	}
	if code, msg := netsweep(t, "submit", spec, "--out", filepath.Join(t.TempDir(), "none"), "--budget", "1000h"); code == 0 || !strings.Contains(msg, "run 'netsweep plan") {
		t.Errorf("submit with no plan: exit %d: %s", code, msg)
	}
	if code, msg := netsweep(t, "submit", spec, "--budget", "-3h"); code != 2 || !strings.Contains(msg, "--budget -3h") {
		t.Errorf("bad budget: exit %d: %s", code, msg)
	}
	if code, _ := netsweep(t, "plan"); code != 2 {
		t.Errorf("plan without a spec: exit %d", code)
	}
}
