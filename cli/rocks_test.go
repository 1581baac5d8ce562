package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderRocksGolden renders every example spec to its Rocks launcher
// and compares it with testdata/golden/EXAMPLE.rocks.sh (go test -run
// RenderRocksGolden -update rewrites them).
func TestRenderRocksGolden(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "launch.sh")
			if code, msg := netsweep(t, "render", f, "--scheduler", "rocks", "--out", "/home/user/campaigns/"+name, "-o", out); code != 0 {
				t.Fatalf("render: exit %d: %s", code, msg)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			// A network file's source is where render found it: this
			// checkout's examples directory.
			if abs, err := filepath.Abs("../examples"); err == nil {
				got = bytes.ReplaceAll(got, []byte(abs+"/"), []byte("/EXAMPLES/"))
			}
			checkGolden(t, got, name+".rocks.sh", "RenderRocksGolden")
			for _, line := range []string{
				"spec=/home/user/campaigns/" + name + "/spec.toml\n",
				"dir=/home/user/campaigns/" + name + "\n",
				"rocks list host |",
				"rocks run host \"${hosts[@]}\" 'command=mkdir -p -- /tmp/netsweep-",
				"mpirun --hostfile \"$hostfile\"",
			} {
				if !strings.Contains(string(got), line) {
					t.Errorf("the launcher lacks %q", line)
				}
			}
		})
	}
}
