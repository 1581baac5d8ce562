package sim

import (
	"fmt"
	"testing"
)

func BenchmarkWS(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%d/k=6/rewire=0.1", n), func(b *testing.B) {
			benchGenerate(b, NetworkConfig{Generator: "ws", N: n, K: 6, Rewire: 0.1})
		})
	}
}
