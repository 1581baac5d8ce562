// Package jobtest holds what the scheduler packages' tests share to run a
// rendered job script against stand-in commands: finding a tool, and
// reading back the calls that the stand-ins logged.
package jobtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// LookTool returns the path of the program name, skipping the test where
// it is missing, and failing it there under CI=true.
func LookTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found on PATH, and CI=true: install it", name)
		}
		t.Skipf("SKIP: %s not found on PATH; this test needs it", name)
	}
	return p
}

// Call is one run of a stand-in command: its name, working directory,
// arguments and environment.
type Call struct {
	Name, Pwd string
	Args      []string
	Env       map[string]string
}

// ReadCalls reads the calls that the stand-ins logged in the directory
// log, in the order they were made: for each call N-NAME.argv, N-NAME.env
// (both NUL-separated) and N-NAME.pwd.
func ReadCalls(t testing.TB, log string) []Call {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(log, "*.argv"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var calls []Call
	for _, n := range names {
		base := strings.TrimSuffix(n, ".argv")
		_, name, _ := strings.Cut(filepath.Base(base), "-")
		argv, err1 := os.ReadFile(n)
		env, err2 := os.ReadFile(base + ".env")
		pwd, err3 := os.ReadFile(base + ".pwd")
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		c := Call{Name: name, Pwd: strings.TrimSuffix(string(pwd), "\n"), Args: SplitNUL(argv), Env: map[string]string{}}
		for _, kv := range SplitNUL(env) {
			k, v, _ := strings.Cut(kv, "=")
			c.Env[k] = v
		}
		calls = append(calls, c)
	}
	return calls
}

// SplitNUL splits NUL-terminated strings.
func SplitNUL(b []byte) []string {
	if len(b) == 0 {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

// SameDir reports whether a and b name the same existing directory.
func SameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// ExitStatus returns a command's exit status: 0 for no error, -1 for an
// error that is not an exit status.
func ExitStatus(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// deadline is how a run's --deadline argument looks.
var deadline = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// CheckCalls fails t unless calls are want, call by call, where an
// argument "DEADLINE" in want stands for any UTC time in RFC 3339; and
// checks that the launcher's calls saw env and ran in cwd. out is the
// script's output, shown when the number of calls differs.
func CheckCalls(t testing.TB, calls, want []Call, out []byte, launcher string, env map[string]string, cwd string) {
	t.Helper()
	if len(calls) != len(want) {
		t.Fatalf("calls %v, want %v\n%s", calls, want, out)
	}
	for i, c := range calls {
		w := want[i]
		if c.Name == w.Name && len(c.Args) == len(w.Args) {
			w.Args = append([]string(nil), w.Args...)
			for j := range w.Args {
				if w.Args[j] == "DEADLINE" && deadline.MatchString(c.Args[j]) {
					w.Args[j] = c.Args[j]
				}
			}
		}
		if c.Name != w.Name || strings.Join(c.Args, "\x00") != strings.Join(w.Args, "\x00") {
			t.Fatalf("call %d: %s %q, want %s %q", i, c.Name, c.Args, w.Name, w.Args)
		}
		if c.Name == launcher {
			for k, v := range env {
				if got, ok := c.Env[k]; !ok || got != v {
					t.Errorf("launcher saw %s=%q, want %q", k, got, v)
				}
			}
			if !SameDir(c.Pwd, cwd) {
				t.Errorf("launcher ran in %q, want %q", c.Pwd, cwd)
			}
		}
	}
}

// NothingRan fails t if a file named "pwned" exists below dir: a value
// that the tests give as "$(touch pwned)" and the like ran as a command.
func NothingRan(t testing.TB, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "pwned" {
			t.Errorf("a value ran as a command: %s exists", p)
		}
		return nil
	})
}
