package sim

import (
	"fmt"
	"testing"
)

func BenchmarkGnm(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%d/edges=%d", n, 5*n/2), func(b *testing.B) {
			benchGenerate(b, NetworkConfig{Generator: "gnm", N: n, Edges: 5 * n / 2})
		})
	}
}
