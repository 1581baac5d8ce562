package cli

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
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

// TestRawParquet runs a campaign keeping raw values with 1 to 3 workers
// and several chunk sizes: raw.parquet is byte-identical, and agrees with
// the spec and results.csv (see checkRaw). A campaign without raw values
// writes none.
func TestRawParquet(t *testing.T) {
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
// to an uninterrupted run's each time.
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

// TestRawPandas reads raw.parquet with pandas (pyarrow) where python3 has
// them, as users will. Elsewhere it skips loudly, under CI too: Debian
// packages pandas but not pyarrow, without which pandas reads no Parquet,
// so .ci/run cannot install them.
func TestRawPandas(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import pandas, pyarrow").Run()
	}
	if err != nil {
		t.Skipf("SKIPPED: python3 with pandas and pyarrow not found (%v): raw.parquet is not checked with pandas here", err)
	}
	sp := writeSpec(t, rawSpec)
	out := filepath.Join(t.TempDir(), "out")
	if code, msg := netsweep(t, "run", sp, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	script := `import sys, pandas
raw = pandas.read_parquet(sys.argv[1] + "/raw.parquet")
res = pandas.read_csv(sys.argv[1] + "/results.csv")
assert list(raw.columns) == ["point", "point_key", "rep", "network_seed", "process_seed", "failed", "final_size", "major"], list(raw.columns)
assert len(raw) == 450, len(raw)
m = raw.groupby("point")["final_size"].mean()
assert ((m - res["final_size_mean"]).abs() < 1e-12).all(), (m, res["final_size_mean"])
`
	if msg, err := exec.Command(py, "-c", script, out).CombinedOutput(); err != nil {
		t.Fatalf("pandas: %v\n%s", err, msg)
	}
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
