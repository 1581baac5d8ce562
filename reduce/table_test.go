package reduce

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"testing"
)

// tableOf returns a table with one point per summary.
func tableOf(l *Layout, sums ...*Summary) *Table {
	t := NewTable(l, len(sums))
	for i, s := range sums {
		t.Add(i, s)
	}
	return t
}

// sirLayout is a layout like SIR's default metrics: five metrics of 200
// bins each.
func sirLayout() *Layout {
	l := &Layout{Metrics: []string{"final_size", "peak", "peak_time", "duration", "attack"}}
	for range l.Metrics {
		l.Hists = append(l.Hists, Hist{Lo: 0, Hi: 1, Bins: 200})
	}
	l.Hists[2] = Hist{Lo: 0.01, Hi: 1000, Bins: 200, Log: true}
	l.Hists[3] = Hist{Lo: 0.01, Hi: 1000, Bins: 200, Log: true}
	return l
}

func sirRep(r *rand.Rand) []float64 {
	return []float64{float64(r.IntN(21)) / 20, float64(r.IntN(21)) / 20, r.ExpFloat64() * 3, r.ExpFloat64() * 10, r.Float64()}
}

// TestTableAddMatchesMerge checks that a table's points, merged chunk by
// chunk through Add and AddBinary in random orders, encode exactly as the
// direct merge of the chunks, and that Point returns a copy.
func TestTableAddMatchesMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 1))
	for _, l := range []*Layout{sirLayout(), testLayout()} {
		const points = 7
		direct := make([]*Summary, points)
		type chunk struct {
			p int
			s *Summary
		}
		var chunks []chunk
		for p := range direct {
			direct[p] = NewSummary(l)
			for range r.IntN(6) {
				c := NewSummary(l)
				for range 1 + r.IntN(20) {
					v := make([]float64, len(l.Metrics))
					for i := range v {
						v[i] = r.NormFloat64() * 10
					}
					if r.IntN(10) == 0 {
						c.AddFailed()
					} else if err := c.Add(v); err != nil {
						t.Fatal(err)
					}
				}
				direct[p].Merge(c)
				chunks = append(chunks, chunk{p, c})
			}
		}
		a, b := NewTable(l, points), NewTable(l, points)
		for _, k := range r.Perm(len(chunks)) {
			a.Add(chunks[k].p, chunks[k].s)
		}
		for _, k := range r.Perm(len(chunks)) {
			if err := b.AddBinary(chunks[k].p, chunks[k].s.AppendBinary(nil)); err != nil {
				t.Fatal(err)
			}
		}
		for p := range points {
			want := direct[p].AppendBinary(nil)
			if !bytes.Equal(a.Binary(p), want) || !bytes.Equal(b.Binary(p), want) || !a.Point(p).Equal(direct[p]) {
				t.Errorf("point %d: table differs from the direct merge", p)
			}
		}
		if !a.Equal(b) {
			t.Error("tables filled in different orders differ")
		}
		// Point is a copy.
		c := a.Point(0)
		c.AddFailed()
		if a.Point(0).Failed() == c.Failed() {
			t.Error("changing Point's summary changed the table")
		}
		// Merging tables equals merging their chunks.
		both := NewTable(l, points)
		both.Merge(a)
		both.Merge(b)
		for p := range points {
			d := NewSummary(l)
			d.Merge(direct[p])
			d.Merge(direct[p])
			if !bytes.Equal(both.Binary(p), d.AppendBinary(nil)) {
				t.Errorf("point %d: Merge of tables differs", p)
			}
		}
		// Corrupt input is an error and changes nothing.
		before := bytes.Clone(a.Binary(1))
		if err := a.AddBinary(1, []byte{1, 2}); err == nil {
			t.Error("AddBinary accepted a corrupt encoding")
		}
		if !bytes.Equal(a.Binary(1), before) {
			t.Error("a rejected AddBinary changed the point")
		}
	}
}

// TestTableCompact checks that a table of many points of one repetition
// each, with five metrics, holds well under 2 kB per point: by its own
// count (Size) and by the heap it takes.
func TestTableCompact(t *testing.T) {
	const points = 20000
	l := sirLayout()
	r := rand.New(rand.NewPCG(19, 2))
	s := NewSummary(l)
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	h0 := heap()
	tab := NewTable(l, points)
	for p := range points {
		s.Reset()
		if err := s.Add(sirRep(r)); err != nil {
			t.Fatal(err)
		}
		tab.Add(p, s)
	}
	h1 := heap()
	size := float64(tab.Size()) / points
	grown := (float64(h1) - float64(h0)) / points
	t.Logf("%d points × 1 repetition: Size %.0f B/point, heap %.0f B/point (a dense Summary: %d B)", points, size, grown, 8*len(s.ints))
	if size > 1024 || grown > 2048 {
		t.Errorf("table holds %.0f B/point by Size, %.0f B/point of heap: want ≤ 1024 and ≤ 2048", size, grown)
	}
	runtime.KeepAlive(tab)
}
