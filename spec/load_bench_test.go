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
		text := []byte(fmt.Sprintf(`name = "big"
seed = 1
repetitions = 1
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
`, n))
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
