package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// ErrSpecMismatch is wrapped by the error of CheckSpec (and of Open with
// WithSpec) when a journal belongs to another campaign.
var ErrSpecMismatch = errors.New("journal belongs to a different campaign")

// ErrUnreadable is wrapped by the error of Open when a file cannot be
// resumed at all (not a journal, another format version, a header that
// never got written or is damaged): nothing in it can be trusted to
// belong to the campaign, so a caller may only move it aside.
var ErrUnreadable = errors.New("journal cannot be resumed")

// ErrOldFormat is wrapped by the error of Open and Scan for a journal of
// format version 1, whose repetitions were seeded by their place in the
// grid. errors.Is(err, ErrUnreadable) holds for it too.
var ErrOldFormat = oldFormatError{}

type oldFormatError struct{}

func (oldFormatError) Error() string        { return "journal is of an older format (version 1)" }
func (oldFormatError) Is(target error) bool { return target == ErrUnreadable }

// ErrDamaged is wrapped by the error of Open when a record is damaged and
// intact records follow it (not a torn tail): WithSalvage keeps the
// records before the damage.
var ErrDamaged = errors.New("journal is damaged in the middle")

// ErrInUse is wrapped by the error of Open and OpenAppend when another
// process holds the journal open for appending.
var ErrInUse = errors.New("journal is in use by another process")

// Journal is the content of a journal file: its header and its intact
// chunk records, in the order they were appended.
type Journal struct {
	// Repaired is empty when the file ended on a record boundary;
	// otherwise it describes the torn or corrupt last record that was
	// dropped (offset, bytes, why). Open truncates the file there; Scan
	// leaves the file alone.
	Repaired string
	// TornBytes is the number of bytes after the last intact record.
	TornBytes int64

	path    string
	header  Header
	records []Chunk
	size    int64 // end of the last intact record

	f    *os.File // Open: the locked, read-write file; Scan: nil
	opts options
	w    *Writer
}

// Header returns the journal's header record.
func (j *Journal) Header() Header { return j.header }

// Records returns the intact chunk records in file order. The slice and
// the Summary bytes are shared with the Journal and must not be modified.
func (j *Journal) Records() []Chunk { return j.records }

// Size returns the length of the intact part of the file in bytes.
func (j *Journal) Size() int64 { return j.size }

// CheckSpec returns an error wrapping ErrSpecMismatch when the journal
// belongs to a campaign whose spec hash is not want.
func (j *Journal) CheckSpec(want string) error {
	return checkSpec(j.path, j.header.SpecSHA256, want)
}

func checkSpec(path, have, want string) error {
	if have == want {
		return nil
	}
	return fmt.Errorf("journal: %s: %w (its spec sha256 is %s, this campaign's is %s): "+
		"the output directory holds another campaign's results; use --force to move them aside and start afresh, "+
		"or choose another --out directory", path, ErrSpecMismatch, short(have), short(want))
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	if h == "" {
		return `""`
	}
	return h
}

// Stats summarizes a journal for `netsweep status`.
type Stats struct {
	Chunks    int   // intact chunk records
	Reps      int64 // repetitions they cover
	Failures  int   // failed repetitions recorded
	Points    int   // distinct point keys with at least one chunk
	Bytes     int64 // size of the intact part of the file
	TornBytes int64 // bytes after the last intact record
}

// Stats counts the journal's records.
func (j *Journal) Stats() Stats {
	s := Stats{Chunks: len(j.records), Bytes: j.size, TornBytes: j.TornBytes}
	seen := make(map[string]bool)
	for i := range j.records {
		c := &j.records[i]
		s.Reps += int64(c.End - c.Start)
		s.Failures += len(c.Failures)
		seen[c.Key] = true
	}
	s.Points = len(seen)
	return s
}

// Range is a half-open range [Start, End) of repetitions.
type Range struct{ Start, End int }

// Done returns, for each point key with records, the repetitions they
// cover as sorted, disjoint, non-adjacent ranges.
func (j *Journal) Done() map[string][]Range {
	byPoint := make(map[string][]Range)
	for _, c := range j.records {
		byPoint[c.Key] = append(byPoint[c.Key], Range{c.Start, c.End})
	}
	for p, rs := range byPoint {
		sort.Slice(rs, func(a, b int) bool { return rs[a].Start < rs[b].Start })
		out := rs[:1]
		for _, r := range rs[1:] {
			last := &out[len(out)-1]
			if r.Start <= last.End {
				last.End = max(last.End, r.End)
				continue
			}
			out = append(out, r)
		}
		byPoint[p] = out
	}
	return byPoint
}

// Open reads the journal at path for resuming a campaign: it takes an
// exclusive lock on the file (ErrInUse if another process holds it),
// reads the header and every intact record, and, if the last record is
// torn or corrupt, truncates the file after the last intact record and
// fsyncs it, describing what was dropped in Repaired. Damage followed by
// an intact record is an error and leaves the file untouched. With
// WithSpec, a journal of another campaign is refused before anything is
// written. Call Writer to append, and Close when done.
func Open(path string, opts ...Option) (*Journal, error) {
	o := makeOptions(opts)
	f, err := openLocked(path)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: could not read %s: %w", path, err)
	}
	j, err := parse(path, data, o.spec, o.salvage)
	if err != nil {
		f.Close()
		return nil, err
	}
	if j.TornBytes > 0 {
		j.Repaired = fmt.Sprintf("journal: %s: dropped a torn last record at offset %d (%d bytes: %s); its chunks will be run again",
			path, j.size, j.TornBytes, j.Repaired)
		if err := f.Truncate(j.size); err != nil {
			f.Close()
			return nil, fmt.Errorf("journal: could not truncate %s to its last intact record at offset %d: %w", path, j.size, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, fmt.Errorf("journal: could not fsync %s after truncating it: %w", path, err)
		}
	}
	j.f, j.opts = f, o
	return j, nil
}

// openLocked opens the journal at path for reading and writing and takes
// its exclusive lock (ErrInUse if another process holds it).
func openLocked(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("journal: could not open: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: %s: %w", path, err)
	}
	return f, nil
}

// LockDir takes the exclusive lock of directory dir, held until the
// returned file is closed: ErrInUse if another process holds it. A
// campaign directory is locked as well as its journal, so that a run is
// refused while another runs there even after the journal was deleted
// under it. Where flock is missing it locks nothing, like the journal.
func LockDir(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("journal: could not open %s to lock it: %w", dir, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: %s: %w", dir, err)
	}
	return f, nil
}

// OpenAppend is Open followed by Writer.
func OpenAppend(path string, opts ...Option) (*Journal, *Writer, error) {
	j, err := Open(path, opts...)
	if err != nil {
		return nil, nil, err
	}
	w, err := j.Writer()
	if err != nil {
		j.Close()
		return nil, nil, err
	}
	return j, w, nil
}

// Writer returns the writer that appends to an opened journal (the same
// one on every call). A journal from Scan has none.
func (j *Journal) Writer() (*Writer, error) {
	if j.w != nil {
		return j.w, nil
	}
	if j.f == nil {
		return nil, fmt.Errorf("journal: %s was read by Scan, which cannot append: use Open", j.path)
	}
	j.w = newWriter(j.path, j.f, j.size, j.opts)
	return j.w, nil
}

// Close closes the writer (fsyncing it) unless it is closed already, or,
// if Writer was never called, releases the file. It is a no-op for a scanned journal.
func (j *Journal) Close() error {
	if j.w != nil {
		if j.w.closed {
			return nil
		}
		return j.w.Close()
	}
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// Scan reads the journal at path without locking, repairing or writing
// it: the view of `netsweep status` while a campaign appends to it in
// another process. A torn tail (a record being written right now) is
// ignored and counted in TornBytes; damage followed by an intact record
// is an error, as for Open.
func Scan(path string) (*Journal, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("journal: could not read: %w", err)
	}
	j, err := parse(path, data, "", false)
	if err != nil {
		return nil, err
	}
	if j.TornBytes > 0 {
		j.Repaired = fmt.Sprintf("journal: %s: ignored %d bytes after the last intact record at offset %d (%s); not repaired: Scan is read-only",
			path, j.TornBytes, j.size, j.Repaired)
	}
	return j, nil
}

// parse decodes a whole journal file. On a torn tail it sets size,
// TornBytes and, in Repaired, the bare reason. spec, if not empty, is
// checked right after the header. With salvage, damage in the middle is
// treated as a torn tail: everything from it on is dropped.
func parse(path string, data []byte, spec string, salvage bool) (*Journal, error) {
	j := &Journal{path: path}
	if len(data) < prefixLen {
		if bytes.HasPrefix([]byte(Magic), data) {
			return nil, fmt.Errorf("journal: %s: incomplete header (%d bytes): the run that created it was stopped: %w", path, len(data), ErrUnreadable)
		}
	}
	if !bytes.HasPrefix(data, []byte(Magic)) {
		return nil, fmt.Errorf("journal: %s is not a netsweep journal (no %q magic): %w", path, Magic, ErrUnreadable)
	}
	if v := data[len(Magic)]; v != Version {
		if v == 1 {
			return nil, fmt.Errorf("journal: %s: format version 1, written by netsweep 0.1, whose seeds came from a point's place in the grid; "+
				"this netsweep (format version %d) keys them by the point's settings, so the two cannot be mixed: %w", path, Version, ErrOldFormat)
		}
		return nil, fmt.Errorf("journal: %s: format version %d, this netsweep reads version %d (use the netsweep that wrote it): %w", path, v, Version, ErrUnreadable)
	}
	fr, reason := readFrame(data, prefixLen)
	if reason != "" {
		return nil, fmt.Errorf("journal: %s: damaged header record: %s: %w", path, reason, ErrUnreadable)
	}
	if fr.typ != typeHeader {
		return nil, fmt.Errorf("journal: %s: first record has type %d, want the header (%d): %w", path, fr.typ, typeHeader, ErrUnreadable)
	}
	h, err := decodeHeader(fr.payload)
	if err != nil {
		return nil, fmt.Errorf("journal: %s: undecodable header record (%v): %w", path, err, ErrUnreadable)
	}
	j.header = h
	if spec != "" {
		if err := checkSpec(path, h.SpecSHA256, spec); err != nil {
			return nil, err
		}
	}
	off := fr.next
	for off < len(data) {
		fr, reason := readFrame(data, off)
		if reason != "" {
			if next := findFrame(data, off+1); next >= 0 {
				if !salvage {
					return nil, fmt.Errorf("journal: %s: damaged record at offset %d (%s) followed by an intact record at offset %d, "+
						"%d intact records before it: %w, not torn at the end", path, off, reason, next, len(j.records), ErrDamaged)
				}
				reason += fmt.Sprintf(", salvaged: intact records from offset %d on dropped too", next)
			}
			j.size = int64(off)
			j.TornBytes = int64(len(data) - off)
			j.Repaired = reason
			return j, nil
		}
		if fr.typ != typeChunk {
			return nil, fmt.Errorf("journal: %s: record at offset %d has unknown type %d (written by a newer netsweep?)", path, off, fr.typ)
		}
		c, err := decodeChunk(fr.payload)
		if err != nil {
			return nil, fmt.Errorf("journal: %s: intact but undecodable chunk record at offset %d: %w", path, off, err)
		}
		j.records = append(j.records, c)
		off = fr.next
	}
	j.size = int64(off)
	return j, nil
}

// findFrame returns the offset of the first intact chunk record that
// starts at or after from, or -1. It tries every byte offset, since a
// damaged length field leaves no way to know where the next record starts.
func findFrame(data []byte, from int) int {
	for y := from; y+frameOverhead <= len(data); y++ {
		if data[y+4] != typeChunk {
			continue
		}
		fr, reason := readFrame(data, y)
		if reason != "" {
			continue
		}
		if _, err := decodeChunk(fr.payload); err == nil {
			return y
		}
	}
	return -1
}
