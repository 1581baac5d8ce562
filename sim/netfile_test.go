package sim

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeEdgeList writes g's edges, one a line, with node v labelled
// label(v), after a SNAP-style comment; tab-separated unless sep is given.
func writeEdgeList(g *Graph, sep string, label func(v int32) string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Undirected graph\n# Nodes: %d Edges: %d\n", g.N, g.Edges())
	for v := int32(0); v < int32(g.N); v++ {
		for _, w := range g.Neighbors(v) {
			if v < w {
				fmt.Fprintf(&b, "%s%s%s\n", label(v), sep, label(w))
			}
		}
	}
	return b.Bytes()
}

// writeMTX writes g as a MatrixMarket pattern file: its lower triangle if
// symmetric, else every entry of the adjacency matrix.
func writeMTX(g *Graph, symmetric bool) []byte {
	var b bytes.Buffer
	sym, entries := "general", 2*g.Edges()
	if symmetric {
		sym, entries = "symmetric", g.Edges()
	}
	fmt.Fprintf(&b, "%%%%MatrixMarket matrix coordinate pattern %s\n%% a comment\n%d %d %d\n", sym, g.N, g.N, entries)
	for v := int32(0); v < int32(g.N); v++ {
		for _, w := range g.Neighbors(v) {
			if w < v || (!symmetric && w != v) {
				fmt.Fprintf(&b, "%d %d\n", v+1, w+1)
			}
		}
	}
	return b.Bytes()
}

func gzipped(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// edgeSetOf returns g's edges as "a-b" strings (a < b) of the names that
// name gives its nodes.
func edgeSetOf(g *Graph, name func(v int32) string) map[string]bool {
	set := map[string]bool{}
	for v := int32(0); v < int32(g.N); v++ {
		for _, w := range g.Neighbors(v) {
			a, b := name(v), name(w)
			if a > b {
				a, b = b, a
			}
			set[a+"-"+b] = true
		}
	}
	return set
}

// sortedDegrees returns g's degrees of non-isolated nodes, sorted.
func sortedDegrees(g *Graph) []int {
	var d []int
	for v := int32(0); v < int32(g.N); v++ {
		if k := g.Degree(v); k > 0 {
			d = append(d, k)
		}
	}
	slices.Sort(d)
	return d
}

// checkSimple fails unless g has no self-loop and no repeated edge, and
// every edge appears from both ends.
func checkSimple(tb testing.TB, g *Graph) {
	tb.Helper()
	seen := map[[2]int32]int{}
	for v := int32(0); v < int32(g.N); v++ {
		for _, w := range g.Neighbors(v) {
			if w == v {
				tb.Fatalf("self-loop at %d", v)
			}
			seen[[2]int32{v, w}]++
			if seen[[2]int32{v, w}] > 1 {
				tb.Fatalf("repeated edge %d-%d", v, w)
			}
		}
	}
	for e := range seen {
		if seen[[2]int32{e[1], e[0]}] != 1 {
			tb.Fatalf("edge %d-%d not mirrored", e[0], e[1])
		}
	}
}

// TestReadNetworkRoundTrip writes a G(n,p) graph as an edge list (labels
// that are not its ids, tabs or commas) and as MatrixMarket (symmetric
// and general), plain and gzipped, and reads each back: the same edges
// up to the label mapping, so the same degrees.
func TestReadNetworkRoundTrip(t *testing.T) {
	var g Graph
	gnpGraph(t, &g, 2000, 5, NewRand(3))
	label := func(v int32) string { return fmt.Sprintf("n%d", 3*v+7) }
	want := edgeSetOf(&g, label)
	for _, tc := range []struct {
		name, format string
		data         []byte
	}{
		{"edges tab", FormatEdges, writeEdgeList(&g, "\t", label)},
		{"edges comma", FormatEdges, writeEdgeList(&g, ",", label)},
		{"mtx symmetric", FormatMTX, writeMTX(&g, true)},
		{"mtx general", FormatMTX, writeMTX(&g, false)},
	} {
		for _, gz := range []bool{false, true} {
			data := tc.data
			if gz {
				data = gzipped(t, data)
			}
			name := fmt.Sprintf("%s gzip=%v", tc.name, gz)
			net, err := ReadNetwork(bytes.NewReader(data), tc.format, "net")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkSimple(t, net.Graph)
			var got map[string]bool
			if tc.format == FormatMTX {
				if net.Graph.N != g.N || net.Label(0) != "1" || net.Label(int32(g.N-1)) != fmt.Sprint(g.N) {
					t.Errorf("%s: %d nodes (labels %q, %q), want %d labelled by row", name, net.Graph.N, net.Label(0), net.Label(int32(g.N-1)), g.N)
				}
				got = edgeSetOf(net.Graph, label)
			} else {
				got = edgeSetOf(net.Graph, net.Label)
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s: %d edges read, want the %d written", name, len(got), len(want))
			}
			if !slices.Equal(sortedDegrees(net.Graph), sortedDegrees(&g)) {
				t.Errorf("%s: degree sequence differs", name)
			}
			wantRepeats := 0
			if tc.name == "mtx general" {
				wantRepeats = g.Edges() // each edge is given both ways
			}
			if net.SelfLoops != 0 || net.Repeats != wantRepeats {
				t.Errorf("%s: %d self-loops and %d repeats removed, want 0 and %d", name, net.SelfLoops, net.Repeats, wantRepeats)
			}
			if len(net.SHA256) != 64 {
				t.Errorf("%s: SHA-256 %q", name, net.SHA256)
			}
		}
	}
}

// TestReadNetworkLabels checks the label mapping (order of first
// appearance), comments of both kinds, ignored numeric columns, and the
// counts of removed self-loops and repeats.
func TestReadNetworkLabels(t *testing.T) {
	const text = "% KONECT header\n# SNAP header\n\nalice bob 1.5\n  bob,carol,2,1700000000\r\n" +
		"carol alice\nalice alice\nbob alice\n\t# indented comment\ndave carol\n"
	net, err := ReadNetwork(strings.NewReader(text), FormatEdges, "net.txt")
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for v := range int32(net.Graph.N) {
		labels = append(labels, net.Label(v))
	}
	if want := []string{"alice", "bob", "carol", "dave"}; !slices.Equal(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
	if g := net.Graph; g.N != 4 || g.Edges() != 4 {
		t.Errorf("%d nodes and %d edges, want 4 and 4", g.N, g.Edges())
	}
	if net.SelfLoops != 1 || net.Repeats != 1 {
		t.Errorf("%d self-loops and %d repeats removed, want 1 and 1", net.SelfLoops, net.Repeats)
	}
	checkSimple(t, net.Graph)
}

// TestReadNetworkErrors is the corpus of bad network files and the
// message each gets: the file, the line and the token.
func TestReadNetworkErrors(t *testing.T) {
	for _, tc := range []struct{ format, text, want string }{
		{FormatEdges, "", `net: no edges: the file is empty or holds only comments`},
		{FormatEdges, "# only\n% comments\n", `net: no edges`},
		{FormatEdges, "1 2\n3 4\n17\n", `net:3: "17": a line needs two node labels`},
		{FormatEdges, "1 2\n,,\n", `net:2: ",,": a line needs two node labels`},
		{FormatEdges, "1 2\na b c\n", `net:2: "c": a third or later column must be a number`},
		{FormatMTX, "1 2\n", `net:1: "1": not a MatrixMarket header`},
		{FormatMTX, "%%MatrixMarket matrix array real general\n2 2\n", `net:1: "array": only coordinate`},
		{FormatMTX, "%%MatrixMarket matrix coordinate real weird\n", `net:1: "weird": unknown MatrixMarket symmetry`},
		{FormatMTX, "%%MatrixMarket matrix coordinate real general\n% c\n", `net:2: no size line`},
		{FormatMTX, "%%MatrixMarket matrix coordinate real general\n3 4 1\n1 2 1\n", `net:2: "4": a network's matrix must be square`},
		{FormatMTX, "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n1 2\n4 1\n", `net:4: "4": want a row or column number from 1 to 3`},
		{FormatMTX, "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n1 2\n", `net:3: 1 entries, but the size line gives 2`},
		{FormatMTX, "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 1\n1 2\n2 3\n", `net:4: "2 3": more entries than the 1`},
		{FormatEdges, "\x1f\x8bnot gzip", `net: not a valid gzip file`},
	} {
		_, err := ReadNetwork(strings.NewReader(tc.text), tc.format, "net")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

// writeTemp writes data to a new file in a test's temporary directory.
func writeTemp(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// newFromFile resolves and builds generator name on the file at path.
func newFromFile(tb testing.TB, name, path string, extra Params) (Generator, Params) {
	tb.Helper()
	s := NetworkSettings{Generator: name, Params: Params{"path": filepath.Base(path)}}
	for k, v := range extra {
		s.Params[k] = v
	}
	if _, err := s.Resolve(filepath.Dir(path)); err != nil {
		tb.Fatal(err)
	}
	gen, err := s.New()
	if err != nil {
		tb.Fatal(err)
	}
	return gen, s.Params
}

// TestFileGeneratorShared checks that the file generator resolves n and
// sha256, serves one shared graph, and that Generate copies it.
func TestFileGeneratorShared(t *testing.T) {
	path := writeTemp(t, "tri.txt", []byte("a b\nb c\nc a\nc d\n"))
	gen, params := newFromFile(t, "file", path, nil)
	if params["n"] != int64(4) || params["path"] != path || len(params["sha256"].(string)) != 64 {
		t.Errorf("resolved params %v", params)
	}
	gen2, _ := newFromFile(t, "file", path, nil)
	f1, f2 := gen.(Fixed).Fixed(), gen2.(Fixed).Fixed()
	if f1 != f2 {
		t.Error("two generators of one file hold two graphs, want one shared")
	}
	var g Graph
	if err := gen.Generate(&g, nil); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Off, f1.Off) || !slices.Equal(g.Adj, f1.Adj) || &g.Adj[0] == &f1.Adj[0] {
		t.Error("Generate did not copy the shared graph")
	}
	s := NetworkSettings{Generator: "file", Params: Params{"path": "tri.txt", "n": int64(5)}}
	if _, err := s.Resolve(filepath.Dir(path)); err == nil || !strings.Contains(err.Error(), "has 4 nodes") {
		t.Errorf("n = 5 on a 4-node file: %v", err)
	}
	s = NetworkSettings{Generator: "file", Params: Params{"path": "none.txt"}}
	if _, err := s.Resolve(filepath.Dir(path)); err == nil || !strings.Contains(err.Error(), "none.txt: no such file") {
		t.Errorf("missing file: %v", err)
	}
}

// TestRewireKeepsDegrees rewires a heterogeneous network (power-law
// degrees, where many swaps are rejected) with many seeds: every degree is
// kept exactly, no self-loop or repeated edge appears, and after the
// default 10 swaps per edge few of the original edges remain.
func TestRewireKeepsDegrees(t *testing.T) {
	var g0 Graph
	powerLawGraph(t, &g0, 3000, 2.5, 2, 100, NewRand(5))
	path := writeTemp(t, "pl.txt", writeEdgeList(&g0, " ", func(v int32) string { return fmt.Sprint(v) }))
	gen, _ := newFromFile(t, "rewire", path, nil)
	orig := gen.(*Rewire).Net.Graph
	origEdges := edgeSetOf(orig, func(v int32) string { return fmt.Sprint(v) })
	var g Graph
	for seed := range uint64(40) {
		if err := gen.Generate(&g, NewRand(seed)); err != nil {
			t.Fatal(err)
		}
		if g.N != orig.N || g.Edges() != orig.Edges() {
			t.Fatalf("seed %d: %d nodes, %d edges, want %d, %d", seed, g.N, g.Edges(), orig.N, orig.Edges())
		}
		for v := int32(0); v < int32(g.N); v++ {
			if g.Degree(v) != orig.Degree(v) {
				t.Fatalf("seed %d: node %d has degree %d, want %d", seed, v, g.Degree(v), orig.Degree(v))
			}
		}
		checkSimple(t, &g)
		kept := 0
		for e := range edgeSetOf(&g, func(v int32) string { return fmt.Sprint(v) }) {
			if origEdges[e] {
				kept++
			}
		}
		if f := float64(kept) / float64(len(origEdges)); f > 0.1 {
			t.Errorf("seed %d: %.2f of the edges kept after 10 swaps per edge", seed, f)
		}
	}
}

// TestRewireSmall rewires tiny graphs, where most swaps are rejected, with
// many seeds: a star and a triangle cannot change; a path of 4 nodes can
// only become another path with the same degrees.
func TestRewireSmall(t *testing.T) {
	for _, text := range []string{"0 1\n0 2\n0 3\n0 4\n", "0 1\n1 2\n2 0\n", "0 1\n1 2\n2 3\n", "0 1\n2 3\n"} {
		path := writeTemp(t, "small.txt", []byte(text))
		gen, _ := newFromFile(t, "rewire", path, Params{"swaps": 50.0})
		orig := gen.(*Rewire).Net.Graph
		var g Graph
		for seed := range uint64(200) {
			if err := gen.Generate(&g, NewRand(seed)); err != nil {
				t.Fatal(err)
			}
			for v := int32(0); v < int32(g.N); v++ {
				if g.Degree(v) != orig.Degree(v) {
					t.Fatalf("%q seed %d: node %d has degree %d, want %d", text, seed, v, g.Degree(v), orig.Degree(v))
				}
			}
			checkSimple(t, &g)
		}
	}
}

// TestSIRFinalSizeFile runs SIR on a G(n,p) realisation read from a
// gzipped edge list and compares the final size of major outbreaks with
// S = 1-exp(-c·T·S) (Newman 2002, Phys. Rev. E 66, 016128, eq. 19, as in
// TestSIRFinalSizeGnp). One realisation adds an O(1/sqrt(n)) offset to the
// run-to-run SD of about 0.003, so the tolerance is 0.008.
func TestSIRFinalSizeFile(t *testing.T) {
	const n, c, runs = 50000, 5.0, 16
	var g0 Graph
	gnpGraph(t, &g0, n, c, NewRand(21))
	path := writeTemp(t, "gnp.txt.gz", gzipped(t, writeEdgeList(&g0, " ", func(v int32) string { return fmt.Sprint(v) })))
	gen, _ := newFromFile(t, "file", path, nil)
	g := gen.(Fixed).Fixed()
	T := 0.5
	want := bondGiant(poissonDist(c), T)
	res := runMany(t, &ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, SeedFraction: 0.001,
		Metrics: []string{"final_size", "major"}}, runs, 11, func(int, *Rand) *Graph { return g })
	var sizes []float64
	for _, row := range res {
		if row[1] == 1 {
			// Final sizes are fractions of the file's nodes, isolated
			// ones left out of an edge list: rescale to n.
			sizes = append(sizes, row[0]*float64(g.N)/n)
		}
	}
	if len(sizes) < runs-1 {
		t.Fatalf("only %d of %d runs were major", len(sizes), runs)
	}
	got, sd := meanSD(sizes)
	t.Logf("final size %.4f ± %.4f, theory %.4f", got, sd/math.Sqrt(float64(len(sizes))), want)
	if math.Abs(got-want) > 0.008 {
		t.Errorf("mean final size of major outbreaks %.4f, want %.4f ± 0.008", got, want)
	}
}

// TestEstimateEdges: the estimate from samples of a file is within 5% of
// its edge lines for a plain edge list sorted by node (labels lengthen
// along the file) and 10% for its gzipped copy, whose compression ratio
// is taken from the start; it is exact for a file shorter than the
// sample.
func TestEstimateEdges(t *testing.T) {
	var g Graph
	gnpGraph(t, &g, 60000, 12, NewRand(4))
	text := writeEdgeList(&g, " ", func(v int32) string { return fmt.Sprint(v) })
	lines := int64(bytes.Count(text, []byte{'\n'}))
	for name, data := range map[string][]byte{"g.txt": text, "g.txt.gz": gzipped(t, text)} {
		got, err := EstimateEdges(writeTemp(t, name, data))
		if err != nil {
			t.Fatal(err)
		}
		tol := 0.05
		if strings.HasSuffix(name, ".gz") {
			tol = 0.10
		}
		if math.Abs(float64(got-lines)) > tol*float64(lines) {
			t.Errorf("%s: estimate %d lines, file has %d", name, got, lines)
		}
	}
	if got, err := EstimateEdges(writeTemp(t, "s.txt", []byte("# c\na b\nb c"))); err != nil || got != 3 {
		t.Errorf("a 3-line file: estimate %d, %v", got, err)
	}
}

// TestReadNetworkNumericLabels: decimal labels take the numbered table,
// others (leading zeros, too large, words) and numbers first seen beyond
// the table's reach the map; a label is one node whichever path it took,
// even once the table has grown past a number the map holds.
func TestReadNetworkNumericLabels(t *testing.T) {
	defer func(m int64) { byNumMin = m }(byNumMin)
	byNumMin = 4
	var b strings.Builder
	b.WriteString("100 1\n2 3\n017 17\n5000000000 x\n0 17\n")
	for i := 4; i < 200; i++ {
		fmt.Fprintf(&b, "%d %d\n", i, i+1)
	}
	b.WriteString("100 2\n017 100\n17 0\n")
	text := b.String()
	net, err := ReadNetwork(strings.NewReader(text), FormatEdges, "net")
	if err != nil {
		t.Fatal(err)
	}
	// The reference: labels numbered by first appearance with a map.
	want, ids := map[string]bool{}, map[string]bool{}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		for _, l := range f {
			if !ids[l] {
				ids[l] = true
				order = append(order, l)
			}
		}
		if f[0] > f[1] {
			f[0], f[1] = f[1], f[0]
		}
		want[f[0]+"-"+f[1]] = true
	}
	if net.Graph.N != len(order) {
		t.Fatalf("%d nodes, want %d", net.Graph.N, len(order))
	}
	for v, l := range order {
		if net.Label(int32(v)) != l {
			t.Fatalf("node %d is %q, want %q", v, net.Label(int32(v)), l)
		}
	}
	if got := edgeSetOf(net.Graph, net.Label); !maps.Equal(got, want) {
		t.Errorf("%d edges, want %d", len(got), len(want))
	}
	if net.Repeats != 1 {
		t.Errorf("%d repeats, want 1 (17 0)", net.Repeats)
	}
}

// FuzzReadNetwork reads arbitrary edge lists: no panic, and a file that
// is read gives a simple graph whose nodes are its distinct labels in
// order of first appearance, whichever way (numbered table or map) each
// label took; the table is kept small so that both ways are exercised.
func FuzzReadNetwork(f *testing.F) {
	for _, seed := range []string{"1 2\n2 3\n", "a b\n# c\nb 007\n7 a\n", "0 1 2.5\n3000000000 1\n5 5\n", "%x\n1,2\n2,1\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		defer func(m int64) { byNumMin = m }(byNumMin)
		byNumMin = 4
		net, err := ReadNetwork(strings.NewReader(text), FormatEdges, "fuzz")
		if err != nil {
			return
		}
		checkSimple(t, net.Graph)
		var order []string
		seen := map[string]bool{}
		var tok [][]byte
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimRight(line, "\r")
			if isComment([]byte(line)) {
				continue
			}
			tok = fields(tok, []byte(line))
			for _, l := range tok[:2] {
				if !seen[string(l)] {
					seen[string(l)] = true
					order = append(order, string(l))
				}
			}
		}
		if net.Graph.N != len(order) {
			t.Fatalf("%d nodes, want %d distinct labels", net.Graph.N, len(order))
		}
		for v, l := range order {
			if got := net.Label(int32(v)); got != l {
				t.Fatalf("node %d is %q, want %q", v, got, l)
			}
		}
	})
}

// failingSpill is a spill file whose writes fail after the first ok.
type failingSpill struct {
	*os.File
	ok int
}

func (f *failingSpill) WriteAt(p []byte, off int64) (int, error) {
	if f.ok == 0 {
		return 0, fmt.Errorf("no space left on device")
	}
	f.ok--
	return f.File.WriteAt(p, off)
}

// TestReadNetworkSpill checks that the graph built from spilled edge
// lines (build, pairSpill) is, entry for entry, the one BuildFromEdges
// and simplify make of the same lines, with the nodes numbered in order of
// their labels' first appearance: on an edge list of mixed labels
// (numbers, numbers beyond the table, numbers with leading zeros or too
// large for int32, names), self-loops, repeats, comments and weights,
// plain and gzipped, with chunks of 7 pairs on a temporary file, in
// memory where the file cannot be created, and in both where writes fail
// part way. The temporary file is gone after each read.
func TestReadNetworkSpill(t *testing.T) {
	defer func(c int, m int64, f func() (spillFile, error)) { spillChunk, byNumMin, spillCreate = c, m, f }(spillChunk, byNumMin, spillCreate)
	spillChunk, byNumMin = 7, 64
	r := NewRand(14)
	label := func() string {
		x := r.IntN(300)
		switch r.IntN(6) {
		case 0:
			return fmt.Sprintf("n%d", x)
		case 1:
			return fmt.Sprintf("0%d", x)
		case 2:
			return fmt.Sprint(3000000000 + x) // beyond int32: a name
		case 3:
			return fmt.Sprint(1000000 + x) // beyond the numbered table
		}
		return fmt.Sprint(x)
	}
	var text strings.Builder
	text.WriteString("# mixed labels\n")
	ids := map[string]int32{}
	var labels []string
	id := func(l string) int32 {
		v, ok := ids[l]
		if !ok {
			v = int32(len(labels))
			ids[l] = v
			labels = append(labels, l)
		}
		return v
	}
	var src, dst []int32
	selfLoops := 0
	for i := range 3000 {
		a, b := label(), label()
		switch {
		case i%17 == 0:
			b = a
		case i%23 == 0 && len(src) > 0: // a repeat, reversed
			k := r.IntN(len(src))
			a, b = labels[dst[k]], labels[src[k]]
		}
		sep := " "
		if i%5 == 0 {
			sep = ","
		}
		fmt.Fprintf(&text, "%s%s%s", a, sep, b)
		if i%7 == 0 {
			text.WriteString("\t1.5")
		}
		text.WriteString("\n")
		if i%100 == 0 {
			text.WriteString("% a comment\n")
		}
		u, v := id(a), id(b)
		if u == v {
			selfLoops++
			continue
		}
		src, dst = append(src, u), append(dst, v)
	}
	var want Graph
	if err := want.BuildFromEdges(len(labels), src, dst); err != nil {
		t.Fatal(err)
	}
	want.simplify()
	plain := []byte(text.String())
	dir := t.TempDir()
	toDir := func() (spillFile, error) { return os.CreateTemp(dir, "spill-*") }
	for _, sp := range []struct {
		name   string
		create func() (spillFile, error)
	}{
		{"file", toDir},
		{"no file", func() (spillFile, error) { return nil, fmt.Errorf("read-only file system") }},
		{"full disk", func() (spillFile, error) {
			f, err := os.CreateTemp(dir, "spill-*")
			return &failingSpill{File: f, ok: 100}, err
		}},
	} {
		spillCreate = sp.create
		for _, gz := range []bool{false, true} {
			data, name := plain, fmt.Sprintf("%s gzip=%v", sp.name, gz)
			if gz {
				data = gzipped(t, plain)
			}
			net, err := ReadNetwork(bytes.NewReader(data), FormatEdges, "mixed.txt")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			g := net.Graph
			if g.N != want.N || !slices.Equal(g.Off[:g.N+1], want.Off[:want.N+1]) || !slices.Equal(g.Adj, want.Adj) {
				t.Errorf("%s: a graph of %d nodes and %d edges, not the %d and %d of BuildFromEdges and simplify, entry for entry", name, g.N, g.Edges(), want.N, want.Edges())
			}
			for v := range int32(g.N) {
				if net.Label(v) != labels[v] {
					t.Fatalf("%s: node %d labelled %q, want %q", name, v, net.Label(v), labels[v])
				}
			}
			if net.SelfLoops != selfLoops || net.Repeats != len(src)-want.Edges() || net.Repeats == 0 {
				t.Errorf("%s: %d self-loops and %d repeats removed, want %d and %d (not 0)", name, net.SelfLoops, net.Repeats, selfLoops, len(src)-want.Edges())
			}
			if left, _ := os.ReadDir(dir); len(left) > 0 {
				t.Errorf("%s: %d temporary files left behind", name, len(left))
			}
		}
	}
	// A MatrixMarket file (a general one: each edge given both ways)
	// spilled in 7-pair chunks is read as it is in one chunk in memory.
	spillCreate = toDir
	mtx := writeMTX(&want, false)
	read := func(chunk int) *FileNetwork {
		spillChunk = chunk
		net, err := ReadNetwork(bytes.NewReader(mtx), FormatMTX, "net.mtx")
		if err != nil {
			t.Fatalf("mtx, chunks of %d: %v", chunk, err)
		}
		return net
	}
	a, b := read(1<<20), read(7)
	if !slices.Equal(a.Graph.Off, b.Graph.Off) || !slices.Equal(a.Graph.Adj, b.Graph.Adj) || a.Repeats != b.Repeats || b.Repeats != want.Edges() {
		t.Errorf("mtx: spilled, %d edges and %d repeats; in memory, %d and %d; want the same, %d repeats", b.Graph.Edges(), b.Repeats, a.Graph.Edges(), a.Repeats, want.Edges())
	}
}
