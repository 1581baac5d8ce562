package sim

import (
	"fmt"
	"testing"
)

func BenchmarkRegular(b *testing.B) {
	for _, k := range []int{4, 50} {
		for _, n := range []int{1e4, 1e5, 1e6} {
			if n*k > 1e7 {
				continue
			}
			b.Run(fmt.Sprintf("n=%d/k=%d", n, k), func(b *testing.B) {
				benchGenerate(b, NetworkConfig{Generator: "regular", N: n, K: k})
			})
		}
	}
}
