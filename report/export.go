package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

// Kinds of an export column.
const (
	KindFloat  = iota // float64; NaN is missing
	KindInt           // int64
	KindUint          // uint64
	KindString        // string
	KindBool          // bool
)

// ExportColumn is one column of an exported table.
type ExportColumn struct {
	Name string
	Kind int
}

// ExportTable is one table for tools that want one: the results (one row
// per point) or the raw values joined with their points' parameters (one
// row per repetition). A cell is a float64, int64, uint64, string or bool
// as its column's kind says, or nil where it is missing.
type ExportTable struct {
	Columns []ExportColumn
	Rows    [][]any
}

// paramColumns returns f's parameters as columns, typed by their values.
func paramColumns(f *File) []ExportColumn {
	cols := make([]ExportColumn, len(f.Params))
	for j, k := range f.Params {
		cols[j] = ExportColumn{Name: k, Kind: KindFloat}
		for i := range f.Points {
			switch f.Points[i].Params[k].(type) {
			case string:
				cols[j].Kind = KindString
			case bool:
				cols[j].Kind = KindBool
			}
		}
	}
	return cols
}

func paramCells(f *File, p *Point) []any {
	row := make([]any, len(f.Params))
	for j, k := range f.Params {
		row[j] = p.Params[k]
	}
	return row
}

// ResultsTable returns the results of f as a table: the parameters,
// reps, failed, given_reps (with a condition), then every statistic of
// every metric, as in results.csv.
func ResultsTable(f *File) *ExportTable {
	t := &ExportTable{Columns: paramColumns(f)}
	t.Columns = append(t.Columns, ExportColumn{"reps", KindInt}, ExportColumn{"failed", KindInt})
	if f.Given != nil {
		t.Columns = append(t.Columns, ExportColumn{"given_reps", KindInt})
	}
	stats := f.Stats()
	for _, m := range f.Metrics {
		for _, st := range stats {
			t.Columns = append(t.Columns, ExportColumn{m + "_" + st, KindFloat})
		}
	}
	for i := range f.Points {
		p := &f.Points[i]
		row := append(paramCells(f, p), p.Reps, p.Failed)
		if f.Given != nil {
			if p.GivenReps != nil {
				row = append(row, *p.GivenReps)
			} else {
				row = append(row, nil)
			}
		}
		for _, m := range f.Metrics {
			for _, st := range stats {
				if v := p.Metrics[m][st]; v != nil {
					row = append(row, float64(*v))
				} else {
					row = append(row, nil)
				}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// RawExportTable joins the raw values r with the parameters of their
// points in f: one row per repetition.
func RawExportTable(f *File, r *RawTable) (*ExportTable, error) {
	t := &ExportTable{Columns: paramColumns(f)}
	t.Columns = append(t.Columns, ExportColumn{"point", KindInt}, ExportColumn{"point_key", KindString}, ExportColumn{"rep", KindInt},
		ExportColumn{"network_seed", KindUint}, ExportColumn{"process_seed", KindUint}, ExportColumn{"failed", KindBool})
	for _, m := range r.Metrics {
		t.Columns = append(t.Columns, ExportColumn{m, KindFloat})
	}
	for _, rr := range r.Rows {
		if rr.Point < 0 || rr.Point >= len(f.Points) {
			return nil, fmt.Errorf("raw values of point %d, but the results have %d points: run collect or the campaign again", rr.Point, len(f.Points))
		}
		row := append(paramCells(f, &f.Points[rr.Point]), int64(rr.Point), rr.Key, int64(rr.Rep), rr.NetworkSeed, rr.ProcessSeed, rr.Failed)
		for _, v := range rr.Values {
			if math.IsNaN(v) {
				row = append(row, nil)
			} else {
				row = append(row, v)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// WriteCSV writes t as CSV: numbers in the shortest form that reads back
// exactly, missing cells empty.
func (t *ExportTable) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	cw.Write(header)
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, v := range row {
			switch v := v.(type) {
			case nil:
				rec[i] = ""
			case float64:
				rec[i] = FormatFloat(v)
				if math.IsNaN(v) {
					rec[i] = ""
				}
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			case uint64:
				rec[i] = strconv.FormatUint(v, 10)
			default:
				rec[i] = formatParam(v)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// WriteParquet writes t as Parquet, every column optional (null where a
// cell is missing), in its order.
func (t *ExportTable) WriteParquet(w io.Writer) error {
	g := make(orderedGroup, len(t.Columns))
	for i, c := range t.Columns {
		var n parquet.Node
		switch c.Kind {
		case KindFloat:
			n = parquet.Leaf(parquet.DoubleType)
		case KindInt:
			n = parquet.Int(64)
		case KindUint:
			n = parquet.Uint(64)
		case KindString:
			n = parquet.String()
		case KindBool:
			n = parquet.Leaf(parquet.BooleanType)
		}
		g[i] = orderedField{c.Name, parquet.Optional(n)}
	}
	pw := parquet.NewWriter(w, parquet.NewSchema("netsweep", g),
		parquet.CreatedBy("netsweep", "export-1", ""), parquet.Compression(&parquet.Zstd))
	rows := make([]parquet.Row, 0, len(t.Rows))
	for _, r := range t.Rows {
		row := make(parquet.Row, len(r))
		for i, v := range r {
			var pv parquet.Value
			switch v := v.(type) {
			case float64:
				if !math.IsNaN(v) {
					pv = parquet.DoubleValue(v)
				}
			case int64:
				pv = parquet.Int64Value(v)
			case uint64:
				pv = parquet.Int64Value(int64(v))
			case string:
				pv = parquet.ByteArrayValue([]byte(v))
			case bool:
				pv = parquet.BooleanValue(v)
			case nil:
			default:
				return fmt.Errorf("report: export cell %v of column %s: unexpected type %T", v, t.Columns[i].Name, v)
			}
			def := 1
			if pv.IsNull() {
				def = 0
			}
			row[i] = pv.Level(0, def, i)
		}
		rows = append(rows, row)
	}
	if _, err := pw.WriteRows(rows); err != nil {
		return fmt.Errorf("could not encode Parquet: %w", err)
	}
	return pw.Close()
}

// Encode returns t in format "csv" or "parquet".
func (t *ExportTable) Encode(format string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch format {
	case "csv":
		err = t.WriteCSV(&buf)
	case "parquet":
		err = t.WriteParquet(&buf)
	default:
		err = fmt.Errorf("--format %s: choose csv or parquet", format)
	}
	return buf.Bytes(), err
}
