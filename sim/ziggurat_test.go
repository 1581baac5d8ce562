package sim

import (
	"math"
	"slices"
	"testing"
)

// TestExpZig checks the ziggurat exponential against the Exp(1) law: the
// Kolmogorov–Smirnov distance of 10^6 draws below 1.95/sqrt(N) (the 0.1%
// critical value), the tail beyond the ziggurat's base x > 7.697 and the
// wedge region 2 < x < 3 within 4 binomial SEs, and the mean within 4 SEs.
func TestExpZig(t *testing.T) {
	const n = 1_000_000
	r := NewRand(42)
	x := make([]float64, n)
	for i := range x {
		x[i] = expZig(r)
	}
	slices.Sort(x)
	d := 0.0
	for i, v := range x {
		f := 1 - math.Exp(-v)
		d = max(d, math.Abs(f-float64(i)/n), math.Abs(f-float64(i+1)/n))
	}
	if crit := 1.95 / math.Sqrt(n); d > crit {
		t.Errorf("KS distance %.5f exceeds %.5f", d, crit)
	}
	tail, mid := 0.0, 0.0
	for _, v := range x {
		if v > zigExpR {
			tail++
		}
		if v > 2 && v < 3 {
			mid++
		}
	}
	checkProbabilities(t, "P(x>r)", []float64{math.Exp(-zigExpR)}, []float64{tail}, n)
	checkProbabilities(t, "P(2<x<3)", []float64{math.Exp(-2) - math.Exp(-3)}, []float64{mid}, n)
	mean, _ := meanSD(x)
	checkMean(t, "mean", mean, 1, 1, n)
}

func BenchmarkExpZig(b *testing.B) {
	r := NewRand(1)
	s := 0.0
	for b.Loop() {
		s += expZig(r)
	}
	_ = s
}

func BenchmarkExpLog(b *testing.B) {
	r := NewRand(1)
	s := 0.0
	for b.Loop() {
		s += r.Exp()
	}
	_ = s
}
