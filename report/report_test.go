package report

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/spec"
)

const gridSpec = `name = "r"
seed = 1
repetitions = 3
[network]
generator = "er"
n = 100
mean_degree = 2.0
[process]
model = "sir"
beta = 1.0
gamma = 1.0
metrics = ["final_size", "major"]
[sweep]
"process.beta" = [0.5, 1.0]
"network.n" = [100, 200]
`

// fixture returns a parsed spec and a table with known values: point i has
// final sizes i/10, i/10+0.1, i/10+0.2 and major 0, 1, 1 (point 3 is empty).
func fixture(t *testing.T) (*spec.Spec, *reduce.Table) {
	t.Helper()
	s, err := spec.Parse("r.toml", []byte(gridSpec))
	if err != nil {
		t.Fatal(err)
	}
	tab := reduce.NewTable(s.Layout(), s.NumPoints())
	for i := range 3 {
		sum := reduce.NewSummary(s.Layout())
		for j := range 3 {
			if err := sum.Add([]float64{float64(i)/10 + float64(j)/10, float64(min(j, 1))}); err != nil {
				t.Fatal(err)
			}
		}
		if i == 1 {
			sum.AddFailed()
		}
		tab.Add(i, sum)
	}
	return s, tab
}

func TestCSV(t *testing.T) {
	s, tab := fixture(t)
	data := CSV(s, tab)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], ",")
	if !strings.HasPrefix(header, "process.beta,network.n,reps,failed,final_size_mean,final_size_std,final_size_sem,final_size_min,final_size_max,final_size_ci95_lo,final_size_ci95_hi,final_size_q05,final_size_q50,final_size_q95,major_mean") {
		t.Fatalf("header %s", header)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want a header and 4 points", len(rows))
	}
	// Point 0: final sizes 0, 0.1, 0.2: mean 0.1, std 0.1.
	if got := rows[1][:7]; strings.Join(got, ",") != "0.5,100,3,0,0.1,0.1,0.05773502691896258" {
		t.Errorf("point 0: %v", got)
	}
	if rows[2][3] != "1" {
		t.Errorf("point 1 failed = %s, want 1", rows[2][3])
	}
	// An empty point prints NaN, which pandas reads as missing.
	if rows[4][2] != "0" || rows[4][4] != "NaN" {
		t.Errorf("empty point: %v", rows[4][:6])
	}
	if !bytes.Equal(data, CSV(s, tab)) {
		t.Error("the same table printed two different ways")
	}
}

func TestFormatFloat(t *testing.T) {
	for x, want := range map[float64]string{0.1: "0.1", 1e-300: "1e-300", 2: "2", 1.0 / 3: "0.3333333333333333", math.NaN(): "NaN"} {
		if got := FormatFloat(x); got != want {
			t.Errorf("FormatFloat(%v) = %s, want %s", x, got, want)
		}
	}
}

func TestWriteReadJSON(t *testing.T) {
	s, tab := fixture(t)
	dir := t.TempDir()
	prov := Provenance{SpecSHA256: s.SHA256, Seed: s.Seed, Ranks: 2, Start: time.Unix(0, 0).UTC(), End: time.Unix(1, 0).UTC()}
	if err := Write(dir, s, tab, prov); err != nil {
		t.Fatal(err)
	}
	f, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "r" || len(f.Points) != 4 || f.Provenance.Ranks != 2 || f.Provenance.SpecSHA256 != s.SHA256 {
		t.Fatalf("read back %+v", f)
	}
	if v, _ := f.Points[0].Stat("final_size", "mean"); v != 0.1 {
		t.Errorf("mean %v, want 0.1", v)
	}
	if v, _ := f.Points[3].Stat("final_size", "mean"); !math.IsNaN(v) {
		t.Errorf("empty point mean %v, want NaN (null in JSON)", v)
	}
	if x, err := f.Points[3].ParamFloat("network.n"); err != nil || x != 200 {
		t.Errorf("network.n = %v, %v", x, err)
	}
	if _, err := Read(t.TempDir()); err == nil || !strings.Contains(err.Error(), "output directory") {
		t.Errorf("reading an empty directory: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestWriteTable(t *testing.T) {
	s, tab := fixture(t)
	dir := t.TempDir()
	if err := Write(dir, s, tab, Provenance{}); err != nil {
		t.Fatal(err)
	}
	f, _ := Read(dir)
	var buf bytes.Buffer
	if err := WriteTable(&buf, f, []string{"major"}, []string{"mean", "q50"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "major_mean") || !strings.Contains(lines[0], "major_q50") || strings.Contains(lines[0], "final_size") {
		t.Fatalf("table:\n%s", buf.String())
	}
	if err := WriteTable(&buf, f, []string{"nope"}, []string{"mean"}); err == nil {
		t.Error("an unknown metric was accepted")
	}
	if err := WriteTable(&buf, f, nil, []string{"median"}); err == nil {
		t.Error("an unknown statistic was accepted")
	}
}

func TestPlot(t *testing.T) {
	s, tab := fixture(t)
	dir := t.TempDir()
	if err := Write(dir, s, tab, Provenance{}); err != nil {
		t.Fatal(err)
	}
	f, _ := Read(dir)
	for _, ext := range []string{".png", ".svg"} {
		path := filepath.Join(dir, "p"+ext)
		if err := Plot(f, PlotOptions{X: "process.beta", Y: "final_size", Series: "network.n"}, path); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", path, err)
		}
	}
	// network.n varies but is neither the axis nor the series.
	err := Plot(f, PlotOptions{X: "process.beta", Y: "final_size"}, filepath.Join(dir, "mixed.png"))
	if err == nil || !strings.Contains(err.Error(), "--where network.n=") {
		t.Errorf("mixing points of another parameter: %v", err)
	}
	if err := Plot(f, PlotOptions{X: "process.beta", Y: "final_size", Where: map[string]string{"network.n": "200"}}, filepath.Join(dir, "w.png")); err != nil {
		t.Errorf("--where: %v", err)
	}
	if err := Plot(f, PlotOptions{X: "process.beta", Y: "final_size", Series: "network.n"}, filepath.Join(dir, "p.gif")); err == nil {
		t.Error("a .gif was accepted")
	}
}

// TestWriteTablePrecision: with [precision] the table ends with the
// precision and precision_met columns of results.csv, with the values
// results.csv has (NaN for the empty point, whose precision results.json
// keeps as null); without it they are absent.
func TestWriteTablePrecision(t *testing.T) {
	s, err := spec.Parse("r.toml", []byte(strings.Replace(gridSpec, "repetitions = 3\n", "", 1)+`[precision]
metric = "final_size"
sem = 0.06
min_repetitions = 2
max_repetitions = 10
block = 2
`))
	if err != nil {
		t.Fatal(err)
	}
	_, tab := fixture(t)
	dir := t.TempDir()
	if err := Write(dir, s, tab, Provenance{}); err != nil {
		t.Fatal(err)
	}
	f, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, f, []string{"final_size"}, []string{"sem"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(CSV(s, tab))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("table:\n%s", buf.String())
	}
	if h := strings.Fields(lines[0]); h[len(h)-2] != PrecisionColumn || h[len(h)-1] != MetColumn {
		t.Fatalf("header %q", lines[0])
	}
	// The sems: 0.1/sqrt(3) for points 0 to 2 (final sizes x, x+0.1,
	// x+0.2, std 0.1): under the target 0.06, met; point 3 is empty.
	want := [][2]string{{"0.057735", "true"}, {"0.057735", "true"}, {"0.057735", "true"}, {"NaN", "false"}}
	for i, line := range lines[1:] {
		cells := strings.Fields(line)
		got := [2]string{cells[len(cells)-2], cells[len(cells)-1]}
		if got != want[i] {
			t.Errorf("point %d: precision, met = %v, want %v", i, got, want[i])
		}
		csvRow := rows[i+1]
		if csvRow[len(csvRow)-1] != got[1] {
			t.Errorf("point %d: met %s in the table, %s in results.csv", i, got[1], csvRow[len(csvRow)-1])
		}
	}
	// Null statistics stay nil through Read (pointers), not NaN numbers.
	if v := f.Points[3].Metrics["final_size"]["mean"]; v != nil {
		t.Errorf("the empty point's mean reads back as %v, want nil", *v)
	}

	plain, tab := fixture(t)
	if err := Write(dir, plain, tab, Provenance{}); err != nil {
		t.Fatal(err)
	}
	f, _ = Read(dir)
	buf.Reset()
	if err := WriteTable(&buf, f, nil, []string{"mean"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), PrecisionColumn) {
		t.Errorf("a campaign without [precision] shows precision:\n%s", buf.String())
	}
}
