package workstations

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "github.com/netsweep/netsweep/cluster/backends" // the scheduler key of a spec
)

// TestWrapperScript runs the wrapper with a fake ssh that prints its
// arguments: every value arrives as one argument, unchanged, however odd,
// and mpirun's arguments follow.
func TestWrapperScript(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skipf("SKIPPING: no sh: %v", err)
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake ssh's")
	if err := os.WriteFile(fake, []byte("#!"+sh+"\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := WrapperConfig{SSH: fake, Key: dir + "/key $(touch pwned) `x` 'q'", KnownHosts: "/k/known_hosts", User: "ann", Port: 2222, KeepAlive: 7 * time.Second}
	script := WrapperScript(c)
	if !strings.HasPrefix(script, "#!/bin/sh\n") {
		t.Errorf("no #!/bin/sh line:\n%s", script)
	}
	for _, must := range []string{"StrictHostKeyChecking=yes", "BatchMode=yes", "UserKnownHostsFile=/k/known_hosts"} {
		if !strings.Contains(script, must) {
			t.Errorf("the wrapper lacks %s:\n%s", must, script)
		}
	}
	if strings.Contains(script, "StrictHostKeyChecking=no") || strings.Contains(script, "accept-new") {
		t.Errorf("the wrapper weakens host key checking:\n%s", script)
	}
	wrapper := filepath.Join(dir, "ssh-wrapper")
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(wrapper, "-x", "tom", "orted", "-mca", "ess", "env")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the wrapper failed: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	want := []string{
		"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/k/known_hosts",
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "ServerAliveInterval=7", "-o", "ServerAliveCountMax=3",
		"-o", "ConnectTimeout=15", "-o", "IdentitiesOnly=yes", "-i", c.Key, "-l", "ann", "-p", "2222",
		"-x", "tom", "orted", "-mca", "ess", "env",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ssh got\n%q\nwant\n%q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("the key path was run as a command")
	}
	// Without a key, ssh's own identities are used.
	if s := WrapperScript(WrapperConfig{SSH: "/usr/bin/ssh", KnownHosts: "/k", User: "u", Port: 22, KeepAlive: time.Second}); strings.Contains(s, " -i ") {
		t.Errorf("a wrapper without a key names one:\n%s", s)
	}
}

func TestLoad(t *testing.T) {
	spec := writeSpec(t, `name = "ws"
seed = 1
repetitions = 2
[network]
generator = "er"
n = 10
mean_degree = 2.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
[cluster]
hosts = ["tom:2", "dick"]
ssh_user = "ann"
ssh_port = 2222
deploy_dir = "/scratch/{user}/{name}/{host}"
`)
	_, ws, err := Load(spec, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].Name != "tom" || ws[0].Slots != 2 || ws[1].Slots != 1 {
		t.Fatalf("hosts = %+v", ws)
	}
	if got := ws[1].Target.String(); got != "ann@dick:2222" {
		t.Errorf("target = %s, want ann@dick:2222", got)
	}
	if ws[0].Binary != "/scratch/ann/ws/tom/netsweep-mpi" || ws[1].Spec != "/scratch/ann/ws/dick/spec.toml" {
		t.Errorf("paths = %s, %s", ws[0].Binary, ws[1].Spec)
	}
	_, ws, err = Load(spec, "harry:3")
	if err != nil || len(ws) != 1 || ws[0].Name != "harry" || ws[0].Slots != 3 {
		t.Errorf("--hosts harry:3: %+v, %v", ws, err)
	}
	for _, bad := range []string{"harry:0", "a,a", "me@harry"} {
		if _, _, err := Load(spec, bad); err == nil {
			t.Errorf("--hosts %s: no error", bad)
		}
	}
}

func TestPrefixWriter(t *testing.T) {
	var b bytes.Buffer
	p := &prefixWriter{w: &b, prefix: "mpirun: "}
	for _, s := range []string{"one\ntw", "o\n", "", "three\nfour"} {
		p.Write([]byte(s))
	}
	if got, want := b.String(), "mpirun: one\nmpirun: two\nmpirun: three\n"; got != want {
		t.Errorf("before Flush: %q, want %q", got, want)
	}
	p.Flush()
	if got, want := b.String(), "mpirun: one\nmpirun: two\nmpirun: three\nmpirun: four\n"; got != want {
		t.Errorf("after Flush: %q, want %q", got, want)
	}
}

func writeSpec(t testing.TB, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestValidCIDR(t *testing.T) {
	for s, want := range map[string]bool{
		"10.1.0.0/24": true, "0.0.0.0/0": true, "10.0.0.0": false, "10.0.0.0/33": false, "eth0": false, "10.0.0/8": false, "10.0.0.256/8": false, "10..0.0/8": false,
	} {
		if got := ValidCIDR(s); got != want {
			t.Errorf("ValidCIDR(%q) = %v, want %v", s, got, want)
		}
	}
}
