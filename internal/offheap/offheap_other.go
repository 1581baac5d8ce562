//go:build !unix

package offheap

// mapAnon returns n bytes from the heap, where there are no anonymous
// mappings.
func mapAnon(n int) buf { return buf{b: make([]byte, n)} }

// unmap is never called: there are no mappings.
func unmap(b []byte) {}
