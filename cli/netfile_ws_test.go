package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/internal/mpitest"
	"github.com/netsweep/netsweep/internal/netnstest"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/remote/sshdtest"
)

// TestWorkstationsShipNetworkFile: deploy copies the network file with
// the spec to each workstation's own directory (two network-namespace
// hosts, as if they shared no file system); launch runs on those copies
// to the embedded run's results, byte for byte. A copy changed on the
// second host is refused by that host's rank, with one line, and the
// campaign writes no results.
func TestWorkstationsShipNetworkFile(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: -short")
	}
	netnstest.Need(t)
	_, impl, bin := mpiBinary(t)
	if impl != mpitest.OpenMPI {
		t.Skip("SKIPPING: netsweep launch drives Open MPI's mpirun; this mpirun is MPICH's")
	}
	sshdtest.Need(t, "ssh", "/usr/bin/ssh")
	sshdtest.Need(t, "sshd", "/usr/sbin/sshd")
	hosts := netnstest.Setup(t, 2)
	dir := t.TempDir()
	key, pub, err := remote.Keygen(dir, "id_netsweep")
	if err != nil {
		t.Fatal(err)
	}
	pubKey, err := os.ReadFile(pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		sshdtest.Start(t, sshdtest.Config{AuthorizedKeys: string(pubKey), ListenHost: h.Addr, Netns: h.NS})
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../examples/data/smallworld.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "smallworld.txt"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	deploy := filepath.Join(dir, "deploy")
	specPath := filepath.Join(dir, "ws.toml")
	cluster := fmt.Sprintf("\n[cluster]\nhosts = [%q, %q]\nssh_user = %q\ndeploy_dir = %q\n",
		hosts[0].Addr+":1", hosts[1].Addr+":1", me.Username, deploy+"/{host}")
	if err := os.WriteFile(specPath, []byte(fileSpec("ws-file", 20)+cluster), 0o644); err != nil {
		t.Fatal(err)
	}
	want := reference(t, specPath)
	known := filepath.Join(dir, "known_hosts")
	t.Setenv("OMPI_ALLOW_RUN_AS_ROOT", "1")
	t.Setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
	t.Setenv("NETSWEEP_FAULTS", "")

	code, msg := netsweep(t, "deploy", specPath, "--binary", bin, "--key", key, "--known-hosts", known, "--accept-host-key")
	if code != 0 {
		t.Fatalf("deploy: exit %d:\n%s", code, msg)
	}
	t.Logf("deploy:\n%s", msg)
	var copies []string
	for _, h := range hosts {
		if !strings.Contains(msg, h.Addr+":22: ") || !strings.Contains(msg, "with 1 network files") {
			t.Errorf("deploy does not report %s's network file:\n%s", h.Addr, msg)
		}
		files, _ := filepath.Glob(filepath.Join(deploy, h.Addr, "networks", "*-smallworld.txt"))
		if len(files) != 1 {
			t.Fatalf("%s: deployed network files %v, want one copy of smallworld.txt", h.Addr, files)
		}
		if got, _ := os.ReadFile(files[0]); !bytes.Equal(got, data) {
			t.Fatalf("%s: the deployed copy differs", h.Addr)
		}
		copies = append(copies, files[0])
	}
	launch := func(out string) (int, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		return netsweepCtx(ctx, "launch", specPath, "--out", out, "--key", key, "--known-hosts", known, "--net", netnstest.CIDR, "--keepalive", "1s")
	}
	out1 := filepath.Join(dir, "out1")
	if code, msg := launch(out1); code != 0 {
		t.Fatalf("launch: exit %d:\n%s", code, msg)
	} else if !strings.Contains(msg, "on 2 ranks") {
		t.Errorf("the campaign did not run on 2 ranks:\n%s", msg)
	}
	if got, err := os.ReadFile(filepath.Join(out1, "results.csv")); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("results.csv from 2 hosts differs from the embedded run's (%v): %s", err, firstDiff(want, got))
	}

	// The second host's copy changes: its rank refuses it.
	if err := os.WriteFile(copies[1], append(append([]byte(nil), data...), "0 1\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "out2")
	code, msg = launch(out2)
	if code == 0 || !strings.Contains(msg, `network_files."data/smallworld.txt"`) || !strings.Contains(msg, "the file changed after it was shipped") {
		t.Fatalf("launch with a changed copy on %s: exit %d:\n%s\nwant the rank's refusal", hosts[1].Addr, code, msg)
	}
	if n := journalRuns(t, out2); n != 0 {
		t.Errorf("the refused campaign journaled %d runs", n)
	}
	if _, err := os.Stat(filepath.Join(out2, "results.csv")); err == nil {
		t.Error("the refused campaign wrote results")
	}
	t.Logf("launch with a changed copy: exit %d:\n%s", code, lastLines(msg, 6))
}
