package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// clusterCampaign is one campaign submitted to a real scheduler by an
// integration test (Slurm, Grid Engine): its spec file, its directory, and
// how to read the job ids that submit records and the jobs' logs.
type clusterCampaign struct {
	t       *testing.T
	spec    string // the user's spec file
	dir     string // the campaign directory
	readIDs func(dir string) ([]string, error)
	logs    string // the jobs' logs, a glob relative to dir
}

// newClusterCampaign writes text as the spec of a new campaign in a
// directory the scheduler's daemons may write to.
func newClusterCampaign(t *testing.T, text string, readIDs func(string) ([]string, error), logs string) clusterCampaign {
	t.Helper()
	base := t.TempDir()
	if err := os.Chmod(base, 0o777); err != nil {
		t.Fatal(err)
	}
	c := clusterCampaign{t: t, spec: filepath.Join(base, "spec.toml"), dir: filepath.Join(base, "camp"), readIDs: readIDs, logs: logs}
	if err := os.WriteFile(c.spec, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// submit runs 'netsweep submit' and returns the job id it prints, which
// must be the one job the jobs file lists.
func (c *clusterCampaign) submit() string {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	if err := dispatch(context.Background(), []string{"submit", c.spec, "--out", c.dir}, &stdout, &stderr); err != nil {
		c.t.Fatalf("submit: %v\n%s", err, stderr.String())
	}
	id := strings.TrimSpace(stdout.String())
	if ids, _ := c.readIDs(c.dir); len(ids) != 1 || ids[0] != id {
		c.t.Fatalf("submit printed %q; the jobs file lists %v", id, ids)
	}
	return id
}

// status runs 'netsweep status' and returns its output.
func (c *clusterCampaign) status() string {
	c.t.Helper()
	code, out := netsweep(c.t, "status", c.dir)
	if code != 0 {
		c.t.Fatalf("status: exit %d: %s", code, out)
	}
	return out
}

// writeLogs writes the jobs' logs to the test log.
func (c *clusterCampaign) writeLogs() {
	files, _ := filepath.Glob(filepath.Join(c.dir, c.logs))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		c.t.Logf("%s:\n%s", f, b)
	}
}
