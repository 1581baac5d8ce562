package campaign

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/spec"
)

const fileSpec = `name = "netfile"
seed = 4
repetitions = 6

[network]
generator = "file"
path = "%s"

[process]
model = "sir"
beta = 1.0
gamma = 1.0
seeds = 2

[sweep]
"network.generator" = ["file", "rewire"]
"process.beta" = [0.5, 1.0]
`

// TestNetworkFileIdentity runs a campaign on a network file, then runs
// it again in the same directory after editing one line of the file: the
// edited file's points are new points, so nothing is reused and the
// results are those of a fresh run. Moving the file (and its path in the
// spec) keeps the campaign: every repetition is reused.
func TestNetworkFileIdentity(t *testing.T) {
	tmp := t.TempDir()
	var edges strings.Builder
	for v := range 60 {
		fmt.Fprintf(&edges, "%d %d\n%d %d\n", v, (v+1)%60, v, (v+7)%60)
	}
	writeNet := func(name, text string) *spec.Spec {
		t.Helper()
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := spec.Parse(filepath.Join(tmp, "spec.toml"), []byte(fmt.Sprintf(fileSpec, name)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	run := func(dir string, s *spec.Spec) Start {
		t.Helper()
		var st Start
		o := RunOptions{Ranks: 2}
		o.Reporter = startRecorder{&st}
		if _, err := Run(context.Background(), dir, s, Local(s, 2), o); err != nil {
			t.Fatal(err)
		}
		return st
	}
	dir := filepath.Join(tmp, "out")
	s := writeNet("net.txt", edges.String())
	run(dir, s)

	moved := writeNet("moved.txt", edges.String())
	if st := run(dir, moved); st.Done != 24 {
		t.Errorf("after moving the file: %d repetitions reused, want all 24", st.Done)
	}

	edited := strings.Replace(edges.String(), "0 7\n", "0 8\n", 1)
	s2 := writeNet("net.txt", edited)
	for i := range s.NumPoints() {
		if s.Point(i).Key == s2.Point(i).Key {
			t.Errorf("point %d keeps its key after the file was edited", i)
		}
	}
	if st := run(dir, s2); st.Done != 0 {
		t.Errorf("after editing the file: %d repetitions reused, want 0", st.Done)
	}
	fresh := filepath.Join(tmp, "fresh")
	run(fresh, s2)
	if !bytes.Equal(results(t, dir), results(t, fresh)) {
		t.Error("results after the edit differ from a fresh run's on the edited file")
	}
}
