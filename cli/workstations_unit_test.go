package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
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
	c := wrapperConfig{SSH: fake, Key: dir + "/key $(touch pwned) `x` 'q'", KnownHosts: "/k/known_hosts", User: "ann", Port: 2222, KeepAlive: 7 * time.Second}
	script := wrapperScript(c)
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
	if s := wrapperScript(wrapperConfig{SSH: "/usr/bin/ssh", KnownHosts: "/k", User: "u", Port: 22, KeepAlive: time.Second}); strings.Contains(s, " -i ") {
		t.Errorf("a wrapper without a key names one:\n%s", s)
	}
}

func TestParseLaunchFlags(t *testing.T) {
	o, err := parseLaunchFlags([]string{"s.toml", "--np", "4", "--out", "/r/o", "--hosts", "a:2,b:2", "--", "--chunk", "5", "--deadline", "1h"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Spec != "s.toml" || o.NP != 4 || o.Out != "/r/o" || o.SSH.Hosts != "a:2,b:2" || !reflect.DeepEqual(o.RunArgs, []string{"--chunk", "5", "--deadline", "1h"}) {
		t.Errorf("parseLaunchFlags = %+v", o)
	}
	for _, bad := range [][]string{
		{},
		{"a.toml", "b.toml"},
		{"s.toml", "--np", "-1"},
		{"s.toml", "--net", "10.0.0.0"},
		{"s.toml", "--net", "10.0.0.0/33"},
		{"s.toml", "--net", "eth0"},
		{"s.toml", "--keepalive", "100ms"},
		{"s.toml", "--", "--out", "x"},
		{"s.toml", "--", "--out=x"},
		{"s.toml", "--bogus"},
	} {
		if _, err := parseLaunchFlags(bad); err == nil {
			t.Errorf("parseLaunchFlags(%q): no error", bad)
		}
	}
}

func TestLoadWorkstations(t *testing.T) {
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
	_, ws, err := loadWorkstations(spec, sshFlags{})
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
	_, ws, err = loadWorkstations(spec, sshFlags{Hosts: "harry:3"})
	if err != nil || len(ws) != 1 || ws[0].Name != "harry" || ws[0].Slots != 3 {
		t.Errorf("--hosts harry:3: %+v, %v", ws, err)
	}
	for _, bad := range []string{"harry:0", "a,a", "me@harry"} {
		if _, _, err := loadWorkstations(spec, sshFlags{Hosts: bad}); err == nil {
			t.Errorf("--hosts %s: no error", bad)
		}
	}
	// A spec without hosts: deploy says what to add.
	plain := writeSpec(t, "name = \"p\"\nseed = 1\nrepetitions = 2\n[network]\ngenerator = \"er\"\nn = 10\nmean_degree = 2.0\n[process]\nmodel = \"sir\"\nbeta = 0.5\ngamma = 1.0\n")
	code, msg := netsweep(t, "deploy", plain, "--binary", os.Args[0])
	if code != exitUsage || !strings.Contains(msg, "hosts") {
		t.Errorf("deploy without hosts: exit %d, %s", code, msg)
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
