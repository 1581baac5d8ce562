package campaign

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/report"
)

// TestRawRecordVersions decodes a raw journal record as netsweep wrote it
// before raw values travelled encoded (version 1: 8 bytes a value) and as
// it writes it now (version 2: mpirun.RawValues), to the same values; and
// refuses records whose values do not fit their chunk.
func TestRawRecordVersions(t *testing.T) {
	metrics := []string{"final_size", "major"}
	values := []float64{0.25, 1, math.NaN(), math.NaN(), 0.5, 1, 0.03, 0}
	v1 := []byte{rawVersion1}
	v1 = binary.AppendUvarint(v1, uint64(len(metrics)))
	for _, m := range metrics {
		v1 = binary.AppendUvarint(v1, uint64(len(m)))
		v1 = append(v1, m...)
	}
	v1 = binary.AppendUvarint(v1, uint64(len(values)))
	for _, v := range values {
		v1 = binary.LittleEndian.AppendUint64(v1, math.Float64bits(v))
	}
	var enc mpirun.RawEncoder
	v2 := append(appendRawHeader(nil, metrics), enc.Append(nil, 4, 2, values)...)
	for name, payload := range map[string][]byte{"version 1": v1, "version 2": v2} {
		r, err := decodeRaw(journal.Chunk{Key: "k", Start: 10, End: 14, Summary: payload}, &enc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, m, err := r.values.Decode(nil)
		if err != nil || m != 2 || len(got) != len(values) || r.start != 10 || r.end != 14 || r.metrics[1] != "major" {
			t.Fatalf("%s: %d values of %d metrics, %v", name, len(got), m, err)
		}
		for i, v := range values {
			if math.Float64bits(got[i]) != math.Float64bits(v) {
				t.Errorf("%s: value %d is %v, want %v", name, i, got[i], v)
			}
		}
		if _, err := decodeRaw(journal.Chunk{Key: "k", Start: 10, End: 15, Summary: payload}, &enc); err == nil {
			t.Errorf("%s: a record of 4 repetitions passed for a chunk of 5", name)
		}
	}
}

// TestRawLayoutSeeds checks rawLayout's seeds against each point's own
// (spec.Point.Seeds), asked for a point's repetitions in runs of 4096
// from 0, in turn: on a grid whose network changes
// from some points to the next and not between others, with more
// repetitions than rawLayout keeps network seeds of.
func TestRawLayoutSeeds(t *testing.T) {
	s := parse(t, `name = "layout"
seed = 11
repetitions = 70000
[network]
generator = "er"
n = 50
mean_degree = 3.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
[sweep]
"network.mean_degree" = [2.0, 3.0]
"process.beta" = [0.5, 1.0]
`)
	if s.Repetitions <= rawSeedCache {
		t.Fatalf("%d repetitions: not more than the %d network seeds kept", s.Repetitions, rawSeedCache)
	}
	l := rawLayout(s)
	seeds := make([]uint64, 4096)
	for p := range s.NumPoints() {
		pt := s.Point(p)
		if got := l.Key(p); got != pt.Key {
			t.Fatalf("point %d: key %s, want %s", p, got, pt.Key)
		}
		for rep := 0; rep < s.Repetitions; rep += len(seeds) {
			k := min(len(seeds), s.Repetitions-rep)
			for stream, fill := range []func(int, int, []uint64){l.NetworkSeeds, l.ProcessSeeds} {
				fill(p, rep, seeds[:k])
				for i, got := range seeds[:k] {
					nw, pr := pt.Seeds(s.Seed, rep+i)
					if want := []uint64{nw, pr}[stream]; got != want {
						t.Fatalf("point %d rep %d: seed of stream %d %d, want %d", p, rep+i, stream, got, want)
					}
				}
			}
		}
	}
}

// TestRawIndexLive reads a grid's raw runs from an index while another
// goroutine adds its records in a shuffled order, as a run records its
// chunks while raw.parquet's values are encoded: the runs are those read
// once every record is in. A record that never comes ends the reading
// with an error naming its repetition once the index ends, rather than
// waiting for ever.
func TestRawIndexLive(t *testing.T) {
	s := parse(t, `name = "live"
seed = 5
repetitions = 300
[network]
generator = "er"
n = 20
mean_degree = 2.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
[sweep]
"process.beta" = [0.5, 1.0, 1.5]
[output]
raw = ["final_size", "major"]
`)
	rng := rand.New(rand.NewPCG(7, 11))
	var enc mpirun.RawEncoder
	var recs []*rawRecord
	for p := range s.NumPoints() {
		for start := 0; start < s.Repetitions; {
			end := min(s.Repetitions, start+1+rng.IntN(70))
			values := make([]float64, 2*(end-start))
			for i := range values {
				values[i] = float64(rng.IntN(5)) / 4
			}
			recs = append(recs, &rawRecord{key: s.PointKey(p), start: start, end: end, metrics: s.Output.Raw, values: enc.Append(nil, end-start, 2, values)})
			start = end
		}
	}
	rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	// read returns the rows of next, as text, until err or rows of them.
	read := func(next func(*report.RawRun) error) ([]string, error) {
		var rows []string
		run := report.RawRun{Values: make([][]float64, 2)}
		for len(rows) < s.NumPoints()*s.Repetitions {
			if err := next(&run); err != nil {
				return rows, err
			}
			for i := range run.Failed {
				rows = append(rows, fmt.Sprint(run.Point, run.Rep+i, run.Dict[0][run.Index[0][i]], run.Dict[1][run.Index[1][i]]))
			}
		}
		return rows, nil
	}
	for _, missing := range []bool{false, true} {
		x := newRawIndex(s)
		added := recs
		if missing {
			added = recs[1:]
		}
		// With every record added, the index ends once the reading is
		// done, or 10 s later: stalled tells which. With one missing,
		// it ends at once.
		done, stalled := make(chan struct{}), make(chan bool, 1)
		go func() {
			for _, r := range added {
				x.addRecord(r)
				runtime.Gosched()
			}
			if missing {
				stalled <- false
			} else {
				select {
				case <-done:
					stalled <- false
				case <-time.After(10 * time.Second):
					stalled <- true
				}
			}
			x.end()
		}()
		got, err := read(x.runs(s, true))
		close(done)
		if <-stalled && !missing {
			t.Errorf("the reading waited for the index's end, with every record in")
		}
		if missing {
			p := -1
			for q := range s.NumPoints() {
				if s.PointKey(q) == recs[0].key {
					p = q
				}
			}
			want := fmt.Sprintf("%s rep %d:", s.PointLabel(p), recs[0].start)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("a missing record: error %v, want one naming %q", err, want)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		want, err := read(x.runs(s, false))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("read live, %d rows differ from those read after", len(got))
		}
	}
}

// TestRawStopAndResume stops a run keeping raw values, whose raw.parquet
// is written from its start: the stop leaves neither raw.parquet nor its
// temporary file, and the resume writes the file of a run without a stop.
func TestRawStopAndResume(t *testing.T) {
	s := parse(t, testSpec+"[output]\nraw = [\"final_size\"]\n")
	ctx := context.Background()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(ctx, ref, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "dir")
	runStopped(t, dir, s, 2)
	if left, _ := filepath.Glob(filepath.Join(dir, "*raw.parquet*")); len(left) > 0 {
		t.Errorf("the stopped run left %v", left)
	}
	if _, err := Run(ctx, dir, s, Local(s, 1), RunOptions{Ranks: 1}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, RawFile))
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := os.ReadFile(filepath.Join(ref, RawFile)); !bytes.Equal(got, want) {
		t.Errorf("raw.parquet after a stop and resume differs from an uninterrupted run's")
	}
}

// TestRawTaskSize checks that a run keeping raw values hands out tasks of
// at most 65536 raw values (mpirun's rawTaskValues), which its workers
// hold as float64 until the task ends: the journal's chunks of a grid of
// 3 points × 100000 repetitions keeping 2 metrics hold at most 10922
// repetitions, where guided self-scheduling alone starts at 25000.
func TestRawTaskSize(t *testing.T) {
	s := parse(t, `name = "tasks"
seed = 5
repetitions = 100000
[network]
generator = "er"
n = 5
mean_degree = 1.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
metrics = ["final_size", "major"]
[sweep]
"process.beta" = [0.5, 1.0, 1.5]
[output]
raw = ["final_size", "major"]
`)
	dir := t.TempDir()
	if _, err := Run(context.Background(), dir, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	most := 0
	for _, c := range j.Records() {
		most = max(most, c.End-c.Start)
	}
	if want := 65536 / (3 * 2); most > want {
		t.Errorf("chunks of up to %d repetitions, want at most %d", most, want)
	}
}

// TestRawKeep checks that rawIndex.keep copies raw values out of their
// message, into shared blocks that one record cannot overrun.
func TestRawKeep(t *testing.T) {
	x := newRawIndex(parse(t, testSpec))
	msg := []byte{1, 2, 3, 4, 5, 6}
	a, b := x.keep(mpirun.RawValues(msg[:3])), x.keep(mpirun.RawValues(msg[3:]))
	msg[0], msg[3] = 9, 9
	if !bytes.Equal(a, []byte{1, 2, 3}) || !bytes.Equal(b, []byte{4, 5, 6}) {
		t.Fatalf("kept %v and %v, which follow their message", a, b)
	}
	if cap(a) != len(a) || &a[:cap(a)][len(a)-1] == &b[0] {
		t.Errorf("a kept record may grow into the next")
	}
	big := x.keep(make(mpirun.RawValues, 2*rawKeepBlock))
	if len(big) != 2*rawKeepBlock {
		t.Errorf("a record larger than a block: %d bytes kept", len(big))
	}
}
