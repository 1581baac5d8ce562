package sim

import (
	"math"
	"testing"
)

// TestExpZig compares expZig's empirical CDF with 1 - exp(-x) at many
// points (a Kolmogorov–Smirnov bound: with 10^6 draws the largest gap of a
// correct sampler stays below 2/sqrt(n) = 0.002 with probability > 0.9999)
// and its first two moments with those of Exp(1) (mean 1, E[x²] = 2).
func TestExpZig(t *testing.T) {
	const n = 1 << 20
	const bins = 4000
	const width = 0.005 // bins cover [0, 20)
	var hist [bins + 1]int
	r := NewRand(5)
	var s1, s2 float64
	for range n {
		x := expZig(r)
		if !(x >= 0) {
			t.Fatalf("bad variate %g", x)
		}
		s1 += x
		s2 += x * x
		hist[min(int(x/width), bins)]++
	}
	cum, worst := 0, 0.0
	for b := range bins {
		cum += hist[b]
		gap := math.Abs(float64(cum)/n - (1 - math.Exp(-float64(b+1)*width)))
		worst = max(worst, gap)
	}
	if worst > 2/math.Sqrt(n) {
		t.Errorf("largest CDF gap %g, want < %g", worst, 2/math.Sqrt(n))
	}
	// sd of the mean of Exp(1) is 1/sqrt(n); of x² it is sqrt(20)/sqrt(n).
	if m := s1 / n; math.Abs(m-1) > 5/math.Sqrt(n) {
		t.Errorf("mean %g, want 1", m)
	}
	if m := s2 / n; math.Abs(m-2) > 5*math.Sqrt(20.0/n) {
		t.Errorf("E[x²] %g, want 2", m)
	}
	// The tail beyond the ziggurat's base x = zigR: P = exp(-zigR).
	tail, first := 0, int(math.Floor(zigR/width))
	for b := first; b <= bins; b++ {
		tail += hist[b]
	}
	want := n * math.Exp(-float64(first)*width)
	if math.Abs(float64(tail)-want) > 5*math.Sqrt(want) {
		t.Errorf("%d draws beyond %g, want %g", tail, zigR, want)
	}
}

func BenchmarkExpZig(b *testing.B) {
	r := NewRand(1)
	var s float64
	for b.Loop() {
		s += expZig(r)
	}
	_ = s
}

func BenchmarkExpLog(b *testing.B) {
	r := NewRand(1)
	var s float64
	for b.Loop() {
		s += r.Exp()
	}
	_ = s
}

// TestExpZigTail checks the rarely used tail branch: beyond zigR the excess
// x - zigR of an Exp(1) variate is again Exp(1) (memorylessness), so its
// mean is 1 and its sd 1.
func TestExpZigTail(t *testing.T) {
	r := NewRand(9)
	var k int
	var s float64
	for range 1 << 24 {
		if x := expZig(r); x > zigR {
			k++
			s += x - zigR
		}
	}
	if m := s / float64(k); math.Abs(m-1) > 5/math.Sqrt(float64(k)) {
		t.Errorf("mean excess beyond %g is %g over %d draws, want 1", zigR, m, k)
	}
}
