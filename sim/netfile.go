// Networks from files: edge lists as SNAP (https://snap.stanford.edu/data/)
// and KONECT (J. Kunegis, "KONECT: the Koblenz network collection", WWW '13
// Companion, 1343–1350 (2013)) write them, and MatrixMarket coordinate
// files (R. F. Boisvert, R. Pozo and K. A. Remington, "The Matrix Market
// exchange formats: initial design", NIST IR 5935 (1996)).

package sim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "file",
		Doc: `a network read from a file, the same in every repetition; path (relative to the spec), ` +
			`format = "edges" (edge list: two labels a line, whitespace or commas, # and % comments) or "mtx" (MatrixMarket coordinate), ` +
			`either may be gzipped; self-loops and repeated edges removed; n and sha256 are the file's (give them to pin it)`,
		Keys:     keysOf[fileParams]("n", "path", "format", "sha256"),
		New:      generatorFrom(newFileGenerator),
		Bytes:    bytesFrom(func(c *fileParams) int64 { return 0 }), // shared, not per worker
		Resolve:  resolveFile,
		Locators: []string{"path"},
	})
}

// fileParams are the keys of [network] that file reads.
type fileParams struct {
	N      int    `toml:"n"`      // the file's number of nodes; set by Resolve
	Path   string `toml:"path"`   // absolute once resolved
	Format string `toml:"format"` // "edges" or "mtx"
	SHA256 string `toml:"sha256"` // hex SHA-256 of the file's bytes; set by Resolve
}

// The formats of a network file.
const (
	FormatEdges = "edges" // an edge list
	FormatMTX   = "mtx"   // MatrixMarket coordinate
)

// FileNetwork is an undirected network read from a file.
type FileNetwork struct {
	// Graph is the network, simple (no self-loop, no repeated edge). It is
	// shared: read it, never write it.
	Graph *Graph
	// labelNum, labels and labelEnd hold the labels of an edge list's
	// nodes (see Label): node v's is the number labelNum[v] where that is
	// at least 0 (a label written as a decimal integer, the common case:
	// 4 bytes a node), else the k-th other label, k = -1-labelNum[v],
	// labels[labelEnd[k-1]:labelEnd[k]] (one byte array rather than a
	// string a node). labelNum is nil for a MatrixMarket file.
	labelNum []int32
	labels   []byte
	labelEnd []int64
	// SelfLoops and Repeats count the self-loops and the repeated edges
	// (an edge given a second time, in either direction) that were
	// removed.
	SelfLoops, Repeats int
	SHA256             string // hex SHA-256 of the file's bytes
}

// FileError reports bad content in a network file: the file, the line
// (0: the file as a whole) and the offending token.
type FileError struct {
	File  string
	Line  int
	Token string
	Msg   string
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Token != "" {
		fmt.Fprintf(&b, "%q: ", e.Token)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ReadNetwork reads a network in format (FormatEdges or FormatMTX) from r,
// gunzipping it if it starts with the gzip magic bytes. name names the
// file in errors, which are *FileError for bad content.
func ReadNetwork(r io.Reader, format, name string) (*FileNetwork, error) {
	return readNetworkHint(r, format, name, 0)
}

// Label returns node v's label in the file: for an edge list, its token
// (nodes are numbered in order of their labels' first appearance); for a
// MatrixMarket file, its row number, v+1.
func (net *FileNetwork) Label(v int32) string {
	if net.labelNum == nil {
		return strconv.Itoa(int(v) + 1)
	}
	x := net.labelNum[v]
	if x >= 0 {
		return strconv.Itoa(int(x))
	}
	k, start := -1-x, int64(0)
	if k > 0 {
		start = net.labelEnd[k-1]
	}
	return string(net.labels[start:net.labelEnd[k]])
}

// readNetworkHint is ReadNetwork with the number of edge lines expected
// (0: unknown), to size the edge lists once.
func readNetworkHint(r io.Reader, format, name string, edges int64) (*FileNetwork, error) {
	h := sha256.New()
	net, err := readNetwork(io.TeeReader(r, h), format, name, edges)
	if err != nil {
		return nil, err
	}
	// Hash what the parser left unread (a gzip trailer, trailing bytes).
	if _, err := io.Copy(h, r); err != nil {
		return nil, fmt.Errorf("could not read %s: %w", name, err)
	}
	net.SHA256 = hex.EncodeToString(h.Sum(nil))
	return net, nil
}

func readNetwork(r io.Reader, format, name string, edges int64) (*FileNetwork, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &FileError{File: name, Msg: "not a valid gzip file: " + err.Error()}
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	lr := &lineReader{r: br, name: name}
	b := netBuilder{expect: edges}
	defer b.pairs.close()
	switch format {
	case FormatEdges:
		if err := readEdges(lr, &b); err != nil {
			return nil, err
		}
	case FormatMTX:
		if err := readMTX(lr, &b); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("sim: unknown network format %q; choose %q or %q", format, FormatEdges, FormatMTX)
	}
	if b.lines == 0 && b.selfLoops == 0 {
		return nil, &FileError{File: name, Msg: "no edges: the file is empty or holds only comments"}
	}
	g, err := b.build(name)
	if err != nil {
		return nil, err
	}
	net := &FileNetwork{Graph: g, SelfLoops: b.selfLoops, Repeats: b.lines - g.Edges()}
	if b.labelNum != nil {
		net.labelNum = b.labelNum[:len(b.labelNum):len(b.labelNum)]
		net.labels = b.labels[:len(b.labels):len(b.labels)]
		net.labelEnd = b.labelEnd[:len(b.labelEnd):len(b.labelEnd)]
	}
	return net, nil
}

// netBuilder collects the edges of a file: it keeps the edge lines in a
// pairSpill, so that the graph can be built from them in two more passes,
// while they mostly sit on disk (see build).
type netBuilder struct {
	n         int
	pairs     pairSpill
	lines     int // edge lines but self-loops
	selfLoops int
	// Edge lists: a label written as a decimal integer without leading
	// zeros, x, is node byNum[x]-1 where x < len(byNum) and byNum[x] > 0;
	// other labels, and numbers first seen beyond what byNum then held,
	// are keys of ids. byNum grows with the file (at most about 8 bytes
	// an edge line), so numbered files, the common case, need no string
	// per node.
	ids      map[string]int32
	byNum    []int32
	labelNum []int32 // as FileNetwork's: node v's label, a number or -1-k
	labels   []byte  // the labels that are not numbers, one after another
	labelEnd []int64 // the k-th of them ends at labelEnd[k]
	expect   int64   // the edge lines expected (0: unknown)
}

func (b *netBuilder) add(u, v int32) {
	if u == v {
		b.selfLoops++
		return
	}
	b.lines++
	b.pairs.add(u, v)
}

// lineReader reads a file line by line, counting lines.
type lineReader struct {
	r    *bufio.Reader
	name string
	line int
	err  error
}

// next returns the next line, without its line ending, or false at the
// end of the file or on a read error (then in err).
func (lr *lineReader) next() ([]byte, bool) {
	line, err := lr.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		buf := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = lr.r.ReadSlice('\n')
			buf = append(buf, line...)
		}
		line = buf
	}
	if err != nil && err != io.EOF {
		lr.err = fmt.Errorf("could not read %s: %w", lr.name, err)
		return nil, false
	}
	if len(line) == 0 && err == io.EOF {
		return nil, false
	}
	lr.line++
	line = bytes.TrimRight(line, "\r\n")
	return line, true
}

func (lr *lineReader) errorf(token []byte, format string, args ...any) error {
	return &FileError{File: lr.name, Line: lr.line, Token: string(token), Msg: fmt.Sprintf(format, args...)}
}

// fields splits line at whitespace and commas into dst.
func fields(dst [][]byte, line []byte) [][]byte {
	dst = dst[:0]
	i := 0
	for i < len(line) {
		for i < len(line) && isSep(line[i]) {
			i++
		}
		j := i
		for j < len(line) && !isSep(line[j]) {
			j++
		}
		if j > i {
			dst = append(dst, line[i:j])
		}
		i = j
	}
	return dst
}

// firstToken returns the first of tok, or line where it has none.
func firstToken(tok [][]byte, line []byte) []byte {
	if len(tok) > 0 {
		return tok[0]
	}
	return line
}

func isSep(c byte) bool { return c == ' ' || c == '\t' || c == ',' || c == '\v' || c == '\f' }

// isComment tells whether line, once leading blanks are skipped, is empty
// or starts with '#' or '%'.
func isComment(line []byte) bool {
	line = bytes.TrimLeft(line, " \t")
	return len(line) == 0 || line[0] == '#' || line[0] == '%'
}

// readEdges reads an edge list: two node labels a line, then optional
// numeric columns (weights, times), which are ignored.
func readEdges(lr *lineReader, b *netBuilder) error {
	b.ids = map[string]int32{}
	var tok [][]byte
	for {
		line, ok := lr.next()
		if !ok {
			return lr.err
		}
		if isComment(line) {
			continue
		}
		tok = fields(tok, line)
		if len(tok) < 2 {
			return lr.errorf(firstToken(tok, line), "a line needs two node labels")
		}
		for _, t := range tok[2:] {
			if _, err := strconv.ParseFloat(string(t), 64); err != nil {
				return lr.errorf(t, "a third or later column must be a number (a weight or a time); a label cannot contain blanks or commas")
			}
		}
		u, err := b.id(lr, tok[0])
		if err != nil {
			return err
		}
		v, err := b.id(lr, tok[1])
		if err != nil {
			return err
		}
		b.add(u, v)
	}
}

// id returns the node of label, numbering new labels in order.
func (b *netBuilder) id(lr *lineReader, label []byte) (int32, error) {
	x, num := decimalLabel(label)
	if num && x < int64(len(b.byNum)) && b.byNum[x] > 0 {
		return b.byNum[x] - 1, nil
	}
	if v, ok := b.ids[string(label)]; ok {
		return v, nil
	}
	if b.n >= MaxNodes {
		return 0, lr.errorf(label, "more than %d nodes do not fit int32 node ids", MaxNodes)
	}
	v := int32(b.n)
	// The table may grow to 2 entries an edge line (8 bytes), read or
	// expected, or byNumMin.
	if limit := max(byNumMin, 2*max(int64(b.lines+b.selfLoops), b.expect)); num && x < limit {
		if x >= int64(len(b.byNum)) {
			c := min(max(2*int64(len(b.byNum)), x+1, 1024), limit)
			b.byNum = append(b.byNum, make([]int32, c-int64(len(b.byNum)))...)
		}
		b.byNum[x] = v + 1
	} else {
		b.ids[string(label)] = v
	}
	if num {
		b.labelNum = append(b.labelNum, int32(x))
	} else {
		b.labels = append(b.labels, label...)
		b.labelEnd = append(b.labelEnd, int64(len(b.labels)))
		b.labelNum = append(b.labelNum, int32(-len(b.labelEnd)))
	}
	b.n++
	return v, nil
}

// byNumMin is the size netBuilder.byNum may reach whatever the file's
// length (a variable for tests).
var byNumMin int64 = 1 << 20

// decimalLabel returns the value of label if it is a decimal integer
// below 2^31 written without a sign or leading zeros ("0", "17"; not
// "017", which is another label).
func decimalLabel(label []byte) (int64, bool) {
	if len(label) == 0 || len(label) > 10 || label[0] == '0' && len(label) > 1 {
		return 0, false
	}
	var x int64
	for _, c := range label {
		if c < '0' || c > '9' {
			return 0, false
		}
		x = 10*x + int64(c-'0')
	}
	return x, x <= math.MaxInt32
}

// readMTX reads a MatrixMarket coordinate file of a square matrix: entry
// (i, j) is the edge {i-1, j-1}. A general (non-symmetric) matrix is
// symmetrised: (i, j) and (j, i) are the same edge, so a pair given both
// ways is one edge and a repeat. Values are ignored.
func readMTX(lr *lineReader, b *netBuilder) error {
	line, ok := lr.next()
	if !ok {
		if lr.err != nil {
			return lr.err
		}
		return &FileError{File: lr.name, Msg: "no edges: the file is empty or holds only comments"}
	}
	head := bytes.Fields(bytes.ToLower(line))
	if len(head) != 5 || string(head[0]) != "%%matrixmarket" || string(head[1]) != "matrix" {
		tok := line
		if len(head) > 0 {
			tok = head[0]
		}
		return lr.errorf(tok, `not a MatrixMarket header; want "%%%%MatrixMarket matrix coordinate FIELD SYMMETRY"`)
	}
	if string(head[2]) != "coordinate" {
		return lr.errorf(head[2], `only coordinate (sparse) MatrixMarket files hold networks`)
	}
	switch string(head[3]) {
	case "pattern", "real", "integer", "complex":
	default:
		return lr.errorf(head[3], "unknown MatrixMarket field; want pattern, real, integer or complex")
	}
	switch string(head[4]) {
	case "general", "symmetric", "skew-symmetric", "hermitian":
	default:
		return lr.errorf(head[4], "unknown MatrixMarket symmetry; want general, symmetric, skew-symmetric or hermitian")
	}
	var tok [][]byte
	for {
		if line, ok = lr.next(); !ok {
			if lr.err != nil {
				return lr.err
			}
			return &FileError{File: lr.name, Line: lr.line, Msg: "no size line (ROWS COLUMNS ENTRIES) after the header"}
		}
		if !isComment(line) {
			break
		}
	}
	tok = fields(tok, line)
	if len(tok) != 3 {
		return lr.errorf(line, "the size line needs three integers: ROWS COLUMNS ENTRIES")
	}
	var size [3]int64
	for i, t := range tok {
		x, err := strconv.ParseInt(string(t), 10, 64)
		if err != nil || x < 0 {
			return lr.errorf(t, "the size line needs three integers at least 0: ROWS COLUMNS ENTRIES")
		}
		size[i] = x
	}
	if size[0] != size[1] {
		return lr.errorf(tok[1], "a network's matrix must be square, not %d × %d", size[0], size[1])
	}
	if size[0] > MaxNodes {
		return lr.errorf(tok[0], "more than %d nodes do not fit int32 node ids", MaxNodes)
	}
	if 2*size[2] > MaxStubs {
		return lr.errorf(tok[2], "more entries than the int32 CSR limit of %d edges", MaxStubs/2)
	}
	b.n = int(size[0])
	entries := int64(0)
	for {
		line, ok := lr.next()
		if !ok {
			if lr.err != nil {
				return lr.err
			}
			break
		}
		if isComment(line) {
			continue
		}
		tok = fields(tok, line)
		if len(tok) < 2 {
			return lr.errorf(firstToken(tok, line), "an entry needs a row and a column")
		}
		var ij [2]int32
		for k, t := range tok[:2] {
			x, err := strconv.ParseInt(string(t), 10, 64)
			if err != nil || x < 1 || x > size[0] {
				return lr.errorf(t, "want a row or column number from 1 to %d", size[0])
			}
			ij[k] = int32(x - 1)
		}
		if entries++; entries > size[2] {
			return lr.errorf(line, "more entries than the %d the size line gives", size[2])
		}
		b.add(ij[0], ij[1])
	}
	if entries != size[2] {
		return &FileError{File: lr.name, Line: lr.line, Msg: fmt.Sprintf("%d entries, but the size line gives %d", entries, size[2])}
	}
	return nil
}

// The process-wide cache of network files: a file's network has no
// randomness, so each process reads it once and every worker and every
// repetition shares the same read-only graph.
var netCache struct {
	sync.Mutex
	m map[netCacheKey]*FileNetwork
}

type netCacheKey struct{ path, format, sha256 string }

// LoadNetwork returns the network of the file at path (absolute) in
// format, reading it unless this process has read it already. With sha256
// given, the file must have that SHA-256 (hex), and a network read
// earlier with it is returned without reading the file; without it, the
// file is read and hashed, and a network read earlier from the same bytes
// is returned. name names the file in errors. Networks stay cached for the
// life of the process.
func LoadNetwork(path, format, sha256, name string) (*FileNetwork, error) {
	netCache.Lock()
	defer netCache.Unlock()
	if sha256 != "" {
		if net, ok := netCache.m[netCacheKey{path, format, sha256}]; ok {
			return net, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{File: name, Msg: fileErrMsg(err)}
	}
	defer f.Close()
	edges, _ := EstimateEdges(path)
	net, err := readNetworkHint(f, format, name, edges)
	if err != nil {
		return nil, err
	}
	if sha256 != "" && net.SHA256 != sha256 {
		return nil, &FileError{File: name, Msg: fmt.Sprintf("its SHA-256 is %s, not %s: the file changed since the spec was read", net.SHA256, sha256)}
	}
	key := netCacheKey{path, format, net.SHA256}
	if cached, ok := netCache.m[key]; ok {
		return cached, nil // the same bytes: keep sharing one graph
	}
	if netCache.m == nil {
		netCache.m = map[netCacheKey]*FileNetwork{}
	}
	netCache.m[key] = net
	return net, nil
}

func fileErrMsg(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file (a relative path is relative to the spec's directory)"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// resolveFile resolves the keys of a network file (file and rewire): path,
// made absolute against dir, and format (default "edges"). It reads the
// file, sets n and sha256 (checking them where the spec gives them, which
// pins the file) and returns a note on what was removed, if anything.
func resolveFile(params Params, dir string) (string, error) {
	written, _ := params["path"].(string)
	if written == "" {
		return "", badParam("path", written, "required: the network file, relative to the spec's directory")
	}
	format, _ := params["format"].(string)
	if format == "" {
		format = FormatEdges
	} else if format != FormatEdges && format != FormatMTX {
		return "", badParam("format", format, "choose %q (an edge list) or %q (MatrixMarket coordinate)", FormatEdges, FormatMTX)
	}
	path := written
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if err := checkFileMemory(path, written); err != nil {
		return "", badParam("path", written, "%v", err)
	}
	net, err := LoadNetwork(path, format, "", written)
	if err != nil {
		return "", badParam("path", written, "%v", err)
	}
	if want, ok := params["sha256"].(string); ok && want != net.SHA256 {
		return "", badParam("sha256", want, "%s has SHA-256 %s: the spec pins another file", written, net.SHA256)
	}
	n := int64(net.Graph.N)
	if want, ok := params["n"].(int64); ok && want != n {
		return "", badParam("n", want, "%s has %d nodes; leave n out, it is the file's", written, n)
	}
	params["path"], params["format"], params["sha256"], params["n"] = path, format, net.SHA256, n
	var note string
	if net.SelfLoops > 0 || net.Repeats > 0 {
		note = fmt.Sprintf("%s: %d nodes, %d edges; removed %d self-loops and %d repeated edges", written, n, net.Graph.Edges(), net.SelfLoops, net.Repeats)
	} else {
		note = fmt.Sprintf("%s: %d nodes, %d edges", written, n, net.Graph.Edges())
	}
	return note, nil
}

// load returns the network of resolved params.
func (c *fileParams) load() (*FileNetwork, error) {
	if !filepath.IsAbs(c.Path) || c.SHA256 == "" {
		return nil, badParam("path", c.Path, "not resolved: a spec resolves the path and sets sha256 (GeneratorModel.Resolve)")
	}
	net, err := LoadNetwork(c.Path, c.Format, c.SHA256, c.Path)
	if err != nil {
		return nil, badParam("path", c.Path, "%v", err)
	}
	return net, nil
}

func newFileGenerator(c *fileParams) (Generator, error) {
	net, err := c.load()
	if err != nil {
		return nil, err
	}
	return FileGenerator{Net: net}, nil
}

// FileGenerator serves the network of a file: it implements Fixed, so a
// runner uses the shared graph itself, and Generate copies it.
type FileGenerator struct {
	Net *FileNetwork
}

// Generate copies the file's network into dst; r is not used.
func (gen FileGenerator) Generate(dst *Graph, r *Rand) error {
	dst.CopyFrom(gen.Net.Graph)
	return nil
}

// Fixed returns the file's network, shared and read-only.
func (gen FileGenerator) Fixed() *Graph { return gen.Net.Graph }

// Fixed is a Generator whose network has no randomness: every call of
// Generate builds the graph Fixed returns. That graph is shared (one per
// process) and must only be read, as a Process does, so a runner may use
// it in place of its own.
type Fixed interface {
	Generator
	Fixed() *Graph
}

// CopyFrom makes g a copy of src's nodes and edges, reusing g's arrays.
func (g *Graph) CopyFrom(src *Graph) {
	g.N = src.N
	g.Off = grow(g.Off, src.N+1)
	copy(g.Off, src.Off[:src.N+1])
	g.Adj = grow(g.Adj, len(src.Adj))
	copy(g.Adj, src.Adj)
}

// FileMemoryLimit, if not nil, returns the memory in bytes that reading a
// network file may take (0: no limit) and advice for a user whose file
// exceeds it. A spec resolves a network file only after checking its
// estimate (ReadBytesPerEdge times EstimateEdges) against it, so that a
// file too large for the machine is refused before it is read. The spec
// package sets it to this machine's memory.
var FileMemoryLimit func() (limit int64, advice string)

// ReadBytesPerEdge is the least memory that reading a network file takes
// per edge line where no temporary file can hold the edge lines while the
// graph is built (see pairSpill): the edge's two int32 ends in the edge
// lists and their two entries in the graph's Adj. With a temporary file,
// the usual case, only the Adj entries stay in memory; the check keeps
// the larger figure. Node labels and offsets come on top (BENCHMARKS.md
// measures the whole).
const ReadBytesPerEdge = 16

// estimateSample is how much of a file EstimateEdges reads, decompressed.
const estimateSample = 1 << 20

// EstimateEdges estimates the number of edge lines of the network file
// at path from its size and samples of its lines: the size (for a gzipped
// file, times the compression ratio of its first MiB) over the mean
// length of the lines in its first MiB (of a plain file, its first and
// last MiB), comments included. A file shorter than the sample is counted
// exactly. It reads at most two MiB.
func EstimateEdges(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	cr := &countingReader{r: f}
	br := bufio.NewReaderSize(cr, 1<<16)
	var r io.Reader = br
	gz := false
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, nil // readNetwork reports it
		}
		r, gz = zr, true
	}
	buf := make([]byte, estimateSample)
	k, err := io.ReadFull(r, buf)
	buf = buf[:k]
	lines := int64(bytes.Count(buf, []byte{'\n'}))
	if k > 0 && buf[k-1] != '\n' {
		lines++
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return lines, nil // the whole file
	}
	if err != nil {
		return 0, nil
	}
	size := float64(fi.Size())
	if !gz && fi.Size() > 2*estimateSample {
		// Sorted edge lists have longer labels at their end: add a
		// sample of the last MiB.
		tail := make([]byte, estimateSample)
		if t, err := f.ReadAt(tail, fi.Size()-estimateSample); err == nil || err == io.EOF {
			k += t
			lines += int64(bytes.Count(tail[:t], []byte{'\n'}))
		}
	}
	if gz {
		// Bytes of the file consumed for the sample, less what bufio
		// holds unread.
		used := float64(cr.n - int64(br.Buffered()))
		if used > 0 {
			size *= float64(len(buf)) / used
		}
	}
	return int64(size / (float64(k) / float64(max(lines, 1)))), nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

// checkFileMemory refuses the network file at path (named written) when
// FileMemoryLimit says that reading it would take more memory than
// allowed.
func checkFileMemory(path, written string) error {
	if FileMemoryLimit == nil {
		return nil
	}
	limit, advice := FileMemoryLimit()
	if limit <= 0 {
		return nil
	}
	edges, err := EstimateEdges(path)
	if err != nil {
		return nil // LoadNetwork reports it
	}
	if need := edges * ReadBytesPerEdge; need > limit {
		return &FileError{File: written, Msg: fmt.Sprintf("about %d edges (estimated from its size) need at least %.1f MB to read, more than the %.1f MB allowed; %s",
			edges, float64(need)/1e6, float64(limit)/1e6, advice)}
	}
	return nil
}
