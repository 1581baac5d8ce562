package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/netsweep/netsweep/sim"
)

// examplePoints pin, for each example spec, a digest of every point as
// Point materialises it: values, settings, key, seeds and network group.
// They were computed by the eager expansion that Parse made before the
// points were materialised on demand (e9efa01, which stored them in
// Spec.Points), so each point is the one it was, setting by setting.
var examplePoints = []struct{ file, digest string }{
	{"bootstrap-regular.toml", "4dbd9ce146ca4677"},
	{"campaign.toml", "2742a1350e86f345"},
	{"discrete-sir-gnm.toml", "9e1702bbee00bff6"},
	{"percolation-ws.toml", "200245540954609a"},
	{"quickstart.toml", "1a8071380010a656"},
	{"seir-compartmental.toml", "c86c5c9bf83b1484"},
	{"seirs-compartmental.toml", "348d61fe3baf5e22"},
	{"si-compartmental.toml", "8294f545878352f0"},
	{"sir-ba-series.toml", "16ec4cd03001111e"},
	{"sir-cns-nullmodels.toml", "3d1294943a570b8d"},
	{"sir-compartmental.toml", "b3d934a268905ea5"},
	{"sir-file-rewire.toml", "671b9d0711462683"},
	{"sir-fixed-compartmental.toml", "07b213b6a5a4a2d4"},
	{"sir-immunisation.toml", "4ed8dd1601d2defe"},
	{"sir-infectious-period.toml", "8c38853cdfc51a98"},
	{"sir-precision.toml", "155e15185dce7e12"},
	{"sirs-compartmental.toml", "864ad01797c55bab"},
	{"sis-compartmental.toml", "8712d5c817d5481b"},
	{"sis-discrete-points.toml", "0615120a8a1d5998"},
	{"sis-powerlaw.toml", "9b37bc98d1e2d495"},
	{"site-percolation-regular.toml", "b2fc9678cff86013"},
	{"watts-cascade-window.toml", "4bd07988b4b024a8"},
}

// TestPointsAsExpanded checks that Point(i) is, for every point of every
// example, the point the eager expansion made (examplePoints), and that
// the compact table agrees with it: PointKey, PointSeeds, NetworkGroup,
// PointIndex and the chain of each group's points.
func TestPointsAsExpanded(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) != len(examplePoints) {
		t.Fatalf("%d examples, %d pinned: add the new example's digest", len(files), len(examplePoints))
	}
	for _, e := range examplePoints {
		s, err := Load(filepath.Join("../examples", e.file))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		first := map[uint64]int{} // network seed → its group's first point
		var chain []int           // the points of the groups, by the table's links
		for i, pt := range s.Points() {
			fmt.Fprintf(h, "%d %#v %s %#v %s %#v %s %d %d %d\n", pt.Index, pt.Values, pt.Network.Generator, baseNames(pt.Network.Params), pt.Process.Model, pt.Process.Params, pt.Key, pt.networkSeed, pt.processSeed, pt.network)
			if k := s.PointKey(i); k != pt.Key {
				t.Errorf("%s: point %d: PointKey %s, Point's %s", e.file, i, k, pt.Key)
			}
			if j, ok := s.PointIndex(pt.Key); !ok || j != i {
				t.Errorf("%s: PointIndex(key of point %d) = %d, %v", e.file, i, j, ok)
			}
			n, p := s.PointSeeds(i, 3)
			if wn, wp := pt.Seeds(s.Seed, 3); n != wn || p != wp {
				t.Errorf("%s: point %d: PointSeeds %d %d, Point's %d %d", e.file, i, n, p, wn, wp)
			}
			if s.Realisations != RealisationsIndependent {
				if _, ok := first[pt.networkSeed]; !ok {
					first[pt.networkSeed] = i
				}
				if g := s.NetworkGroup(i); g != first[pt.networkSeed] {
					t.Errorf("%s: point %d: group %d, want %d", e.file, i, g, first[pt.networkSeed])
				}
			}
			if s.NetworkGroup(i) == i {
				for q := i; q >= 0; q = int(s.table[q].next) {
					if s.NetworkGroup(q) != i || q < i {
						t.Errorf("%s: point %d in the chain of group %d", e.file, q, i)
					}
					chain = append(chain, q)
				}
			}
		}
		if got := hex.EncodeToString(h.Sum(nil))[:16]; got != e.digest {
			t.Errorf("%s: points digest %s, pinned %s", e.file, got, e.digest)
		}
		if len(chain) != s.NumPoints() {
			t.Errorf("%s: the groups' chains hold %d points of %d", e.file, len(chain), s.NumPoints())
		}
		if _, ok := s.PointIndex("00"); ok {
			t.Errorf("%s: PointIndex found a short key", e.file)
		}
	}
}

// baseNames returns network params p with a file's path cut to its base
// name, which does not depend on where the examples are.
func baseNames(p sim.Params) sim.Params {
	out := sim.Params{}
	for k, v := range p {
		if k == "path" {
			v = filepath.Base(v.(string))
		}
		out[k] = v
	}
	return out
}

// sirText is an SIR spec on G(n,p), n = 20, named name, over the
// [sweep] section sweep.
func sirText(name, sweep string) []byte {
	return fmt.Appendf(nil, `name = %q
seed = 1
repetitions = 1
[network]
generator = "er"
n = 20
mean_degree = 2.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
seeds = 1
[sweep]
%s
`, name, sweep)
}

// gridText is sirText over n values of beta.
func gridText(n int) []byte {
	return sirText("big", fmt.Sprintf(`"process.beta" = { start = 0.1, stop = 0.9, num = %d }`, n))
}

// liveBytes returns the live heap after a collection.
func liveBytes() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestSpecBytesPerPoint checks that a parsed spec keeps a bounded number
// of bytes a point (the table, 56 bytes, PointIndex's 4 and the range's
// value, 8: 68 here), not the expanded grid (~570 bytes a point before).
func TestSpecBytesPerPoint(t *testing.T) {
	const small, large = 1000, 100000
	before := liveBytes()
	a, err := Parse("a.toml", gridText(small))
	if err != nil {
		t.Fatal(err)
	}
	a.PointIndex(a.PointKey(0))
	mid := liveBytes()
	b, err := Parse("b.toml", gridText(large))
	if err != nil {
		t.Fatal(err)
	}
	b.PointIndex(b.PointKey(0))
	after := liveBytes()
	per := float64(int64(after-mid)-int64(mid-before)) / (large - small)
	t.Logf("%.1f bytes a point", per)
	if per > 80 {
		t.Errorf("%.1f bytes of live heap a point, want at most 80", per)
	}
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
}

// ExampleSpec_Point builds the points of a grid one at a time: the spec
// holds the grid's axes, not its points.
func ExampleSpec_Point() {
	s, err := Parse("grid.toml", []byte(`name = "grid"
seed = 1
repetitions = 10
[network]
generator = "er"
n = 100
mean_degree = 3.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
[sweep]
"network.mean_degree" = [2.0, 4.0]
"process.beta" = { start = 0.2, stop = 0.6, num = 3 }
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.NumPoints(), "points of", s.Params)
	for i, pt := range s.Points() {
		fmt.Println(i, pt.Values, pt.Network.Params["mean_degree"], pt.Process.Params["beta"], s.NetworkGroup(i))
	}
	// Output:
	// 6 points of [network.mean_degree process.beta]
	// 0 [2 0.2] 2 0.2 0
	// 1 [2 0.4] 2 0.4 0
	// 2 [2 0.6] 2 0.6 0
	// 3 [4 0.2] 4 0.2 3
	// 4 [4 0.4] 4 0.4 3
	// 5 [4 0.6] 4 0.6 3
}
