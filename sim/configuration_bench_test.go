package sim

import (
	"fmt"
	"testing"
)

func BenchmarkConfiguration(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("poisson/n=%d/k=5", n), func(b *testing.B) {
			benchGenerate(b, NetworkConfig{Generator: "configuration", N: n, Degrees: "poisson", MeanDegree: 5})
		})
		b.Run(fmt.Sprintf("powerlaw/n=%d/exponent=2.5", n), func(b *testing.B) {
			benchGenerate(b, NetworkConfig{Generator: "configuration", N: n, Degrees: "powerlaw", Exponent: 2.5, KMin: 2})
		})
	}
	b.Run("poisson/n=10000/k=2/reject", func(b *testing.B) {
		benchGenerate(b, NetworkConfig{Generator: "configuration", N: 1e4, Degrees: "poisson", MeanDegree: 2, MultiEdges: "reject"})
	})
}
