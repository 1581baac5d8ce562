package sim

import (
	"math"
	"math/bits"
	"unsafe"
)

// event is a scheduled change of one node's state at time t. What the event
// does is up to the process; SIR stores infections as the node b and
// recoveries as b = recovery, and leaves c 0; the compartmental model's
// event path (compartmental.go) stores the node in b and the transition in
// c. c fills what would be padding: an event is 16 bytes either way.
type event struct {
	t float64
	b int32
	c int32
}

// radixHeap is a monotone priority queue of events (Ahuja, Mehlhorn, Orlin
// & Tarjan 1990, "Faster algorithms for the shortest path problem", J. ACM
// 37(2)) with 8-bit digits, and a sorted run in front: every pushed time
// must be at least the last popped one. Times are non-negative float64s,
// whose bit patterns order like the numbers.
//
// An event in a bucket differs from the key last in its highest differing
// byte, its level l, and lives in bucket (l, d) where d is its own byte
// there; buckets of lower level, or of the same level and lower d, hold
// smaller keys. Pushes are appends. When the run is empty, a pop takes the
// lowest non-empty bucket: one of more than rmax events is split, in one
// pass, by its lower bound into buckets of lower levels (see refill); a
// smaller one is sorted whole into the run (see sortRun), its minimum the
// new last.
//
// The run is long (up to runMax events) so that each event moves few
// times and a process can look ahead: in SIR on G(n,p) at n = 1e6 an
// event is moved by 1.4 splits on average and the run holds about 90
// events when filled. A push that falls before the end of the run goes
// to a binary heap on the side, popped in turn with the run; rmax halves
// when more than one push in 16 goes there and doubles (up to runMax)
// when fewer than one in 64 does, so that the side heap stays small when
// events are sparse and runs span long times.
type radixHeap struct {
	last    uint64
	n       int
	levels  uint64     // bit l is set if level l has a non-empty bucket
	used    [32]uint64 // bit i%64 of used[i/64] is set if bucket i is non-empty
	run     []event    // sorted by decreasing time, all before any bucket's
	side    []event    // binary min-heap of the pushes before bound
	bound   float64    // while run or side holds events, every bucket's are at least bound
	counts  []int32    // sortRun's scratch
	rmax    int        // the largest bucket sorted into the run, adapted
	batch   int        // events sorted into the run last
	sideIn  int        // pushes to side since then
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

// runMax bounds rmax, the largest bucket sorted into the run (measured
// at n = 1e6: 128: -27%, 256: -19%, 512: -8%, 4096: -3% against 1024);
// up to it the sort's buffers stay in the first-level cache. chunkLen is
// the number of events in a chunk; blockChunks the number of chunks
// allocated at once (128 KiB). countBits bounds sortRun's number of
// counters; smallSort is the largest run sorted by insertion alone (at
// most chunkLen).
const (
	runMax      = 1024
	chunkLen    = 32
	blockChunks = 256
	countBits   = 10
	smallSort   = 16
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
		h.counts = make([]int32, 1<<countBits+1)
	}
	h.run, h.side, h.bound = h.run[:0], h.side[:0], 0
	h.rmax, h.batch, h.sideIn = chunkLen, 0, 0
	h.last, h.n, h.levels = 0, 0, 0
	h.used = [32]uint64{}
}

// chunk returns chunk c, empty, with capacity chunkLen.
func (h *radixHeap) chunk(c int32) []event {
	j := int(c%blockChunks) * chunkLen
	return h.blocks[c/blockChunks][j : j : j+chunkLen]
}

// events returns the events in chunk c of bucket b: all chunkLen of
// them, or those of its last chunk.
func (h *radixHeap) events(b bucket, c int32) []event {
	if c == b.tail {
		return b.cur
	}
	return h.chunk(c)[:chunkLen]
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
	if x.t < h.bound {
		h.sideIn++
		h.pushSide(x)
		return
	}
	// File x by its key relative to last. refill's split files the same
	// way, written out again: a shared function, which Go does not
	// inline, cost 4.5% more instructions per outbreak at n = 1e5.
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

// pushSide adds x to the side heap.
func (h *radixHeap) pushSide(x event) {
	q := append(h.side, x)
	i := len(q) - 1
	for i > 0 {
		p := (i - 1) / 2
		if q[p].t <= x.t {
			break
		}
		q[i] = q[p]
		i = p
	}
	q[i] = x
	h.side = q
}

// popSide removes and returns the side heap's first event.
func (h *radixHeap) popSide() event {
	q := h.side
	top := q[0]
	x := q[len(q)-1]
	q = q[:len(q)-1]
	i := 0
	for {
		c := 2*i + 1
		if c >= len(q) {
			break
		}
		if c+1 < len(q) && q[c+1].t < q[c].t {
			c++
		}
		if x.t <= q[c].t {
			break
		}
		q[i] = q[c]
		i = c
	}
	if len(q) > 0 {
		q[i] = x
	}
	h.side = q
	return top
}

func (h *radixHeap) pop() event {
	h.n--
	r := h.run
	if len(r) == 0 {
		// The side heap is empty too: its events lie before the run's
		// last.
		h.refill()
		r = h.run
		h.bound = r[0].t
	}
	if q := h.side; len(q) > 0 && q[0].t < r[len(r)-1].t {
		return h.popSide()
	}
	x := r[len(r)-1]
	h.run = r[:len(r)-1]
	if len(r) == 1 {
		h.bound = 0
	}
	return x
}

// refill fills the empty run from the lowest non-empty bucket. A bucket of
// at most runMax events, or of level 0, is sorted into the run, its
// minimum becoming last. A larger bucket (l, d) is split in one pass: last
// becomes its lower bound (its events' common bytes above l, d, then
// zeros), which is at most every pending key, and its events move to
// lower levels; this repeats until the run is not empty, so no push sees
// the lower bound.
func (h *radixHeap) refill() {
	// Adapt rmax so that few pushes land before the end of a run.
	if h.batch > 0 {
		switch {
		case h.sideIn*16 > h.batch:
			h.rmax = max(h.rmax/2, chunkLen)
		case h.sideIn*64 < h.batch && h.batch*2 > h.rmax:
			h.rmax = min(h.rmax*2, runMax)
		}
		h.batch, h.sideIn = 0, 0
	}
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
		n := len(b.cur)
		for c := b.head; c != b.tail && n <= h.rmax; c = h.next[c] {
			n += chunkLen
		}
		if n <= h.rmax || l == 0 {
			h.sortRun(b)
			h.batch = len(h.run)
			h.release(i, b)
			return
		}
		first := h.chunk(b.head)
		last := math.Float64bits(first[:1][0].t) &^ (1<<(8*l&63) - 1)
		h.last = last
		for c := b.head; ; c = h.next[c] {
			bk := h.events(b, c)
			if c != b.tail {
				h.prefetchChunk(h.next[c])
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
		h.release(i, b)
		if len(h.run) > 0 {
			return
		}
	}
}

// release empties bucket i, whose chunks were b: it keeps the first chunk
// and frees the others.
func (h *radixHeap) release(i uint, b bucket) {
	if b.head != b.tail {
		h.next[b.tail] = h.free
		h.free = h.next[b.head]
	}
	h.buckets[i] = bucket{cur: h.chunk(b.head), head: b.head, tail: b.head}
}

// prefetchChunk asks for chunk c's cache lines, so that they arrive while
// the chunk before it is read.
func (h *radixHeap) prefetchChunk(c int32) {
	a := uintptr(unsafe.Pointer(&h.chunk(c)[:1][0]))
	for o := uintptr(0); o < chunkLen*unsafe.Sizeof(event{}); o += 64 {
		prefetch(a + o)
	}
}

// sortRun sorts the events of bucket b, which lie before every other
// pending event, into the empty run (by decreasing time) and makes their
// minimum last. Up to smallSort events it sorts by insertion; more it
// places by a counting sort on the top bits of their keys' offsets from
// the minimum, in groups of one or two events on average, and finishes
// with an insertion sort that only moves events within a group.
func (h *radixHeap) sortRun(b bucket) {
	if b.head == b.tail && len(b.cur) <= smallSort {
		// One chunk: insertion sort.
		r := h.run[:len(b.cur)]
		for j, x := range b.cur {
			k := j
			for ; k > 0 && r[k-1].t < x.t; k-- {
				r[k] = r[k-1]
			}
			r[k] = x
		}
		h.run = r
		h.last = math.Float64bits(r[len(r)-1].t)
		return
	}
	// Pass 1: the keys' spread.
	lo, hi := uint64(math.MaxUint64), uint64(0)
	n := 0
	for c := b.head; ; c = h.next[c] {
		bk := h.events(b, c)
		if c != b.tail {
			h.prefetchChunk(h.next[c])
		}
		for j := range bk {
			k := math.Float64bits(bk[j].t)
			lo = min(lo, k)
			hi = max(hi, k)
		}
		n += len(bk)
		if c == b.tail {
			break
		}
	}
	r := h.run[:0]
	if cap(r) < n {
		r = make([]event, 0, n)
	}
	r = r[:n]
	h.run = r
	h.last = lo
	// Group events by (key-lo)>>s into at most 2^nb groups, nb about
	// log2(n) - 1.
	nb := min(max(bits.Len(uint(n))-1, 0), countBits)
	s := uint(max(bits.Len64(hi-lo)-nb, 0))
	groups := int((hi-lo)>>s) + 1
	cnt := h.counts[:groups]
	clear(cnt)
	for c := b.head; ; c = h.next[c] {
		bk := h.events(b, c)
		for j := range bk {
			cnt[(math.Float64bits(bk[j].t)-lo)>>s]++
		}
		if c == b.tail {
			break
		}
	}
	// The last group, the latest events, goes first.
	at := int32(0)
	for g := groups - 1; g >= 0; g-- {
		m := cnt[g]
		cnt[g] = at
		at += m
	}
	for c := b.head; ; c = h.next[c] {
		bk := h.events(b, c)
		for j := range bk {
			g := (math.Float64bits(bk[j].t) - lo) >> s
			i := cnt[g]
			cnt[g] = i + 1
			r[i] = bk[j]
		}
		if c == b.tail {
			break
		}
	}
	// Order each group; an event never passes one of an earlier group.
	for j := 1; j < len(r); j++ {
		if r[j-1].t >= r[j].t {
			continue
		}
		x := r[j]
		k := j
		for ; k > 0 && r[k-1].t < x.t; k-- {
			r[k] = r[k-1]
		}
		r[k] = x
	}
}
