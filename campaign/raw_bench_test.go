package campaign

import (
	"context"
	"testing"
)

// shortSpec is a campaign of 10^5 short repetitions (SIR on G(n,p) with
// n = 100: a few microseconds each), where the fixed cost of keeping
// raw values shows most (BENCHMARKS.md, issue 17).
const shortSpec = `
name = "short"
seed = 3
repetitions = 10000
[network]
generator = "er"
n = 100
mean_degree = 3.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
seeds = 1
metrics = ["final_size", "major"]
[sweep]
"process.beta" = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
`

// BenchmarkRunShort runs the short campaign on one worker, without and
// with [output] raw, and reports the process's CPU time per run
// (cpu-ms/op, steadier than wall time on a shared machine).
func BenchmarkRunShort(b *testing.B) {
	for _, bc := range []struct{ name, extra string }{
		{"plain", ""},
		{"raw", "[output]\nraw = [\"final_size\", \"major\"]\n"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := parse(b, shortSpec+bc.extra)
			var cpu0 float64
			for b.Loop() {
				if cpu0 == 0 {
					cpu0, _ = cpuTime()
				}
				if _, err := Run(context.Background(), b.TempDir(), s, Local(s, 1), RunOptions{Ranks: 1}); err != nil {
					b.Fatal(err)
				}
			}
			if cpu, ok := cpuTime(); ok && cpu0 > 0 {
				b.ReportMetric((cpu-cpu0)/float64(b.N)*1e3, "cpu-ms/op")
			}
		})
	}
}
