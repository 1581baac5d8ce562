package campaign

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpaceRefusalLeavesNothing: a new campaign refused for lack of disk
// space leaves no spec.toml or journal, and takes back a directory it made,
// but never what existed before.
func TestSpaceRefusalLeavesNothing(t *testing.T) {
	old := diskSpace
	diskSpace = func(string) (uint64, error) { return 1 << 10, nil }
	t.Cleanup(func() { diskSpace = old })
	s := parse(t, testSpec)

	fresh := filepath.Join(t.TempDir(), "out")
	if _, err := Open(fresh, s, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "free some space") {
		t.Fatalf("Open on a full disk = %v, want a refusal for space", err)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused run left its new directory %s behind (stat: %v)", fresh, err)
	}

	existing := t.TempDir()
	mine := filepath.Join(existing, "notes.txt")
	if err := os.WriteFile(mine, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(existing, s, OpenOptions{}); err == nil {
		t.Fatal("Open on a full disk succeeded")
	}
	ents, err := os.ReadDir(existing)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "notes.txt" {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("the refused run changed an existing directory: it holds %v, want only notes.txt", names)
	}
}
