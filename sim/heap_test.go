package sim

import (
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
