package offheap

import (
	"runtime"
	"testing"
	"unsafe"
)

// TestOffHeap writes and reads back every element of buffers of several
// sizes, freed and asked for again: a freed buffer serves the next
// request it holds (the same memory), a larger request gets another, and
// the heap does not grow by their size.
func TestOffHeap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for round := range 3 {
		for _, n := range []int{0, 1, 511, 4096, 1 << 20} {
			f, free := Slice[float64](n)
			if len(f) != n {
				t.Fatalf("Slice[float64](%d): %d", n, len(f))
			}
			for i := range f {
				f[i] = float64(i+round) + 0.5
			}
			for i := range f {
				if f[i] != float64(i+round)+0.5 {
					t.Fatalf("Slice[float64](%d)[%d] = %v", n, i, f[i])
				}
			}
			free()
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; runtime.GOOS == "linux" && grew > 1<<20 {
		t.Errorf("the heap allocated %d bytes for 8 MiB off it", grew)
	}

	a, freeA := Bytes(100000)
	pa := unsafe.SliceData(a)
	freeA()
	b, freeB := Bytes(50000) // held by a's memory
	if unsafe.SliceData(b) != pa {
		t.Error("a freed buffer did not serve a smaller request")
	}
	c, freeC := Bytes(200000) // too large for it
	if unsafe.SliceData(c) == pa || len(c) < 200000 {
		t.Error("a request larger than the freed buffers got one of them")
	}
	freeB()
	freeC()
}
