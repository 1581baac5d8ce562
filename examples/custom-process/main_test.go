package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/internal/mpitest"
)

// build builds this program into dir under name, with the build tags
// given, and returns its path.
func build(t *testing.T, dir, name, tags string) string {
	t.Helper()
	gobin, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command(gobin, "build", "-tags", tags, "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %q: %v\n%s", tags, err, out)
	}
	return bin
}

func run(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	cmd.Env = append(os.Environ(), "NETSWEEP_FAULTS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	return string(out)
}

// percolationSize solves z = 1 - exp(-c*tau*z), the giant component of
// bond percolation with occupation tau on an Erdős–Rényi graph of mean
// degree c (0 below the threshold c*tau = 1).
func percolationSize(c, tau float64) float64 {
	z := 1.0
	for range 10000 {
		z = 1 - math.Exp(-c*tau*z)
	}
	return z
}

// TestCustomProcess builds the program, runs its spec embedded and checks
// the final sizes against percolation theory, runs it again under real
// mpirun with 2 ranks for byte-identical results, and renders a Slurm job
// script that runs the program's MPI build.
func TestCustomProcess(t *testing.T) {
	dir := t.TempDir()
	bin := build(t, dir, "sir-fixed", "")

	embedded := filepath.Join(dir, "embedded")
	run(t, exec.Command(bin, "run", "spec.toml", "--out", embedded, "--quiet", "--workers", "2"))
	want, err := os.ReadFile(filepath.Join(embedded, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}

	// With a fixed infectious period T, an edge transmits with probability
	// tau = 1 - exp(-beta*T), independently of the others, and a major
	// outbreak happens with the probability z that it reaches a fraction z
	// of the nodes (Kenah & Robins 2007): the mean final size is z².
	rows, err := csv.NewReader(bytes.NewReader(want)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	const beta, c, n = 0.5, 4.0, 2000.0
	for _, row := range rows[1:] {
		period, _ := strconv.ParseFloat(row[col["process.period"]], 64)
		mean, _ := strconv.ParseFloat(row[col["final_size_mean"]], 64)
		sem, _ := strconv.ParseFloat(row[col["final_size_sem"]], 64)
		z := percolationSize(c, 1-math.Exp(-beta*period))
		// Five standard errors, and 0.02 for the finite size (n = 2000).
		if tol := 5*sem + 0.02; math.Abs(mean-z*z) > tol {
			t.Errorf("period %g: mean final size %.4f ± %.4f, theory %.4f", period, mean, sem, z*z)
		}
	}
	if len(rows) != 4 {
		t.Fatalf("results.csv has %d rows, want a header and 3 points", len(rows))
	}

	mpirun, impl := mpitest.Tool(t)
	mpiBin := build(t, dir, "sir-fixed-mpi", mpitest.Tags(impl))
	viaMPI := filepath.Join(dir, "mpi")
	msg := run(t, exec.Command(mpirun, mpitest.LaunchArgs(impl, 2, os.Geteuid() == 0, nil, mpiBin, "run", "spec.toml", "--out", viaMPI, "--quiet")...))
	if !strings.Contains(msg, "on 2 ranks") {
		t.Errorf("the MPI run did not run on 2 ranks:\n%s", msg)
	}
	got, err := os.ReadFile(filepath.Join(viaMPI, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("results.csv under mpirun -np 2 differs from the embedded run's:\n%s\n%s", got, want)
	}

	script := run(t, exec.Command(bin, "render", "spec.toml", "--out", "/campaigns/sir-fixed"))
	if !strings.Contains(script, "srun sir-fixed-mpi run ") || strings.Contains(script, "netsweep-mpi") {
		t.Errorf("the job script does not run the program's MPI build:\n%s", script)
	}
}
