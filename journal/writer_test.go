package journal

import (
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// countSyncs replaces w's fsync with one that counts and then fsyncs.
func countSyncs(w *Writer) *atomic.Int64 {
	var n atomic.Int64
	real := w.fsync
	w.fsync = func() error { n.Add(1); return real() }
	return &n
}

func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	w, err := Create(path, testHeader, WithSyncInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	n := countSyncs(w)
	chunks := testChunks(50, 0, 20)
	for _, c := range chunks {
		if err := w.Append(c); err != nil {
			t.Fatal(err)
		}
	}
	// Written at once (a killed process loses none), not yet fsync'd.
	if got := fileSize(t, path); got != w.Size() {
		t.Errorf("file is %d bytes after Append, writer has written %d", got, w.Size())
	}
	if n.Load() != 0 || w.Synced() >= w.Size() {
		t.Errorf("%d fsyncs, Synced %d of %d before the interval: want none", n.Load(), w.Synced(), w.Size())
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 1 || w.Synced() != w.Size() {
		t.Errorf("after Sync: %d fsyncs, Synced %d of %d; want 1, all", n.Load(), w.Synced(), w.Size())
	}
	if err := w.Sync(); err != nil || n.Load() != 1 {
		t.Errorf("Sync with nothing new: err %v, %d fsyncs; want no fsync", err, n.Load())
	}
	j, err := Scan(path)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, j.Records(), chunks)
}

// TestBackgroundSync: with no Sync call, the group commit fsyncs what
// was appended. (Polls with a generous deadline; asserts that it
// happens, not how fast.)
func TestBackgroundSync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	w, err := Create(path, testHeader, WithSyncInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, c := range testChunks(10, 100, 21) {
		if err := w.Append(c); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for w.Synced() < w.Size() {
		if time.Now().After(deadline) {
			t.Fatalf("background sync never ran: Synced %d of %d", w.Synced(), w.Size())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSyncEveryAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	w, err := Create(path, testHeader, WithSyncInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	n := countSyncs(w)
	for i, c := range testChunks(5, 10, 22) {
		if err := w.Append(c); err != nil {
			t.Fatal(err)
		}
		if n.Load() != int64(i+1) || w.Synced() != w.Size() {
			t.Errorf("after Append %d: %d fsyncs, Synced %d of %d", i, n.Load(), w.Synced(), w.Size())
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("second Close: no error")
	}
	if err := w.Append(testChunks(1, 1, 1)[0]); err == nil {
		t.Error("Append after Close: no error")
	}
}

func TestFsyncErrorSticky(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	w, err := Create(path, testHeader, WithSyncInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	chunks := testChunks(3, 10, 23)
	w.Append(chunks[0])
	w.fsync = func() error { return syscall.EIO }
	if err := w.Sync(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Sync with a failing fsync = %v, want EIO", err)
	}
	w.fsync = w.f.Sync // the disk "recovers": the writer must not trust it
	if err := w.Append(chunks[1]); !errors.Is(err, syscall.EIO) {
		t.Errorf("Append after a failed fsync = %v, want the sticky EIO", err)
	}
	if err := w.Sync(); !errors.Is(err, syscall.EIO) {
		t.Errorf("Sync after a failed fsync = %v, want the sticky EIO", err)
	}
	if err := w.Close(); !errors.Is(err, syscall.EIO) {
		t.Errorf("Close after a failed fsync = %v, want the sticky EIO", err)
	}
}

// TestFailedWrite: a short write (disk full) leaves no partial record,
// and the writer can go on once there is room.
func TestFailedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	w, err := Create(path, testHeader, WithSyncInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	chunks := testChunks(3, 500, 24)
	if err := w.Append(chunks[0]); err != nil {
		t.Fatal(err)
	}
	before := w.Size()
	real := w.writeAt
	w.writeAt = func(b []byte, off int64) (int, error) {
		n, _ := real(b[:len(b)/2], off)
		return n, syscall.ENOSPC
	}
	if err := w.Append(chunks[1]); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Append on a full disk = %v, want ENOSPC", err)
	}
	if got := fileSize(t, path); got != before || w.Size() != before {
		t.Fatalf("after a failed Append the file is %d bytes, writer at %d; want both %d", got, w.Size(), before)
	}
	w.writeAt = real
	for _, c := range chunks[1:] {
		if err := w.Append(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	j := mustOpen(t, path)
	defer j.Close()
	checkRecords(t, j.Records(), chunks)
	if j.Repaired != "" {
		t.Errorf("Repaired = %q after a failed write was undone", j.Repaired)
	}
}

func TestBadChunk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	w, err := Create(path, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tc := range []struct {
		name string
		c    Chunk
		want string
	}{
		{"no point key", Chunk{Key: "", Start: 0, End: 1}, "point key"},
		{"long point key", Chunk{Key: strings.Repeat("k", MaxKeyLen+1), Start: 0, End: 1}, "point key"},
		{"empty range", Chunk{Key: "p0", Start: 5, End: 5}, "[5,5)"},
		{"reversed range", Chunk{Key: "p0", Start: 5, End: 2}, "[5,2)"},
		{"negative start", Chunk{Key: "p0", Start: -3, End: 2}, "[-3,2)"},
		{"failure outside", Chunk{Key: "p0", Start: 0, End: 2, Failures: []Failure{{Rep: 2}}}, "rep=2"},
	} {
		err := w.Append(tc.c)
		if err == nil || !strings.HasPrefix(err.Error(), "journal: bad chunk") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a bad-chunk error naming %q", tc.name, err, tc.want)
		}
	}
	j, err := Scan(path)
	if err != nil || len(j.Records()) != 0 {
		t.Errorf("after refused chunks: %d records, err %v; want none", len(j.Records()), err)
	}
}

// TestAppendMore: records that AppendMore keeps are written with the next
// Append, in one write, after the records before them; Close writes what
// is kept; a failed write drops the kept records with the last one.
func TestAppendMore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	w, err := Create(path, testHeader, WithSyncInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	writes := 0
	real := w.writeAt
	w.writeAt = func(b []byte, off int64) (int, error) { writes++; return real(b, off) }
	chunks := testChunks(10, 100, 8)
	if err := w.Append(chunks[0]); err != nil {
		t.Fatal(err)
	}
	size := w.Size()
	for _, c := range chunks[1:4] {
		if err := w.AppendMore(c); err != nil {
			t.Fatal(err)
		}
	}
	if got := fileSize(t, path); got != size || w.Size() != size || writes != 1 {
		t.Fatalf("after AppendMore: file %d bytes, writer at %d, %d writes; want %d, %d, 1", got, w.Size(), writes, size, size)
	}
	if err := w.Append(chunks[4]); err != nil {
		t.Fatal(err)
	}
	if writes != 2 || fileSize(t, path) != w.Size() {
		t.Errorf("Append after AppendMore: %d writes, file %d bytes of %d; want 2 writes, all", writes, fileSize(t, path), w.Size())
	}
	j, err := Scan(path)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, j.Records(), chunks[:5])

	// A failed write drops the kept records with the last one.
	size = w.Size()
	w.AppendMore(chunks[5])
	w.writeAt = func(b []byte, off int64) (int, error) { return 0, syscall.ENOSPC }
	if err := w.Append(chunks[6]); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Append on a full disk = %v, want ENOSPC", err)
	}
	w.writeAt = real
	if err := w.Append(chunks[7]); err != nil || w.Size() == size {
		t.Fatalf("Append after a failed write: %v, size %d", err, w.Size())
	}
	// Close writes the kept records.
	for _, c := range chunks[8:] {
		if err := w.AppendMore(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	j = mustOpen(t, path)
	defer j.Close()
	checkRecords(t, j.Records(), append(append([]Chunk{}, chunks[:5]...), chunks[7:]...))
}
