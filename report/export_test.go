package report

import (
	"bytes"
	"encoding/csv"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestExport(t *testing.T) {
	s, tab := fixture(t)
	dir := t.TempDir()
	if err := Write(dir, s, tab, Provenance{}); err != nil {
		t.Fatal(err)
	}
	f, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	res := ResultsTable(f)
	data, err := res.Encode("csv")
	if err != nil {
		t.Fatal(err)
	}
	// The CSV export is results.csv with missing values empty, not NaN.
	want := strings.ReplaceAll(string(CSV(s, tab)), "NaN", "")
	if string(data) != want {
		t.Errorf("CSV export:\n%s\nwant\n%s", data, want)
	}
	raw := &RawTable{Metrics: []string{"final_size"}, Rows: []RawRow{
		{Point: 0, Key: "k0", Rep: 0, NetworkSeed: 1, ProcessSeed: math.MaxUint64, Values: []float64{0.5}},
		{Point: 1, Key: "k1", Rep: 0, Failed: true, Values: []float64{math.NaN()}},
	}}
	rt, err := RawExportTable(f, raw)
	if err != nil {
		t.Fatal(err)
	}
	data, _ = rt.Encode("csv")
	rows, _ := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if strings.Join(rows[0], ",") != "process.beta,network.n,point,point_key,rep,network_seed,process_seed,failed,final_size" ||
		strings.Join(rows[1], ",") != "0.5,100,0,k0,0,1,18446744073709551615,false,0.5" ||
		strings.Join(rows[2], ",") != "0.5,200,1,k1,0,0,0,true," {
		t.Errorf("raw CSV export:\n%s", data)
	}
	for _, et := range []*ExportTable{res, rt} {
		data, err := et.Encode("parquet")
		if err != nil {
			t.Fatal(err)
		}
		pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if pf.NumRows() != int64(len(et.Rows)) || len(pf.Schema().Columns()) != len(et.Columns) {
			t.Errorf("Parquet export: %d rows %d columns, want %d and %d", pf.NumRows(), len(pf.Schema().Columns()), len(et.Rows), len(et.Columns))
		}
		for i, c := range pf.Schema().Columns() {
			if c[0] != et.Columns[i].Name {
				t.Errorf("Parquet column %d is %s, want %s", i, c[0], et.Columns[i].Name)
			}
		}
	}
	if _, err := res.Encode("xlsx"); err == nil {
		t.Error("--format xlsx accepted")
	}
}

// TestRawRoundTrip writes a raw table, reads it back equal, and checks
// that equal tables give equal bytes.
func TestRawRoundTrip(t *testing.T) {
	tab := &RawTable{Metrics: []string{"a", "b"}}
	for i := range 5000 {
		r := RawRow{Point: i / 1000, Key: "key", Rep: i % 1000, NetworkSeed: uint64(i) * 0x9e3779b97f4a7c15, ProcessSeed: uint64(i), Values: []float64{float64(i) / 7, -float64(i)}}
		if i%97 == 0 {
			r.Failed, r.Values = true, []float64{math.NaN(), math.NaN()}
		}
		tab.Rows = append(tab.Rows, r)
	}
	path := filepath.Join(t.TempDir(), "raw.parquet")
	if err := WriteRaw(path, tab); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != len(tab.Rows) || strings.Join(back.Metrics, ",") != "a,b" {
		t.Fatalf("read back %d rows of %v", len(back.Rows), back.Metrics)
	}
	for i, r := range back.Rows {
		w := tab.Rows[i]
		same := r.Point == w.Point && r.Key == w.Key && r.Rep == w.Rep && r.NetworkSeed == w.NetworkSeed && r.ProcessSeed == w.ProcessSeed && r.Failed == w.Failed
		for j, v := range r.Values {
			same = same && (v == w.Values[j] || math.IsNaN(v) && math.IsNaN(w.Values[j]))
		}
		if !same {
			t.Fatalf("row %d: %+v, want %+v", i, r, w)
		}
	}
	var a, b bytes.Buffer
	EncodeRaw(&a, tab)
	EncodeRaw(&b, back)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("equal tables encode to different bytes")
	}
	if err := EncodeRaw(&a, &RawTable{Metrics: []string{"rep"}}); err == nil {
		t.Error("a metric named rep was accepted")
	}
}
