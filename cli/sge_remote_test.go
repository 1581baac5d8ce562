package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/remote"
)

// TestRemoteSGE drives the real Grid Engine cell from a "laptop" over the
// real sshd on loopback: submit --remote uploads the binary and the spec
// to the head and qsubs the job there; status follows it through qstat
// and qacct on the head; collect brings back results byte-identical to
// the embedded run; cancel through the record finds nothing running.
func TestRemoteSGE(t *testing.T) {
	needSGE(t)
	rc := newRemoteClusterEnv(t, "SGE_ROOT="+os.Getenv("SGE_ROOT"), "SGE_CELL="+os.Getenv("SGE_CELL"))
	rc.trust(t)
	me, err := remote.DefaultUser()
	if err != nil {
		t.Fatal(err)
	}
	c := newRemoteCampaign(t, sirSpec("remote-sge", 40, 2000, `"process.beta" = [0.25, 0.5, 1.0]`)+
		sgeTable("netsweep-mpi-is-uploaded", 2, `time = "5"`+"\n"))
	id := rc.submitRemote(t, c, me)
	want, err := embeddedResults(t, c.spec, 2)
	if err != nil {
		t.Fatal(err)
	}
	st := waitRemote(t, c.local, id, 4*time.Minute)
	wantLines(t, "status", st, "remote    "+rc.target(me)+":"+c.rdir, "progress  120/120 runs (100.0%)",
		"state     complete", "job "+id+": COMPLETED, exit 0")
	if code, out := netsweep(t, "collect", c.local); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, out)
	}
	sameResults(t, filepath.Join(c.local, "results.csv"), want)
	if code, out := netsweep(t, "cancel", c.local); code != 0 || !strings.Contains(out, "is pending or running") {
		t.Errorf("cancel after the end: exit %d: %s", code, out)
	}
}
