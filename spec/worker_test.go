package spec

import (
	"bytes"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestWorkerSpec checks that a worker's spec (ParseWorker) of every
// example is the campaign of Parse's: the same points, keys and seeds,
// computed when asked, and the same errors for a bad spec.
func TestWorkerSpec(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	for _, f := range files {
		s, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := ReadFile(f)
		w, err := ParseWorker(f, text)
		if err != nil {
			t.Fatal(err)
		}
		if w.CampaignID != s.CampaignID || w.NumPoints() != s.NumPoints() || w.table != nil {
			t.Fatalf("%s: worker's campaign %s, %d points, table %v", f, w.CampaignID, w.NumPoints(), w.table != nil)
		}
		for i, pt := range s.Points() {
			wp := w.Point(i)
			if wp.network != -1 {
				t.Errorf("%s: point %d: a worker's point has group %d", f, i, wp.network)
			}
			wp.network = pt.network
			if a, b := fmt.Sprintf("%#v", pt), fmt.Sprintf("%#v", wp); a != b {
				t.Errorf("%s: point %d:\n%s\nworker's:\n%s", f, i, a, b)
			}
			n, p := w.PointSeeds(i, 7)
			if wn, wp := s.PointSeeds(i, 7); n != wn || p != wp || w.PointKey(i) != s.PointKey(i) {
				t.Errorf("%s: point %d: worker's seeds or key differ", f, i)
			}
		}
	}
	bad := sirText("bad", `"process.beta" = [0.1, -1.0, 0.3]`)
	_, want := Parse("bad.toml", bad)
	_, got := ParseWorker("bad.toml", bad)
	if want == nil || got == nil || got.Error() != want.Error() {
		t.Errorf("worker's errors %v, want %v", got, want)
	}
}

// coupledText is a spec of coupled points: bond percolation on G(n,p),
// whose occupations share their draws, over two networks.
const coupledText = `name = "coupled"
seed = 3
repetitions = 3
[network]
generator = "er"
n = 300
mean_degree = 3.0
[process]
model = "%s"
occupation = 0.5
%s
[sweep]
"network.mean_degree" = [2.0, 4.0]
"process.occupation" = { start = 0.2, stop = 0.8, num = 7 }
`

// TestCoupledAlone checks that a coupled point's metrics do not depend on
// which other points of its group run in the same pass (the runner couples
// the points whose models it holds), and that a worker's spec runs them
// the same: each point run alone by a fresh runner on a worker's spec
// gives the values of a runner that ran every point, repetition by
// repetition.
func TestCoupledAlone(t *testing.T) {
	for _, c := range []struct{ model, extra string }{
		{"bond_percolation", ""},
		{"site_percolation", ""},
		{"bond_percolation", "immunise = 0.1"},
	} {
		text := fmt.Appendf(nil, coupledText, c.model, c.extra)
		s, err := Parse("coupled.toml", text)
		if err != nil {
			t.Fatal(err)
		}
		w, err := ParseWorker("coupled.toml", text)
		if err != nil {
			t.Fatal(err)
		}
		all := s.NewRunner()
		width := len(s.Layout().Metrics)
		want := map[[2]int][]float64{}
		for rep := range s.Repetitions {
			for p := range s.NumPoints() {
				out := make([]float64, width)
				if err := all.Run(p, rep, out); err != nil {
					t.Fatal(err)
				}
				want[[2]int{p, rep}] = out
			}
		}
		for p := range s.NumPoints() {
			alone := w.NewRunner()
			for rep := range s.Repetitions {
				out := make([]float64, width)
				if err := alone.Run(p, rep, out); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(out, want[[2]int{p, rep}]) {
					t.Errorf("%s %s: point %d rep %d alone: %v, with the others %v", c.model, c.extra, p, rep, out, want[[2]int{p, rep}])
				}
			}
		}
	}
}

// TestWorkerBytesFlat checks that a worker's spec, and a runner that ran
// a task's points, keep nothing per point of the grid: the live heap
// after parsing 10^5 points and running 32 of them is that of 10^3 points
// (within 64 kB).
func TestWorkerBytesFlat(t *testing.T) {
	set := func(n int) (*Spec, *Runner) {
		s, err := ParseWorker("w.toml", gridText(n))
		if err != nil {
			t.Fatal(err)
		}
		r := s.NewRunner()
		out := make([]float64, len(s.Layout().Metrics))
		for p := n / 2; p < n/2+32; p++ {
			if err := r.Run(p, 0, out); err != nil {
				t.Fatal(err)
			}
		}
		return s, r
	}
	before := liveBytes()
	s1, r1 := set(1000)
	mid := liveBytes()
	s2, r2 := set(100000)
	after := liveBytes()
	small, large := int64(mid-before), int64(after-mid)
	t.Logf("live heap of a worker: %d bytes at 10^3 points, %d at 10^5", small, large)
	if large-small > 64<<10 {
		t.Errorf("a worker's heap grows with the grid: %d bytes at 10^3 points, %d at 10^5", small, large)
	}
	runtime.KeepAlive(s1)
	runtime.KeepAlive(r1)
	runtime.KeepAlive(s2)
	runtime.KeepAlive(r2)
}

// TestParallelParse checks that cutting the points into ranges checked and
// identified in parallel changes nothing: for every example, and for
// grids whose network groups span ranges, the table, the memory
// estimate, the notes, the network files and the errors are those of one
// pass.
func TestParallelParse(t *testing.T) {
	defer func(n, procs int) { parallelMin = n; runtime.GOMAXPROCS(procs) }(parallelMin, runtime.GOMAXPROCS(4))
	texts := map[string][]byte{}
	files, _ := filepath.Glob("../examples/*.toml")
	for _, f := range files {
		texts[f], _ = ReadFile(f)
	}
	texts["groups.toml"] = sirText("g", `"process.beta" = [0.1, 0.2, 0.3]
"network.mean_degree" = [1.0, 2.0, 3.0, 4.0]
"process.immunise" = [0.0, 0.2]`)
	texts["independent.toml"] = bytes.Replace(texts["groups.toml"], []byte("mean_degree = 2.0\n"), []byte("mean_degree = 2.0\nrealisations = \"independent\"\n"), 1)
	texts["bad.toml"] = bytes.Replace(texts["groups.toml"], []byte("[0.1, 0.2, 0.3]"), []byte("[0.1, -0.2, 0.3, -0.4]"), 1)
	parse := func(name string, text []byte, min int) string {
		parallelMin = min
		s, err := Parse(name, text)
		if err != nil {
			return "error: " + err.Error()
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%d %d %q %v\n", s.memBytes, s.memAt, s.Notes, s.NetworkFiles())
		for i := range s.table {
			fmt.Fprintf(&b, "%x %d %d %d %d\n", s.table[i].key, s.table[i].networkSeed, s.table[i].processSeed, s.table[i].network, s.table[i].next)
		}
		return b.String()
	}
	for name, text := range texts {
		one := parse(name, text, 1<<30)
		for _, min := range []int{2, 3} {
			if cut := parse(name, text, min); cut != one {
				t.Errorf("%s cut into ranges (parallelMin %d):\n%s\none pass:\n%s", name, min, cut, one)
			}
		}
		if name == "bad.toml" && !strings.HasPrefix(one, "error: ") {
			t.Errorf("%s: %s", name, one)
		}
	}
}

// TestCurveTaskOnePass: a task of a percolation curve of more points than
// a runner keeps by default (maxModels) runs one coupled pass and builds
// one network a repetition once StartTask has set up its points: no model
// is set up again and no pass repeats (each pass allocates its outputs, a
// model's setup more), as they did when the model cache started over in
// the middle of the curve.
func TestCurveTaskOnePass(t *testing.T) {
	text := "name = \"curve\"\nseed = 5\nrepetitions = 4\n\n[network]\ngenerator = \"er\"\nn = 300\nmean_degree = 3.0\n\n" +
		"[process]\nmodel = \"bond_percolation\"\noccupation = 0.5\n\n[sweep]\n\"process.occupation\" = { start = 0.02, stop = 1.0, num = 50 }\n"
	s, err := Parse("curve.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.TaskPoints(s.NetworkGroup(0)); got != 50 {
		t.Fatalf("TaskPoints: %d, want 50", got)
	}
	w, err := ParseWorker("curve.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	r := w.NewRunner()
	points := make([]int, 50)
	for i := range points {
		points[i] = i
	}
	r.StartTask(points)
	out := make([]float64, len(s.Layout().Metrics))
	rep := 0
	run := func() {
		for _, p := range points {
			if err := r.Run(p, rep, out); err != nil {
				t.Fatal(err)
			}
		}
		rep++
	}
	run() // buffers grow to the network's size
	// One pass allocates its map and one output a point (~52); a model's
	// setup allocates more than ten, a pass per point 50 times as much.
	if allocs := testing.AllocsPerRun(3, run); allocs > 120 {
		t.Errorf("%.0f allocations a repetition of a 50-point curve, want one pass's (~52)", allocs)
	}
}
