package sim

import (
	"math"
	"math/bits"
	"slices"
)

// event is a scheduled change of one node's state at time t. What the event
// does is up to the process; SIR stores infections as the node b and
// recoveries as b = recovery.
type event struct {
	t float64
	b int32
}

// radixHeap is a monotone priority queue of events (Ahuja, Mehlhorn, Orlin
// & Tarjan 1990, "Faster algorithms for the shortest path problem", J. ACM
// 37(2)) with 8-bit digits, and a short sorted run in front: every pushed
// time must be at least the last popped one. Times are non-negative
// float64s, whose bit patterns order like the numbers.
//
// An event in a bucket differs from the key last in its highest differing
// byte, its level l, and lives in bucket (l, d) where d is its own byte
// there; buckets of lower level, or of the same level and lower d, hold
// smaller keys. Pushes are appends. When the run is empty, a pop takes the
// lowest non-empty bucket: one of at most runMax events is sorted into
// the run, its minimum the new last; a larger one
// is split, in one pass, by its lower bound (see refill). An event thus
// moves two or three times in SIR, against about 10 times with the paper's
// one-bit buckets. Pushes that fall before the end of the run are inserted
// into it.
type radixHeap struct {
	last    uint64
	n       int
	levels  uint64     // bit l is set if level l has a non-empty bucket
	used    [32]uint64 // bit i%64 of used[i/64] is set if bucket i is non-empty
	run     []event    // sorted by decreasing time, all before any bucket's
	buckets [8 << 8]bucket

	// The buckets' events live in chunks of chunkLen events, chunk c at
	// pool[c*chunkLen:], linked through next. Chunks of emptied buckets go
	// to the free list, so the pool holds about as many events as are
	// ever pending at once (plus one partial chunk per non-empty bucket),
	// and a heap reused across runs stops allocating.
	pool []event
	next []int32 // next chunk of the same bucket, or of the free list
	free int32   // first free chunk, or -1
}

// bucket is a list of chunks: the first and last, and the number of events.
type bucket struct {
	head, tail, n int32
}

// runMax is the largest bucket sorted into the run; chunkLen is the
// number of events in a chunk, a power of two at least runMax so that a
// bucket sorted into the run lies in one chunk.
const (
	runMax   = 32
	chunkLen = 32
)

func (h *radixHeap) len() int { return h.n }

func (h *radixHeap) reset() {
	if h.n > 0 {
		for i := range h.buckets {
			h.buckets[i].n = 0
		}
	}
	if cap(h.run) < runMax {
		h.run = make([]event, 0, runMax)
	}
	h.run = h.run[:0]
	h.pool, h.next, h.free = h.pool[:0], h.next[:0], -1
	h.last, h.n, h.levels = 0, 0, 0
	h.used = [32]uint64{}
}

// newChunk returns a free chunk, growing the pool if there is none.
func (h *radixHeap) newChunk() int32 {
	if c := h.free; c >= 0 {
		h.free = h.next[c]
		return c
	}
	c := int32(len(h.next))
	h.pool = slices.Grow(h.pool, chunkLen)[:len(h.pool)+chunkLen]
	h.next = append(h.next, -1)
	return c
}

// addChunk gives bucket i, whose last chunk is full or which is empty, a
// new last chunk.
func (h *radixHeap) addChunk(i uint) {
	b := &h.buckets[i]
	c := h.newChunk()
	if b.n == 0 {
		b.head = c
		h.used[i>>6] |= 1 << (i & 63)
	} else {
		h.next[b.tail] = c
	}
	b.tail = c
}

func (h *radixHeap) push(x event) {
	h.n++
	if r := h.run; len(r) > 0 && x.t < r[0].t {
		// Insert into the run, keeping it sorted.
		r = append(r, x)
		i := len(r) - 1
		for ; r[i-1].t < x.t; i-- {
			r[i] = r[i-1]
		}
		r[i] = x
		h.run = r
		return
	}
	// File x by its key relative to last (as in refill).
	k := math.Float64bits(x.t)
	d := k ^ h.last
	if d == 0 {
		h.run = append(h.run, x)
		return
	}
	l := uint(bits.Len64(d)-1) >> 3
	i := (l<<8 | uint(k>>(8*l&63))&255) & (8<<8 - 1)
	b := &h.buckets[i] // append x to bucket i
	if b.n&(chunkLen-1) == 0 {
		h.addChunk(i)
	}
	h.pool[int(b.tail)*chunkLen+int(b.n&(chunkLen-1))] = x
	b.n++
	h.levels |= 1 << l
}

func (h *radixHeap) pop() event {
	if len(h.run) == 0 {
		h.refill()
	}
	r := h.run
	x := r[len(r)-1]
	h.run = r[:len(r)-1]
	h.n--
	return x
}

// refill fills the empty run from the lowest non-empty bucket. A bucket of
// at most runMax events is sorted into the run, its minimum becoming last.
// A larger bucket (l, d) is split in one pass: last becomes its lower
// bound (its events' common bytes above l, d, then zeros), which is at
// most every pending key, and its events move to lower levels; this
// repeats until the run is not empty, so no push sees the lower bound.
func (h *radixHeap) refill() {
	for {
		l := uint(bits.TrailingZeros64(h.levels))
		u := (*[4]uint64)(h.used[l<<2&31:])
		w := 0
		for u[w] == 0 {
			w++
		}
		i := (l<<8 | uint(w)<<6 | uint(bits.TrailingZeros64(u[w]))) & (8<<8 - 1)
		u[w] &^= 1 << (i & 63)
		if u[0]|u[1]|u[2]|u[3] == 0 {
			h.levels &^= 1 << l
		}
		b := h.buckets[i]
		h.buckets[i].n = 0
		if b.n <= runMax {
			// Insert the bucket's events, all in its one chunk, into the
			// empty run, sorted by decreasing time.
			bk := h.pool[int(b.head)*chunkLen:][:b.n]
			r := h.run[:len(bk)]
			for j, x := range bk {
				k := j
				for ; k > 0 && r[k-1].t < x.t; k-- {
					r[k] = r[k-1]
				}
				r[k] = x
			}
			h.last = math.Float64bits(r[len(r)-1].t)
			h.run = r
			h.next[b.head] = h.free
			h.free = b.head
			return
		}
		pool := h.pool // add may grow h.pool; this bucket's chunks stay put
		last := math.Float64bits(pool[int(b.head)*chunkLen].t) &^ (1<<(8*l&63) - 1)
		h.last = last
		for c, left := b.head, b.n; left > 0; c = h.next[c] {
			bk := pool[int(c)*chunkLen:][:min(left, chunkLen)]
			left -= int32(len(bk))
			for _, e := range bk {
				// File e by its key relative to last (as in push); no
				// event returns to bucket i.
				k := math.Float64bits(e.t)
				d := k ^ last
				if d == 0 {
					h.run = append(h.run, e)
					continue
				}
				l := uint(bits.Len64(d)-1) >> 3
				j := (l<<8 | uint(k>>(8*l&63))&255) & (8<<8 - 1)
				b := &h.buckets[j] // append e to bucket j, as in push
				if b.n&(chunkLen-1) == 0 {
					h.addChunk(j)
				}
				h.pool[int(b.tail)*chunkLen+int(b.n&(chunkLen-1))] = e
				b.n++
				h.levels |= 1 << l
			}
		}
		h.next[b.tail] = h.free
		h.free = b.head
		if len(h.run) > 0 {
			return
		}
	}
}
