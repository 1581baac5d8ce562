package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rocksRun sets [cluster] scheduler = "rocks" and launch = "rocks-run" in
// spec text, adding a [cluster] table where it has none (with the time
// limit every [cluster] table needs; the launcher does not use it).
func rocksRun(text string) string {
	const keys = "scheduler = \"rocks\"\nlaunch = \"rocks-run\"\n"
	if i := strings.Index(text, "\n[cluster]\n"); i >= 0 {
		return text[:i] + "\n[cluster]\n" + keys + text[i+len("\n[cluster]\n"):]
	}
	return text + "\n[cluster]\n" + keys + "time = \"1:00:00\"\n"
}

// TestRenderRocksGolden renders every example spec, with launch =
// "rocks-run", to its Rocks launcher and compares it with
// testdata/golden/EXAMPLE.rocks.sh (go test -run RenderRocksGolden
// -update rewrites them).
func TestRenderRocksGolden(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			specPath := writeSpec(t, rocksRun(string(text)))
			linkExampleData(t, filepath.Dir(specPath))
			out := filepath.Join(t.TempDir(), "launch.sh")
			if code, msg := netsweep(t, "render", specPath, "--scheduler", "rocks", "--out", "/home/user/campaigns/"+name, "-o", out); code != 0 {
				t.Fatalf("render: exit %d: %s", code, msg)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			// A network file's source is where render found it: beside
			// the spec's copy, whose data/ links to the examples' own.
			got = bytes.ReplaceAll(got, []byte(filepath.Dir(specPath)+"/"), []byte("/EXAMPLES/"))
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

// TestRenderRocksDefaultsToSGE: without launch = "rocks-run", a Rocks
// cluster's campaign goes through its Grid Engine queue: render
// --scheduler rocks writes the Grid Engine script (the golden
// EXAMPLE.sge.sh), and scheduler = "rocks" takes Grid Engine's keys.
func TestRenderRocksDefaultsToSGE(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		specPath := f
		if !bytes.Contains(text, []byte("\n[cluster]")) {
			specPath = writeSpec(t, string(text)+defaultCluster)
			linkExampleData(t, filepath.Dir(specPath))
		}
		code, got := netsweep(t, "render", specPath, "--scheduler", "rocks", "--out", "/campaigns/"+name)
		want, err := os.ReadFile(filepath.Join("testdata", "golden", name+".sge.sh"))
		if code != 0 || err != nil || got != string(want) {
			t.Errorf("%s: render --scheduler rocks: exit %d, %v; want the Grid Engine script %s.sge.sh:\n%s", name, code, err, name, got)
		}
	}
	spec := writeSpec(t, minimalSpec+"\n[cluster]\nscheduler = \"rocks\"\ntime = \"1:00:00\"\nntasks = 8\npe = \"orte\"\nqueue = \"all.q\"\n")
	code, got := netsweep(t, "render", spec)
	if code != 0 || !strings.Contains(got, "#$ -pe orte 8\n") || !strings.Contains(got, "#$ -q all.q\n") {
		t.Errorf("scheduler = \"rocks\" with Grid Engine keys: exit %d:\n%s", code, got)
	}
	bad := writeSpec(t, minimalSpec+"\n[cluster]\nscheduler = \"rocks\"\ntime = \"1:00:00\"\nlaunch = \"ssh\"\n")
	if code, msg := netsweep(t, "render", bad); code != exitUsage || !strings.Contains(msg, "cluster.launch") || !strings.Contains(msg, bad) {
		t.Errorf("a bad launch: exit %d, %q; want a usage error naming the file and cluster.launch", code, msg)
	}
}
