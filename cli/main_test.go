package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// netsweep runs the command in-process and returns its exit status and
// standard error.
func netsweep(t testing.TB, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := exitCode(dispatch(context.Background(), args, &stdout, &stderr), &stderr)
	return code, stdout.String() + stderr.String()
}

// readCSV returns the rows of a results.csv as maps from column to value.
func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func writeSpec(t testing.TB, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// linkExampleData makes the examples' network files (examples/data) seen
// from dir, where a test wrote a copy of an example spec.
func linkExampleData(t testing.TB, dir string) {
	t.Helper()
	data, err := filepath.Abs("../examples/data")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(data, filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
}

// TestBadSpecsExit2 runs the malformed-spec corpus through the command: each
// exits with status 2, says where the problem is, and creates no output.
func TestBadSpecsExit2(t *testing.T) {
	files, _ := filepath.Glob("../spec/testdata/bad/*.toml")
	if len(files) < 15 {
		t.Fatalf("only %d bad specs", len(files))
	}
	for _, f := range files {
		out := filepath.Join(t.TempDir(), "out")
		code, msg := netsweep(t, "run", f, "--out", out)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d; %s", f, code, exitUsage, msg)
		}
		if !strings.Contains(msg, f) {
			t.Errorf("%s: message does not name the file: %s", f, msg)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: output directory created for a bad spec", f)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"run"}, {"run", "a.toml", "--workers", "0"}, {"run", "a.toml", "--chunk", "-1"}, {"validate"}} {
		if code, _ := netsweep(t, args...); code != exitUsage {
			t.Errorf("netsweep %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestValidate(t *testing.T) {
	code, out := netsweep(t, "validate", "../examples/quickstart.toml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	for _, want := range []string{"points       15", "repetitions  100 per point", "runs         1500", "memory"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
}

// TestSIRFinalSizeTheory runs a sweep of SIR on G(n,p), n = 50000, mean
// degree c = 5, beta = gamma (transmissibility T = beta/(beta+gamma) = 1/2),
// seeded with a fraction 0.001, and compares the mean final size with the
// large-n theory: the solution of S = 1 - exp(-c T S) (M. E. J. Newman,
// "Spread of epidemic disease on networks", Phys. Rev. E 66, 016128 (2002)).
// With 50 seeds every run is a major outbreak.
func TestSIRFinalSizeTheory(t *testing.T) {
	if testing.Short() {
		t.Skip("a 50000-node sweep")
	}
	spec := writeSpec(t, `name = "theory"
seed = 2002
repetitions = 16

[network]
generator = "er"
n = 50000
mean_degree = 5.0

[process]
model = "sir"
beta = 1.0
gamma = 1.0
seed_fraction = 0.001
metrics = ["final_size"]
`)
	out := filepath.Join(t.TempDir(), "out")
	if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	rows := readCSV(t, filepath.Join(out, "results.csv"))
	got, _ := strconv.ParseFloat(rows[0]["final_size_mean"], 64)

	const c, T = 5.0, 0.5
	S := 1.0
	for range 200 {
		S = 1 - math.Exp(-c*T*S)
	}
	if math.Abs(got-S) > 0.005 {
		t.Errorf("mean final size %.5f, theory %.5f: off by more than 0.005", got, S)
	}
	t.Logf("mean final size %.5f, theory %.5f", got, S)
}

// TestWorkersAgree runs the quickstart with 1, 2 and 5 workers and chunks
// of 1, 7 and automatic size: every results.csv is byte-identical.
func TestWorkersAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the quickstart five times")
	}
	spec := "../examples/quickstart.toml"
	var ref []byte
	for _, args := range [][]string{{"--workers", "1"}, {"--workers", "2"}, {"--workers", "5"}, {"--workers", "2", "--chunk", "1"}, {"--workers", "5", "--chunk", "7"}} {
		out := filepath.Join(t.TempDir(), "out")
		code, msg := netsweep(t, append([]string{"run", spec, "--out", out, "--quiet"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, msg)
		}
		data, err := os.ReadFile(filepath.Join(out, "results.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = data
		} else if !bytes.Equal(ref, data) {
			t.Errorf("%v: results.csv differs from --workers 1's: %s", args, firstDiff(ref, data))
		}
	}
}

// firstDiff describes the first line where a and b differ.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  " + la[i] + "\n  " + lb[i]
		}
	}
	return "lengths " + strconv.Itoa(len(a)) + " and " + strconv.Itoa(len(b))
}

// TestExamplesRun runs every example a user copies, except the book-sized
// campaign (which only validates), and checks each writes results with no
// failures.
func TestExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every example")
	}
	files, _ := filepath.Glob("../examples/*.toml")
	for _, f := range files {
		if strings.Contains(f, "campaign") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if code, msg := netsweep(t, "run", f, "--out", out, "--quiet"); code != 0 {
				t.Fatalf("exit %d: %s", code, msg)
			}
			for _, row := range readCSV(t, filepath.Join(out, "results.csv")) {
				if row["failed"] != "0" {
					t.Errorf("failures: %v", row)
				}
			}
		})
	}
}

// TestUsageTexts: every usage text reads as one, and the remote flags
// are spliced in whole.
func TestUsageTexts(t *testing.T) {
	files, err := usageFiles.ReadDir("usage")
	if err != nil || len(files) == 0 {
		t.Fatalf("no usage texts: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(f.Name(), ".txt")
		text := usageText(name)
		if strings.Contains(text, "@remote-flags") || strings.HasSuffix(text, "\n") || (name != "remote-flags" && !strings.HasPrefix(text, "usage: netsweep ")) {
			t.Errorf("usage text %s:\n%s", name, text)
		}
	}
	if !strings.HasSuffix(submitUsage, usageText("remote-flags")) {
		t.Errorf("submit's usage lacks the remote flags:\n%s", submitUsage)
	}
}
