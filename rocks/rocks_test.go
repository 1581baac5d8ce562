package rocks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/cluster"
)

// fakeTools are stand-ins for rocks, ssh and mpirun on a frontend: each
// records its arguments, each ended by a NUL, in $FAKE_LOG/NNN-NAME. 'rocks list
// host' prints a Rocks 7 host table; 'rocks run host ... command=C' and
// 'ssh HOST C' run C here with sh, as the hosts would; mpirun also records
// the hostfile and exits with $FAKE_MPIRUN_STATUS.
var fakeTools = map[string]string{
	"rocks": `#!/bin/bash
n=$(ls "$FAKE_LOG" | wc -l); printf '%s\0' "$@" >"$FAKE_LOG/$(printf %03d "$n")-rocks"
if [ "$1 $2" = "list host" ]; then
	cat <<'TABLE'
HOST          MEMBERSHIP CPUS RACK RANK RUNACTION INSTALLACTION
frontend-0-0: Frontend   4    0    0    os        install
compute-0-0:  Compute    8    0    0    os        install
compute-0-1:  Compute    4    0    1    os        install
nas-0-0:      NAS        2    0    0    os        install
TABLE
	exit 0
fi
for a; do case $a in command=*) sh -c "${a#command=}" || exit 1 ;; esac; done
`,
	"ssh": `#!/bin/bash
n=$(ls "$FAKE_LOG" | wc -l); printf '%s\0' "$@" >"$FAKE_LOG/$(printf %03d "$n")-ssh"
exec sh -c "${@: -1}"
`,
	"mpirun": `#!/bin/bash
n=$(ls "$FAKE_LOG" | wc -l); printf '%s\0' "$@" >"$FAKE_LOG/$(printf %03d "$n")-mpirun"
cp "$2" "$FAKE_LOG/hostfile.copy"
printf '%s\n' "$A_VAR" >"$FAKE_LOG/env.copy"
exit "${FAKE_MPIRUN_STATUS:-0}"
`,
}

func TestLauncherRunsRocksCommands(t *testing.T) {
	for _, tool := range []string{"bash", "sha256sum", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPING: %s not found: %v", tool, err)
		}
	}
	for _, status := range []int{0, 75} {
		tmp := t.TempDir()
		bin := filepath.Join(tmp, "fakebin")
		logDir := filepath.Join(tmp, "log")
		for _, d := range []string{bin, logDir} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for name, text := range fakeTools {
			if err := os.WriteFile(filepath.Join(bin, name), []byte(text), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		// The binary to place, and awkward paths: spaces, quotes, $.
		mpi := filepath.Join(tmp, "build dir", "netsweep-mpi")
		os.MkdirAll(filepath.Dir(mpi), 0o755)
		if err := os.WriteFile(mpi, []byte("#!/bin/sh\necho not really MPI\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		job := Job{
			Name:    "sweep",
			Cluster: cluster.Config{Binary: mpi, NTasks: 6, Env: map[string]string{"A_VAR": "it's $HOME"}},
			Spec:    filepath.Join(tmp, "camp 'x' $y", "spec.toml"),
			Dir:     filepath.Join(tmp, "camp 'x' $y"),
			NodeDir: filepath.Join(tmp, "node local", "dir"),
		}
		var b bytes.Buffer
		if err := Render(&b, job); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "-c", b.String())
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_LOG="+logDir, "FAKE_MPIRUN_STATUS="+itoa(status))
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != status {
			t.Fatalf("launcher exit %d, want %d:\n%s", code, status, out)
		}

		calls := readCalls(t, logDir)
		nodeBin := filepath.Join(job.NodeDir, "netsweep-mpi")
		want := [][]string{
			{"rocks", "list", "host"},
			{"rocks", "run", "host", "compute-0-0", "compute-0-1", "command=mkdir -p -- '" + job.NodeDir + "'"},
			{"ssh", "-o", "BatchMode=yes", "--", "compute-0-0"},
			{"ssh", "-o", "BatchMode=yes", "--", "compute-0-1"},
			{"mpirun", "--hostfile", filepath.Join(job.Dir, "rocks", "hostfile"), "-np", "6", "-x", "A_VAR", nodeBin, "run", job.Spec, "--out", job.Dir},
		}
		if len(calls) != len(want) {
			t.Fatalf("calls %q, want %d of them; output:\n%s", calls, len(want), out)
		}
		for i, w := range want {
			got := calls[i]
			if w[0] == "ssh" && len(got) == len(w)+1 {
				// The install command, checked by its effect; it ends in
				// the binary's SHA-256.
				if !regexp.MustCompile(` [0-9a-f]{64}$`).MatchString(got[len(w)]) {
					t.Errorf("ssh command %q does not end in a checksum", got[len(w)])
				}
				got = got[:len(w)]
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("call %d = %q, want %q", i, got, w)
			}
		}
		placed, err := os.ReadFile(nodeBin)
		src, _ := os.ReadFile(mpi)
		if err != nil || !bytes.Equal(placed, src) {
			t.Errorf("the placed binary %s: %q, %v; want a copy of %s", nodeBin, placed, err, mpi)
		}
		if fi, err := os.Stat(nodeBin); err != nil || fi.Mode().Perm() != 0o755 {
			t.Errorf("the placed binary's mode: %v, %v", fi, err)
		}
		if hf, _ := os.ReadFile(filepath.Join(logDir, "hostfile.copy")); string(hf) != "compute-0-0 slots=8\ncompute-0-1 slots=4\n" {
			t.Errorf("hostfile = %q", hf)
		}
		if env, _ := os.ReadFile(filepath.Join(logDir, "env.copy")); string(env) != "it's $HOME\n" {
			t.Errorf("A_VAR reached mpirun as %q", env)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// readCalls returns the recorded calls in order, each its tool's name
// followed by its arguments.
func readCalls(t *testing.T, dir string) [][]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "[0-9][0-9][0-9]-*"))
	sort.Strings(files)
	var calls [][]string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, name, _ := strings.Cut(filepath.Base(f), "-")
		calls = append(calls, append([]string{name}, strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")...))
	}
	return calls
}

func TestRenderErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		job  Job
		want string
	}{
		{"relative dir", Job{Name: "x", Spec: "/a/spec.toml", Dir: "camp"}, "must be absolute"},
		{"no spec", Job{Name: "x", Dir: "/camp"}, "required"},
		{"bad env", Job{Name: "x", Spec: "/s", Dir: "/d", Cluster: cluster.Config{Env: map[string]string{"1X": "v"}}}, "env.1X"},
		{"newline", Job{Name: "x", Spec: "/s\n", Dir: "/d"}, "line break"},
		{"appliance", Job{Name: "x", Spec: "/s", Dir: "/d", Appliance: "a b"}, "bad appliance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Render(&bytes.Buffer{}, tc.job)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestLauncherShipsNetworkFiles: with network files, the launcher copies
// each under the campaign directory, checked by SHA-256, and writes the
// spec copy before mpirun; a source that is not the file it was rendered
// with is refused with one line, and mpirun never runs.
func TestLauncherShipsNetworkFiles(t *testing.T) {
	for _, tool := range []string{"bash", "sha256sum", "awk", "cp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPING: %s not found: %v", tool, err)
		}
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "fakebin")
	logDir := filepath.Join(tmp, "log")
	for _, d := range []string{bin, logDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range fakeTools {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mpi := filepath.Join(tmp, "netsweep-mpi")
	os.WriteFile(mpi, []byte("#!/bin/sh\n"), 0o755)
	src := filepath.Join(tmp, "data 'x'", "net.txt")
	os.MkdirAll(filepath.Dir(src), 0o755)
	data := []byte("a b\nb c\n")
	os.WriteFile(src, data, 0o644)
	dir := filepath.Join(tmp, "camp $y")
	spec := "name = \"x\"\nNETSWEEP_SPEC\n[network_files]\n"
	job := Job{
		Name:     "sweep",
		Cluster:  cluster.Config{Binary: mpi},
		Spec:     filepath.Join(dir, "spec.toml"),
		Dir:      dir,
		NodeDir:  filepath.Join(tmp, "node"),
		Files:    []cluster.File{{Source: src, Copy: filepath.Join(dir, "networks", "abc-net.txt"), SHA256: "08a6fa35cd3b4ec23b18b9e3aa5e0e8a2f4fdbd0a5c5ba7dbb6a1fbbb3fd2b4c"}},
		SpecText: []byte(spec),
	}
	sum := sha256Hex(data)
	job.Files[0].SHA256 = sum
	launch := func() (int, string) {
		var b bytes.Buffer
		if err := Render(&b, job); err != nil {
			t.Fatal(err)
		}
		os.RemoveAll(logDir)
		os.Mkdir(logDir, 0o755)
		cmd := exec.Command("bash", "-c", b.String())
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_LOG="+logDir)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	mpirunRan := func() bool {
		for _, c := range readCalls(t, logDir) {
			if c[0] == "mpirun" {
				return true
			}
		}
		return false
	}
	if code, out := launch(); code != 0 || !mpirunRan() {
		t.Fatalf("launcher: exit %d, mpirun ran: %v:\n%s", code, mpirunRan(), out)
	}
	if got, err := os.ReadFile(job.Files[0].Copy); err != nil || !bytes.Equal(got, data) {
		t.Errorf("the copy: %q, %v; want the network file", got, err)
	}
	if got, err := os.ReadFile(job.Spec); err != nil || string(got) != spec {
		t.Errorf("the spec copy: %q, %v; want %q", got, err, spec)
	}
	// The source changes and the copy is gone: refused before mpirun.
	os.Remove(job.Files[0].Copy)
	os.WriteFile(src, []byte("a b\nb d\n"), 0o644)
	code, out := launch()
	if code != 1 || mpirunRan() || !strings.Contains(out, "not the network file this launcher was rendered with") || strings.Count(strings.TrimSpace(out), "\n") > 1 {
		t.Fatalf("a changed source: exit %d, mpirun ran: %v:\n%s\nwant exit 1 with one line, before mpirun", code, mpirunRan(), out)
	}
	if _, err := os.Stat(job.Files[0].Copy); err == nil {
		t.Error("a changed source was copied")
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
