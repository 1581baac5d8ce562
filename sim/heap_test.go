package sim

import (
	"container/heap"
	"math"
	"testing"
)

// TestRadixHeap pushes and pops random monotone events, with ties and
// bursts at the current time, and checks each pop against the minimum of a
// plain list of the pending events; it reuses the heap after draining it and
// after leaving events in it.
func TestRadixHeap(t *testing.T) {
	r := NewRand(19)
	var h radixHeap
	for round := range 4 {
		h.reset()
		var pending []event
		now := 0.0
		for step := range 20000 {
			if len(pending) == 0 || r.Float64() < 0.52 {
				var x float64
				switch r.IntN(4) {
				case 0:
					x = now // a tie with the last popped time
				case 1:
					x = now + r.Float64()*1e-9
				default:
					x = now + r.Exp()*math.Exp2(float64(r.IntN(30)-15))
				}
				e := event{t: x, b: int32(step)}
				h.push(e)
				pending = append(pending, e)
				continue
			}
			got := h.pop()
			j := 0
			for i, e := range pending {
				if e.t < pending[j].t {
					j = i
				}
			}
			if got.t != pending[j].t {
				t.Fatalf("round %d step %d: popped t=%v, want the minimum %v", round, step, got.t, pending[j].t)
			}
			k := -1
			for i, e := range pending {
				if e == got {
					k = i
				}
			}
			if k < 0 {
				t.Fatalf("round %d step %d: popped %v, never pushed or popped twice", round, step, got)
			}
			pending[k] = pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			now = got.t
			if h.len() != len(pending) {
				t.Fatalf("round %d step %d: len %d, want %d", round, step, h.len(), len(pending))
			}
		}
		if round%2 == 1 {
			continue // reset a heap with events left
		}
		// Drain, so that the next round reuses the buckets' chunks.
		for prev := now; h.len() > 0; {
			got := h.pop()
			if got.t < prev {
				t.Fatalf("round %d: drained t=%v after %v", round, got.t, prev)
			}
			prev = got.t
		}
	}
}

// refHeap is a plain binary heap of times, the reference for radixHeap.
type refHeap []float64

func (q refHeap) Len() int           { return len(q) }
func (q refHeap) Less(i, j int) bool { return q[i] < q[j] }
func (q refHeap) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *refHeap) Push(x any)        { *q = append(*q, x.(float64)) }
func (q *refHeap) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// TestRadixHeapLoads drives the heap through loads that reach each of its
// paths: buckets split because they exceed the run's limit, buckets of
// thousands of equal times (level 0, sorted whatever their size), pushes
// at exactly the last popped time, runs spanning long times that pushes
// fall into (the side heap, and the run's limit adapting down and up), and
// keys clustered within a few units in the last place. After each pop
// it checks the time against a plain binary heap and the event against
// the set of pending ones; the heap is reused from one load to the next.
func TestRadixHeapLoads(t *testing.T) {
	type load struct {
		name  string
		start int // events pushed at first, at times start(r)
		first func(r *Rand) float64
		// after returns the times to push after popping one at now.
		after func(r *Rand, now float64, step int) []float64
		steps int
	}
	loads := []load{
		{"sir-like", 2000, func(r *Rand) float64 { return r.Float64() },
			func(r *Rand, now float64, step int) []float64 {
				// A growing then dying epidemic: up to 3 events a pop.
				k := r.IntN(4)
				if step > 150_000 {
					k = r.IntN(2)
				}
				ts := make([]float64, k)
				for i := range ts {
					ts[i] = now + r.Exp()
				}
				return ts
			}, 400_000},
		{"ties", 5000, func(r *Rand) float64 { return 1.1 },
			func(r *Rand, now float64, step int) []float64 {
				switch r.IntN(8) {
				case 0:
					return []float64{now, now} // the last popped time
				case 1:
					return []float64{math.Nextafter(now, math.Inf(1)), math.Max(now, 1.1)}
				case 2:
					return []float64{now + r.Exp()}
				}
				return nil
			}, 20_000},
		{"sparse", 50, func(r *Rand) float64 { return r.Float64() * 100 },
			func(r *Rand, now float64, step int) []float64 {
				// Most pushes land close ahead, inside the current run.
				ts := []float64{now + r.Float64()*0.5}
				if r.IntN(2) == 0 {
					ts = append(ts, now+r.Exp()*50)
				}
				switch {
				case step%1000 > 950:
					return nil // phases that drain
				case step%1000 > 900:
					return ts[:1] // and that thin out
				}
				return ts
			}, 60_000},
		{"clustered", 3000, func(r *Rand) float64 { return math.Float64frombits(0x4010000000000000 + uint64(r.IntN(600))) },
			func(r *Rand, now float64, step int) []float64 {
				k := math.Float64bits(now)
				return []float64{math.Float64frombits(k + uint64(r.IntN(300))), now + r.Exp()*1e-3}
			}, 30_000},
	}
	r := NewRand(23)
	var h radixHeap
	for _, ld := range loads {
		h.reset()
		var ref refHeap
		pending := map[int32]float64{}
		id := int32(0)
		push := func(x float64) {
			h.push(event{t: x, b: id})
			heap.Push(&ref, x)
			pending[id] = x
			id++
		}
		for range ld.start {
			push(ld.first(r))
		}
		prev := 0.0
		for step := 0; step < ld.steps && h.len() > 0; step++ {
			got := h.pop()
			want := heap.Pop(&ref).(float64)
			if got.t != want {
				t.Fatalf("%s step %d: popped t=%v, want the minimum %v", ld.name, step, got.t, want)
			}
			if x, ok := pending[got.b]; !ok || x != got.t {
				t.Fatalf("%s step %d: popped %v, never pushed or popped twice", ld.name, step, got)
			}
			delete(pending, got.b)
			if got.t < prev {
				t.Fatalf("%s step %d: popped t=%v after %v", ld.name, step, got.t, prev)
			}
			prev = got.t
			for _, x := range ld.after(r, got.t, step) {
				push(x)
			}
			if h.len() != len(ref) {
				t.Fatalf("%s step %d: len %d, want %d", ld.name, step, h.len(), len(ref))
			}
		}
		for h.len() > 0 {
			got := h.pop()
			if want := heap.Pop(&ref).(float64); got.t != want {
				t.Fatalf("%s: drained t=%v, want %v", ld.name, got.t, want)
			}
			delete(pending, got.b)
		}
		if len(pending) != 0 || len(ref) != 0 {
			t.Fatalf("%s: %d events never popped", ld.name, len(pending))
		}
	}
}
