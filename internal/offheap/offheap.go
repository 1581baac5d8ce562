// Package offheap gives pointer-free scratch memory outside Go's heap, for
// large buffers that a run needs for a short while or that grow as it
// goes: raw.parquet's page of seeds and its Snappy encoding at a
// campaign's start, a worker's raw values of a task. On the heap they
// would bring the collector's next cycle forward, and while the collector
// marks, every pointer that the repetitions write costs a write barrier
// (BENCHMARKS.md, issue 17).
//
// Freed memory is kept for the next request that it can hold, so that
// the pages it has touched serve again (the layout's buffers, freed a few
// milliseconds into a run, become the workers'), rather than the kernel's
// page faults for fresh ones. Its content is whatever was written there
// last. Where the system has no anonymous mappings, or a mapping fails,
// the memory comes from the heap.
package offheap

import (
	"sync"
	"unsafe"
)

// Plain is the element types that Slice gives: no pointers.
type Plain interface {
	~bool | ~uint8 | ~int32 | ~uint32 | ~int64 | ~uint64 | ~float64
}

// Slice returns n elements of type T outside the heap (n long, perhaps
// of a larger capacity) and the function that frees them (once, and
// nothing may use them after).
func Slice[T Plain](n int) ([]T, func()) {
	if n == 0 {
		return nil, func() {}
	}
	size := int(unsafe.Sizeof(*new(T)))
	b, free := Bytes(size * n)
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)[:n], free
}

// Bytes returns at least n bytes outside the heap and the function that
// frees them (once, and nothing may use them after).
func Bytes(n int) ([]byte, func()) {
	if n == 0 {
		return nil, func() {}
	}
	b := kept.take(n)
	if b.b == nil {
		b = mapAnon(n)
	}
	return b.b, func() { kept.put(b) }
}

// buf is a buffer and whether it is a mapping (or, where mapping failed,
// of the heap).
type buf struct {
	b      []byte
	mapped bool
}

// keptMax is the most bytes that freed memory keeps.
const keptMax = 16 << 20

// kept is the memory freed and kept, for the smallest request it holds.
var kept pool

type pool struct {
	mu    sync.Mutex
	bufs  []buf
	bytes int
}

// take returns the smallest kept buffer of at least n bytes, or none.
func (p *pool) take(n int) buf {
	p.mu.Lock()
	defer p.mu.Unlock()
	best := -1
	for i, b := range p.bufs {
		if len(b.b) >= n && (best < 0 || len(b.b) < len(p.bufs[best].b)) {
			best = i
		}
	}
	if best < 0 {
		return buf{}
	}
	b := p.bufs[best]
	p.bufs = append(p.bufs[:best], p.bufs[best+1:]...)
	p.bytes -= len(b.b)
	return b
}

// put keeps b, or unmaps it once keptMax bytes are kept.
func (p *pool) put(b buf) {
	p.mu.Lock()
	keep := p.bytes+len(b.b) <= keptMax
	if keep {
		p.bufs = append(p.bufs, b)
		p.bytes += len(b.b)
	}
	p.mu.Unlock()
	if !keep && b.mapped {
		unmap(b.b)
	}
}
