package sim

import (
	"slices"
	"strings"
	"testing"
)

// TestNetworkMetrics measures a star on 5 nodes (degrees 4, 1, 1, 1, 1:
// <k> = 8/5, <k²> = 20/5; one component; no triangle; r = −1) and checks
// the selection rules.
func TestNetworkMetrics(t *testing.T) {
	var g Graph
	if err := g.buildFromPairs(5, []int32{0, 1, 0, 2, 0, 3, 0, 4}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c    NetworkConfig
		want []float64
	}{
		{NetworkConfig{Generator: "er"}, nil},
		{NetworkConfig{Generator: "er", Metrics: []string{"mean_k2", "mean_k"}}, []float64{1.6, 4}},
		{NetworkConfig{Generator: "configuration"}, []float64{1.6, 4}},
		{NetworkConfig{Generator: "configuration", Metrics: []string{}}, nil},
		{NetworkConfig{Generator: "ba", Metrics: []string{"mean_k2"}}, []float64{4}},
		// The star: one component, no triangle, r = −1, in table order.
		{NetworkConfig{Generator: "er", Metrics: []string{"assortativity", "clustering", "components", "giant", "mean_k"}}, []float64{1.6, 1, 1, 0, -1}},
	} {
		nm, err := tc.c.NewMetrics()
		if err != nil {
			t.Fatalf("%+v: %v", tc.c, err)
		}
		out := make([]float64, len(nm.Metrics())+1)
		out[len(out)-1] = -1
		nm.Measure(&g, out)
		fixed := make([]float64, len(out)-1)
		nm.MeasureFixed(&g, fixed)
		nm.MeasureFixed(&g, fixed)
		if !slices.Equal(fixed, out[:len(out)-1]) {
			t.Errorf("%+v: MeasureFixed wrote %v, Measure %v", tc.c, fixed, out)
		}
		if len(out)-1 != len(tc.want) || out[len(out)-1] != -1 {
			t.Errorf("%+v: wrote %v, want %v", tc.c, out, tc.want)
			continue
		}
		for i, w := range tc.want {
			if out[i] != w {
				t.Errorf("%+v: %s = %v, want %v", tc.c, nm.Metrics()[i].Name, out[i], w)
			}
		}
	}
	for _, bad := range [][]string{{"mean_k3"}, {"mean_k", "mean_k"}} {
		c := NetworkConfig{Generator: "er", N: 10, MeanDegree: 2, Metrics: bad}
		if _, err := c.New(); err == nil || !strings.Contains(err.Error(), "metrics") {
			t.Errorf("metrics %v: %v, want an error", bad, err)
		}
	}
}
