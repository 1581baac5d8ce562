package spec

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const netSpec = `name = "net"
seed = 2
repetitions = 3

[network]
generator = "file"
path = "%s"
%s
[process]
model = "sir"
beta = 1.0
gamma = 1.0
seeds = 1
`

// writeNetSpec writes a network file of text into dir and parses a spec
// of it, in dir, with extra [network] lines.
func writeNetSpec(t *testing.T, dir, name, text, extra string) (*Spec, error) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := fmt.Sprintf(netSpec, name, extra)
	if strings.Contains(extra, "degrees = ") {
		spec = strings.Replace(spec, `generator = "file"`, `generator = "configuration"`, 1)
	}
	return Parse(filepath.Join(dir, "spec.toml"), []byte(spec))
}

// TestNetworkFileKeys: a network file's point key follows its content
// (sha256), not its path or directory; a sha256 the spec gives pins it.
func TestNetworkFileKeys(t *testing.T) {
	const net = "a b\nb c\nc d\nd a\na c\n"
	a, err := writeNetSpec(t, t.TempDir(), "x.txt", net, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := writeNetSpec(t, t.TempDir(), "y.txt", "# same edges\n"+net, "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := writeNetSpec(t, t.TempDir(), "x.txt", net, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Point(0).Key != c.Point(0).Key {
		t.Error("the same file in another directory changes the point key")
	}
	if a.Point(0).Key == b.Point(0).Key {
		t.Error("a file with other bytes keeps the point key")
	}
	p := a.Point(0).Network.Params
	if !filepath.IsAbs(p["path"].(string)) || p["n"] != int64(4) {
		t.Errorf("resolved params %v: want an absolute path and n = 4", p)
	}
	if len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "4 nodes, 5 edges") {
		t.Errorf("notes %q", a.Notes)
	}
	pin := fmt.Sprintf("sha256 = %q\n", p["sha256"])
	if _, err := writeNetSpec(t, t.TempDir(), "x.txt", net, pin); err != nil {
		t.Errorf("the file's own sha256 refused: %v", err)
	}
	if _, err := writeNetSpec(t, t.TempDir(), "x.txt", net+"d e\n", pin); err == nil || !strings.Contains(err.Error(), "spec.toml:8: network.sha256") {
		t.Errorf("another file under a pinned sha256: %v", err)
	}
}

// TestRunnerSharesFileGraph: a runner runs a file's network on the shared
// graph, building (and copying) nothing, in every repetition and point.
func TestRunnerSharesFileGraph(t *testing.T) {
	s, err := writeNetSpec(t, t.TempDir(), "x.txt", "a b\nb c\nc a\n", "")
	if err != nil {
		t.Fatal(err)
	}
	r := s.NewRunner()
	out := make([]float64, len(s.Metrics))
	for rep := range 3 {
		if err := r.Run(0, rep, out); err != nil {
			t.Fatal(err)
		}
		if r.cur == &r.g || r.cur.N != 3 || r.g.N != 0 {
			t.Fatalf("rep %d: the runner ran on its own graph (%d nodes), want the shared one", rep, r.g.N)
		}
	}
	r2 := s.NewRunner()
	if err := r2.Run(0, 0, out); err != nil {
		t.Fatal(err)
	}
	if r2.cur != r.cur {
		t.Error("two runners hold two copies of the file's network")
	}
}

// TestShippedText: a copy of a spec elsewhere, with a [network_files]
// table, reads the shipped copies under the same point keys; shipping the
// copy again replaces the table; a shipped file that changed is refused
// at the table's line; a swept path ships each file.
func TestShippedText(t *testing.T) {
	src := t.TempDir()
	for name, text := range map[string]string{"a.txt": "a b\nb c\nc a\n", "b.txt": "1 2\n2 3\n3 4\n"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := fmt.Sprintf(netSpec, "a.txt", "") + "\n[sweep]\n\"network.path\" = [\"a.txt\", \"b.txt\"]\n"
	s, err := Parse(filepath.Join(src, "spec.toml"), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	files := s.NetworkFiles()
	if len(files) != 2 || files[0].Written != "a.txt" || files[1].Written != "b.txt" || files[0].Path != filepath.Join(src, "a.txt") {
		t.Fatalf("NetworkFiles = %+v", files)
	}
	dst := t.TempDir()
	paths := map[string]string{}
	for _, f := range files {
		to := "networks/" + f.SHA256[:12] + "-" + filepath.Base(f.Written)
		paths[f.Written] = to
		b, _ := os.ReadFile(f.Path)
		os.MkdirAll(filepath.Join(dst, "networks"), 0o755)
		if err := os.WriteFile(filepath.Join(dst, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shipped, err := s.ShippedText(paths)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(filepath.Join(dst, "spec.toml"), shipped)
	if err != nil {
		t.Fatalf("the shipped copy does not load: %v\n%s", err, shipped)
	}
	if c.CampaignID != s.CampaignID || c.NumPoints() != s.NumPoints() {
		t.Fatal("the shipped copy is another campaign")
	}
	for i := range c.NumPoints() {
		if c.Point(i).Key != s.Point(i).Key {
			t.Errorf("point %d: key %s, shipped %s", i, s.Point(i).Key, c.Point(i).Key)
		}
		if got := c.Point(i).Network.Params["path"].(string); !strings.HasPrefix(got, filepath.Join(dst, "networks")+string(filepath.Separator)) {
			t.Errorf("point %d of the copy reads %s", i, got)
		}
	}
	again, err := c.ShippedText(paths)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(shipped) {
		t.Errorf("shipping the copy again changed it:\n%s\nthen\n%s", shipped, again)
	}

	// A shipped file that changed: refused at its entry's line.
	to := filepath.Join(dst, paths["b.txt"])
	if err := os.WriteFile(to, []byte("1 2\n2 3\n3 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Parse(filepath.Join(dst, "spec.toml"), shipped)
	line := strings.Count(string(shipped[:strings.Index(string(shipped), `"b.txt" = {`)]), "\n") + 1
	want := fmt.Sprintf("spec.toml:%d: network_files.\"b.txt\" = %q: its SHA-256 is ", line, paths["b.txt"])
	if err == nil || !strings.Contains(err.Error(), want) || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("a changed shipped file: got %v, want one line with %s", err, want)
	}

	// A table of the author's own is not replaced.
	own := append([]byte(text), "\n[network_files]\n\"a.txt\" = { path = \"a.txt\", sha256 = \""+files[0].SHA256+"\" }\n"...)
	o, err := Parse(filepath.Join(src, "spec.toml"), own)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.ShippedText(paths); err == nil {
		t.Error("ShippedText replaced the author's own [network_files]")
	}
	// Bad entries.
	for _, bad := range []string{`"a.txt" = 3`, `"a.txt" = { path = "a.txt", sha256 = "xyz" }`, `"a.txt" = { path = "a.txt", sha256 = "` + files[0].SHA256 + `", size = 3 }`} {
		if _, err := Parse(filepath.Join(src, "spec.toml"), []byte(text+"\n[network_files]\n"+bad+"\n")); err == nil || !strings.Contains(err.Error(), "spec.toml:19: network_files") {
			t.Errorf("%s: got %v, want an error at spec.toml:19", bad, err)
		}
	}
}

// TestFileNetworkMetrics: a file's network metrics are its exact values,
// the same in every repetition: a triangle with a tail (a b c, c d) and a
// separate edge (e f): 2 components, giant 4/6, clustering (1+1+1/3)/6,
// and r = 0: the end degrees (2,2) (2,3) (3,2) (3,1) (1,1) have Σjk/M = 4
// = [Σ(j+k)/2M]².
func TestFileNetworkMetrics(t *testing.T) {
	s, err := writeNetSpec(t, t.TempDir(), "x.txt", "a b\nb c\nc a\nc d\ne f\n",
		`metrics = ["giant", "components", "clustering", "assortativity"]`+"\n")
	if err != nil {
		t.Fatal(err)
	}
	r := s.NewRunner()
	out := make([]float64, len(s.Metrics))
	want := []float64{4.0 / 6, 2, (2 + 1.0/3) / 6, 0}
	for rep := range 3 {
		if err := r.Run(0, rep, out); err != nil {
			t.Fatal(err)
		}
		got := out[len(out)-4:]
		for i, w := range want {
			if math.Abs(got[i]-w) > 1e-14 {
				t.Errorf("rep %d: %s = %v, want %v", rep, s.Metrics[len(out)-4+i].Name, got[i], w)
			}
		}
	}
}

// TestConfigurationFileSpec: the configuration model of a file's degrees
// resolves the file like generator "file" (n and sha256 are the file's,
// its content is in the point key) and draws a new network each
// repetition, with the file's number of edges under multi_edges =
// "reject".
func TestConfigurationFileSpec(t *testing.T) {
	const net = "a b\nb c\nc d\nd e\ne f\nf a\na d\nb e\n"
	conf := func(text string) *Spec {
		t.Helper()
		s, err := writeNetSpec(t, t.TempDir(), "x.txt", text, "degrees = \"file\"\nmulti_edges = \"reject\"\nmetrics = [\"mean_k\"]\n")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := conf(net)
	b := conf(net + "c f\n")
	if a.Point(0).Key == b.Point(0).Key {
		t.Error("an edited file keeps the point key")
	}
	r := a.NewRunner()
	out := make([]float64, len(a.Metrics))
	for rep := range 5 {
		if err := r.Run(0, rep, out); err != nil {
			t.Fatal(err)
		}
		if r.cur != &r.g || r.g.N != 6 || r.g.Edges() != 8 || out[len(out)-1] != 16.0/6 {
			t.Fatalf("rep %d: %d nodes, %d edges, mean_k %v; want a drawn graph of 6 nodes, 8 edges", rep, r.g.N, r.g.Edges(), out[len(out)-1])
		}
	}
}

// TestNetworkFileTooLarge: a network file whose estimated edges need more
// memory than the machine has is refused before it is read, at the path's
// line, unless NETSWEEP_ALLOW_LARGE=1.
func TestNetworkFileTooLarge(t *testing.T) {
	defer func(f func() int64) { machineMemory = f }(machineMemory)
	machineMemory = func() int64 { return 1 << 20 }
	var b strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&b, "%d %d\n", i, i+1)
	}
	t.Setenv(AllowLargeEnv, "")
	_, err := writeNetSpec(t, t.TempDir(), "big.txt", b.String(), "")
	if err == nil || !strings.Contains(err.Error(), `spec.toml:7: network.path = "big.txt": big.txt: about 100`) ||
		!strings.Contains(err.Error(), AllowLargeEnv+"=1") {
		t.Errorf("a 100000-edge file on a 1 MiB machine: %v", err)
	}
	t.Setenv(AllowLargeEnv, "1")
	if _, err := writeNetSpec(t, t.TempDir(), "big.txt", b.String(), ""); err != nil {
		t.Errorf("with %s=1: %v", AllowLargeEnv, err)
	}
}
