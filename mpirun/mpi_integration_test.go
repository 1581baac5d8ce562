package mpirun_test

// Integration tests of the MPI communicator: they build the check and
// benchmark programs with the mpi build tag and run them under the system's
// mpirun. They need mpirun and an MPI development package (pkg-config
// ompi-c, or mpich for MPICH); without mpirun they skip, except under CI
// (CI=true), where they fail.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mpiImpl is the MPI implementation behind mpirun.
type mpiImpl int

const (
	openMPI mpiImpl = iota
	mpich
)

// launchArgs returns the arguments to mpirun that start np ranks of prog
// with args, setting env in every rank. Open MPI needs to be told that
// running as root and more ranks than cores are intended.
func launchArgs(impl mpiImpl, np int, root bool, env []string, prog string, args ...string) []string {
	var a []string
	switch impl {
	case openMPI:
		if root {
			a = append(a, "--allow-run-as-root")
		}
		a = append(a, "--oversubscribe", "-np", strconv.Itoa(np))
		for _, kv := range env {
			a = append(a, "-x", kv)
		}
	case mpich:
		a = append(a, "-n", strconv.Itoa(np))
		for _, kv := range env {
			k, v, _ := strings.Cut(kv, "=")
			a = append(a, "-genv", k, v)
		}
	}
	a = append(a, prog)
	return append(a, args...)
}

func TestLaunchArgs(t *testing.T) {
	tests := []struct {
		name string
		impl mpiImpl
		np   int
		root bool
		env  []string
		args []string
		want []string
	}{
		{"openmpi", openMPI, 3, false, nil, []string{"-v"},
			[]string{"--oversubscribe", "-np", "3", "/p", "-v"}},
		{"openmpi root env", openMPI, 1, true, []string{"A=1 2"}, nil,
			[]string{"--allow-run-as-root", "--oversubscribe", "-np", "1", "-x", "A=1 2", "/p"}},
		{"mpich env", mpich, 4, true, []string{"A=x=y"}, []string{"-mode", "abort"},
			[]string{"-n", "4", "-genv", "A", "x=y", "/p", "-mode", "abort"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := launchArgs(tt.impl, tt.np, tt.root, tt.env, "/p", tt.args...)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || len(got) != len(tt.want) {
				t.Errorf("launchArgs = %q, want %q", got, tt.want)
			}
		})
	}
}

// mpiTool finds mpirun and its implementation, skipping the test without
// it (failing under CI).
func mpiTool(t testing.TB) (string, mpiImpl) {
	t.Helper()
	path, err := exec.LookPath("mpirun")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mpirun not found, and CI=true: install Open MPI (openmpi-bin, libopenmpi-dev): %v", err)
		}
		t.Skipf("SKIPPING MPI integration test: mpirun not found (%v); install openmpi-bin and libopenmpi-dev to run it", err)
	}
	out, err := exec.Command(path, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", path, err, out)
	}
	switch {
	case bytes.Contains(out, []byte("Open MPI")), bytes.Contains(out, []byte("OpenRTE")):
		return path, openMPI
	case bytes.Contains(out, []byte("HYDRA")):
		return path, mpich
	}
	t.Fatalf("%s --version: unknown MPI implementation:\n%s", path, out)
	return "", 0
}

// buildMPI builds the package pkg (relative to this directory) with the mpi
// build tag and returns the binary's path.
func buildMPI(t testing.TB, impl mpiImpl, pkg string) string {
	t.Helper()
	// go test puts its own go command first on PATH.
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to build the MPI programs: %v", err)
	}
	tags := "mpi"
	if impl == mpich {
		tags = "mpi,mpich"
	}
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command(gobin, "build", "-tags", tags, "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %s %s: %v\n%s", tags, pkg, err, out)
	}
	return bin
}

// launch runs prog under mpirun and returns its combined output and exit
// status.
func launch(t testing.TB, mpirun string, impl mpiImpl, np int, env []string, prog string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a := launchArgs(impl, np, os.Geteuid() == 0, env, prog, args...)
	cmd := exec.CommandContext(ctx, mpirun, a...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("mpirun %s: still running after 2 minutes, killed; output:\n%s", strings.Join(a, " "), out)
	}
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("mpirun %s: %v", strings.Join(a, " "), err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

// checkAllOK checks that every rank reported success.
func checkAllOK(t *testing.T, np int, out string, code int) {
	t.Helper()
	if code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	for r := range np {
		if line := fmt.Sprintf("mpicheck: rank %d of %d: ok", r, np); !strings.Contains(out, line) {
			t.Errorf("no %q in the output", line)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

func TestMPIConformance(t *testing.T) {
	mpirun, impl := mpiTool(t)
	prog := buildMPI(t, impl, "./internal/mpicheck")
	for _, np := range []int{1, 2, 3, 4} {
		t.Run(fmt.Sprint("np=", np), func(t *testing.T) {
			out, code := launch(t, mpirun, impl, np, nil, prog, "-mode", "conformance")
			checkAllOK(t, np, out, code)
		})
	}
	// Counts lowered so that the 1 MiB messages and broadcasts take the
	// derived-datatype path of messages over 2 GiB, and the 100,000-value
	// reductions are done in pieces.
	t.Run("np=3 small max count", func(t *testing.T) {
		out, code := launch(t, mpirun, impl, 3, []string{"NETSWEEP_MPI_MAX_COUNT=1000"}, prog, "-mode", "conformance")
		checkAllOK(t, 3, out, code)
	})
}

func TestMPIErrors(t *testing.T) {
	mpirun, impl := mpiTool(t)
	prog := buildMPI(t, impl, "./internal/mpicheck")
	out, code := launch(t, mpirun, impl, 2, nil, prog, "-mode", "errors")
	checkAllOK(t, 2, out, code)
	if !strings.Contains(out, "MPI_Isend failed on rank 1") {
		t.Errorf("no MPI_Isend error message in the output:\n%s", out)
	}
	out, code = launch(t, mpirun, impl, 1, []string{"NETSWEEP_MPI_MAX_COUNT=0"}, prog)
	if code == 0 || !strings.Contains(out, "NETSWEEP_MPI_MAX_COUNT") {
		t.Errorf("a bad NETSWEEP_MPI_MAX_COUNT: exit status %d, want an error naming it; output:\n%s", code, out)
	}
}

func TestMPIAbort(t *testing.T) {
	mpirun, impl := mpiTool(t)
	prog := buildMPI(t, impl, "./internal/mpicheck")
	out, code := launch(t, mpirun, impl, 3, nil, prog, "-mode", "abort")
	if code == 0 {
		t.Errorf("exit status 0 after Abort(3), want failure")
	}
	if impl == openMPI && code != 3 {
		t.Errorf("exit status %d after Abort(3), want 3", code)
	}
	if strings.Contains(out, ": ok") || strings.Contains(out, "FAIL") {
		t.Errorf("a rank ran past Abort:\n%s", out)
	}
}

var benchLine = regexp.MustCompile(`(?m)^mpibench: np=\d+ (roundtrip|stream|idle): .*?([0-9.]+) ?(round trips/s|messages/s|% of a core)`)

// BenchmarkMPIRoundTrip runs mpibench on 3 ranks (a controller on rank 0,
// workers on ranks 1 and 2 and rank 0) with b.N round trips per worker and
// reports its figures; ns/op is one round trip as the controller sees it.
func BenchmarkMPIRoundTrip(b *testing.B) {
	mpirun, impl := mpiTool(b)
	prog := buildMPI(b, impl, "./internal/mpibench")
	n := max(b.N, 1000)
	out, code := launch(b, mpirun, impl, 3, nil, prog, "-n", strconv.Itoa(n), "-idle", "1s")
	if code != 0 {
		b.Fatalf("mpibench: exit status %d:\n%s", code, out)
	}
	b.Log(strings.TrimSpace(out))
	for _, m := range benchLine.FindAllStringSubmatch(out, -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			b.Fatal(err)
		}
		switch m[1] {
		case "roundtrip":
			b.ReportMetric(v, "roundtrips/s")
			b.ReportMetric(1e9/v, "ns/op")
		case "stream":
			b.ReportMetric(v, "msgs/s")
		case "idle":
			b.ReportMetric(v, "idle-cpu-%")
		}
	}
}
