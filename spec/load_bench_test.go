package spec

import (
	"fmt"
	"testing"
)

// BenchmarkLoadGrid measures validating (Parse) a spec whose [sweep] is
// one range of n points, the cost that 'netsweep validate' of a large grid
// pays; see BENCHMARKS.md, "Spec validation of large grids".
func BenchmarkLoadGrid(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5} {
		text := gridText(n)
		b.Run(fmt.Sprintf("points=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("big.toml", text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
