package cli

// End-to-end tests of submit, status, cancel and collect with --remote: the
// "cluster head" is this machine, reached through a real sshd on 127.0.0.1
// with its own host key (remote/sshdtest), logged in with a key made by
// 'netsweep keygen'; the remote netsweep is a freshly built netsweep-mpi,
// uploaded with --upload-binary; the real local Slurm runs the jobs.
//
//	eval "$(scripts/slurm-local.sh up)"
//	CI=true go test ./cli -run RemoteSlurm -v
//	scripts/slurm-local.sh down
//
// sshd passes none of the client's environment, so SLURM_CONF reaches the
// remote netsweep through --remote-env SLURM_CONF=..., which becomes
// "env SLURM_CONF=... netsweep ..." in the remote argument list.

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/headnode"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/remote/sshdtest"
)

// remoteCluster is the head node of the tests: sshd in front of the local
// Slurm.
type remoteCluster struct {
	srv    *sshdtest.Server
	key    string // private key from netsweep keygen
	pub    string // its authorized_keys line
	known  string // the laptop's known_hosts
	bin    string // netsweep-mpi to upload
	common []string
}

func newRemoteCluster(t *testing.T) *remoteCluster {
	t.Helper()
	needSlurmTools(t)
	return newRemoteClusterEnv(t, "SLURM_CONF="+os.Getenv("SLURM_CONF"))
}

// newRemoteClusterEnv is newRemoteCluster for any scheduler: env holds
// the NAME=VALUE pairs that the head's commands get (--remote-env).
func newRemoteClusterEnv(t *testing.T, env ...string) *remoteCluster {
	t.Helper()
	sshdtest.Need(t, "sshd", "/usr/sbin/sshd")
	rc := &remoteCluster{bin: buildNetsweepMPI(t)}

	keys := filepath.Join(t.TempDir(), "keys")
	code, out := netsweep(t, "keygen", "campaigns", "--dir", keys)
	if code != 0 {
		t.Fatalf("keygen: exit %d: %s", code, out)
	}
	rc.key = filepath.Join(keys, "campaigns")
	b, err := os.ReadFile(rc.key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	rc.pub = string(b)
	if fi, err := os.Stat(rc.key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("keygen's private key: %v, %v; want mode 0600", fi.Mode(), err)
	}
	if !strings.Contains(out, strings.TrimSpace(rc.pub)) || !strings.HasPrefix(rc.pub, "ssh-ed25519 ") {
		t.Fatalf("keygen printed %q; want the ed25519 public key line %q", out, rc.pub)
	}
	rc.srv = sshdtest.Start(t, sshdtest.Config{AuthorizedKeys: rc.pub})
	rc.known = filepath.Join(t.TempDir(), "known_hosts")
	rc.common = []string{"--key", rc.key, "--known-hosts", rc.known, "--connect-timeout", "5s"}
	for _, e := range env {
		rc.common = append(rc.common, "--remote-env", e)
	}
	return rc
}

// trust writes the head's host key into known_hosts, as an earlier
// --accept-host-key would have, for subtests run alone.
func (rc *remoteCluster) trust(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(rc.known, []byte(rc.srv.KnownHostsLine(rc.srv.Addr)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (rc *remoteCluster) target(user string) string {
	return fmt.Sprintf("%s@127.0.0.1:%d", user, rc.srv.Port)
}

// remoteCampaign is a spec on the laptop, its local directory and its
// directory on the head node.
type remoteCampaign struct {
	spec, local, rdir string
}

func newRemoteCampaign(t *testing.T, text string) remoteCampaign {
	base := t.TempDir()
	// Another user writes rdir: open base, and let it pass the test's
	// temporary root.
	if err := os.Chmod(base, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(base), 0o755); err != nil {
		t.Fatal(err)
	}
	c := remoteCampaign{spec: filepath.Join(base, "spec.toml"), local: filepath.Join(base, "local"), rdir: filepath.Join(base, "on the head")}
	if err := os.WriteFile(c.spec, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// waitRemote polls 'netsweep status LOCALDIR' until the job has ended.
func waitRemote(t *testing.T, local, id string, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		code, out := netsweep(t, "status", local)
		if code != 0 {
			t.Fatalf("status %s: exit %d: %s", local, code, out)
		}
		for _, end := range []string{"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL"} {
			if strings.Contains(out, "job "+id+": "+end) {
				return out
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s has not ended after %v:\n%s", id, limit, out)
		}
		time.Sleep(2 * time.Second)
	}
}

// submitRemote submits c as user, checks the record and returns the job id.
func (rc *remoteCluster) submitRemote(t *testing.T, c remoteCampaign, user string, extra ...string) string {
	t.Helper()
	args := append([]string{"submit", c.spec, "--remote", rc.target(user), "--out", c.local, "--remote-dir", c.rdir, "--upload-binary", rc.bin}, rc.common...)
	code, out := netsweep(t, append(args, extra...)...)
	if code != 0 {
		t.Fatalf("submit --remote: exit %d: %s", code, out)
	}
	rec, ok, err := headnode.ReadRecord(c.local)
	if err != nil || !ok {
		t.Fatalf("no record after submit: %v", err)
	}
	if len(rec.Jobs) != 1 || !strings.HasPrefix(out, rec.Jobs[0]+"\n") {
		t.Fatalf("submit printed %q; the record lists jobs %v", out, rec.Jobs)
	}
	if rec.Target != rc.target(user) || rec.Dir != c.rdir || rec.Netsweep != filepath.Join(c.rdir, "bin", "netsweep-mpi") {
		t.Errorf("record %+v; want target %s, dir %s, the uploaded netsweep", rec, rc.target(user), c.rdir)
	}
	return rec.Jobs[0]
}

func TestRemoteSlurm(t *testing.T) {
	rc := newRemoteCluster(t)
	me, err := remote.DefaultUser()
	if err != nil {
		t.Fatal(err)
	}
	cluster := clusterTable("netsweep-mpi-is-uploaded", 2, `time = "5"`+"\n")

	t.Run("submit-status-collect", func(t *testing.T) {
		c := newRemoteCampaign(t, sirSpec("remote-submit", 40, 2000, `"process.beta" = [0.25, 0.5, 1.0]`)+cluster)
		fp := ssh.FingerprintSHA256(rc.srv.HostKey)

		// The head's key is not in known_hosts yet: refused, showing its
		// fingerprint and how to accept it; nothing is recorded or sent.
		args := append([]string{"submit", c.spec, "--remote", rc.target(me), "--out", c.local, "--remote-dir", c.rdir, "--upload-binary", rc.bin}, rc.common...)
		code, out := netsweep(t, args...)
		if code != exitFailure || !strings.Contains(out, "unknown host key") || !strings.Contains(out, fp) || !strings.Contains(out, "--accept-host-key") {
			t.Fatalf("submit to an unknown host: exit %d, %q; want a refusal showing %s and --accept-host-key", code, out, fp)
		}
		for _, p := range []string{rc.known, c.rdir, filepath.Join(c.local, headnode.RecordFile)} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("a refused connection left %s", p)
			}
		}

		// --accept-host-key records it, and the campaign is submitted.
		id := rc.submitRemote(t, c, me, "--accept-host-key")
		if b, _ := os.ReadFile(rc.known); string(b) != rc.srv.KnownHostsLine(rc.srv.Addr)+"\n" {
			t.Errorf("known_hosts = %q, want the host's line", b)
		}
		want, err := embeddedResults(t, c.spec, 2)
		if err != nil {
			t.Fatal(err)
		}
		st := waitRemote(t, c.local, id, 3*time.Minute)
		wantLines(t, "status", st, "remote    "+rc.target(me)+":"+c.rdir, "progress  120/120 runs (100.0%)",
			"state     complete", "job "+id+": COMPLETED, exit 0")
		// The job ran the uploaded binary.
		script, _ := os.ReadFile(filepath.Join(c.rdir, "slurm", "job.sbatch"))
		wantLines(t, "the remote job script", string(script), filepath.Join(c.rdir, "bin", "netsweep-mpi"))

		if code, out := netsweep(t, "collect", c.local); code != 0 {
			t.Fatalf("collect: exit %d: %s", code, out)
		}
		sameResults(t, filepath.Join(c.local, "results.csv"), want)
		for _, f := range []string{"results.json", campaign.SpecFile} {
			got, _ := os.ReadFile(filepath.Join(c.local, f))
			orig, _ := os.ReadFile(filepath.Join(c.rdir, f))
			if len(got) == 0 || string(got) != string(orig) {
				t.Errorf("collected %s differs from the head's (%d bytes, want %d)", f, len(got), len(orig))
			}
		}
		// The laptop reads the collected campaign like a local one.
		if code, out := netsweep(t, "results", c.local); code != 0 || !strings.Contains(out, "0.25") {
			t.Errorf("results of the collected directory: exit %d: %s", code, out)
		}
		// cancel through the record: nothing runs any more.
		if code, out := netsweep(t, "cancel", c.local); code != 0 || !strings.Contains(out, "is pending or running") {
			t.Errorf("cancel after the end: exit %d: %s", code, out)
		}
	})

	// A user name on the cluster that differs from the laptop's.
	t.Run("other-user", func(t *testing.T) {
		const user = "nsremote"
		home := sshdtest.EnsureUser(t, user, rc.pub)
		rc.trust(t)
		c := newRemoteCampaign(t, sirSpec("remote-user", 20, 1000, `"process.beta" = [0.5, 1.0]`)+clusterTable("uploaded", 1, `time = "5"`+"\n"))
		id := rc.submitRemote(t, c, user)
		want, err := embeddedResults(t, c.spec, 1)
		if err != nil {
			t.Fatal(err)
		}
		waitRemote(t, c.local, id, 3*time.Minute)
		if code, out := netsweep(t, "collect", c.local); code != 0 {
			t.Fatalf("collect: exit %d: %s", code, out)
		}
		sameResults(t, filepath.Join(c.local, "results.csv"), want)
		if owner := fileOwner(t, filepath.Join(c.rdir, "results.csv")); owner != user {
			t.Errorf("the remote results belong to %s, want %s (home %s)", owner, user, home)
		}
	})

	// The head's host key changes: status and collect refuse, even with
	// --accept-host-key, and known_hosts is left as it was.
	t.Run("changed-host-key", func(t *testing.T) {
		c := newRemoteCampaign(t, sirSpec("remote-changed", 10, 500, `"process.beta" = [0.5]`)+cluster)
		rc.trust(t)
		rc.submitRemote(t, c, me)
		before, _ := os.ReadFile(rc.known)
		rc.srv.Stop()
		srv2 := sshdtest.Start(t, sshdtest.Config{AuthorizedKeys: rc.pub, Port: rc.srv.Port})
		fp := ssh.FingerprintSHA256(srv2.HostKey)
		for _, args := range [][]string{{"status", c.local}, {"collect", c.local}, {"status", c.local, "--accept-host-key"}} {
			code, out := netsweep(t, args...)
			if code != exitFailure || !strings.Contains(out, "HAS CHANGED") || !strings.Contains(out, fp) || !strings.Contains(out, ssh.FingerprintSHA256(rc.srv.HostKey)) {
				t.Errorf("%v after the host key changed: exit %d, %q; want a refusal naming both fingerprints", args, code, out)
			}
		}
		if after, _ := os.ReadFile(rc.known); string(after) != string(before) {
			t.Errorf("known_hosts changed after a refusal:\n%s\nwas:\n%s", after, before)
		}
		if _, err := os.Stat(filepath.Join(c.local, "results.csv")); err == nil {
			t.Error("a refused collect wrote results.csv")
		}
	})
}

// fileOwner returns the name of the user owning path.
func fileOwner(t *testing.T, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no owner on this system")
	}
	u, err := user.LookupId(strconv.Itoa(int(st.Uid)))
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}
