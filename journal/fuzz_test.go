package journal

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed")
	chunks := testChunks(4, 0, 30)
	ends := writeJournal(f, seed, chunks)
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:ends[0]])
	f.Add(data[:ends[2]+3])
	f.Add(append(data[:ends[4]:ends[4]], make([]byte, 64)...))
	mid := append([]byte(nil), data...)
	mid[ends[1]+7] ^= 1
	f.Add(mid)
	f.Add([]byte(Magic + "\x01"))
	f.Add([]byte("not a journal"))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		// The parser first: no panic, and what it accepts re-encodes to
		// a journal that parses to the same records.
		j, err := parse("fuzz", data, "", false)
		if err != nil {
			return
		}
		if j.size+j.TornBytes != int64(len(data)) {
			t.Fatalf("size %d + torn %d != %d bytes", j.size, j.TornBytes, len(data))
		}
		re := appendPrefix(nil, j.header)
		for i := range j.records {
			re = appendChunk(re, &j.records[i])
		}
		j2, err := parse("re-encoded", re, "", false)
		if err != nil {
			t.Fatalf("re-encoded journal does not parse: %v", err)
		}
		if !reflect.DeepEqual(j2.records, j.records) || !reflect.DeepEqual(j2.header, j.header) || j2.TornBytes != 0 {
			t.Fatalf("re-encoded journal parses differently")
		}

		// Then Open on a real file: it repairs to the parsed size and
		// appends continue cleanly.
		path := filepath.Join(t.TempDir(), "journal")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		oj, w, err := OpenAppend(path, WithSyncInterval(time.Hour))
		if err != nil {
			t.Fatalf("Open failed where parse succeeded: %v", err)
		}
		extra := Chunk{Key: "p1", Start: 0, End: 3, Summary: []byte("x")}
		if err := w.Append(extra); err != nil {
			t.Fatal(err)
		}
		if err := oj.Close(); err != nil {
			t.Fatal(err)
		}
		back, err := Scan(path)
		if err != nil {
			t.Fatalf("reopening after repair and append: %v", err)
		}
		if back.TornBytes != 0 || len(back.Records()) != len(j.records)+1 ||
			!reflect.DeepEqual(back.Records()[len(j.records)], extra) {
			t.Fatalf("after repair and append: %d records (torn %d), want %d", len(back.Records()), back.TornBytes, len(j.records)+1)
		}
	})
}
