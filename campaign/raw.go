package campaign

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/sim"
	"github.com/netsweep/netsweep/spec"
)

// Files of a campaign that keeps raw values ([output] raw).
const (
	RawJournalFile = "raw.journal" // every finished chunk's raw values (package journal's format)
	RawFile        = "raw.parquet" // every repetition's raw values, in (point, repetition) order
)

// rawRecord is a chunk's raw values as the raw journal keeps them: the
// names of the metrics, then per repetition of [Start, End) one value
// each, NaN for a failed repetition.
type rawRecord struct {
	key        string
	start, end int
	metrics    []string
	values     []float64
}

// rawVersion is the first byte of a raw record's payload.
const rawVersion = 1

// appendRaw appends a raw record's payload to b: version, uvarint number
// of metrics and each name (uvarint length, bytes), uvarint number of
// values and each value (8 bytes little-endian).
func appendRaw(b []byte, metrics []string, values []float64) []byte {
	n := 1 + 2*binary.MaxVarintLen64 + 8*len(values)
	for _, m := range metrics {
		n += binary.MaxVarintLen64 + len(m)
	}
	b = append(slices.Grow(b, n), rawVersion)
	b = binary.AppendUvarint(b, uint64(len(metrics)))
	for _, m := range metrics {
		b = binary.AppendUvarint(b, uint64(len(m)))
		b = append(b, m...)
	}
	b = binary.AppendUvarint(b, uint64(len(values)))
	for _, v := range values {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

var errRawCorrupt = errors.New("corrupt raw record")

func decodeRaw(c journal.Chunk) (*rawRecord, error) {
	b := c.Summary
	if len(b) == 0 || b[0] != rawVersion {
		return nil, errRawCorrupt
	}
	b = b[1:]
	next := func() (uint64, bool) {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return v, true
	}
	r := &rawRecord{key: c.Key, start: c.Start, end: c.End}
	k, ok := next()
	if !ok || k > uint64(len(b)) {
		return nil, errRawCorrupt
	}
	for range k {
		n, ok := next()
		if !ok || n > uint64(len(b)) {
			return nil, errRawCorrupt
		}
		r.metrics = append(r.metrics, string(b[:n]))
		b = b[n:]
	}
	n, ok := next()
	if !ok || n != uint64(len(b))/8 || len(b)%8 != 0 || n != uint64(len(r.metrics))*uint64(c.End-c.Start) {
		return nil, errRawCorrupt
	}
	r.values = make([]float64, n)
	for i := range r.values {
		r.values[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return r, nil
}

// rawIndex finds the raw values of a point's repetitions among raw
// records, whichever runs and shards wrote them.
type rawIndex struct {
	metrics []string                // the spec's [output] raw
	byKey   map[string][]*rawRecord // records holding every one of metrics
}

func newRawIndex(s *spec.Spec) *rawIndex {
	return &rawIndex{metrics: s.Output.Raw, byKey: map[string][]*rawRecord{}}
}

// add indexes the records of a raw journal that hold the wanted metrics.
func (x *rawIndex) add(records []journal.Chunk) error {
	for _, c := range records {
		r, err := decodeRaw(c)
		if err != nil {
			return fmt.Errorf("the raw journal's record of reps [%d,%d): %w", c.Start, c.End, err)
		}
		x.addRecord(r)
	}
	return nil
}

func (x *rawIndex) addRecord(r *rawRecord) {
	for _, m := range x.metrics {
		if !slices.Contains(r.metrics, m) {
			return
		}
	}
	x.byKey[r.key] = append(x.byKey[r.key], r)
}

// covers reports whether the raw values of journal record c are indexed.
func (x *rawIndex) covers(c journal.Chunk) bool {
	for _, r := range x.byKey[c.Key] {
		if r.start <= c.Start && c.End <= r.end {
			return true
		}
	}
	return false
}

// withRaw returns the records whose raw values x holds, and how many it
// left out.
func (x *rawIndex) withRaw(records []journal.Chunk) ([]journal.Chunk, int) {
	var out []journal.Chunk
	for _, c := range records {
		if x.covers(c) {
			out = append(out, c)
		}
	}
	return out, len(records) - len(out)
}

// rows returns the number of raw.parquet's rows, one per repetition
// [0, Repetitions) of every point of s in canonical order, and a function
// that fills in row i, for i = 0, 1, ... in turn (report.EncodeRawRows),
// from the records of x. Every repetition must be indexed.
func (x *rawIndex) rows(s *spec.Spec) (int, func(i int, row *report.RawRow) error) {
	var (
		recs   []*rawRecord  // the point's records, sorted by start
		r      *rawRecord    // the record of the last repetition
		cols   []int         // where each wanted metric lies in r's rows
		nk, pk sim.StreamKey // the point's seed keys
		p, rep = 0, -1       // the last row's point and repetition
		key    string        // the point's key
		loaded = -1          // the point whose records, key and seed keys these are
	)
	return s.NumPoints() * s.Repetitions, func(i int, row *report.RawRow) error {
		// Rows come in turn: the next repetition, without dividing.
		if rep++; rep == s.Repetitions {
			p, rep = p+1, 0
		}
		if i != p*s.Repetitions+rep {
			p, rep = i/s.Repetitions, i%s.Repetitions
		}
		if p != loaded {
			loaded = p
			key = s.PointKey(p)
			recs = append(recs[:0], x.byKey[key]...)
			slices.SortStableFunc(recs, func(a, b *rawRecord) int { return a.start - b.start })
			r = nil
			nk, pk = s.PointSeedKeys(p)
		}
		if r == nil || rep >= r.end {
			// The record covering rep: recs are sorted by start.
			i, _ := slices.BinarySearchFunc(recs, rep+1, func(r *rawRecord, v int) int { return r.start - v })
			for i--; i >= 0 && recs[i].end <= rep; i-- {
			}
			if i < 0 {
				return fmt.Errorf("no raw values of %s rep %d: the run that did it kept none; run it again into a new directory with [output] raw", s.PointLabel(p), rep)
			}
			r, cols = recs[i], cols[:0]
			for _, m := range x.metrics {
				cols = append(cols, slices.Index(r.metrics, m))
			}
		}
		row.Point, row.Key, row.Rep = p, key, rep
		row.NetworkSeed, row.ProcessSeed = nk.Seed(rep, sim.StreamNetwork), pk.Seed(rep, sim.StreamProcess)
		at := (rep - r.start) * len(r.metrics)
		for j, c := range cols {
			row.Values[j] = r.values[at+c]
		}
		row.Failed = math.IsNaN(row.Values[0])
		return nil
	}
}

// openRaw opens (or creates) the raw journal beside the journal of a
// campaign that keeps raw values, and indexes what it holds.
func (c *Campaign) openRaw() error {
	c.raw = newRawIndex(c.s)
	path := filepath.Join(c.dir, RawJournalFile)
	if _, err := os.Stat(path); err != nil {
		c.rw, err = journal.Create(path, journal.Header{SpecSHA256: c.s.CampaignID})
		return err
	}
	j, w, err := journal.OpenAppend(path, journal.WithSpec(c.s.CampaignID))
	if err != nil {
		return fmt.Errorf("%s: %w", path, journalAdvice(err))
	}
	if j.Repaired != "" {
		c.rep.Notice(fmt.Sprintf("warning: repaired the raw journal: %s; those repetitions run again", j.Repaired))
	}
	c.rw = w
	return c.raw.add(j.Records())
}

// recordRaw appends r's raw values to the raw journal, before the journal
// records the chunk: a chunk the journal holds has its raw values, or its
// record is passed over on resume and its repetitions run again.
func (c *Campaign) recordRaw(r *mpirun.Result) error {
	k := len(c.s.Output.Raw)
	if len(r.Raw) != k*r.Chunk.Len() {
		return fmt.Errorf("%v came with %d raw values, want %d", r.Chunk, len(r.Raw), k*r.Chunk.Len())
	}
	// The record's payload is built in a buffer kept from chunk to chunk:
	// Append copies it.
	c.rawBuf = appendRaw(c.rawBuf[:0], c.s.Output.Raw, r.Raw)
	rec := journal.Chunk{Key: c.s.PointKey(r.Chunk.Point), Start: r.Chunk.Start, End: r.Chunk.End, Summary: c.rawBuf}
	if err := c.rw.Append(rec); err != nil {
		return fmt.Errorf("could not record a finished chunk's raw values: %w", err)
	}
	c.raw.addRecord(&rawRecord{key: rec.Key, start: rec.Start, end: rec.End, metrics: c.s.Output.Raw, values: r.Raw})
	return nil
}

// writeRaw writes dir's raw.parquet from the raw values of x.
func writeRaw(dir string, s *spec.Spec, x *rawIndex) error {
	n, row := x.rows(s)
	return report.WriteRawRows(filepath.Join(dir, RawFile), x.metrics, n, row)
}
