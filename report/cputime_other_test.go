//go:build !unix

package report

// cpuSeconds is unavailable here; benchmarks then skip their CPU-time rate.
func cpuSeconds() float64 { return 0 }
