package sim

import (
	"math"
	"math/bits"
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
	// blocks[c/blockChunks][c%blockChunks*chunkLen:], linked through
	// next; blocks never move, so a bucket holds its last chunk as a
	// slice. An emptied bucket keeps its first chunk, so a push into it
	// needs no new one, and gives the others to the free list: the chunks
	// hold about as many events as are ever pending at once, plus at most
	// one chunk per bucket (1 MiB), and a heap reused across runs stops
	// allocating.
	blocks  [][]event
	next    []int32 // next chunk of the same bucket, or of the free list
	free    int32   // first free chunk, or -1
	nchunks int32   // chunks handed out since the last full reset
}

// bucket is a list of chunks, the first and the last; cur is the last
// chunk's events (nil for a bucket without chunks), with capacity to its
// end.
type bucket struct {
	cur        []event
	head, tail int32
}

// runMax is the largest bucket sorted into the run; chunkLen is the
// number of events in a chunk, equal to runMax: a bucket is sorted into
// the run when it lies in one chunk. blockChunks is the number of chunks
// allocated at once (128 KiB).
const (
	runMax      = 32
	chunkLen    = 32
	blockChunks = 256
)

func (h *radixHeap) len() int { return h.n }

// reset empties h; a radixHeap must be reset before its first use.
func (h *radixHeap) reset() {
	if h.n > 0 || h.next == nil {
		// Start afresh; an emptied heap keeps its buckets' chunks.
		h.buckets = [8 << 8]bucket{}
		h.next, h.free, h.nchunks = h.next[:0], -1, 0
		if h.next == nil {
			h.next = make([]int32, 0, blockChunks)
		}
	}
	if cap(h.run) < runMax {
		h.run = make([]event, 0, runMax)
	}
	h.run = h.run[:0]
	h.last, h.n, h.levels = 0, 0, 0
	h.used = [32]uint64{}
}

// chunk returns chunk c, empty, with capacity chunkLen.
func (h *radixHeap) chunk(c int32) []event {
	j := int(c%blockChunks) * chunkLen
	return h.blocks[c/blockChunks][j : j : j+chunkLen]
}

// addChunk gives bucket i, whose last chunk is full or which has none, a
// new last chunk.
func (h *radixHeap) addChunk(i uint) {
	b := &h.buckets[i]
	c := h.free
	if c >= 0 {
		h.free = h.next[c]
	} else {
		c = h.nchunks
		h.nchunks++
		if int(c/blockChunks) == len(h.blocks) {
			h.blocks = append(h.blocks, make([]event, blockChunks*chunkLen))
		}
		h.next = append(h.next, -1)
	}
	if b.cur == nil {
		b.head = c
	} else {
		h.next[b.tail] = c
	}
	b.tail = c
	b.cur = h.chunk(c)
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
	m := len(b.cur)
	if m == cap(b.cur) {
		h.addChunk(i)
		m = 0
	}
	b.cur = b.cur[:m+1]
	b.cur[m] = x
	h.used[i>>6] |= 1 << (i & 63)
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
		if b.head == b.tail {
			// Insert the bucket's events, all in its one chunk, into the
			// empty run, sorted by decreasing time.
			bk := b.cur
			h.buckets[i].cur = bk[:0]
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
			return
		}
		first := h.chunk(b.head)
		last := math.Float64bits(first[:1][0].t) &^ (1<<(8*l&63) - 1)
		h.last = last
		for c := b.head; ; c = h.next[c] {
			bk := h.chunk(c)[:chunkLen]
			if c == b.tail {
				bk = b.cur
			}
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
				bj := &h.buckets[j] // append e to bucket j, as in push
				m := len(bj.cur)
				if m == cap(bj.cur) {
					h.addChunk(j)
					m = 0
				}
				bj.cur = bj.cur[:m+1]
				bj.cur[m] = e
				h.used[j>>6] |= 1 << (j & 63)
				h.levels |= 1 << l
			}
			if c == b.tail {
				break
			}
		}
		// Keep the first chunk, free the others.
		h.next[b.tail] = h.free
		h.free = h.next[b.head]
		h.buckets[i] = bucket{cur: first, head: b.head, tail: b.head}
		if len(h.run) > 0 {
			return
		}
	}
}
