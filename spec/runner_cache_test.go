package spec

import (
	"bytes"
	"fmt"
	"testing"
)

// TestRunnerModelsBounded checks that a runner keeps the models of at most
// maxModels points, however many points of one network group it runs, and
// that setting models up again gives the same values (they are a cache).
func TestRunnerModelsBounded(t *testing.T) {
	const points = 5 * maxModels
	s, err := Parse("g.toml", bytes.Replace(gridText(points), []byte("repetitions = 1"), []byte("repetitions = 2"), 1))
	if err != nil {
		t.Fatal(err)
	}
	r, fresh := s.NewRunner(), s.NewRunner()
	out := make([]float64, len(s.Layout().Metrics))
	want := make([]float64, len(out))
	for rep := range 2 {
		for p := range points {
			if err := r.Run(p, rep, out); err != nil {
				t.Fatal(err)
			}
			if len(r.models) > maxModels {
				t.Fatalf("the runner keeps the models of %d points", len(r.models))
			}
			if p%37 == 0 {
				fresh.models = nil
				if err := fresh.Run(p, rep, want); err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(out) != fmt.Sprint(want) {
					t.Errorf("point %d rep %d: %v, from fresh models %v", p, rep, out, want)
				}
			}
		}
	}
}
