package report_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/netsweep/netsweep/report"
)

// ExampleWriteRawRows streams three repetitions of one point into a
// raw.parquet, the third failed, and reads them back.
func ExampleWriteRawRows() {
	dir, err := os.MkdirTemp("", "raw")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "raw.parquet")
	sizes := []float64{0.01, 0.62, math.NaN()}
	err = report.WriteRawRows(path, []string{"final_size"}, len(sizes), func(i int, r *report.RawRow) error {
		r.Point, r.Key, r.Rep = 0, "k0", i
		r.NetworkSeed, r.ProcessSeed = uint64(100+i), uint64(200+i)
		r.Values[0] = sizes[i]
		r.Failed = math.IsNaN(sizes[i])
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	t, err := report.ReadRaw(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range t.Rows {
		fmt.Println(r.Point, r.Rep, r.NetworkSeed, r.ProcessSeed, r.Failed, r.Values)
	}
	// Output:
	// 0 0 100 200 false [0.01]
	// 0 1 101 201 false [0.62]
	// 0 2 102 202 true [NaN]
}

// ExampleStartRawLayout encodes the layout of two points of two
// repetitions (keys and seeds) while their values are not yet known, as
// a campaign does while its repetitions run, then writes raw.parquet
// from runs that carry only the values, and reads it back.
func ExampleStartRawLayout() {
	dir, err := os.MkdirTemp("", "raw")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "raw.parquet")
	layout, err := report.StartRawLayout(path, report.RawLayout{
		Rows: 4, Reps: 2,
		Key: func(p int) string { return fmt.Sprintf("k%d", p) },
		NetworkSeeds: func(p, rep int, seeds []uint64) {
			for i := range seeds {
				seeds[i] = uint64(100 + rep + i) // both points share a network
			}
		},
		ProcessSeeds: func(p, rep int, seeds []uint64) {
			for i := range seeds {
				seeds[i] = uint64(200 + 10*p + rep + i)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer layout.Stop()

	// ... the repetitions run ...
	sizes := [][]float64{{0.01, 0.62}, {0.70, 0.68}} // per point
	p := 0
	err = layout.WriteFile([]string{"final_size"}, func(r *report.RawRun) error {
		r.Point, r.Rep = p, 0
		r.Failed = []bool{false, false}
		r.Values = [][]float64{sizes[p]}
		p++
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	t, err := report.ReadRaw(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range t.Rows {
		fmt.Println(r.Point, r.Key, r.Rep, r.NetworkSeed, r.ProcessSeed, r.Values)
	}
	// Output:
	// 0 k0 0 100 200 [0.01]
	// 0 k0 1 101 201 [0.62]
	// 1 k1 0 100 210 [0.7]
	// 1 k1 1 101 211 [0.68]
}
