package campaign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
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

// TestSpaceNeededSized: the space asked for before a run is an upper bound
// of the journal a run writes, within a small factor (it asked for about
// 120 times as much).
func TestSpaceNeededSized(t *testing.T) {
	for _, text := range []string{testSpec, strings.Replace(testSpec, "repetitions = 60", "repetitions = 2000", 1)} {
		s := parse(t, text)
		dir := filepath.Join(t.TempDir(), "out")
		if _, err := Run(context.Background(), dir, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(dir, JournalFile))
		if err != nil {
			t.Fatal(err)
		}
		c := &Campaign{s: s, work: Shard{}.Ranges(s)}
		need, got := c.spaceNeeded(), fi.Size()
		t.Logf("%d repetitions: the journal has %d bytes; the check asks for %d (%.1f times)", s.Repetitions, got, need, float64(need)/float64(got))
		if need < got || need > 10*got {
			t.Errorf("%d repetitions: the check asks for %d bytes for a journal of %d: want at least that and at most 10 times", s.Repetitions, need, got)
		}
	}
}

// TestDiskFullIsResumable: a disk that fills up while the journal is
// written (ENOSPC from the append) stops the run resumably, ErrIncomplete
// (exit status 75), not as a failure; the run after it completes to the
// results of a run without one.
func TestDiskFullIsResumable(t *testing.T) {
	s := parse(t, testSpec)
	ctx := context.Background()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(ctx, ref, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	n := 0
	full := func(ctx context.Context, opts mpirun.Options) (*reduce.Table, error) {
		record := opts.OnResult
		opts.OnResult = func(r *mpirun.Result) error {
			if n++; n > 5 {
				return fmt.Errorf("could not record a finished chunk: journal: write: %w", syscall.ENOSPC)
			}
			return record(r)
		}
		return Local(s, 2)(ctx, opts)
	}
	_, err := Run(ctx, dir, s, full, RunOptions{Ranks: 2, Chunk: 2})
	if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "the disk is full") || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("a full disk: %v; want ErrIncomplete saying the disk is full", err)
	}
	if _, err := Run(ctx, dir, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatalf("resume after the full disk: %v", err)
	}
	if got, want := results(t, dir), results(t, ref); !bytes.Equal(got, want) {
		t.Errorf("results after a full disk and a resume differ:\n%s\n%s", got, want)
	}
}

// TestDirLockedWithoutJournal: while a run holds a campaign directory, a
// second Open there is refused, even after the journal was deleted under
// the first; once the first closes, it opens.
func TestDirLockedWithoutJournal(t *testing.T) {
	s := parse(t, testSpec)
	dir := filepath.Join(t.TempDir(), "out")
	first, err := Open(dir, s, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, s, OpenOptions{}); !errors.Is(err, journal.ErrInUse) {
		t.Errorf("a second Open beside a run: %v, want ErrInUse", err)
	}
	if err := os.Remove(filepath.Join(dir, JournalFile)); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, s, OpenOptions{})
	if !errors.Is(err, journal.ErrInUse) || !strings.Contains(err.Error(), "is in use by another netsweep run") {
		t.Fatalf("a second Open after the journal was deleted: %v, want a refusal: the directory is in use", err)
	}
	if _, err := os.Stat(filepath.Join(dir, JournalFile)); err == nil {
		t.Error("the refused Open made a new journal")
	}
	first.Close()
	second, err := Open(dir, s, OpenOptions{})
	if err != nil {
		t.Fatalf("Open after the first closed: %v", err)
	}
	second.Close()
}
