package headnode

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/internal/shell"
)

func TestCommand(t *testing.T) {
	for _, tc := range []struct {
		netsweep string
		env      []string
		args     []string
		want     []string
	}{
		{"netsweep", nil, []string{"status", "/c d"}, []string{"netsweep", "status", "/c d"}},
		{"/x/bin/netsweep-mpi", []string{"SLURM_CONF=/etc/s s.conf"}, []string{"submit", "/d/slurm/submitted.toml", "--out", "/d"},
			[]string{"env", "SLURM_CONF=/etc/s s.conf", "/x/bin/netsweep-mpi", "submit", "/d/slurm/submitted.toml", "--out", "/d"}},
		{"ns", []string{"A=1", "B='"}, []string{"cancel", "$(rm -rf ~)"}, []string{"env", "A=1", "B='", "ns", "cancel", "$(rm -rf ~)"}},
	} {
		got := Command(tc.netsweep, tc.env, tc.args...)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Command(%q, %q, %q) = %q, want %q", tc.netsweep, tc.env, tc.args, got, tc.want)
		}
	}
	// The remote line quotes the hostile argument as one word.
	line := shell.Join(Command("ns", nil, "cancel", "$(rm -rf ~)"))
	if line != "ns cancel '$(rm -rf ~)'" {
		t.Errorf("remote line %q", line)
	}
	if got := prepareDirCommand("netsweep/x y", true); !reflect.DeepEqual(got[3:], []string{"sh", "./netsweep/x y", "1"}) || got[0] != "sh" {
		t.Errorf("prepareDirCommand = %q", got)
	}
}

func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		v  string
		ok bool
	}{
		{"SLURM_CONF=/etc/slurm.conf", true}, {"A=", true}, {"A=b c", true},
		{"=x", false}, {"1A=x", false}, {"A", false}, {"A=b\nc", false}, {"A-B=1", false},
	} {
		if err := CheckEnv(tc.v); (err == nil) != tc.ok {
			t.Errorf("CheckEnv(%q) = %v, want ok=%v", tc.v, err, tc.ok)
		}
	}
	for _, tc := range []struct {
		v  string
		ok bool
	}{
		{"netsweep", true}, {"/opt/ns bin/netsweep", true}, {"", false}, {"-i", false}, {"A=b", false}, {"x\ny", false},
	} {
		if err := CheckCommand(tc.v); (err == nil) != tc.ok {
			t.Errorf("CheckCommand(%q) = %v, want ok=%v", tc.v, err, tc.ok)
		}
	}
}

func TestRecord(t *testing.T) {
	dir := t.TempDir()
	if _, ok, err := ReadRecord(dir); ok || err != nil {
		t.Fatalf("no record: ok=%v, err=%v", ok, err)
	}
	rec := &Record{Target: "alice@head:2222", Dir: "/home/alice/netsweep/x", Netsweep: "netsweep", Env: []string{"SLURM_CONF=/s"},
		Key: "/k", KnownHosts: "/kh", Jobs: []string{"12", "13"}, Campaign: "x", CampaignID: "abc", ArrayShards: 3,
		Submitted: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)}
	if err := WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	got, ok, err := ReadRecord(dir)
	if !ok || err != nil || !reflect.DeepEqual(got, rec) {
		t.Fatalf("read back %+v, %v, %v; want %+v", got, ok, err, rec)
	}
	// A session from the record; flags override it.
	s, err := NewSession(Options{ConnectTimeout: time.Second}, got)
	if err != nil || s.Target.String() != "alice@head:2222" || s.Dir != rec.Dir || s.SSH.KeyFile != "/k" || s.SSH.UseAgent {
		t.Errorf("session %+v, %v", s, err)
	}
	s, err = NewSession(Options{Target: "bob@other", Key: "", Netsweep: "/opt/ns"}, &Record{Target: "a@b", Dir: "/d", Netsweep: "n"})
	if err != nil || s.Target.String() != "bob@other:22" || s.Netsweep != "/opt/ns" || !s.SSH.UseAgent {
		t.Errorf("overridden session %+v, %v", s, err)
	}
	for _, bad := range []string{`{`, `{"target":"a@b","remote_dir":"rel","netsweep":"n"}`, `{"target":"a@b","remote_dir":"/d","netsweep":"n","env":["x"]}`} {
		os.WriteFile(filepath.Join(dir, RecordFile), []byte(bad), 0o644)
		if _, _, err := ReadRecord(dir); err == nil || !strings.Contains(err.Error(), RecordFile) {
			t.Errorf("record %s: err = %v", bad, err)
		}
	}
}

func TestLocalDir(t *testing.T) {
	rec := &Record{Target: "a@b", Dir: "/d", Netsweep: "n"}
	for _, tc := range []struct {
		dir  string
		rec  *Record
		out  string
		want string
	}{{"local", rec, "x", "local"}, {"/home/a/netsweep/c", nil, "mine", "mine"}, {"/home/a/netsweep/c", nil, "", "c"}} {
		if got := LocalDir(tc.dir, tc.rec, tc.out); got != tc.want {
			t.Errorf("LocalDir(%q, %v, %q) = %q, want %q", tc.dir, tc.rec != nil, tc.out, got, tc.want)
		}
	}
}

// TestPrepareDirDash: the remote directory script, run by a real sh, makes
// --remote-dir - a directory named "-" and prints one absolute path, not
// $OLDPWD as well; an absolute directory is kept as is.
func TestPrepareDirDash(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skipf("SKIPPING: no sh: %v", err)
	}
	home := t.TempDir()
	abs := filepath.Join(t.TempDir(), "camp")
	for _, tc := range []struct{ dir, want string }{{"-", filepath.Join(home, "-")}, {"-x/y", filepath.Join(home, "-x", "y")}, {abs, abs}} {
		args := prepareDirCommand(tc.dir, false)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = home
		cmd.Env = append(os.Environ(), "OLDPWD=/")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%q: %v", tc.dir, err)
		}
		want, _ := filepath.EvalSymlinks(tc.want)
		if string(out) != want+"\n" {
			t.Errorf("--remote-dir %q printed %q, want the one line %q", tc.dir, out, want)
		}
		if fi, err := os.Stat(filepath.Join(tc.want, "slurm")); err != nil || !fi.IsDir() {
			t.Errorf("--remote-dir %q: no %s/slurm", tc.dir, tc.want)
		}
	}
}

// TestJobIDs: the ids each scheduler's 'netsweep submit' prints are
// accepted from the head node; anything else is not.
func TestJobIDs(t *testing.T) {
	for id, ok := range map[string]bool{
		"123": true, "123_4": true, // Slurm; Grid Engine prints digits too
		"1234.pbs01": true, "1234[].pbs01.example.org": true, "1234[]": true, // PBS
		"": false, "12 3": false, "123;rm": false, "1234.": false, "x1": false, "123_4.pbs": false,
	} {
		if jobIDRE.MatchString(id) != ok {
			t.Errorf("jobIDRE.MatchString(%q) = %v", id, !ok)
		}
	}
}

// TestSubmitArgs: the remote 'netsweep submit' gets the budget checked
// here as --budget with --budget-checked, written so that it parses back
// to the same core-hours, and nothing of a budget without one.
func TestSubmitArgs(t *testing.T) {
	const sub, dir = "/h/x y/slurm/submitted.toml", "/h/x y"
	for _, tc := range []struct {
		bin    string
		budget float64
		want   []string
	}{
		{"", 0, []string{"submit", sub, "--out", dir}},
		{"/h/x y/bin/netsweep-mpi", 0, []string{"submit", sub, "--out", dir, "--binary", "/h/x y/bin/netsweep-mpi"}},
		{"", 500, []string{"submit", sub, "--out", dir, "--budget", "500h", "--budget-checked"}},
		{"/b", 500.0 / 3, []string{"submit", sub, "--out", dir, "--binary", "/b", "--budget", "166.66666666666666h", "--budget-checked"}},
		{"", 1e-9, []string{"submit", sub, "--out", dir, "--budget", "1e-09h", "--budget-checked"}},
	} {
		got := submitArgs(sub, dir, tc.bin, tc.budget)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("submitArgs(%q, %g) = %q, want %q", tc.bin, tc.budget, got, tc.want)
		}
		if tc.budget > 0 {
			h, err := campaign.ParseCoreHours(got[len(got)-2])
			if err != nil || h != tc.budget {
				t.Errorf("budget %g is passed as %q, which parses to %g, %v", tc.budget, got[len(got)-2], h, err)
			}
		}
	}
}
