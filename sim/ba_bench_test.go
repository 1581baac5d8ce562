package sim

import (
	"fmt"
	"testing"
)

func BenchmarkBA(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%d/m=3", n), func(b *testing.B) {
			benchGenerate(b, NetworkConfig{Generator: "ba", N: n, M: 3})
		})
	}
}
