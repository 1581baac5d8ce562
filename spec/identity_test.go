package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/sim"
)

// exampleKeys pin, for each example spec, a digest of its campaign
// identity and of every point's key and stream seeds (result format 2).
// Journals record point keys and results follow the seeds, so a change
// here changes every user's results: bump spec.ResultFormat and say so in
// the README's reproducibility section.
var exampleKeys = []struct{ file, digest string }{
	{"bootstrap-regular.toml", "84c3cea69b1d45c0"},
	{"campaign.toml", "de194141997d41a1"},
	{"discrete-sir-gnm.toml", "3ba80d2a9268f0f1"},
	{"percolation-ws.toml", "f115802e45d426c4"},
	{"quickstart.toml", "47fab29dafecb98c"},
	{"seir-compartmental.toml", "311e06c7142a1fc7"},
	{"seirs-compartmental.toml", "7837e2b6941130e8"},
	{"si-compartmental.toml", "fd8fdbd31b25f03d"},
	{"sir-ba-series.toml", "29ce44e9a4aca396"},
	{"sir-cns-nullmodels.toml", "bdae321d07efc4a1"},
	{"sir-compartmental.toml", "7b0f25c5228c1331"},
	{"sir-file-rewire.toml", "29eae543cc9d45f0"},
	{"sir-fixed-compartmental.toml", "4742dd4ae4bb523a"},
	{"sir-immunisation.toml", "b8ce26dfa705ef28"},
	{"sir-infectious-period.toml", "1e6d553013d88a0c"},
	{"sir-precision.toml", "388eb5f138141cad"},
	{"sirs-compartmental.toml", "f0c25c20340c0eae"},
	{"sis-compartmental.toml", "f275f0852c799358"},
	{"sis-discrete-points.toml", "219f22f7387321b3"},
	{"sis-powerlaw.toml", "8500532ab70773a3"},
	{"site-percolation-regular.toml", "0f15d1ecc6008891"},
	{"watts-cascade-window.toml", "23bb5e87a91a2643"},
}

// keyDigest hashes s's identity, and each point's key and seeds of
// repetitions 0 and 1.
func keyDigest(s *Spec) string {
	h := sha256.New()
	fmt.Fprintln(h, s.CampaignID)
	for i := range s.NumPoints() {
		n0, p0 := s.Point(i).Seeds(s.Seed, 0)
		n1, p1 := s.Point(i).Seeds(s.Seed, 1)
		fmt.Fprintln(h, s.Point(i).Key, n0, p0, n1, p1)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func checkExampleKeys(t *testing.T) {
	t.Helper()
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) != len(exampleKeys) {
		t.Errorf("%d example specs, %d pinned digests: pin every example", len(files), len(exampleKeys))
	}
	for _, e := range exampleKeys {
		s, err := Load(filepath.Join("../examples", e.file))
		if err != nil {
			t.Errorf("%s: %v", e.file, err)
			continue
		}
		if got := keyDigest(s); got != e.digest {
			t.Errorf("%s: keys and seeds digest %s, want %s: its journals and results would change", e.file, got, e.digest)
		}
	}
}

// TestExampleKeys pins the point keys and seeds of the example specs.
func TestExampleKeys(t *testing.T) { checkExampleKeys(t) }

// A variant of SIR with one key more, registered for the tests below.
func init() {
	sir, _ := sim.LookupProcess("sir")
	sim.RegisterProcess(sim.ProcessModel{
		Name: "sir_test_waning",
		Doc:  "SIR with a waning key, for identity tests",
		Keys: append(sir.Keys, sim.Key{Name: "waning", Kind: sim.Float}),
		New: func(params sim.Params, n int) (sim.Process, error) {
			var c struct {
				Waning float64 `toml:"waning"`
			}
			rest := sim.Params{}
			for k, v := range params {
				if k == "waning" {
					c.Waning = v.(float64)
				} else {
					rest[k] = v
				}
			}
			if c.Waning < 0 {
				return nil, &sim.ParamError{Key: "waning", Value: c.Waning, Reason: "must be at least 0"}
			}
			return sir.New(rest, n)
		},
	})
}

const waningSpec = `name = "waning"
seed = 3
repetitions = 2

[network]
generator = "er"
n = 50
mean_degree = 3.0

[process]
model = "sir_test_waning"
beta = 0.5
gamma = 1.0
`

// TestIdentityStableUnderNewKeys: registering a model with a key more
// (init above) leaves the example specs' point keys and seeds as they
// were, and a point that sets the new key gets a key of its own that
// follows the key's value.
func TestIdentityStableUnderNewKeys(t *testing.T) {
	checkExampleKeys(t)
	key := func(text string) string {
		t.Helper()
		s, err := Parse("waning.toml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return s.Point(0).Key
	}
	plain := key(waningSpec)
	sirKey := key(strings.Replace(waningSpec, `"sir_test_waning"`, `"sir"`, 1))
	w1 := key(waningSpec + "waning = 0.1\n")
	w1int := key(waningSpec + "waning = 1\n")
	w1float := key(waningSpec + "waning = 1.0\n")
	w2 := key(waningSpec + "waning = 0.2\n")
	if plain == sirKey {
		t.Error("the variant and sir share a point key")
	}
	if w1 == plain || w1 == w2 {
		t.Errorf("the new key does not change the point key: %s %s %s", plain, w1, w2)
	}
	if w1int != w1float {
		t.Error("waning = 1 and waning = 1.0 give different point keys")
	}
	if key(waningSpec+"waning = 0.1\n") != w1 {
		t.Error("the point key is not reproducible")
	}
}

const keysSpec = `name = "keys"
seed = 9
repetitions = 2

[network]
generator = "er"
n = 100
mean_degree = 3.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0

[sweep]
"process.beta" = %s
`

// TestPointKeysByContent: a point's key and seeds do not depend on the
// other points of the spec or their order; points that share their
// network settings share their network streams (unless realisations =
// "independent"), never their process streams; the campaign identity is
// the seed's alone.
func TestPointKeysByContent(t *testing.T) {
	parse := func(text string) *Spec {
		t.Helper()
		s, err := Parse("keys.toml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := parse(fmt.Sprintf(keysSpec, "[0.3, 0.6]"))
	b := parse(fmt.Sprintf(keysSpec, "[0.6, 0.2, 0.3]"))
	if a.Point(0).Key != b.Point(2).Key || a.Point(1).Key != b.Point(0).Key {
		t.Error("a point's key depends on the other points")
	}
	an, ap := a.Point(0).Seeds(a.Seed, 5)
	bn, bp := b.Point(2).Seeds(b.Seed, 5)
	if an != bn || ap != bp {
		t.Error("a point's seeds depend on the other points")
	}
	if a.CampaignID != b.CampaignID {
		t.Error("the campaign identity depends on the points")
	}
	n0, p0 := a.Point(0).Seeds(a.Seed, 5)
	n1, p1 := a.Point(1).Seeds(a.Seed, 5)
	if n0 != n1 || p0 == p1 {
		t.Errorf("points with the same network: network seeds %d %d (want equal), process seeds %d %d (want different)", n0, n1, p0, p1)
	}
	if n, _ := a.Point(0).Seeds(a.Seed, 6); n == n0 {
		t.Error("two repetitions share a network seed")
	}
	ind := parse(strings.Replace(fmt.Sprintf(keysSpec, "[0.3, 0.6]"), "n = 100", "n = 100\nrealisations = \"independent\"", 1))
	i0, _ := ind.Point(0).Seeds(ind.Seed, 5)
	i1, _ := ind.Point(1).Seeds(ind.Seed, 5)
	if i0 == i1 || ind.Point(0).Key == a.Point(0).Key {
		t.Error("realisations = \"independent\" still shares networks, or keeps the point keys")
	}
	other := parse(strings.Replace(fmt.Sprintf(keysSpec, "[0.3, 0.6]"), "seed = 9", "seed = 10", 1))
	if other.CampaignID == a.CampaignID || other.Point(0).Key != a.Point(0).Key {
		t.Error("the seed should change the campaign identity and not the point keys")
	}
	if o, _ := other.Point(0).Seeds(other.Seed, 5); o == n0 {
		t.Error("another campaign seed gives the same network seed")
	}
}
