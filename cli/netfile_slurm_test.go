package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/remote"
)

// fileSpec is a small campaign on examples/data/smallworld.txt, as the
// spec names it (data/smallworld.txt), and on its rewired null model.
func fileSpec(name string, reps int) string {
	return fmt.Sprintf(`name = %q
seed = 14
repetitions = %d

[network]
generator = "file"
path = "data/smallworld.txt"

[process]
model = "sir"
beta = 0.5
gamma = 1.0
seeds = 4

[sweep]
"network.generator" = ["file", "rewire"]
"process.beta" = [0.5, 1.0]
`, name, reps)
}

// newFileCampaign writes the spec and, beside it, data/smallworld.txt.
func newFileCampaign(t *testing.T, text string) *slurmCampaign {
	t.Helper()
	c := newSlurmCampaign(t, nil, text)
	data := filepath.Join(filepath.Dir(c.spec), "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../examples/data/smallworld.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "smallworld.txt"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// shippedCopy returns the one network file submit shipped into dir.
func shippedCopy(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "networks", "*-smallworld.txt"))
	if len(files) != 1 {
		t.Fatalf("%s/networks holds %v, want one copy of smallworld.txt", dir, files)
	}
	return files[0]
}

// TestSlurmShipsNetworkFile: submit ships the network file with the spec
// to the campaign directory; the job, held until the original is gone,
// runs on the copy to the embedded run's results, byte for byte. A copy
// changed before the job starts is refused by the job, with one line, and
// nothing runs.
func TestSlurmShipsNetworkFile(t *testing.T) {
	r := needSlurmTools(t)
	bin := buildNetsweepMPI(t)
	release := func(t *testing.T, id string) {
		t.Helper()
		if out, err := exec.Command("scontrol", "release", id).CombinedOutput(); err != nil {
			t.Fatalf("scontrol release %s: %v\n%s", id, err, out)
		}
	}
	hold := `time = "5"` + "\n" + `sbatch_extra = ["--hold"]` + "\n"

	t.Run("byte-identical", func(t *testing.T) {
		c := newFileCampaign(t, fileSpec("ship-file", 20)+clusterTable(bin, 2, hold))
		c.r = r
		id := c.submit()
		want, err := embeddedResults(t, c.spec, 2)
		if err != nil {
			t.Fatal(err)
		}
		shippedCopy(t, c.dir)
		copyText, _ := os.ReadFile(filepath.Join(c.dir, "spec.toml"))
		wantLines(t, "the campaign's spec.toml", string(copyText), "[network_files]\n\"data/smallworld.txt\" = { path = \"networks/")
		// The job can only read the shipped copy.
		if err := os.Rename(filepath.Join(filepath.Dir(c.spec), "data"), filepath.Join(filepath.Dir(c.spec), "gone")); err != nil {
			t.Fatal(err)
		}
		release(t, id)
		ids, jobs := c.waitAll(2 * time.Minute)
		if len(ids) != 1 || jobs[0].State != "COMPLETED" || jobs[0].ExitCode != 0 {
			c.writeLogs()
			t.Fatalf("jobs %v, latest %+v; want job %s COMPLETED with exit 0", ids, jobs[0], id)
		}
		sameResults(t, filepath.Join(c.dir, "results.csv"), want)
		wantLines(t, "status", c.status(), "progress  80/80 runs (100.0%)", "state     complete")
	})

	t.Run("changed-copy-refused", func(t *testing.T) {
		c := newFileCampaign(t, fileSpec("ship-changed", 20)+clusterTable(bin, 2, hold))
		c.r = r
		id := c.submit()
		cp := shippedCopy(t, c.dir)
		b, err := os.ReadFile(cp)
		if err != nil {
			t.Fatal(err)
		}
		// One edge moved: the same size, other bytes.
		i := strings.LastIndex(strings.TrimRight(string(b), "\n"), "\n")
		changed := string(b[:i+1]) + "0 1\n"
		if err := os.WriteFile(cp, []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
		release(t, id)
		ids, jobs := c.waitAll(2 * time.Minute)
		if len(ids) != 1 || jobs[0].State == "COMPLETED" {
			c.writeLogs()
			t.Fatalf("jobs %v, latest %+v; want job %s to fail, not resubmit", ids, jobs[0], id)
		}
		log, _ := os.ReadFile(filepath.Join(c.dir, "slurm", "ship-changed-"+id+".out"))
		var refusal []string
		for _, l := range strings.Split(string(log), "\n") {
			if strings.Contains(l, `network_files."data/smallworld.txt"`) {
				refusal = append(refusal, l)
			}
		}
		if len(refusal) == 0 || !strings.Contains(refusal[0], "the file changed after it was shipped") {
			t.Fatalf("the job's log has no one-line refusal of the changed copy:\n%s", log)
		}
		if _, err := os.Stat(filepath.Join(c.dir, "results.csv")); err == nil {
			t.Error("the job wrote results from a changed network file")
		}
		t.Logf("refused: %s", refusal[0])
	})
}

// TestNetworkFileCopyElsewhere: a campaign run in a directory other than
// the spec's keeps a copy of the spec that finds the network file
// (status reads it), and refuses the file once it changes.
func TestNetworkFileCopyElsewhere(t *testing.T) {
	c := newFileCampaign(t, fileSpec("copy-elsewhere", 2))
	if code, msg := netsweep(t, "run", c.spec, "--out", c.dir, "--quiet"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, msg)
	}
	if code, out := netsweep(t, "status", c.dir); code != 0 || !strings.Contains(out, "state     complete") {
		t.Fatalf("status: exit %d: %s", code, out)
	}
	net := filepath.Join(filepath.Dir(c.spec), "data", "smallworld.txt")
	f, err := os.OpenFile(net, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("0 1\n")
	f.Close()
	code, out := netsweep(t, "status", c.dir)
	if code != 2 || !strings.Contains(out, `network_files."data/smallworld.txt"`) || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("status on a changed network file: exit %d: %s; want exit 2 and one line naming it", code, out)
	}
}

// TestRemoteSlurmShipsNetworkFile: submit --remote uploads the network
// file with the spec, over a real sshd on loopback; the job on the head
// runs on the uploaded copy to the embedded run's results, byte for byte;
// once the copy on the head changes, the head's netsweep refuses it.
func TestRemoteSlurmShipsNetworkFile(t *testing.T) {
	rc := newRemoteCluster(t)
	rc.trust(t)
	me, err := remote.DefaultUser()
	if err != nil {
		t.Fatal(err)
	}
	c := newRemoteCampaign(t, fileSpec("remote-file", 20)+clusterTable("uploaded", 2, `time = "5"`+"\n"))
	data := filepath.Join(filepath.Dir(c.spec), "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../examples/data/smallworld.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "smallworld.txt"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	id := rc.submitRemote(t, c, me)
	want, err := embeddedResults(t, c.spec, 2)
	if err != nil {
		t.Fatal(err)
	}
	st := waitRemote(t, c.local, id, 3*time.Minute)
	wantLines(t, "status", st, "progress  80/80 runs (100.0%)", "state     complete", "job "+id+": COMPLETED, exit 0")
	if code, out := netsweep(t, "collect", c.local); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, out)
	}
	sameResults(t, filepath.Join(c.local, "results.csv"), want)
	cp := shippedCopy(t, c.rdir)
	text, _ := os.ReadFile(filepath.Join(c.rdir, "spec.toml"))
	wantLines(t, "the head's spec.toml", string(text), "\"data/smallworld.txt\" = { path = \"networks/"+filepath.Base(cp)+"\"")
	// collect brought the network copy with the spec copy: the local
	// directory replays a repetition on its own.
	shippedCopy(t, c.local)
	if code, out := netsweep(t, "replay", c.local, "--point", "0", "--rep", "0"); code != 0 || !strings.Contains(out, "final_size") {
		t.Errorf("replay in the collected directory: exit %d: %s", code, out)
	}

	// The copy on the head changes: the head's netsweep refuses it.
	if err := os.WriteFile(cp, append(b, "0 1\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := netsweep(t, "status", c.local)
	if code == 0 || !strings.Contains(out, `network_files."data/smallworld.txt"`) || !strings.Contains(out, "the file changed after it was shipped") {
		t.Fatalf("status with a changed copy on the head: exit %d: %s; want the head's refusal", code, out)
	}
	t.Logf("refused: %s", strings.TrimSpace(out))
}
