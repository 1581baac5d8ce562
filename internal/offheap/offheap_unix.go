//go:build unix

package offheap

import "syscall"

// mapAnon returns n bytes of an anonymous mapping (page aligned, zero),
// or of the heap if mapping fails.
func mapAnon(n int) buf {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return buf{b: make([]byte, n)}
	}
	return buf{b: b, mapped: true}
}

// unmap unmaps b, a mapping.
func unmap(b []byte) { syscall.Munmap(b) }
