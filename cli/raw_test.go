package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// rawSpec keeps two metrics of every repetition.
const rawSpec = durableSpec + `
[output]
raw = ["final_size", "major"]
`

// readRaw returns the raw.parquet of dir, its bytes and its rows.
func readRaw(t *testing.T, dir string) ([]byte, *report.RawTable) {
	t.Helper()
	path := filepath.Join(dir, "raw.parquet")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := report.ReadRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, tab
}

// checkRaw checks a raw table against its spec and results.csv: one row
// per repetition in (point, repetition) order, with the point's key and
// the repetition's seeds, and per point the mean of the raw final sizes,
// computed exactly and rounded once, printed as the CSV prints it, equal
// to final_size_mean.
func checkRaw(t *testing.T, specPath, dir string, tab *report.RawTable) {
	t.Helper()
	s, err := spec.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tab.Metrics, ","); got != "final_size,major" {
		t.Fatalf("raw metrics %s", got)
	}
	if len(tab.Rows) != s.NumPoints()*s.Repetitions {
		t.Fatalf("%d raw rows, want %d", len(tab.Rows), s.NumPoints()*s.Repetitions)
	}
	rows := readCSV(t, filepath.Join(dir, "results.csv"))
	for p := range s.NumPoints() {
		sum, n := new(big.Rat), 0
		for rep := range s.Repetitions {
			r := tab.Rows[p*s.Repetitions+rep]
			nw, pr := s.Point(p).Seeds(s.Seed, rep)
			if r.Point != p || r.Rep != rep || r.Key != s.Point(p).Key || r.NetworkSeed != nw || r.ProcessSeed != pr {
				t.Fatalf("row %d: %+v, want point %d rep %d key %s seeds %d %d", p*s.Repetitions+rep, r, p, rep, s.Point(p).Key, nw, pr)
			}
			if !r.Failed {
				sum.Add(sum, new(big.Rat).SetFloat64(r.Values[0]))
				n++
			}
		}
		mean, _ := sum.Quo(sum, big.NewRat(int64(n), 1)).Float64()
		if got, want := report.FormatFloat(mean), rows[p]["final_size_mean"]; got != want {
			t.Errorf("point %d: mean of raw final sizes %s, results.csv %s", p, got, want)
		}
		if rows[p]["reps"] != strconv.Itoa(n) {
			t.Errorf("point %d: %d raw values, reps %s", p, n, rows[p]["reps"])
		}
	}
}

// TestRawParquet runs a campaign keeping raw values, with three
// repetitions failing, with 1 to 3 workers and several chunk sizes:
// raw.parquet is byte-identical, and agrees with the spec and results.csv
// (see checkRaw), the failed repetitions failed and null. A campaign
// without raw values writes none.
func TestRawParquet(t *testing.T) {
	t.Setenv(spec.FaultsEnv, "error@0/3,panic@1/100,error@2/149")
	sp := writeSpec(t, rawSpec)
	var ref []byte
	for _, args := range [][]string{{"--workers", "1"}, {"--workers", "3", "--chunk", "1"}, {"--workers", "2", "--chunk", "7"}, {"--workers", "2"}} {
		out := filepath.Join(t.TempDir(), "out")
		if code, msg := netsweep(t, append([]string{"run", sp, "--out", out, "--quiet"}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, msg)
		}
		data, tab := readRaw(t, out)
		if ref == nil {
			ref = data
			checkRaw(t, sp, out, tab)
			var failed []string
			for _, r := range tab.Rows {
				if r.Failed != math.IsNaN(r.Values[0]) || r.Failed != math.IsNaN(r.Values[1]) {
					t.Errorf("point %d rep %d: failed %v with values %v", r.Point, r.Rep, r.Failed, r.Values)
				}
				if r.Failed {
					failed = append(failed, fmt.Sprintf("%d/%d", r.Point, r.Rep))
				}
			}
			if got := strings.Join(failed, ","); got != "0/3,1/100,2/149" {
				t.Errorf("failed repetitions %s, want 0/3,1/100,2/149", got)
			}
		} else if !bytes.Equal(ref, data) {
			t.Errorf("%v: raw.parquet differs from --workers 1", args)
		}
	}
	t.Logf("raw.parquet: %d bytes for 450 repetitions", len(ref))
	out := filepath.Join(t.TempDir(), "plain")
	if code, msg := netsweep(t, "run", writeSpec(t, durableSpec), "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if _, err := os.Stat(filepath.Join(out, "raw.parquet")); err == nil {
		t.Error("a campaign without [output] raw wrote raw.parquet")
	}
}

// TestRawKillAndResume kills a campaign that keeps raw values with
// SIGKILL at random moments, resuming with other numbers of workers, then
// grows it from a run without raw values: raw.parquet is byte-identical
// to an uninterrupted run's each time, and the killed runs leave no
// temporary file behind.
func TestRawKillAndResume(t *testing.T) {
	sp := writeSpec(t, strings.Replace(rawSpec, "repetitions = 150", "repetitions = 600", 1))
	ref := filepath.Join(t.TempDir(), "ref")
	if code, msg := netsweep(t, "run", sp, "--out", ref, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	want, _ := readRaw(t, ref)
	out := filepath.Join(t.TempDir(), "killed")
	rng := rand.New(rand.NewPCG(3, 4))
	interrupted := 0
	for i := range 8 {
		cmd := command("run", sp, "--out", out, "--quiet", "--chunk", "3", "--workers", []string{"1", "2", "3"}[i%3])
		before := journalRecords(t, out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for journalRecords(t, out) <= before && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok && ee.Sys().(syscall.WaitStatus).Signaled() {
			interrupted++
		}
		if _, err := os.Stat(filepath.Join(out, "results.csv")); err == nil {
			break
		}
	}
	if interrupted < 3 {
		t.Fatalf("only %d of the runs were killed mid-campaign; make the campaign longer", interrupted)
	}
	if msg, err := command("run", sp, "--out", out, "--quiet", "--workers", "2").CombinedOutput(); err != nil {
		t.Fatalf("final resume: %v\n%s", err, msg)
	}
	got, tab := readRaw(t, out)
	if !bytes.Equal(got, want) {
		t.Errorf("raw.parquet after %d kills differs from an uninterrupted run's", interrupted)
	}
	checkRaw(t, sp, out, tab)
	// The killed runs' raw.parquet, written from their start, is gone.
	if left, _ := filepath.Glob(filepath.Join(out, ".raw.parquet.tmp*")); len(left) > 0 {
		t.Errorf("the killed runs left %v", left)
	}

	// A campaign run without raw values, then asked for them: its records
	// have none, so they run again, and the file is the same.
	grown := filepath.Join(t.TempDir(), "grown")
	plain := writeSpec(t, strings.Replace(durableSpec, "repetitions = 150", "repetitions = 600", 1))
	if code, msg := netsweep(t, "run", plain, "--out", grown, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	code, msg := netsweep(t, "run", sp, "--out", grown, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if got, _ := readRaw(t, grown); !bytes.Equal(got, want) {
		t.Error("raw.parquet of a campaign that asked for raw values late differs")
	}
}

// TestRawShards runs a campaign keeping raw values as three shards and
// collects them: raw.parquet is byte-identical to a single run's.
func TestRawShards(t *testing.T) {
	sp := writeSpec(t, rawSpec)
	ref := filepath.Join(t.TempDir(), "ref")
	if code, msg := netsweep(t, "run", sp, "--out", ref, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	want, _ := readRaw(t, ref)
	dir := t.TempDir()
	for i := range 3 {
		if code, msg := netsweep(t, "run", sp, "--out", filepath.Join(dir, "shards", strconv.Itoa(i)), "--shard", fmt.Sprintf("%d/3", i), "--quiet", "--workers", strconv.Itoa(1+i%2)); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, msg)
		}
	}
	if code, msg := netsweep(t, "collect", dir); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, msg)
	}
	got, tab := readRaw(t, dir)
	if !bytes.Equal(got, want) {
		t.Error("collected raw.parquet differs from a single run's")
	}
	checkRaw(t, sp, dir, tab)
}

// TestRawPandas reads raw.parquet with pandas, with no options, as users
// will: pandas.read_parquet through pyarrow, the engine it picks first.
// Debian bookworm packages neither pyarrow nor fastparquet, so pandas
// runs in a Debian testing root that scripts/pandas/root.sh builds and
// names in NETSWEEP_PANDAS_ROOT (.ci/run does), under chroot; without
// it, python3 is used where it imports pandas and pyarrow.
// scripts/pandas/read-raw.py prints what pandas read, and the checks are
// TestRawPolars's. Elsewhere it skips loudly, except under CI.
func TestRawPandas(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", "scripts", "pandas", "read-raw.py"))
	if err != nil {
		t.Fatal(err)
	}
	root := os.Getenv("NETSWEEP_PANDAS_ROOT")
	var python []string
	outDir := t.TempDir()
	if root != "" {
		// The root sees only its own files: the campaign is written
		// inside it.
		python = []string{"chroot", root, "python3"}
		d, err := os.MkdirTemp(filepath.Join(root, "tmp"), "netsweep-pandas-")
		if err != nil {
			t.Fatalf("NETSWEEP_PANDAS_ROOT=%s: %v (build it with `eval \"$(scripts/pandas/root.sh up)\"`)", root, err)
		}
		t.Cleanup(func() { os.RemoveAll(d) })
		outDir = d
	} else {
		python = []string{"python3"}
		err := exec.Command("python3", "-c", "import pandas, pyarrow").Run()
		if err != nil {
			msg := fmt.Sprintf("python3 with pandas and pyarrow not found (%v), and NETSWEEP_PANDAS_ROOT is not set: raw.parquet is not checked with pandas here; as root, run `eval \"$(scripts/pandas/root.sh up)\"`", err)
			if os.Getenv("CI") != "" {
				t.Fatal(msg + ", as .ci/run does")
			}
			t.Skip("SKIPPED: " + msg)
		}
	}
	out := filepath.Join(outDir, "out")
	pr, sp := readWith(t, out, func() *exec.Cmd {
		arg := out
		if root != "" {
			arg = "/" + strings.TrimPrefix(out, filepath.Clean(root)+"/")
		}
		cmd := exec.Command(python[0], append(python[1:], "-", arg)...)
		cmd.Stdin = bytes.NewReader(script)
		return cmd
	})
	wantTypes := []string{"int64", "object", "int64", "uint64", "uint64", "bool", "float64", "float64"}
	if len(pr.Dtypes) > 1 && pr.Dtypes[1] == "str" {
		wantTypes[1] = "str" // pandas 3's string dtype
	}
	checkRead(t, "pandas", sp, out, pr, wantTypes)
}

// readerOut is what scripts/polars/read-raw.js and
// scripts/pandas/read-raw.py print: DIR/raw.parquet, results.csv and
// export-results.parquet as polars or pandas reads them.
type readerOut struct {
	Version string                     `json:"version"`
	Columns []string                   `json:"columns"`
	Dtypes  []string                   `json:"dtypes"`
	Height  int                        `json:"height"`
	Values  map[string]json.RawMessage `json:"values"`
	Means   []struct {
		Point     int      `json:"point"`
		FinalSize *float64 `json:"final_size"`
	} `json:"means"`
	Results struct {
		Height        int       `json:"height"`
		FinalSizeMean []float64 `json:"final_size_mean"`
	} `json:"results"`
	Export *struct {
		Columns []string `json:"columns"`
		Height  int      `json:"height"`
	} `json:"export"`
}

// TestRawPolars reads raw.parquet with polars, with no options, as users
// will: nodejs-polars runs the Rust polars-io reader that Python's polars
// uses, and .ci/run installs it from npm (scripts/polars). The columns,
// their order and polars dtypes, and every cell must be those
// report.ReadRaw reads (the seeds exactly: polars casts them to strings);
// polars' mean of final_size per point must be results.csv's
// final_size_mean within 1e-12, results.csv read by polars must hold the
// same means, and polars must read `export --format parquet`'s table.
// Where node or the package is missing it skips loudly, except under CI,
// whose .ci/run installs the package wherever node is.
func TestRawPolars(t *testing.T) {
	pkg, err := filepath.Abs(filepath.Join("..", "scripts", "polars"))
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("SKIPPED: node not found (%v): raw.parquet is not checked with polars here; install Node.js 20 or newer, then `npm ci --prefix scripts/polars`", err)
	}
	if _, err := os.Stat(filepath.Join(pkg, "node_modules", "nodejs-polars")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node is here but nodejs-polars is not (%v): .ci/run should have run `npm ci --prefix scripts/polars`", err)
		}
		t.Skipf("SKIPPED: nodejs-polars not installed (%v): raw.parquet is not checked with polars here; run `npm ci --prefix scripts/polars`", err)
	}
	out := filepath.Join(t.TempDir(), "out")
	pr, sp := readWith(t, out, func() *exec.Cmd {
		return exec.Command(node, filepath.Join(pkg, "read-raw.js"), out)
	})
	wantTypes := []string{"Int64", "String", "Int64", "UInt64", "UInt64", "Bool", "Float64", "Float64"}
	checkRead(t, "polars", sp, out, pr, wantTypes)
}

// readWith runs the campaign rawSpec into out, exports its results as
// Parquet, and runs a reader's command (read-raw.js or read-raw.py) on
// out, returning what it printed and the spec's path.
func readWith(t *testing.T, out string, reader func() *exec.Cmd) (readerOut, string) {
	t.Helper()
	sp := writeSpec(t, rawSpec)
	if code, msg := netsweep(t, "run", sp, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if code, msg := netsweep(t, "export", out, "--format", "parquet"); code != 0 {
		t.Fatalf("export: exit %d: %s", code, msg)
	}
	cmd := reader()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, stderr.Bytes())
	}
	var pr readerOut
	if err := json.Unmarshal(stdout, &pr); err != nil {
		t.Fatalf("%v printed: %v\n%.500s", cmd.Args, err, stdout)
	}
	t.Logf("read with %s", pr.Version)
	return pr, sp
}

// checkRead checks what a reader (polars, pandas) read of out, the
// campaign of the spec sp, against report.ReadRaw and results.csv: the schema
// as report/raw_writer.go declares it (INT64, UTF-8 string, UINT64
// seeds, BOOLEAN, optional DOUBLE metrics) in the reader's wantTypes,
// every cell, the per-point means, results.csv and the exported table.
func checkRead(t *testing.T, reader, sp, out string, pr readerOut, wantTypes []string) {
	t.Helper()
	wantCols := []string{"point", "point_key", "rep", "network_seed", "process_seed", "failed", "final_size", "major"}
	if got, want := strings.Join(pr.Columns, ","), strings.Join(wantCols, ","); got != want {
		t.Fatalf("%s columns %s, want %s", reader, got, want)
	}
	if got, want := strings.Join(pr.Dtypes, ","), strings.Join(wantTypes, ","); got != want {
		t.Fatalf("%s dtypes %s, want %s", reader, got, want)
	}
	_, tab := readRaw(t, out)
	s, err := spec.Load(sp)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.NumPoints() * s.Repetitions; pr.Height != n || len(tab.Rows) != n {
		t.Fatalf("%s reads %d rows, report.ReadRaw %d, want %d", reader, pr.Height, len(tab.Rows), n)
	}

	// Every cell.
	var ints [5][]string // point, point_key, rep, network_seed, process_seed
	var failed []bool
	var metrics [2][]*float64
	for i := range ints {
		if err := json.Unmarshal(pr.Values[wantCols[i]], &ints[i]); err != nil {
			t.Fatalf("column %s: %v", wantCols[i], err)
		}
	}
	if err := json.Unmarshal(pr.Values["failed"], &failed); err != nil {
		t.Fatalf("column failed: %v", err)
	}
	for j := range metrics {
		if err := json.Unmarshal(pr.Values[wantCols[6+j]], &metrics[j]); err != nil {
			t.Fatalf("column %s: %v", wantCols[6+j], err)
		}
	}
	bad := 0
	for i, r := range tab.Rows {
		want := []string{strconv.Itoa(r.Point), r.Key, strconv.Itoa(r.Rep), strconv.FormatUint(r.NetworkSeed, 10), strconv.FormatUint(r.ProcessSeed, 10)}
		for c := range ints {
			if i >= len(ints[c]) || ints[c][i] != want[c] {
				bad++
				t.Errorf("row %d column %s: %s %v, report.ReadRaw %s", i, wantCols[c], reader, cell(ints[c], i), want[c])
			}
		}
		if i >= len(failed) || failed[i] != r.Failed {
			bad++
			t.Errorf("row %d failed: %s %v, report.ReadRaw %v", i, reader, cell(failed, i), r.Failed)
		}
		for j := range metrics {
			v := r.Values[j]
			ok := i < len(metrics[j]) && (metrics[j][i] == nil && r.Failed && math.IsNaN(v) || metrics[j][i] != nil && !r.Failed && *metrics[j][i] == v)
			if !ok {
				bad++
				t.Errorf("row %d %s: %s %v, report.ReadRaw %v (failed %v)", i, wantCols[6+j], reader, cell(metrics[j], i), v, r.Failed)
			}
		}
		if bad > 10 {
			t.Fatal("too many differences")
		}
	}

	// Per point, the reader's mean of the raw final sizes is results.csv's, and
	// the reader reads results.csv and the exported results too.
	rows := readCSV(t, filepath.Join(out, "results.csv"))
	if len(pr.Means) != len(rows) || pr.Results.Height != len(rows) || len(pr.Results.FinalSizeMean) != len(rows) {
		t.Fatalf("%s: %d point means, results.csv %d rows (%d read by %s)", reader, len(pr.Means), len(rows), pr.Results.Height, reader)
	}
	for p, m := range pr.Means {
		want, err := strconv.ParseFloat(rows[p]["final_size_mean"], 64)
		if err != nil {
			t.Fatal(err)
		}
		if m.Point != p || m.FinalSize == nil || math.Abs(*m.FinalSize-want) > 1e-12 {
			t.Errorf("point %d: %s mean of raw final sizes %v (point %d), results.csv %v", p, reader, m.FinalSize, m.Point, want)
		}
		if got := pr.Results.FinalSizeMean[p]; got != want {
			t.Errorf("point %d: final_size_mean %v read by %s, %v by Go", p, got, reader, want)
		}
	}
	if pr.Export == nil {
		t.Fatalf("%s did not read export-results.parquet", reader)
	}
	if pr.Export.Height != s.NumPoints() || len(pr.Export.Columns) == 0 || pr.Export.Columns[0] != "process.beta" || !slices.Contains(pr.Export.Columns, "final_size_mean") {
		t.Errorf("export-results.parquet read by %s: %d rows, columns %v; want %d rows, process.beta first, final_size_mean", reader, pr.Export.Height, pr.Export.Columns, s.NumPoints())
	}
}

// cell is s[i], or "missing" past its end.
func cell[T any](s []T, i int) any {
	if i < len(s) {
		return s[i]
	}
	return "missing"
}

// TestExport exports a campaign's results and raw values as CSV and
// Parquet.
func TestExport(t *testing.T) {
	sp := writeSpec(t, rawSpec)
	out := filepath.Join(t.TempDir(), "out")
	if code, msg := netsweep(t, "run", sp, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	csvPath := filepath.Join(t.TempDir(), "raw.csv")
	if code, msg := netsweep(t, "export", out, "--format", "csv", "--raw", "-o", csvPath); code != 0 {
		t.Fatalf("export: exit %d: %s", code, msg)
	}
	_, tab := readRaw(t, out)
	rows := readCSV(t, csvPath)
	if len(rows) != len(tab.Rows) {
		t.Fatalf("%d exported rows, want %d", len(rows), len(tab.Rows))
	}
	for i, r := range rows {
		w := tab.Rows[i]
		if r["rep"] != strconv.Itoa(w.Rep) || r["final_size"] != report.FormatFloat(w.Values[0]) && !w.Failed || r["process.beta"] == "" {
			t.Fatalf("row %d: %v, want %+v", i, r, w)
		}
	}
	for _, args := range [][]string{{"--format", "parquet"}, {"--format", "parquet", "--raw"}, {"--format", "csv"}} {
		if code, msg := netsweep(t, append([]string{"export", out}, args...)...); code != 0 {
			t.Fatalf("export %v: exit %d: %s", args, code, msg)
		}
	}
	for _, name := range []string{"export-results.parquet", "export-raw.parquet", "export-results.csv"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	if code, _ := netsweep(t, "export", out, "--format", "xlsx"); code != 2 {
		t.Errorf("--format xlsx: exit %d, want 2", code)
	}
}
