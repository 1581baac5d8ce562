package spec

import (
	"math"
	"strings"
	"testing"
)

const momentsSpec = `name = "moments"
seed = 11
repetitions = 400

[network]
generator = "er"
n = 2000
mean_degree = 4.0
metrics = ["mean_k2", "mean_k"]

[process]
model = "sir"
beta = 0.5
gamma = 1.0
metrics = ["final_size"]
`

func metricNames(s *Spec) []string {
	var out []string
	for _, m := range s.Metrics {
		out = append(out, m.Name)
	}
	return out
}

// TestNetworkMetricsSelection: the configuration model reports both degree
// moments unless told otherwise, other generators only when asked, after
// the process's metrics and in table order.
func TestNetworkMetricsSelection(t *testing.T) {
	conf := strings.Replace(momentsSpec, "generator = \"er\"\nn = 2000\nmean_degree = 4.0\nmetrics = [\"mean_k2\", \"mean_k\"]",
		"generator = \"configuration\"\nn = 2000\ndegrees = \"poisson\"\nmean_degree = 4.0", 1)
	for _, tc := range []struct {
		name, text, want string
	}{
		{"er, both asked", momentsSpec, "final_size mean_k mean_k2"},
		{"er, none asked", strings.Replace(momentsSpec, "metrics = [\"mean_k2\", \"mean_k\"]\n", "", 1), "final_size"},
		{"configuration, default", conf, "final_size mean_k mean_k2"},
		{"configuration, none", strings.Replace(conf, "mean_degree = 4.0\n", "mean_degree = 4.0\nmetrics = []\n", 1), "final_size"},
	} {
		s, err := Parse("moments.toml", []byte(tc.text))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := strings.Join(metricNames(s), " "); got != tc.want {
			t.Errorf("%s: metrics %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestNetworkMetricsValues compares the realised moments of G(n,p) with
// their expectations, <k> = (n-1)p and <k²> = (n-1)p(1-p) + ((n-1)p)²
// (the binomial degree's), over 400 repetitions: a metric written to the
// wrong column, or of the wrong graph, is off by far more than 5 standard
// errors.
func TestNetworkMetricsValues(t *testing.T) {
	s, err := Parse("moments.toml", []byte(momentsSpec))
	if err != nil {
		t.Fatal(err)
	}
	r := s.NewRunner()
	out := make([]float64, len(s.Metrics))
	var sum, sq [3]float64
	for rep := range s.Repetitions {
		if err := r.Run(0, rep, out); err != nil {
			t.Fatal(err)
		}
		if !(out[0] > 0 && out[0] <= 1) {
			t.Fatalf("repetition %d: final_size %v is not a fraction: the process's metric is not in its column", rep, out[0])
		}
		for i, x := range out {
			sum[i] += x
			sq[i] += x * x
		}
	}
	n, p := 2000.0, 4.0/1999
	want := [3]float64{math.NaN(), (n - 1) * p, (n-1)*p*(1-p) + (n-1)*p*(n-1)*p}
	reps := float64(s.Repetitions)
	for i := 1; i < 3; i++ {
		mean := sum[i] / reps
		sem := math.Sqrt((sq[i]/reps - mean*mean) / (reps - 1))
		if math.Abs(mean-want[i]) > 5*sem || sem == 0 {
			t.Errorf("%s: mean %.5f ± %.5f over %d repetitions, want %.5f", s.Metrics[i].Name, mean, sem, s.Repetitions, want[i])
		}
	}
}
