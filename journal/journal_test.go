package journal

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const testSpec = "3f7a0c1e9b2d4c6a8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f"

var testHeader = Header{SpecSHA256: testSpec, Meta: []byte(`{"netsweep":"test","seed":42,"points":3,"reps":1000}`)}

// testChunks returns n valid chunks with summaries of about size bytes
// (size 0: varied sizes, some empty) and occasional failures.
func testChunks(n, size int, seed uint64) []Chunk {
	rng := rand.New(rand.NewPCG(seed, 7))
	cs := make([]Chunk, n)
	for i := range cs {
		start := rng.IntN(100000)
		c := Chunk{Key: fmt.Sprintf("p%d", rng.IntN(50)), Start: start, End: start + 1 + rng.IntN(64)}
		m := size
		if m == 0 {
			m = rng.IntN(300)
		}
		if m > 0 {
			c.Summary = make([]byte, m)
			for k := range c.Summary {
				c.Summary[k] = byte(rng.Uint32())
			}
		}
		if rng.IntN(4) == 0 {
			for k := 0; k < 1+rng.IntN(3); k++ {
				c.Failures = append(c.Failures, Failure{
					Rep: c.Start + rng.IntN(c.End-c.Start), Seed: rng.Uint64(),
					Message: fmt.Sprintf("sim: bad state at step %d", rng.IntN(1000)),
				})
			}
		}
		cs[i] = c
	}
	return cs
}

// writeJournal creates a journal at path with chunks and returns the end
// offset of the header and of each record.
func writeJournal(t testing.TB, path string, chunks []Chunk) []int64 {
	t.Helper()
	w, err := Create(path, testHeader, WithSyncInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ends := []int64{w.Size()}
	for _, c := range chunks {
		if err := w.Append(c); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, w.Size())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return ends
}

func checkRecords(t testing.TB, got, want []Chunk) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func mustOpen(t testing.TB, path string) *Journal {
	t.Helper()
	j, err := Open(path, WithSyncInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header Header
		chunks []Chunk
	}{
		{"empty", Header{}, nil},
		{"header only", testHeader, nil},
		{"varied", testHeader, testChunks(200, 0, 1)},
		{"large summaries", testHeader, testChunks(5, 100000, 2)},
		{"extremes", testHeader, []Chunk{
			{Key: "p0", Start: 0, End: 1},
			{Key: strings.Repeat("k", MaxKeyLen), Start: 1<<62 - 2, End: 1<<62 - 1, Failures: []Failure{{Rep: 1<<62 - 2, Seed: ^uint64(0), Message: ""}}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal")
			w, err := Create(path, tc.header)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tc.chunks {
				if err := w.Append(c); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
				t.Errorf("directory holds %d entries, want only the journal (temporary name left behind?)", len(ents))
			}
			for name, read := range map[string]func(string) (*Journal, error){
				"Open": func(p string) (*Journal, error) { return Open(p) },
				"Scan": Scan,
			} {
				j, err := read(path)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !reflect.DeepEqual(j.Header(), tc.header) {
					t.Errorf("%s: header = %+v, want %+v", name, j.Header(), tc.header)
				}
				checkRecords(t, j.Records(), tc.chunks)
				if j.Repaired != "" || j.TornBytes != 0 {
					t.Errorf("%s: clean journal reported repaired: %q", name, j.Repaired)
				}
				if j.Size() != fileSize(t, path) {
					t.Errorf("%s: Size = %d, file has %d bytes", name, j.Size(), fileSize(t, path))
				}
				if err := j.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestCreateExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	writeJournal(t, path, testChunks(3, 0, 3))
	before, _ := os.ReadFile(path)
	if _, err := Create(path, testHeader); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Create over an existing journal: err = %v, want 'already exists'", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("failed Create changed the existing journal")
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("directory holds %d entries after a failed Create, want 1", len(ents))
	}
}

// TestTruncatedLastRecord cuts the file at every byte offset inside the
// last record, as a crash mid-write would.
func TestTruncatedLastRecord(t *testing.T) {
	dir := t.TempDir()
	chunks := testChunks(5, 150, 4)
	orig := filepath.Join(dir, "orig")
	ends := writeJournal(t, orig, chunks[:4])
	data, err := os.ReadFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	start, end := ends[3], ends[4]
	for cut := start; cut < end; cut++ {
		path := filepath.Join(dir, fmt.Sprintf("cut%d", cut))
		if err := os.WriteFile(path, data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		j := mustOpen(t, path)
		checkRecords(t, j.Records(), chunks[:3])
		if cut == start {
			if j.Repaired != "" {
				t.Errorf("cut at the record boundary %d: Repaired = %q, want none", cut, j.Repaired)
			}
		} else if j.TornBytes != cut-start || !strings.Contains(j.Repaired, fmt.Sprintf("offset %d", start)) {
			t.Errorf("cut at %d: TornBytes = %d, Repaired = %q; want %d bytes at offset %d", cut, j.TornBytes, j.Repaired, cut-start, start)
		}
		if got := fileSize(t, path); got != start {
			t.Fatalf("cut at %d: file is %d bytes after Open, want truncated to %d", cut, got, start)
		}
		w, err := j.Writer()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunks[3:] {
			if err := w.Append(c); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		j = mustOpen(t, path)
		checkRecords(t, j.Records(), chunks)
		if j.Repaired != "" {
			t.Errorf("cut at %d: reopened after appending: Repaired = %q", cut, j.Repaired)
		}
		j.Close()
		os.Remove(path)
	}
}

// flipEach calls f with a copy of data with byte i changed, for i in [from,to).
func flipEach(data []byte, from, to int64, f func(i int64, damaged []byte)) {
	for i := from; i < to; i++ {
		d := bytes.Clone(data)
		d[i] ^= 0x5a
		f(i, d)
	}
}

func TestDamagedLastRecord(t *testing.T) {
	dir := t.TempDir()
	chunks := testChunks(4, 120, 5)
	orig := filepath.Join(dir, "orig")
	ends := writeJournal(t, orig, chunks)
	data, _ := os.ReadFile(orig)
	path := filepath.Join(dir, "journal")
	// Every byte: length, type, payload and CRC.
	flipEach(data, ends[3], ends[4], func(i int64, d []byte) {
		os.Remove(path)
		if err := os.WriteFile(path, d, 0o644); err != nil {
			t.Fatal(err)
		}
		j, err := Open(path)
		if err != nil {
			t.Fatalf("byte %d of the last record damaged: %v", i-ends[3], err)
		}
		defer j.Close()
		checkRecords(t, j.Records(), chunks[:3])
		if j.Repaired == "" || j.TornBytes != ends[4]-ends[3] {
			t.Errorf("byte %d damaged: Repaired = %q, TornBytes = %d", i-ends[3], j.Repaired, j.TornBytes)
		}
		if got := fileSize(t, path); got != ends[3] {
			t.Errorf("byte %d damaged: file is %d bytes, want %d", i-ends[3], got, ends[3])
		}
	})
}

func TestDamagedMiddleRecord(t *testing.T) {
	dir := t.TempDir()
	chunks := testChunks(4, 120, 6)
	orig := filepath.Join(dir, "orig")
	ends := writeJournal(t, orig, chunks)
	data, _ := os.ReadFile(orig)
	path := filepath.Join(dir, "journal")
	for _, rec := range []int{1, 2} { // the first and a later record
		flipEach(data, ends[rec-1], ends[rec], func(i int64, d []byte) {
			if err := os.WriteFile(path, d, 0o644); err != nil {
				t.Fatal(err)
			}
			for name, read := range map[string]func(string) (*Journal, error){
				"Open": func(p string) (*Journal, error) { return Open(p) },
				"Scan": Scan,
			} {
				j, err := read(path)
				if err == nil {
					j.Close()
					t.Fatalf("%s: byte %d of record %d damaged: no error, %d records", name, i-ends[rec-1], rec, len(j.Records()))
				}
				if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), fmt.Sprintf("%d intact records before it", rec-1)) {
					t.Errorf("%s: byte %d of record %d damaged: err = %v", name, i-ends[rec-1], rec, err)
				}
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, d) {
				t.Fatalf("Open changed a journal it refused")
			}
			j, err := Open(path, WithSalvage())
			if err != nil {
				t.Fatalf("Open(WithSalvage()): byte %d of record %d damaged: %v", i-ends[rec-1], rec, err)
			}
			checkRecords(t, j.Records(), chunks[:rec-1])
			if !strings.Contains(j.Repaired, "salvaged") || fileSize(t, path) != ends[rec-1] {
				t.Errorf("salvaged: Repaired = %q, file %d bytes; want truncated to %d", j.Repaired, fileSize(t, path), ends[rec-1])
			}
			j.Close()
		})
	}
}

func TestDamagedHeader(t *testing.T) {
	dir := t.TempDir()
	orig := filepath.Join(dir, "orig")
	ends := writeJournal(t, orig, testChunks(2, 50, 7))
	data, _ := os.ReadFile(orig)
	path := filepath.Join(dir, "journal")
	check := func(what string, d []byte) {
		t.Helper()
		if err := os.WriteFile(path, d, 0o644); err != nil {
			t.Fatal(err)
		}
		if j, err := Open(path); err == nil {
			j.Close()
			t.Errorf("%s: Open succeeded", what)
		}
	}
	flipEach(data, 0, ends[0], func(i int64, d []byte) { check(fmt.Sprintf("header byte %d flipped", i), d) })
	for cut := int64(0); cut < ends[0]; cut++ {
		check(fmt.Sprintf("cut at %d", cut), data[:cut])
	}
}

// TestZeroTail: after a power loss a filesystem may show the file
// extended with zeros past the last record that reached the disk.
func TestZeroTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	chunks := testChunks(3, 0, 8)
	ends := writeJournal(t, path, chunks)
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(make([]byte, 8192))
	f.Close()
	j := mustOpen(t, path)
	defer j.Close()
	checkRecords(t, j.Records(), chunks)
	if j.TornBytes != 8192 || fileSize(t, path) != ends[3] {
		t.Errorf("TornBytes = %d, size %d; want 8192 dropped, size %d", j.TornBytes, fileSize(t, path), ends[3])
	}
}

func TestNotAJournal(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "incomplete header"},
		{"magic only", Magic, "incomplete header"},
		{"other file", "# netsweep spec\n", "not a netsweep journal"},
		{"newer version", Magic + "\x03", "format version 3"},
		{"version 1", Magic + "\x01", "format version 1, written by netsweep 0.1"},
	} {
		path := filepath.Join(dir, tc.name)
		os.WriteFile(path, []byte(tc.data), 0o644)
		_, err := Open(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: err = %v, want %q wrapping ErrUnreadable", tc.name, err, tc.want)
		}
		if old := errors.Is(err, ErrOldFormat); old != (tc.name == "version 1") {
			t.Errorf("%s: errors.Is(err, ErrOldFormat) = %v", tc.name, old)
		}
	}
}

func TestCheckSpec(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal")
	writeJournal(t, path, testChunks(2, 10, 9))
	// A torn tail that a refusing Open must leave alone.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{1, 2, 3})
	f.Close()
	size := fileSize(t, path)

	j, err := Scan(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.CheckSpec(testSpec); err != nil {
		t.Errorf("CheckSpec(own spec) = %v", err)
	}
	other := strings.Repeat("ab", 32)
	err = j.CheckSpec(other)
	if !errors.Is(err, ErrSpecMismatch) {
		t.Fatalf("CheckSpec(other) = %v, want ErrSpecMismatch", err)
	}
	for _, want := range []string{"different campaign", "--force", "--out", path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not mention %q", err, want)
		}
	}
	if _, err := Open(path, WithSpec(other)); !errors.Is(err, ErrSpecMismatch) {
		t.Errorf("Open(WithSpec(other)) = %v, want ErrSpecMismatch", err)
	}
	if got := fileSize(t, path); got != size {
		t.Errorf("Open of another campaign's journal changed its size %d -> %d", size, got)
	}
	j, err = Open(path, WithSpec(testSpec))
	if err != nil {
		t.Fatalf("Open(WithSpec(own)) = %v", err)
	}
	j.Close()
}

func TestInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	w, err := Create(path, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrInUse) {
		t.Errorf("Open while Create's writer is open: err = %v, want ErrInUse", err)
	}
	if _, err := Scan(path); err != nil {
		t.Errorf("Scan while a writer is open: %v", err)
	}
	w.Close()
	j, w2, err := OpenAppend(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenAppend(path); !errors.Is(err, ErrInUse) {
		t.Errorf("second OpenAppend: err = %v, want ErrInUse", err)
	}
	w2.Close()
	if err := j.Close(); err != nil {
		t.Errorf("Journal.Close after its writer's Close: %v", err)
	}
}

// TestScanWhileAppending reads the journal from another goroutine, with
// its own file handle as `netsweep status` would from another process,
// while the writer appends.
func TestScanWhileAppending(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	chunks := testChunks(2000, 0, 10)
	w, err := Create(path, testHeader, WithSyncInterval(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// Every 20 appends the writer waits for a scan to finish, so scans
	// see many intermediate states; in between both run freely.
	scanned := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, c := range chunks {
			if err := w.Append(c); err != nil {
				t.Error(err)
				return
			}
			if i%20 == 19 {
				<-scanned
			}
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	scans, prev := 0, 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		j, err := Scan(path)
		if err != nil {
			t.Fatalf("Scan during appends: %v", err)
		}
		n := len(j.Records())
		if n < prev {
			t.Fatalf("Scan saw %d records after seeing %d", n, prev)
		}
		checkRecords(t, j.Records(), chunks[:n])
		prev = n
		scans++
		select {
		case scanned <- struct{}{}:
		default:
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	j, err := Scan(path)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, j.Records(), chunks)
	t.Logf("%d scans during %d appends", scans, len(chunks))
}

// TestScanTornTail: a record half written by another process is ignored
// by Scan, which must not truncate it.
func TestScanTornTail(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal")
	chunks := testChunks(3, 100, 11)
	ends := writeJournal(t, filepath.Join(dir, "full"), chunks)
	full, _ := os.ReadFile(filepath.Join(dir, "full"))
	cut := (ends[2] + ends[3]) / 2
	os.WriteFile(path, full[:cut], 0o644)
	j, err := Scan(path)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, j.Records(), chunks[:2])
	if j.TornBytes != cut-ends[2] || j.Repaired == "" {
		t.Errorf("TornBytes = %d, Repaired = %q; want %d", j.TornBytes, j.Repaired, cut-ends[2])
	}
	if fileSize(t, path) != cut {
		t.Error("Scan changed the file")
	}
	if _, err := j.Writer(); err == nil {
		t.Error("Writer of a scanned journal: no error")
	}
	s := j.Stats()
	want := Stats{Chunks: 2, Bytes: ends[2], TornBytes: cut - ends[2]}
	for _, c := range chunks[:2] {
		want.Reps += int64(c.End - c.Start)
		want.Failures += len(c.Failures)
	}
	want.Points = 2
	if chunks[0].Key == chunks[1].Key {
		want.Points = 1
	}
	if s != want {
		t.Errorf("Stats = %+v, want %+v", s, want)
	}
}

func TestDone(t *testing.T) {
	j := &Journal{records: []Chunk{
		{Key: "p0", Start: 10, End: 20}, {Key: "p1", Start: 0, End: 5}, {Key: "p0", Start: 0, End: 10},
		{Key: "p0", Start: 30, End: 40}, {Key: "p0", Start: 35, End: 38}, {Key: "p1", Start: 6, End: 7},
	}}
	want := map[string][]Range{"p0": {{0, 20}, {30, 40}}, "p1": {{0, 5}, {6, 7}}}
	if got := j.Done(); !reflect.DeepEqual(got, want) {
		t.Errorf("Done = %v, want %v", got, want)
	}
}

func TestSpace(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{dir, filepath.Join(dir, "journal-not-yet")} {
		free, err := Space(p)
		if err != nil || free == 0 {
			t.Errorf("Space(%s) = %d, %v; want free bytes", p, free, err)
		}
	}
	if _, err := Space(filepath.Join(dir, "no", "such", "dir")); err == nil {
		t.Error("Space of a missing directory: no error")
	}
}

func TestEstimateSize(t *testing.T) {
	for _, size := range []int{0, 200, 2000} {
		path := filepath.Join(t.TempDir(), "journal")
		const n = 300
		cs := testChunks(n, size, 12)
		for i := range cs {
			cs[i].Failures = nil
			if size == 0 {
				cs[i].Summary = nil
			}
		}
		writeJournal(t, path, cs)
		got, est := fileSize(t, path), EstimateSize(n, size)
		// An upper bound, loose by at most the varints' slack per record.
		if est < got || est > got+4096+n*25 {
			t.Errorf("summary %d bytes: EstimateSize = %d, actual %d: want an upper bound within 25 bytes a record + 4 KiB", size, est, got)
		}
	}
}
