package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pbsFlavour sets [cluster] scheduler = "pbs" and flavour in spec text,
// adding a [cluster] table (defaultCluster's) where it has none.
func pbsFlavour(text, flavour string) string {
	keys := "scheduler = \"pbs\"\nflavour = \"" + flavour + "\"\n"
	if !strings.Contains(text, "\n[cluster]\n") {
		text += defaultCluster
	}
	i := strings.Index(text, "\n[cluster]\n")
	return text[:i] + "\n[cluster]\n" + keys + text[i+len("\n[cluster]\n"):]
}

// TestRenderPBSGolden renders every example spec to its PBS job script,
// under both flavours, and compares them with
// testdata/golden/EXAMPLE.pbspro.sh and EXAMPLE.torque.sh (go test -run
// RenderPBSGolden -update rewrites them); bash -n checks each.
func TestRenderPBSGolden(t *testing.T) {
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
		for _, flavour := range []string{"pbspro", "torque"} {
			t.Run(name+"/"+flavour, func(t *testing.T) {
				text, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				specPath := writeSpec(t, pbsFlavour(string(text), flavour))
				linkExampleData(t, filepath.Dir(specPath))
				out := filepath.Join(t.TempDir(), "job.sh")
				if code, msg := netsweep(t, "render", specPath, "--out", "/campaigns/"+name, "-o", out); code != 0 {
					t.Fatalf("render: exit %d: %s", code, msg)
				}
				got, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, got, name+"."+flavour+".sh", "RenderPBSGolden")
				if out, err := exec.Command(bash, "-n", out).CombinedOutput(); err != nil {
					t.Errorf("bash -n: %v\n%s", err, out)
				}
				want := []string{"#PBS -N ", "#PBS -l walltime=", "spec=/campaigns/" + name + "/spec.toml\n", "--deadline \"$deadline\""}
				if flavour == "torque" {
					want = append(want, "#PBS -l procs=", "PBS_ARRAYID")
				} else {
					want = append(want, "#PBS -l select=", ":mpiprocs=", "PBS_ARRAY_INDEX")
				}
				for _, line := range want {
					if !bytes.Contains(got, []byte(line)) && !(strings.Contains(line, "ARRAY") && !bytes.Contains(got, []byte("--shard"))) {
						t.Errorf("the script lacks %q", line)
					}
				}
			})
		}
	}
}
