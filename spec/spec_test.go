package spec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestBadSpecs checks every malformed spec of the corpus in testdata/bad:
// each is rejected with one clear message naming the file, the line and
// the key with its value.
func TestBadSpecs(t *testing.T) {
	var want map[string]struct {
		Line     int
		Contains string
	}
	data, err := os.ReadFile("testdata/bad/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/bad/*.toml")
	if len(files) < 15 || len(files) != len(want) {
		t.Fatalf("%d bad specs, %d expectations: every file needs one", len(files), len(want))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".toml")
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for %s", path)
			}
			s, err := Load(path)
			if err == nil {
				err = s.CheckMemory() // as validate and run do
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !IsSpecError(err) {
				t.Fatalf("not a spec error: %v", err)
			}
			msg := err.Error()
			first := strings.Split(msg, "\n")[0]
			prefix := path + ":"
			if w.Line > 0 {
				prefix = fmt.Sprintf("%s:%d: ", path, w.Line)
			}
			if !strings.HasPrefix(first, prefix) {
				t.Errorf("message %q does not start with %q", first, prefix)
			}
			if !strings.Contains(first, w.Contains) {
				t.Errorf("message %q does not contain %q", first, w.Contains)
			}
		})
	}
}

const good = `name = "grid"
seed = 7
repetitions = 3

[network]
generator = "er"
n = 100
mean_degree = 4.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0

[sweep]
"process.beta" = [0.1, 0.2]
network.mean_degree = { start = 1.0, stop = 3.0, num = 3 }
`

func TestGridOrder(t *testing.T) {
	s, err := Parse("good.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(s.Params, ","), "process.beta,network.mean_degree"; got != want {
		t.Fatalf("params %s, want %s", got, want)
	}
	var got []string
	for _, p := range s.Points() {
		got = append(got, fmt.Sprint(p.Values...))
		if p.Process.Params["beta"] != p.Values[0].(float64) || p.Network.Params["mean_degree"] != p.Values[1].(float64) {
			t.Errorf("point %d: values %v not applied: beta %v mean_degree %v", p.Index, p.Values, p.Process.Params["beta"], p.Network.Params["mean_degree"])
		}
	}
	want := []string{"0.1 1", "0.1 2", "0.1 3", "0.2 1", "0.2 2", "0.2 3"}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("grid %v, want %v (last key fastest)", got, want)
	}
	if s.Seed != 7 || s.Repetitions != 3 || s.Runs() != 18 || s.Output.Dir != filepath.Join("results", "grid") {
		t.Errorf("seed %d reps %d runs %d dir %s", s.Seed, s.Repetitions, s.Runs(), s.Output.Dir)
	}
}

func TestPointsDesign(t *testing.T) {
	text := strings.Replace(good, `[sweep]
"process.beta" = [0.1, 0.2]
network.mean_degree = { start = 1.0, stop = 3.0, num = 3 }
`, `[[points]]
"process.beta" = 0.3

[[points]]
"network.n" = 50
"process.beta" = 0.4
`, 1)
	s, err := Parse("points.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Params, ","); got != "process.beta,network.n" {
		t.Fatalf("params %s", got)
	}
	if s.NumPoints() != 2 {
		t.Fatalf("%d points", s.NumPoints())
	}
	// A point that does not set a parameter shows the base value.
	if v := s.Point(0).Values[1]; v != int64(100) {
		t.Errorf("point 0 network.n = %v, want the base 100", v)
	}
	if s.Point(1).Network.N() != 50 || s.Point(1).Process.Params["beta"] != 0.4 {
		t.Errorf("point 1: %+v %+v", s.Point(1).Network, s.Point(1).Process)
	}
}

func TestLogRange(t *testing.T) {
	text := strings.Replace(good, `network.mean_degree = { start = 1.0, stop = 3.0, num = 3 }`, `network.mean_degree = { start = 1.0, stop = 16.0, num = 3, log = true }`, 1)
	s, err := Parse("log.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{1, 4, 16} {
		if got := s.Point(i).Network.Params["mean_degree"].(float64); got < want*(1-1e-12) || got > want*(1+1e-12) {
			t.Errorf("value %d = %v, want %v", i, got, want)
		}
	}
}

func TestLineIndex(t *testing.T) {
	idx := indexLines([]byte(good))
	for key, want := range map[string]int{
		"name":                      1,
		"network.n":                 7,
		"process.beta":              12,
		"sweep.process.beta":        16,
		"sweep.network.mean_degree": 17,
		"network.unknown":           5, // falls back to the table
	} {
		if got := idx.line(key); got != want {
			t.Errorf("line(%s) = %d, want %d", key, got, want)
		}
	}
}

// TestExamples checks that every example spec a user copies is valid.
func TestExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// Bounds of FuzzParse on what Load may spend on one input: allocation
// proportional to the text plus a constant, and time. The grid is capped
// at fuzzMaxPoints, since the points' own cost (BENCHMARKS.md, "Spec
// validation of large grids") is not the text's.
const (
	fuzzMaxPoints     = 64
	fuzzBytesPerByte  = 2048     // allocated per byte of input
	fuzzConstantBytes = 64 << 20 // and at most this besides
	fuzzMaxTime       = 5 * time.Second
)

// FuzzParse feeds the whole loader arbitrary text: it must accept it with
// points and a layout or refuse it as a spec error, never panic, and stay
// within the bounds above.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	files, _ := filepath.Glob("testdata/bad/*.toml")
	examples, _ := filepath.Glob("../examples/*.toml")
	for _, p := range append(files, examples...) {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	defer func(n int) { maxPoints = n }(maxPoints)
	maxPoints = fuzzMaxPoints
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		s, err := Parse("fuzz.toml", data)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if err == nil && (s.NumPoints() == 0 || s.Layout() == nil) {
			t.Fatalf("accepted a spec with no points or no layout")
		}
		if err != nil && !IsSpecError(err) {
			t.Fatalf("error of another kind: %v", err)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		if bound := uint64(fuzzConstantBytes + fuzzBytesPerByte*len(data)); alloc > bound {
			t.Errorf("%d bytes of input allocated %d bytes, more than %d", len(data), alloc, bound)
		}
		if took > fuzzMaxTime {
			t.Errorf("%d bytes of input took %v, more than %v", len(data), took, fuzzMaxTime)
		}
	})
}

func TestRangeValuesAreRound(t *testing.T) {
	text := strings.Replace(good, `network.mean_degree = { start = 1.0, stop = 3.0, num = 3 }`, `network.mean_degree = { start = 0.3, stop = 0.9, num = 7 }`, 1)
	s, err := Parse("round.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
		if got := s.Point(i).Values[1]; got != want {
			t.Errorf("value %d = %v, want %v", i, got, want)
		}
	}
}

// TestCampaignID: a campaign's identity is its seed and result format
// alone, so a spec grows in its directory; what decides a point's results
// changes its key, and nothing else does.
func TestCampaignID(t *testing.T) {
	base, err := Parse("a.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	keys := func(s *Spec) string {
		var k []string
		for _, p := range s.Points() {
			k = append(k, p.Key)
		}
		return strings.Join(k, ",")
	}
	edits := []struct {
		text               string
		sameID, samePoints bool
	}{
		{strings.Replace(good, `name = "grid"`, `name = "other"`, 1), true, true},
		{good + "\n[cluster]\ntime = \"01:00:00\"\npartition = \"debug\"\n", true, true},
		{good + "\n[output]\ndir = \"elsewhere\"\n", true, true},
		{good + "\n[output]\nmoments = true\ngiven = { final_size = 1 }\n", true, true},
		{strings.Replace(good, "repetitions = 3", "repetitions = 4", 1), true, true},
		{strings.Replace(good, "seed = 7", "seed = 8", 1), false, true},
		{strings.Replace(good, "gamma = 1.0", "gamma = 2.0", 1), true, false},
		{good + "\n[output.bins]\nfinal_size = { lo = 0.0, hi = 1.0, bins = 10 }\n", true, false},
		{strings.Replace(good, "mean_degree = 4.0", "mean_degree = 4.0\nmetrics = [\"mean_k\"]", 1), true, false},
		{strings.Replace(good, "n = 100", "n = 100\nrealisations = \"independent\"", 1), true, false},
		{strings.Replace(good, "n = 100", "n = 100\nrealisations = \"shared\"", 1), true, true},
	}
	// A journal names its campaign by this ID: a new version of netsweep
	// that computed another one for the same spec would refuse to resume
	// the campaigns of the last. Change it only with spec.ResultFormat.
	if want := "caf94880f511fc1d1d9a1cc680eb2f92a2e62a5de3bcdb41cae2ce933cb2d462"; base.CampaignID != want {
		t.Errorf("campaign ID %s, want %s as in earlier versions of format %d", base.CampaignID, want, ResultFormat)
	}
	for _, e := range edits {
		s, err := Parse("b.toml", []byte(e.text))
		if err != nil {
			t.Fatal(err)
		}
		if (s.CampaignID == base.CampaignID) != e.sameID || (keys(s) == keys(base)) != e.samePoints {
			t.Errorf("same campaign = %v, same point keys = %v; want %v, %v for:\n%s", s.CampaignID == base.CampaignID, keys(s) == keys(base), e.sameID, e.samePoints, e.text)
		}
	}
}

// TestControlCharactersQuoted: a key or value holding a line break or an
// ANSI escape is shown escaped, each error on one line, never raw.
func TestControlCharactersQuoted(t *testing.T) {
	text := "name = \"x\"\nseed = 1\nrepetitions = 1\n\"evil\\u001b[31mkey\\nline\" = 3\n[network]\ngenerator = \"er\"\nn = 10\nmean_degree = 2.0\n[process]\nmodel = \"sir\"\nbeta = 0.5\ngamma = 1.0\n\"p\\nq\" = \"a\\u001bb\"\n"
	_, err := Parse("ctl.toml", []byte(text))
	if err == nil {
		t.Fatal("accepted unknown keys")
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\x1b\r") || strings.Count(msg, "\n") != 1 {
		t.Fatalf("raw control characters in:\n%q", msg)
	}
	for _, want := range []string{`"evil\x1b[31mkey\nline" = 3: unknown key`, `"process.p\nq" = "a\x1bb": unknown key`} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}
