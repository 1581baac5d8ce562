package spec

import (
	"fmt"
	"testing"
)

// TestRunnerModelsBounded checks that a runner keeps the models of at most
// maxModels points, however many points of one network group it runs, and
// that setting models up again gives the same values (they are a cache).
func TestRunnerModelsBounded(t *testing.T) {
	const points = 5 * maxModels
	s, err := Parse("g.toml", fmt.Appendf(nil, `name = "g"
seed = 1
repetitions = 2
[network]
generator = "er"
n = 20
mean_degree = 2.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
seeds = 1
[sweep]
"process.beta" = { start = 0.1, stop = 0.9, num = %d }
`, points))
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
