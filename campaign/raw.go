package campaign

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"

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
// each, NaN for a failed repetition, encoded (mpirun.RawValues).
type rawRecord struct {
	key        string
	start, end int
	metrics    []string
	values     mpirun.RawValues
}

// The first byte of a raw record's payload: its version. Version 1 held
// the values 8 bytes each; version 2, written since, holds them as
// mpirun.RawValues.
const (
	rawVersion1 = 1
	rawVersion  = 2
)

// appendRawHeader appends the start of a raw record's payload to b:
// version and the uvarint number of metrics and each name (uvarint
// length, bytes). The values (mpirun.RawValues) follow.
func appendRawHeader(b []byte, metrics []string) []byte {
	b = append(b, rawVersion)
	b = binary.AppendUvarint(b, uint64(len(metrics)))
	for _, m := range metrics {
		b = binary.AppendUvarint(b, uint64(len(m)))
		b = append(b, m...)
	}
	return b
}

var errRawCorrupt = errors.New("corrupt raw record")

// decodeRaw decodes a raw journal record; enc re-encodes version 1's
// values.
func decodeRaw(c journal.Chunk, enc *mpirun.RawEncoder) (*rawRecord, error) {
	b := c.Summary
	if len(b) == 0 || b[0] != rawVersion && b[0] != rawVersion1 {
		return nil, errRawCorrupt
	}
	version := b[0]
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
	reps := c.End - c.Start
	if version == rawVersion1 {
		n, ok := next()
		if !ok || n != uint64(len(b))/8 || len(b)%8 != 0 || n != uint64(len(r.metrics))*uint64(reps) {
			return nil, errRawCorrupt
		}
		values := make([]float64, n)
		for i := range values {
			values[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		r.values = enc.Append(nil, reps, len(r.metrics), values)
		return r, nil
	}
	r.values = mpirun.RawValues(b)
	if n, m, err := r.values.Shape(); err != nil || n != reps || m != len(r.metrics) {
		return nil, errRawCorrupt
	}
	return r, nil
}

// rawIndex finds the raw values of a point's repetitions among raw
// records, whichever runs and shards wrote them. A run's records come
// while raw.parquet's values are encoded from those before them (live):
// the index's lock guards byKey, and the encoder waits for the record it
// wants (await).
type rawIndex struct {
	metrics []string          // the spec's [output] raw
	enc     mpirun.RawEncoder // for records of version 1

	// kept holds the raw values of this run's records, copied out of
	// their messages (whose chunk summaries are not kept), in blocks
	// of rawKeepBlock bytes or one of its own for a larger record.
	kept []byte

	mu     sync.Mutex
	byKey  map[string][]*rawRecord // records holding every one of metrics
	wanted rawWant                 // the record that a waiting encoder wants
	more   chan struct{}           // signals the encoder that wanted came, or ended
	ended  bool                    // no more records come
}

// rawWant is the point key and repetition whose record an encoder waits
// for; key "" if none.
type rawWant struct {
	key string
	rep int
}

func newRawIndex(s *spec.Spec) *rawIndex {
	return &rawIndex{metrics: s.Output.Raw, byKey: map[string][]*rawRecord{}, more: make(chan struct{}, 1)}
}

// add indexes the records of a raw journal that hold the wanted metrics.
func (x *rawIndex) add(records []journal.Chunk) error {
	for _, c := range records {
		r, err := decodeRaw(c, &x.enc)
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
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byKey[r.key] = append(x.byKey[r.key], r)
	if w := x.wanted; w.key == r.key && r.start <= w.rep && w.rep < r.end {
		x.wanted = rawWant{}
		x.signal()
	}
}

// rawKeepBlock is the size of the blocks rawIndex.keep copies raw values
// into.
const rawKeepBlock = 64 << 10

// keep returns a copy of v, which the index keeps until raw.parquet is
// written: v lies in a worker's message, beside the summaries of its
// chunks, which would be kept with it.
func (x *rawIndex) keep(v mpirun.RawValues) mpirun.RawValues {
	if len(v) > cap(x.kept)-len(x.kept) {
		x.kept = make([]byte, 0, max(rawKeepBlock, len(v)))
	}
	at := len(x.kept)
	x.kept = append(x.kept, v...)
	return mpirun.RawValues(x.kept[at:len(x.kept):len(x.kept)])
}

// signal wakes the waiting encoder, if any; it holds x.mu.
func (x *rawIndex) signal() {
	select {
	case x.more <- struct{}{}:
	default:
	}
}

// end tells the encoder that no more records come: one it waits for is
// missing.
func (x *rawIndex) end() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ended = true
	x.signal()
}

// covers reports whether the raw values of journal record c are indexed.
func (x *rawIndex) covers(c journal.Chunk) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
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

// runs returns a function that fills in the next run of raw.parquet's
// rows, one per repetition [0, Repetitions) of every point of s in
// canonical order (rawLayout), from the records of x: the rest of a
// record's repetitions, in turn, their values (report.EncodeRawLayout
// gives the seeds). If live, a repetition not indexed yet is waited for
// until end; otherwise, and after end, every repetition must be indexed.
func (x *rawIndex) runs(s *spec.Spec, live bool) func(run *report.RawRun) error {
	var (
		recs   []*rawRecord // the point's records, sorted by start
		p, rep = -1, s.Repetitions
		key    string    // the point's key
		cols   []int     // where each wanted metric lies in a record
		vals   []float64 // one metric's decoded values
	)
	// find returns the record covering rep, among recs, sorted by
	// start, or nil.
	find := func() *rawRecord {
		i, _ := slices.BinarySearchFunc(recs, rep+1, func(r *rawRecord, v int) int { return r.start - v })
		for i--; i >= 0 && recs[i].end <= rep; i-- {
		}
		if i < 0 {
			return nil
		}
		return recs[i]
	}
	// index takes the point's records as they are now.
	index := func() {
		x.mu.Lock()
		recs = append(recs[:0], x.byKey[key]...)
		x.mu.Unlock()
		slices.SortStableFunc(recs, func(a, b *rawRecord) int { return a.start - b.start })
	}
	return func(run *report.RawRun) error {
		if rep == s.Repetitions {
			p, rep = p+1, 0
			key = s.PointKey(p)
			index()
		}
		r := find()
		for r == nil && live && x.await(key, rep) {
			index()
			r = find()
		}
		if r == nil {
			return fmt.Errorf("no raw values of %s rep %d: the run that did it kept none; run it again into a new directory with [output] raw", s.PointLabel(p), rep)
		}
		end := min(r.end, s.Repetitions)
		n := end - rep
		run.Point, run.Key, run.Rep = p, key, rep
		cols = cols[:0]
		for _, m := range x.metrics {
			cols = append(cols, slices.Index(r.metrics, m))
		}
		// Each metric as the record keeps it: a dictionary and indices
		// (discrete metrics), which the encoder takes without decoding,
		// or values.
		if len(run.Dict) != len(cols) {
			run.Dict, run.Index = make([][]float64, len(cols)), make([][]uint8, len(cols))
		}
		for j, c := range cols {
			var ok bool
			var err error
			run.Dict[j], run.Index[j], ok, err = r.values.DecodeMetricDict(c, run.Dict[j][:0], run.Index[j][:0])
			if ok {
				run.Index[j] = run.Index[j][rep-r.start : end-r.start]
			} else {
				run.Dict[j] = nil // run.Index[j] keeps its memory for the next run
				if err == nil {
					vals, err = r.values.DecodeMetric(c, vals[:0])
				}
				if err == nil {
					run.Values[j] = append(run.Values[j][:0], vals[rep-r.start:end-r.start]...)
				}
			}
			if err != nil {
				return fmt.Errorf("the raw values of %s reps [%d,%d): %w", s.PointLabel(p), r.start, r.end, err)
			}
		}
		// A failed repetition's values are NaN, and no other's: looked up
		// in the first metric's dictionary once, where it has one.
		run.Failed = slices.Grow(run.Failed[:0], n)[:n]
		clear(run.Failed)
		switch {
		case len(cols) == 0:
		case run.Dict[0] != nil:
			for k, x := range run.Dict[0] {
				if !math.IsNaN(x) {
					continue
				}
				for i, at := range run.Index[0] {
					run.Failed[i] = run.Failed[i] || int(at) == k
				}
			}
		default:
			for i, v := range run.Values[0] {
				run.Failed[i] = math.IsNaN(v)
			}
		}
		rep = end
		return nil
	}
}

// await waits until a record of point key with repetition rep may be
// indexed; false if none will come.
func (x *rawIndex) await(key string, rep int) bool {
	x.mu.Lock()
	for _, r := range x.byKey[key] {
		if r.start <= rep && rep < r.end {
			x.mu.Unlock()
			return true
		}
	}
	if x.ended {
		x.mu.Unlock()
		return false
	}
	x.wanted = rawWant{key, rep}
	x.mu.Unlock()
	<-x.more
	return true
}

// rawLayout is where raw.parquet's rows lie: every point of s in turn,
// each with repetitions [0, Repetitions), and their seeds.
func rawLayout(s *spec.Spec) report.RawLayout {
	// Points that share their networks share their network seeds: those
	// of the last point's network are kept (up to rawSeedCache of them),
	// so that a sweep of the process's settings derives them once. The
	// encoder asks for a point's repetitions in order.
	var (
		lastNet sim.StreamKey
		netSeed []uint64
	)
	return report.RawLayout{
		Rows: s.NumPoints() * s.Repetitions, Reps: s.Repetitions,
		Key: s.PointKey,
		NetworkSeeds: func(p, rep int, seeds []uint64) {
			nk, _ := s.PointSeedKeys(p)
			if netSeed == nil {
				netSeed = make([]uint64, 0, min(s.Repetitions, rawSeedCache))
			}
			if nk != lastNet {
				lastNet, netSeed = nk, netSeed[:0]
			}
			if end := rep + len(seeds); end <= len(netSeed) {
				copy(seeds, netSeed[rep:end])
				return
			}
			nk.Seeds(rep, sim.StreamNetwork, seeds)
			if rep == len(netSeed) && rep+len(seeds) <= cap(netSeed) {
				netSeed = append(netSeed, seeds...)
			}
		},
		ProcessSeeds: func(p, rep int, seeds []uint64) {
			_, pk := s.PointSeedKeys(p)
			pk.Seeds(rep, sim.StreamProcess, seeds)
		},
	}
}

// rawSeedCache is the most network seeds rawLayout keeps: 512 KiB.
const rawSeedCache = 1 << 16

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
	if reps, m, err := r.Raw.Shape(); err != nil || reps != r.Chunk.Len() || m != k {
		return fmt.Errorf("%v came with raw values of %d repetitions of %d metrics (%v), want %d of %d", r.Chunk, reps, m, err, r.Chunk.Len(), k)
	}
	// The record's payload is built in a buffer kept from chunk to chunk:
	// Append copies it.
	c.rawBuf = append(appendRawHeader(c.rawBuf[:0], c.s.Output.Raw), r.Raw...)
	rec := journal.Chunk{Key: c.s.PointKey(r.Chunk.Point), Start: r.Chunk.Start, End: r.Chunk.End, Summary: c.rawBuf}
	// Written with the message's last chunk, before the journal's records.
	if err := appendChunk(c.rw, rec, r.More); err != nil {
		return fmt.Errorf("could not record a finished chunk's raw values: %w", err)
	}
	c.raw.addRecord(&rawRecord{key: rec.Key, start: rec.Start, end: rec.End, metrics: c.s.Output.Raw, values: c.raw.keep(r.Raw)})
	return nil
}

// writeRaw writes dir's raw.parquet from the raw values of x, with the
// layout columns encoded on another core meanwhile, where there is one:
// at the end of a run whose values were not encoded as it went (liveRaw),
// and for collect.
func writeRaw(dir string, s *spec.Spec, x *rawIndex) error {
	return report.WriteRawLayout(filepath.Join(dir, RawFile), x.metrics, rawLayout(s), x.runs(s, false))
}

// liveRaw writes a run's raw.parquet as the run goes: its layout from
// the start (report.StartRawLayout), its values in canonical order as
// the records of x come, each waited for until x ends.
type liveRaw struct {
	x      *rawIndex
	done   chan error
	err    error
	waited bool
}

// startRaw starts writing raw.parquet in dir, from the records that x
// has and will have. It fails at once if the file cannot be created.
func startRaw(dir string, s *spec.Spec, x *rawIndex) (*liveRaw, error) {
	layout, err := report.StartRawLayout(filepath.Join(dir, RawFile), rawLayout(s))
	if err != nil {
		return nil, err
	}
	l := &liveRaw{x: x, done: make(chan error, 1)}
	go func() { l.done <- layout.WriteFile(x.metrics, x.runs(s, true)) }()
	return l, nil
}

// wait ends x, if not yet, and returns once the writing has: nil if
// raw.parquet is in place, or the error that left none (and no
// temporary file), such as a repetition whose record never came. It may
// be called more than once.
func (l *liveRaw) wait() error {
	if !l.waited {
		l.x.end()
		l.err, l.waited = <-l.done, true
	}
	return l.err
}
