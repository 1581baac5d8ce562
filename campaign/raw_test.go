package campaign

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
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
