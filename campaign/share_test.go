package campaign

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/sim"
	"github.com/netsweep/netsweep/spec"
)

// generated counts the networks the "counted_er" generator builds.
var generated atomic.Int64

// countedGen is G(n,p) ("er"), counting its networks.
type countedGen struct{ sim.Generator }

func (g countedGen) Generate(dst *sim.Graph, r *sim.Rand) error {
	generated.Add(1)
	return g.Generator.Generate(dst, r)
}

func init() {
	er, ok := sim.LookupGenerator("er")
	if !ok {
		panic("campaign test: no er generator")
	}
	sim.RegisterGenerator(sim.GeneratorModel{
		Name: "counted_er",
		Doc:  "er, counting the networks it builds (campaign tests)",
		Keys: er.Keys,
		New: func(p sim.Params) (sim.Generator, error) {
			g, err := er.New(p)
			if err != nil {
				return nil, err
			}
			return countedGen{g}, nil
		},
	})
}

// shareSpec sweeps two network settings and three process settings: two
// groups of three points, each sharing its networks.
const shareSpec = `name = "share"
seed = 11
repetitions = 40

[network]
generator = "counted_er"
n = 300
mean_degree = 3.0
metrics = ["mean_k"]
%s
[process]
model = "sir"
beta = 1.0
gamma = 1.0

[sweep]
"network.mean_degree" = [2.0, 4.0]
"process.beta" = [0.5, 1.0, 2.0]
`

func shareSpecWith(t testing.TB, network string) *spec.Spec {
	return parse(t, strings.Replace(shareSpec, "%s", network, 1))
}

// ungrouped hides a job's NetworkGroup, so that the controller hands out
// every chunk alone, as netsweep did before points shared their builds.
type ungrouped struct{ mpirun.Job }

// TestNetworkBuiltOnce runs sweeps over process parameters and counts the
// networks built: each (network, repetition) once when points share their
// networks, once per point with independent realisations. (Chunks run
// alone may still reuse a network now and then, when a worker happens to
// run the same repetition of two points of a group one after the other.)
func TestNetworkBuiltOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		network string // more [network] keys
		want    int64
	}{
		{"shared", "", 2 * 40},
		{"independent", `realisations = "independent"`, 6 * 40},
	} {
		for _, workers := range []int{1, 2, 3} {
			for _, chunk := range []int{0, 1, 7} {
				t.Run(fmt.Sprintf("%s/workers=%d/chunk=%d", tc.name, workers, chunk), func(t *testing.T) {
					s := shareSpecWith(t, tc.network)
					generated.Store(0)
					if _, err := Run(context.Background(), t.TempDir(), s, Local(s, workers), RunOptions{Ranks: workers, Chunk: chunk}); err != nil {
						t.Fatal(err)
					}
					if n := generated.Load(); n != tc.want {
						t.Errorf("built %d networks, want %d", n, tc.want)
					}
				})
			}
		}
	}
}

// TestSharedNetworksSameResults checks that points sharing their networks
// give results byte-identical to those of chunks run alone (the path of
// netsweep before points shared their builds), for several worker counts
// and chunk sizes, with failures injected at some repetitions: the same
// results.csv, the same failures.jsonl, and the same summaries.
func TestSharedNetworksSameResults(t *testing.T) {
	t.Setenv(spec.FaultsEnv, "error@1/3,panic@2/3,panic@4/17")
	s := shareSpecWith(t, "")
	ctx := context.Background()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(ctx, ref, s, local(ungrouped{Job(s)}, 1), RunOptions{Ranks: 1, Chunk: 1}); err != nil {
		t.Fatal(err)
	}
	want := results(t, ref)
	wantFail, err := os.ReadFile(filepath.Join(ref, FailuresFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(wantFail, []byte("\n")); n != 3 {
		t.Fatalf("%d failures recorded, want 3:\n%s", n, wantFail)
	}
	for _, workers := range []int{1, 2, 3} {
		for _, chunk := range []int{0, 1, 7} {
			dir := filepath.Join(t.TempDir(), "run")
			if _, err := Run(ctx, dir, s, Local(s, workers), RunOptions{Ranks: workers, Chunk: chunk}); err != nil {
				t.Fatal(err)
			}
			if got := results(t, dir); !bytes.Equal(got, want) {
				t.Errorf("workers=%d chunk=%d: results differ from chunks run alone:\n%s\nwant\n%s", workers, chunk, got, want)
			}
			if got, _ := os.ReadFile(filepath.Join(dir, FailuresFile)); !bytes.Equal(got, wantFail) {
				t.Errorf("workers=%d chunk=%d: failures differ:\n%s\nwant\n%s", workers, chunk, got, wantFail)
			}
		}
	}

	// The summaries themselves, point by point.
	work := make([]mpirun.Chunk, s.NumPoints())
	for i := range work {
		work[i] = mpirun.Chunk{Point: i, End: s.Repetitions}
	}
	alone, err := local(ungrouped{Job(s)}, 2)(ctx, mpirun.Options{Work: work})
	if err != nil {
		t.Fatal(err)
	}
	shared, err := Local(s, 2)(ctx, mpirun.Options{Work: work})
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.NumPoints() {
		a, b := alone.Binary(i), shared.Binary(i)
		if !bytes.Equal(a, b) {
			t.Errorf("point %d: summaries differ", i)
		}
	}
}
