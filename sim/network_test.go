package sim

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestGeneratorKeys checks every registered generator's key list against
// NetworkConfig's toml tags, so a typo cannot hide a key from the spec.
func TestGeneratorKeys(t *testing.T) {
	tags := map[string]bool{}
	typ := reflect.TypeFor[NetworkConfig]()
	for i := range typ.NumField() {
		tags[strings.Split(typ.Field(i).Tag.Get("toml"), ",")[0]] = true
	}
	want := []string{"ba", "clustered", "configuration", "er", "file", "gnm", "regular", "rewire", "sbm", "ws"}
	if got := GeneratorNames(); !slices.Equal(got, want) {
		t.Errorf("generators %v, want %v", got, want)
	}
	for _, name := range GeneratorNames() {
		keys, _ := GeneratorKeys(name)
		if !slices.Contains(keys, "n") {
			t.Errorf("%s: keys %v lack n", name, keys)
		}
		for _, k := range keys {
			if !tags[k] || k == "generator" {
				t.Errorf("%s: key %q is not a [network] field", name, k)
			}
		}
		if GeneratorDoc(name) == "" {
			t.Errorf("%s: no doc line", name)
		}
	}
}

// TestMemoryBytes checks each generator's memory estimate against what a
// fresh graph holds after one generation: within a factor of two.
func TestMemoryBytes(t *testing.T) {
	for _, c := range []NetworkConfig{
		{Generator: "er", N: 20000, MeanDegree: 6},
		{Generator: "gnm", N: 20000, Edges: 60000},
		{Generator: "regular", N: 20000, K: 6},
		{Generator: "regular", N: 2000, K: 60},
		{Generator: "configuration", N: 20000, Degrees: "poisson", MeanDegree: 6},
		{Generator: "configuration", N: 20000, Degrees: "poisson", MeanDegree: 2, MultiEdges: "reject"},
		{Generator: "configuration", N: 20000, Degrees: "powerlaw", Exponent: 2.5, KMin: 3},
		{Generator: "configuration", N: 4, Degrees: "list", DegreeList: []int{1, 2, 1, 2}},
		{Generator: "ba", N: 20000, M: 3},
		{Generator: "ws", N: 20000, K: 6, Rewire: 0.2},
		{Generator: "ws", N: 20000, K: 6},
		{Generator: "clustered", N: 20000, Singles: 2, Triangles: 1.5},
		{Generator: "sbm", N: 20000, Sizes: []int{5000, 15000}, BlockMeans: []float64{6, 1, 1.0 / 3, 4}},
	} {
		g := generate(t, c, 1)
		est, got := c.MemoryBytes(), g.Bytes()
		if est < got/2 || est > 2*got {
			t.Errorf("%+v: estimate %d bytes, graph holds %d", c, est, got)
		}
	}
}
