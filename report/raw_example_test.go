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
