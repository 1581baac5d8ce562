package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderSGEGolden renders every example spec to its Grid Engine job
// script and compares it with testdata/golden/EXAMPLE.sge.sh (go test
// -run RenderSGEGolden -update rewrites them); bash -n checks each.
func TestRenderSGEGolden(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash not found: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			specPath := f
			if !bytes.Contains(text, []byte("\n[cluster]")) {
				specPath = writeSpec(t, string(text)+defaultCluster)
				linkExampleData(t, filepath.Dir(specPath))
			}
			out := filepath.Join(t.TempDir(), "job.sh")
			if code, msg := netsweep(t, "render", specPath, "--scheduler", "sge", "--out", "/campaigns/"+name, "-o", out); code != 0 {
				t.Fatalf("render: exit %d: %s", code, msg)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, got, name+".sge.sh", "RenderSGEGolden")
			if out, err := exec.Command(bash, "-n", out).CombinedOutput(); err != nil {
				t.Errorf("bash -n: %v\n%s", err, out)
			}
			for _, line := range []string{
				"#$ -N ",
				"#$ -notify\n",
				"spec=/campaigns/" + name + "/spec.toml\n",
				"dir=/campaigns/" + name + "\n",
				"script=/campaigns/" + name + "/slurm/job.sbatch\n",
			} {
				if !strings.Contains(string(got), line) {
					t.Errorf("the script lacks %q", line)
				}
			}
		})
	}
}
