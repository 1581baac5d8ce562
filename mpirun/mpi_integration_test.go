package mpirun_test

// Integration tests of the MPI communicator: they build the check and
// benchmark programs with the mpi build tag and run them under the system's
// mpirun. They need mpirun and an MPI development package (pkg-config
// ompi-c, or mpich for MPICH); without mpirun they skip, except under CI
// (CI=true), where they fail.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/internal/mpitest"
)

func TestLaunchArgs(t *testing.T) {
	tests := []struct {
		name string
		impl mpitest.Impl
		np   int
		root bool
		env  []string
		args []string
		want []string
	}{
		{"openmpi", mpitest.OpenMPI, 3, false, nil, []string{"-v"},
			[]string{"--oversubscribe", "-np", "3", "/p", "-v"}},
		{"openmpi root env", mpitest.OpenMPI, 1, true, []string{"A=1 2"}, nil,
			[]string{"--allow-run-as-root", "--oversubscribe", "-np", "1", "-x", "A=1 2", "/p"}},
		{"mpich env", mpitest.MPICH, 4, true, []string{"A=x=y"}, []string{"-mode", "abort"},
			[]string{"-n", "4", "-genv", "A", "x=y", "/p", "-mode", "abort"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mpitest.LaunchArgs(tt.impl, tt.np, tt.root, tt.env, "/p", tt.args...)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || len(got) != len(tt.want) {
				t.Errorf("launchArgs = %q, want %q", got, tt.want)
			}
		})
	}
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
	mpirun, impl := mpitest.Tool(t)
	prog := mpitest.Build(t, impl, "./internal/mpicheck")
	for _, np := range []int{1, 2, 3, 4} {
		t.Run(fmt.Sprint("np=", np), func(t *testing.T) {
			out, code := mpitest.Launch(t, mpirun, impl, np, nil, prog, "-mode", "conformance")
			checkAllOK(t, np, out, code)
		})
	}
	// Counts lowered so that the 1 MiB messages and broadcasts take the
	// derived-datatype path of messages over 2 GiB, and the 100,000-value
	// reductions are done in pieces.
	t.Run("np=3 small max count", func(t *testing.T) {
		out, code := mpitest.Launch(t, mpirun, impl, 3, []string{"NETSWEEP_MPI_MAX_COUNT=1000"}, prog, "-mode", "conformance")
		checkAllOK(t, 3, out, code)
	})
}

func TestMPIErrors(t *testing.T) {
	mpirun, impl := mpitest.Tool(t)
	prog := mpitest.Build(t, impl, "./internal/mpicheck")
	out, code := mpitest.Launch(t, mpirun, impl, 2, nil, prog, "-mode", "errors")
	checkAllOK(t, 2, out, code)
	if !strings.Contains(out, "MPI_Isend failed on rank 1") {
		t.Errorf("no MPI_Isend error message in the output:\n%s", out)
	}
	out, code = mpitest.Launch(t, mpirun, impl, 1, []string{"NETSWEEP_MPI_MAX_COUNT=0"}, prog)
	if code == 0 || !strings.Contains(out, "NETSWEEP_MPI_MAX_COUNT") {
		t.Errorf("a bad NETSWEEP_MPI_MAX_COUNT: exit status %d, want an error naming it; output:\n%s", code, out)
	}
}

func TestMPIAbort(t *testing.T) {
	mpirun, impl := mpitest.Tool(t)
	prog := mpitest.Build(t, impl, "./internal/mpicheck")
	out, code := mpitest.Launch(t, mpirun, impl, 3, nil, prog, "-mode", "abort")
	if code == 0 {
		t.Errorf("exit status 0 after Abort(3), want failure")
	}
	if impl == mpitest.OpenMPI && code != 3 {
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
	mpirun, impl := mpitest.Tool(b)
	prog := mpitest.Build(b, impl, "./internal/mpibench")
	n := max(b.N, 1000)
	out, code := mpitest.Launch(b, mpirun, impl, 3, nil, prog, "-n", strconv.Itoa(n), "-idle", "1s")
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
