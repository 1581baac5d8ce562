// Package mpitest finds, builds and launches MPI programs for integration
// tests: under CI (CI=true) a missing mpirun fails the test instead of
// skipping it.
package mpitest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Impl is the MPI implementation behind mpirun.
type Impl int

const (
	OpenMPI Impl = iota
	MPICH
)

// LaunchArgs returns the arguments to mpirun that start np ranks of prog
// with args, setting env in every rank. Open MPI needs to be told that
// running as root and more ranks than cores are intended.
func LaunchArgs(impl Impl, np int, root bool, env []string, prog string, args ...string) []string {
	var a []string
	switch impl {
	case OpenMPI:
		if root {
			a = append(a, "--allow-run-as-root")
		}
		a = append(a, "--oversubscribe", "-np", strconv.Itoa(np))
		for _, kv := range env {
			a = append(a, "-x", kv)
		}
	case MPICH:
		a = append(a, "-n", strconv.Itoa(np))
		for _, kv := range env {
			k, v, _ := strings.Cut(kv, "=")
			a = append(a, "-genv", k, v)
		}
	}
	a = append(a, prog)
	return append(a, args...)
}

// Tool finds mpirun and its implementation, skipping the test without
// it (failing under CI).
func Tool(t testing.TB) (string, Impl) {
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
		return path, OpenMPI
	case bytes.Contains(out, []byte("HYDRA")):
		return path, MPICH
	}
	t.Fatalf("%s --version: unknown MPI implementation:\n%s", path, out)
	return "", 0
}

// Build builds the package pkg (relative to this directory) with the mpi
// build tag and returns the binary's path.
func Build(t testing.TB, impl Impl, pkg string) string {
	t.Helper()
	return BuildTo(t, impl, pkg, t.TempDir())
}

// Tags returns the build tags of the MPI binding for impl.
func Tags(impl Impl) string {
	if impl == MPICH {
		return "mpi,mpich"
	}
	return "mpi"
}

// BuildTo is Build into directory dir, which outlives the test.
func BuildTo(t testing.TB, impl Impl, pkg, dir string) string {
	t.Helper()
	// go test puts its own go command first on PATH.
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to build the MPI programs: %v", err)
	}
	tags := Tags(impl)
	abs, err := filepath.Abs(pkg)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.Base(abs)+"-mpi")
	cmd := exec.Command(gobin, "build", "-tags", tags, "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %s %s: %v\n%s", tags, pkg, err, out)
	}
	return bin
}

// Launch runs prog under mpirun and returns its combined output and exit
// status.
func Launch(t testing.TB, mpirun string, impl Impl, np int, env []string, prog string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a := LaunchArgs(impl, np, os.Geteuid() == 0, env, prog, args...)
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
