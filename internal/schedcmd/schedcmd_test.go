package schedcmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRun: stdout comes back, stderr goes out line by line with the
// command's name and, when the command fails, into the error; a missing
// program gets the hint.
func TestRun(t *testing.T) {
	var log bytes.Buffer
	out, err := Command{Sched: "test", Hint: "install it", Name: "sh", Args: []string{"-c", "echo out; echo one >&2; printf two >&2; exit 3"}, Stderr: &log}.Run(context.Background())
	if out != "out\n" || err == nil || !strings.Contains(err.Error(), "test: sh -c") || !strings.Contains(err.Error(), "one\ntwo") {
		t.Errorf("Run = %q, %v", out, err)
	}
	if log.String() != "sh: one\nsh: two\n" {
		t.Errorf("stderr lines %q", log.String())
	}
	_, err = Command{Sched: "test", Hint: "install it", Name: "no-such-command-here"}.Run(context.Background())
	if err == nil || !strings.HasSuffix(err.Error(), "; install it") {
		t.Errorf("missing program: %v", err)
	}
}

// TestJobIDs: ids appended are read back in order; other lines are
// skipped; no file is no ids.
func TestJobIDs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "slurm", "jobs")
	re := regexp.MustCompile(`^[0-9]+$`)
	if ids, err := ReadJobIDs("test", file, re); err != nil || ids != nil {
		t.Fatalf("no file: %v, %v", ids, err)
	}
	for _, id := range []string{"12", "13"} {
		if err := AppendJobID("test", file, id); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("junk\n14\n")
	f.Close()
	if ids, err := ReadJobIDs("test", file, re); err != nil || strings.Join(ids, ",") != "12,13,14" {
		t.Errorf("ids %v, %v", ids, err)
	}
}
