package sim

import (
	"math/rand/v2"
	"testing"
)

// TestPercolationCoupled: one coupled pass over a sweep of occupations
// writes, for each, exactly what a run at that occupation alone writes from
// the same stream, for bond and site percolation, on graphs from empty to
// dense, with repeated and unsorted occupations and with whole curves.
func TestPercolationCoupled(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 60 {
		n := []int{0, 1, 2, 50, 400}[trial%5]
		var g Graph
		gen, err := NetworkSettings{Generator: "er", Params: Params{"n": int64(max(n, 1)), "mean_degree": min(0.5+6*rng.Float64(), float64(max(n, 1)-1))}}.New()
		if err != nil {
			t.Fatal(err)
		}
		if err := gen.Generate(&g, NewRand(uint64(trial))); err != nil {
			t.Fatal(err)
		}
		model := []string{"bond_percolation", "site_percolation"}[trial%2]
		var procs []Process
		var phis []float64
		// Every fourth trial is a whole curve, 60 occupations 1/60..1
		// (RunCoupled's lookup table then has cells of 1/1024, several of
		// them holding an occupation); the others pick a few, among them
		// some on the edge of a cell (0.25, 0.5, 0.75).
		m := 1 + rng.IntN(8)
		if trial%4 == 3 {
			m = 60
		}
		for i := range m {
			phi := []float64{0, 1, rng.Float64(), rng.Float64(), 0.5, 0.25, 0.75}[rng.IntN(7)]
			if m == 60 {
				phi = float64(i+1) / 60
			}
			proc, err := ProcessSettings{Model: model, Params: Params{"occupation": phi}}.New(g.N)
			if err != nil {
				t.Fatal(err)
			}
			procs, phis = append(procs, proc), append(phis, phi)
		}
		outs := make([][]float64, len(procs))
		for i := range outs {
			outs[i] = make([]float64, 1)
		}
		seed := uint64(1000 + trial)
		if err := procs[0].(Coupled).RunCoupled(&g, NewRand(seed), procs, outs); err != nil {
			t.Fatal(err)
		}
		for i, proc := range procs {
			alone := make([]float64, 1)
			if err := proc.Run(&g, NewRand(seed), alone); err != nil {
				t.Fatal(err)
			}
			if alone[0] != outs[i][0] {
				t.Errorf("%s, n=%d, occupation %v: coupled %v, alone %v", model, g.N, phis[i], outs[i][0], alone[0])
			}
		}
	}
}

// BenchmarkPercolationCoupled20 runs bond percolation at 20 occupations on
// G(n,p), n = 10^5, mean degree 5: coupled (one pass) against 20 runs.
func BenchmarkPercolationCoupled20(b *testing.B) {
	var g Graph
	gen, _ := NetworkSettings{Generator: "er", Params: Params{"n": int64(100000), "mean_degree": 5.0}}.New()
	gen.Generate(&g, NewRand(1))
	var procs []Process
	outs := make([][]float64, 20)
	for i := range 20 {
		proc, _ := ProcessSettings{Model: "bond_percolation", Params: Params{"occupation": float64(i+1) / 20}}.New(g.N)
		procs, outs[i] = append(procs, proc), make([]float64, 1)
	}
	b.Run("coupled", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			procs[0].(Coupled).RunCoupled(&g, NewRand(uint64(i)), procs, outs)
		}
	})
	b.Run("alone", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			for j, proc := range procs {
				proc.Run(&g, NewRand(uint64(i)), outs[j])
			}
		}
	})
}

// BenchmarkPercolationCoupled50 runs bond and site percolation at 50
// occupations spread over (0, 1] (0.02, 0.04, ..., 1) on G(n,p),
// n = 10^5, mean degree 5: coupled (one pass, the curve of a Newman–Ziff
// sweep) against 50 runs alone. Issue 15's goal: coupled at least 20×
// faster. Besides wall time each reports cpu-ns/op, the process's CPU
// time per operation, which the other processes on a shared machine
// disturb less.
func BenchmarkPercolationCoupled50(b *testing.B) {
	var g Graph
	gen, _ := NetworkSettings{Generator: "er", Params: Params{"n": int64(100000), "mean_degree": 5.0}}.New()
	gen.Generate(&g, NewRand(1))
	for _, model := range []string{"bond_percolation", "site_percolation"} {
		var procs []Process
		outs := make([][]float64, 50)
		for i := range 50 {
			proc, _ := ProcessSettings{Model: model, Params: Params{"occupation": float64(i+1) / 50}}.New(g.N)
			procs, outs[i] = append(procs, proc), make([]float64, 1)
		}
		b.Run(model+"/coupled", func(b *testing.B) {
			t0 := cpuSeconds()
			for i := 0; b.Loop(); i++ {
				procs[0].(Coupled).RunCoupled(&g, NewRand(uint64(i)), procs, outs)
			}
			b.ReportMetric((cpuSeconds()-t0)*1e9/float64(b.N), "cpu-ns/op")
		})
		b.Run(model+"/alone", func(b *testing.B) {
			t0 := cpuSeconds()
			for i := 0; b.Loop(); i++ {
				for j, proc := range procs {
					proc.Run(&g, NewRand(uint64(i)), outs[j])
				}
			}
			b.ReportMetric((cpuSeconds()-t0)*1e9/float64(b.N), "cpu-ns/op")
		})
	}
}
