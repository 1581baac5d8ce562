package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSummarize runs 'go test -json' on a small module whose tests pass,
// skip (top-level and subtests) and, once, fail: the summary keeps go
// test's package line, names every skipped test with its reason, prints a
// failed test's output, and exits 1 only on a failure.
func TestSummarize(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("SKIPPING: no go command: %v", err)
	}
	for _, fail := range []bool{false, true} {
		cmd := exec.Command(gobin, "test", "-json", "-count=1", ".")
		cmd.Dir = "testdata/fake"
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if fail {
			cmd.Env = append(cmd.Env, "TESTSUM_FAIL=1")
		}
		stream, _ := cmd.Output() // a failing test exits 1
		var out bytes.Buffer
		code := run(bytes.NewReader(stream), &out)
		got := out.String()
		want := []string{
			"make check: 2 tests skipped:\n",
			"  fake TestSkipsLoudly: SKIPPING the daemon tests: no daemon here\n",
			"  fake TestSub/skipped: SKIPPING this one: not today\n",
		}
		if fail {
			want = append(want, "FAIL\tfake\t", "broken on purpose")
		} else {
			want = append(want, "ok  \tfake\t")
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("fail=%v: the summary lacks %q:\n%s", fail, w, got)
			}
		}
		if wantCode := map[bool]int{false: 0, true: 1}[fail]; code != wantCode {
			t.Errorf("fail=%v: exit %d, want %d:\n%s", fail, code, wantCode, got)
		}
		if strings.Contains(got, "=== RUN   TestPasses") {
			t.Errorf("fail=%v: a passing test's output is printed:\n%s", fail, got)
		}
	}
	var out bytes.Buffer
	if code := run(strings.NewReader(""), &out); code != 1 {
		t.Error("no events: exit 0, want 1")
	}
}
