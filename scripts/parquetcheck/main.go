// Command parquetcheck reads a netsweep raw.parquet (or an export) with
// an independent Parquet implementation, github.com/xitongsys/parquet-go,
// and prints its schema, row count and, per column, the first values and
// the sum and count of its numbers: a check that the file is readable by
// a reader other than the one netsweep writes it with.
//
// It is a module of its own, so that netsweep's go.mod does not carry
// this reader's dependencies:
//
//	cd scripts/parquetcheck && go run . ../../results/NAME/raw.parquet
package main

import (
	"fmt"
	"os"

	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: parquetcheck FILE.parquet")
		os.Exit(2)
	}
	if err := check(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "parquetcheck:", err)
		os.Exit(1)
	}
}

func check(path string) error {
	fr, err := local.NewLocalFileReader(path)
	if err != nil {
		return err
	}
	defer fr.Close()
	pr, err := reader.NewParquetColumnReader(fr, 1)
	if err != nil {
		return err
	}
	n := pr.GetNumRows()
	fmt.Println("rows", n)
	for _, se := range pr.SchemaHandler.SchemaElements[1:] {
		fmt.Printf("column %s: %v %v %v\n", se.Name, se.Type, se.ConvertedType, se.RepetitionType)
	}
	for _, col := range pr.SchemaHandler.ValueColumns {
		vals, _, _, err := pr.ReadColumnByPath(col, n)
		if err != nil {
			return fmt.Errorf("%s: %w", col, err)
		}
		var sum float64
		var cnt, nulls int
		for _, v := range vals {
			switch v := v.(type) {
			case float64:
				sum += v
				cnt++
			case int64:
				sum += float64(v)
				cnt++
			case nil:
				nulls++
			}
		}
		fmt.Printf("%s: %d values, first %v; %d numbers summing to %v, %d nulls\n", col, len(vals), vals[:min(3, len(vals))], cnt, sum, nulls)
	}
	return nil
}
