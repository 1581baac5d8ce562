package reduce

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// benchLayout has k metrics: fractions on [0, 1) and log-binned times.
func benchLayout(k int) *Layout {
	l := &Layout{}
	for i := range k {
		l.Metrics = append(l.Metrics, "m"+strconv.Itoa(i))
		h := Hist{Lo: 0, Hi: 1, Bins: 100}
		if i%2 == 1 {
			h = Hist{Lo: 1e-2, Hi: 1e4, Bins: 60, Log: true}
		}
		l.Hists = append(l.Hists, h)
	}
	return l
}

// benchChunk returns a summary of reps repetitions of realistic values.
func benchChunk(l *Layout, r *rand.Rand, reps int) *Summary {
	s := NewSummary(l)
	row := make([]float64, len(l.Metrics))
	for range reps {
		for j := range row {
			row[j] = r.Float64()
			if j%2 == 1 {
				row[j] = 100 * r.ExpFloat64()
			}
		}
		if err := s.Add(row); err != nil {
			panic(err)
		}
	}
	return s
}

// BenchmarkAdd reports the cost of Add per value (ns/op is per metric value),
// plain, with Layout.Moments, and with moments and a condition that half
// the repetitions meet.
func BenchmarkAdd(b *testing.B) {
	for _, k := range []int{1, 5} {
		for _, extra := range []string{"", "/moments", "/moments+given"} {
			b.Run("metrics="+strconv.Itoa(k)+extra, func(b *testing.B) {
				benchAdd(b, k, extra)
			})
		}
	}
}

func benchAdd(b *testing.B, k int, extra string) {
	l := benchLayout(k)
	l.Moments = extra != ""
	if extra == "/moments+given" {
		l.Given = &Condition{Metric: "m0", Value: 0}
	}
	s := NewSummary(l)
	r := rand.New(rand.NewPCG(1, 1))
	rows := make([][]float64, 1024)
	for i := range rows {
		rows[i] = make([]float64, k)
		for j := range rows[i] {
			rows[i][j] = r.Float64() * float64(1+j*100)
		}
		if i%2 == 0 {
			rows[i][0] = 0 // meets the condition
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += k {
		if err := s.Add(rows[i%len(rows)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMerge reports merging one chunk summary (5 metrics) into another.
func BenchmarkMerge(b *testing.B) {
	l := benchLayout(5)
	r := rand.New(rand.NewPCG(2, 2))
	dst, c := benchChunk(l, r, 100), benchChunk(l, r, 100)
	b.ReportAllocs()
	for b.Loop() {
		dst.Merge(c)
	}
}

// BenchmarkEncodeDecode reports AppendBinary plus UnmarshalBinary of one
// chunk summary (5 metrics, 100 repetitions), as a chunk message costs.
func BenchmarkEncodeDecode(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchEncodeDecode(b, benchLayout(5)) })
	l := benchLayout(5)
	l.Moments = true
	b.Run("moments", func(b *testing.B) { benchEncodeDecode(b, l) })
}

func benchEncodeDecode(b *testing.B, l *Layout) {
	r := rand.New(rand.NewPCG(3, 3))
	c, dst := benchChunk(l, r, 100), NewSummary(l)
	buf := c.AppendBinary(nil)
	b.ReportAllocs()
	for b.Loop() {
		buf = c.AppendBinary(buf[:0])
		if err := dst.UnmarshalBinary(buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(buf)), "bytes/msg")
}

// BenchmarkFlat reports Flat and SetFlat of a table of 100 points × 5
// metrics, as one MPI reduction of a whole table costs (beside the reduction).
func BenchmarkFlat(b *testing.B) {
	l := benchLayout(5)
	r := rand.New(rand.NewPCG(4, 4))
	t := NewTable(l, 100)
	for p := range t.Len() {
		t.Add(p, benchChunk(l, r, 10))
	}
	ni, nf := t.FlatLen()
	sums, mins, maxs := make([]int64, ni), make([]float64, nf), make([]float64, nf)
	b.Logf("flat table: %d bytes", 8*(ni+2*nf))
	b.Run("Flat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t.Flat()
		}
	})
	b.Run("FlatInto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := t.FlatInto(sums, mins, maxs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SetFlat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := t.SetFlat(sums, mins, maxs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStats reports computing one metric's Stats at the end.
func BenchmarkStats(b *testing.B) {
	l := benchLayout(1)
	s := benchChunk(l, rand.New(rand.NewPCG(5, 5)), 1000)
	b.ReportAllocs()
	for b.Loop() {
		s.Stats(0)
	}
}
