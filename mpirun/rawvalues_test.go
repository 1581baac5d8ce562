package mpirun

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rawCase is a chunk's raw values: reps repetitions of metrics drawn
// from distinct values each.
func rawCase(rng *rand.Rand, reps int, distinct []int) []float64 {
	m := len(distinct)
	v := make([]float64, reps*m)
	for r := range reps {
		for j, d := range distinct {
			switch {
			case d == 0: // continuous
				v[r*m+j] = rng.NormFloat64()
			case rng.IntN(50) == 0:
				v[r*m+j] = math.NaN() // a failed repetition, or so
			default:
				v[r*m+j] = float64(rng.IntN(d)) / 7
			}
		}
	}
	return v
}

// rawBound is the most bytes that rawCase's values should take: a few
// bytes of header, then per metric its dictionary (NaN included) and an
// index of the fewest bits of 0, 1, 2, 4 and 8 that hold it, or 8 bytes
// a value past 256 distinct values.
func rawBound(reps int, distinct []int) int {
	n := 6
	for _, d := range distinct {
		if d++; d == 1 || d > 256 {
			n += 1 + 8*reps
			continue
		}
		w := 0
		for 1<<w < d {
			w = max(1, 2*w)
		}
		n += 1 + 2 + 8*d + (reps*w+7)/8
	}
	return n
}

// TestRawValuesRoundTrip encodes and decodes values of every mode and
// index width, and checks each value's bits and the encoding's size.
func TestRawValuesRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var enc RawEncoder
	for _, tc := range []struct {
		reps     int
		distinct []int
	}{
		{1, []int{1}},
		{313, []int{1, 2}},
		{313, []int{3, 4}},
		{500, []int{16}},
		{500, []int{200}},
		{2000, []int{0}},   // continuous: plain
		{2000, []int{600}}, // too many distinct values: plain
		{1000, []int{101, 2, 0}},
	} {
		values := rawCase(rng, tc.reps, tc.distinct)
		b := enc.Append([]byte("x"), tc.reps, len(tc.distinct), values)[1:]
		if max := rawBound(tc.reps, tc.distinct); len(b) > max {
			t.Errorf("%d reps of %v: %d bytes, want at most %d", tc.reps, tc.distinct, len(b), max)
		}
		reps, m, err := b.Shape()
		if err != nil || reps != tc.reps || m != len(tc.distinct) {
			t.Fatalf("%d reps of %v: shape %d, %d, %v", tc.reps, tc.distinct, reps, m, err)
		}
		got, m, err := b.Decode([]float64{42})
		if err != nil || m != len(tc.distinct) || len(got) != 1+len(values) || got[0] != 42 {
			t.Fatalf("%d reps of %v: decoded %d values of %d metrics, %v", tc.reps, tc.distinct, len(got), m, err)
		}
		for i, v := range values {
			if math.Float64bits(got[1+i]) != math.Float64bits(v) {
				t.Fatalf("%d reps of %v: value %d is %v, want %v", tc.reps, tc.distinct, i, got[1+i], v)
			}
		}
		for j, d := range tc.distinct {
			col, err := b.DecodeMetric(j, []float64{7})
			if err != nil || len(col) != 1+tc.reps {
				t.Fatalf("%d reps of %v: metric %d: %d values, %v", tc.reps, tc.distinct, j, len(col), err)
			}
			dict, index, ok, err := b.DecodeMetricDict(j, nil, nil)
			if err != nil || ok != (d > 0 && d < 256) || ok && len(index) != tc.reps {
				t.Fatalf("%d reps of %v: metric %d: a dictionary %v of %d values, %d indices, %v", tc.reps, tc.distinct, j, ok, len(dict), len(index), err)
			}
			for r := range tc.reps {
				v := math.Float64bits(values[r*len(tc.distinct)+j])
				if math.Float64bits(col[1+r]) != v || ok && math.Float64bits(dict[index[r]]) != v {
					t.Fatalf("%d reps of %v: metric %d, rep %d: %v", tc.reps, tc.distinct, j, r, col[1+r])
				}
			}
		}
	}
}

// TestRawValuesCorrupt decodes every truncation and many byte flips of
// an encoding: an error or values of the right shape, never a panic.
func TestRawValuesCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var enc RawEncoder
	good := enc.Append(nil, 300, 3, rawCase(rng, 300, []int{3, 40, 0}))
	for n := range len(good) {
		if _, _, err := good[:n].Decode(nil); err == nil {
			t.Fatalf("a truncation to %d of %d bytes decoded", n, len(good))
		}
	}
	if _, _, err := append(good[:len(good):len(good)], 0).Shape(); err == nil {
		t.Fatal("a trailing byte passed")
	}
	for range 2000 {
		b := append(RawValues(nil), good...)
		b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
		v, m, err := b.Decode(nil)
		if err == nil && len(v) != 300*m {
			t.Fatalf("a flipped encoding decoded to %d values of %d metrics", len(v), m)
		}
	}
	// An index past a dictionary of 3 (2 bits allow 4).
	bad := enc.Append(nil, 4, 1, []float64{0, 1, 2, 0})
	bad[len(bad)-1] = 3 << 6
	if _, _, err := bad.Decode(nil); err == nil {
		t.Error("an index past the dictionary decoded")
	}
}

// BenchmarkRawValues encodes and decodes chunks like those of the short
// campaign of BENCHMARKS.md (312 repetitions of a final size of 101
// values and a 0/1 flag), 256 different ones in turn so that the branch
// predictor cannot learn one chunk's values.
func BenchmarkRawValues(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	chunks := make([][]float64, 256)
	for i := range chunks {
		chunks[i] = rawCase(rng, 312, []int{101, 2})
	}
	var enc RawEncoder
	encoded := make([]RawValues, len(chunks))
	var out []float64
	b.Run("encode", func(b *testing.B) {
		i, n := 0, 0
		for b.Loop() {
			encoded[i] = enc.Append(encoded[i][:0], 312, 2, chunks[i])
			n += len(encoded[i])
			i = (i + 1) % len(chunks)
		}
		b.ReportMetric(float64(n)/float64(b.N)/312, "bytes/rep")
	})
	b.Run("decode", func(b *testing.B) {
		i := 0
		for b.Loop() {
			out, _, _ = encoded[i].Decode(out[:0])
			i = (i + 1) % len(chunks)
		}
	})
}
