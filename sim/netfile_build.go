package sim

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// Building the graph of a network file within little more memory than
// the graph itself (issue 14: a worker's peak below 1.5 times its CSR
// arrays). The parser appends each edge line to a pairSpill, whose full
// chunks go to an unlinked temporary file; build then frees the parser's
// tables, counts the degrees in a pass over the spilled pairs, allocates
// the adjacency and fills it in a second pass, the pairs read back last
// to first, so that the edge lines and the adjacency never share the
// process's memory. (Counting the degrees while parsing would save a
// pass but costs more: each count then waits on the label lookup's cache
// miss before its own, where a pass over the pairs overlaps its misses;
// reading 8 bytes a line back from the page cache is cheap.) The graph is the one BuildFromEdges and simplify
// make of the same lines, node for node and entry for entry.

// spillChunk is the number of pairs in a chunk of a pairSpill (a
// variable for tests).
var spillChunk = 1 << 16

// freeOSMin is the number of edge lines from which build returns the
// parser's memory to the system before it allocates the graph.
const freeOSMin = 1 << 20

// spillCreate creates the temporary file of a pairSpill (a variable for
// tests). It is removed at once, so nothing is left behind if the process
// dies; it lives in os.TempDir ($TMPDIR).
var spillCreate = func() (spillFile, error) { return os.CreateTemp("", "netsweep-edges-*") }

// spillFile is the temporary file of a pairSpill: an *os.File, or a
// test's stand-in.
type spillFile interface {
	io.ReaderAt
	io.WriterAt
	io.Closer
	Name() string
}

// pairSpill keeps the edge lines of a file being read, each as two
// int32, in chunks of spillChunk pairs: the full chunks go to a temporary
// file, or stay in memory where none can be created or written (then the
// reader takes 8 more bytes an edge line, as before the spill).
type pairSpill struct {
	buf    []int32   // the chunk being filled
	file   spillFile // nil: chunks stay in mem
	tried  bool      // whether the file was created (or failed to be)
	onFile int       // the first onFile chunks are on file
	mem    [][]int32 // the chunks after those, in memory
	enc    []byte    // a chunk's bytes, to write or read
}

func (s *pairSpill) add(u, v int32) {
	if s.buf == nil {
		s.buf = make([]int32, 0, 2*spillChunk)
	}
	s.buf = append(s.buf, u, v)
	if len(s.buf) == 2*spillChunk {
		s.flush()
	}
}

// flush moves the full chunk in buf to the file, or to mem.
func (s *pairSpill) flush() {
	if !s.tried {
		s.tried = true
		if f, err := spillCreate(); err == nil {
			s.file = f
			if os.Remove(f.Name()) != nil {
				s.file = nil // not removable (another OS): do without it
				f.Close()
			}
		}
	}
	if s.file != nil && len(s.mem) == 0 {
		s.enc = grow(s.enc, 4*len(s.buf))
		for i, x := range s.buf {
			binary.LittleEndian.PutUint32(s.enc[4*i:], uint32(x))
		}
		if _, err := s.file.WriteAt(s.enc, int64(s.onFile)*int64(len(s.enc))); err == nil {
			s.onFile++
			s.buf = s.buf[:0]
			return
		}
		// A full disk: keep this chunk and the later ones in memory.
	}
	s.mem = append(s.mem, s.buf)
	s.buf = make([]int32, 0, 2*spillChunk)
}

// reverse calls f with the pairs of every chunk, the last chunk first; f
// reads its argument only during the call. With release, the chunks in
// memory are let go as they are done with.
func (s *pairSpill) reverse(f func(pairs []int32), release bool) error {
	f(s.buf)
	for i := len(s.mem) - 1; i >= 0; i-- {
		f(s.mem[i])
		if release {
			s.mem[i] = nil
		}
	}
	if s.onFile == 0 {
		return nil
	}
	buf := make([]int32, 2*spillChunk) // not s.buf: a second call reads it
	s.enc = grow(s.enc, 4*len(buf))
	for c := s.onFile - 1; c >= 0; c-- {
		if _, err := s.file.ReadAt(s.enc, int64(c)*int64(len(s.enc))); err != nil {
			return fmt.Errorf("could not read back the edges from a temporary file: %w", err)
		}
		for i := range buf {
			buf[i] = int32(binary.LittleEndian.Uint32(s.enc[4*i:]))
		}
		f(buf)
	}
	return nil
}

// close releases the file and the chunks.
func (s *pairSpill) close() {
	if s.file != nil {
		s.file.Close()
	}
	*s = pairSpill{}
}

// build makes the graph of b's nodes and edge lines, simple: without
// repeated edges (b holds no self-loops), keeping the first copy of each
// neighbour in every row, as BuildFromEdges and then simplify would.
func (b *netBuilder) build(name string) (*Graph, error) {
	if 2*int64(b.lines) > MaxStubs {
		return nil, &FileError{File: name, Msg: fmt.Sprintf("sim: graph too large: %d edges exceed the int32 CSR limit of %d", b.lines, MaxStubs/2)}
	}
	n := b.n
	// Let the parser's tables go and give their memory (and the
	// garbage of their growth) back to the system before the graph's
	// arrays are allocated: a process reads a file once, and the
	// resident set is what a machine's memory limits count. (Not for
	// small files: it costs a collection.)
	b.ids, b.byNum = nil, nil
	if b.lines >= freeOSMin {
		debug.FreeOSMemory()
	}
	// The degrees become the offsets: first where each row ends, then,
	// as the rows are filled from their ends, where each starts.
	off := make([]int32, n+1)
	err := b.pairs.reverse(func(p []int32) {
		for _, u := range p {
			off[u]++
		}
	}, false)
	if err != nil {
		return nil, &FileError{File: name, Msg: err.Error()}
	}
	var end int32
	for v, d := range off[:n] {
		end += d
		off[v] = end
	}
	off[n] = end
	adj := make([]int32, end)
	// Rows are filled from their ends with the lines last to first, so
	// each row lists its neighbours in the order of the lines.
	err = b.pairs.reverse(func(p []int32) {
		for i := len(p) - 2; i >= 0; i -= 2 {
			u, v := p[i], p[i+1]
			off[u]--
			adj[off[u]] = v
			off[v]--
			adj[off[v]] = u
		}
	}, true)
	b.pairs.close()
	if err != nil {
		return nil, &FileError{File: name, Msg: err.Error()}
	}
	g := &Graph{N: n, Off: off, Adj: adj}
	g.simplifyBits()
	g.Adj = g.Adj[:len(g.Adj):len(g.Adj)]
	return g, nil
}

// simplifyBits is simplify with a bitset of N bits for its marks,
// cleared row by row, instead of N int32: the same graph with 31 bits a
// node less memory, for graphs built once.
func (g *Graph) simplifyBits() {
	n := g.N
	seen := make([]uint64, (n+63)/64)
	var out int32
	start := g.Off[0]
	for v := int32(0); v < int32(n); v++ {
		end := g.Off[v+1]
		g.Off[v] = out
		row := out
		for i := start; i < end; i++ {
			w := g.Adj[i]
			if w == v || seen[w>>6]&(1<<(w&63)) != 0 {
				continue
			}
			seen[w>>6] |= 1 << (w & 63)
			g.Adj[out] = w
			out++
		}
		for _, w := range g.Adj[row:out] {
			seen[w>>6] &^= 1 << (w & 63)
		}
		start = end
	}
	g.Off[n] = out
	g.Adj = g.Adj[:out]
}
