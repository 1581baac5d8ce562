package spec

import (
	"strings"
	"testing"
)

const compartmentalSpec = `name = "seir"
seed = 5
repetitions = 2

[network]
generator = "er"
n = 200
mean_degree = 4.0

[process]
model = "compartmental"
compartments = ["S", "E", "I", "R"]
transitions = ["S -> E : beta * I", "E -> I : sigma", "I -> R : gamma"]
beta = 0.5
sigma = 1.0
gamma = 1.0
initial = ["I"]
initial_count = [2]

[sweep]
"process.sigma" = [0.5, 2.0]
`

// TestCompartmentalSpec: a compartmental model's rates sweep like any
// key, each point keeping its own canonical key, and a model in which
// nothing can move is a note, not an error.
func TestCompartmentalSpec(t *testing.T) {
	s, err := Parse("seir.toml", []byte(compartmentalSpec))
	if err != nil {
		t.Fatal(err)
	}
	if s.NumPoints() != 2 || s.Point(0).Key == s.Point(1).Key {
		t.Fatalf("%d points, keys %v %v", s.NumPoints(), s.PointKey(0), s.PointKey(1))
	}
	for i, want := range []float64{0.5, 2} {
		if got := s.Point(i).Process.Params["sigma"]; got != want {
			t.Errorf("point %d: sigma %v, want %v", i, got, want)
		}
	}
	if len(s.Notes) != 0 {
		t.Errorf("notes %q", s.Notes)
	}
	zero := strings.NewReplacer("beta = 0.5", "beta = 0.0", "sigma = 1.0", "sigma = 0.0", "gamma = 1.0", "gamma = 0.0",
		`"process.sigma" = [0.5, 2.0]`, `"process.sigma" = [0.0]`).Replace(compartmentalSpec)
	s, err = Parse("zero.toml", []byte(zero))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "nothing moves") {
		t.Errorf("notes %q, want one saying nothing moves", s.Notes)
	}
}
