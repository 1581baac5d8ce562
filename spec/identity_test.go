package spec

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/sim"
)

// exampleIDs are the campaign identities of the example specs, computed by
// the release before models owned their keys (commit 5f47e2d). Journals
// record them, so they must never change: a spec that release accepted
// must keep resuming its journals.
var exampleIDs = []struct{ file, id string }{
	{"campaign.toml", "a07954def892aa813f529fc5c8a4fa71ead614f5ff1449c0d4d76e906393db13"},
	{"discrete-sir-gnm.toml", "8ebdcc5a7eae1ebf1038e535e777dde43488ac87725401b531c84a4acb9ad56e"},
	{"percolation-ws.toml", "e6ddc85a271bdaa74c1db5a766d25e30d7edff4779a3ea161b0b9c2e8c8b5cb7"},
	{"quickstart.toml", "7f575b2284d84487b459c7dc5a934fc289f8edd97ba73c1646fbd46a79241e61"},
	{"sir-ba-series.toml", "b921b40523fc838da25322da9028552953ca0126496547482d5763a7af2340c4"},
	{"sis-discrete-points.toml", "4a35d89cad22b63fcf10d4990caf1a647dd45ac7b8d3213a5fd71361565a1115"},
	{"sis-powerlaw.toml", "7e416a5f736368dbae8f6f058777c0144183fb63473972db4468f4f6f993f25f"},
	{"site-percolation-regular.toml", "3b3b09b38d5e4e34b2da5cedd77e320e15e68b68ec9c992706ee503a318cb721"},
}

func checkExampleIDs(t *testing.T) {
	t.Helper()
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) != len(exampleIDs) {
		t.Errorf("%d example specs, %d pinned identities: pin every example", len(files), len(exampleIDs))
	}
	for _, e := range exampleIDs {
		s, err := Load(filepath.Join("../examples", e.file))
		if err != nil {
			t.Errorf("%s: %v", e.file, err)
			continue
		}
		if s.CampaignID != e.id {
			t.Errorf("%s: campaign id %s, want %s: its journals would no longer resume", e.file, s.CampaignID, e.id)
		}
	}
}

// TestExampleCampaignIDs pins the identities of the example specs.
func TestExampleCampaignIDs(t *testing.T) { checkExampleIDs(t) }

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

// TestIdentityStableUnderNewKeys: registering a model with a key the
// legacy layout lacks (init above) leaves the other models' identities
// as they were, and a campaign that sets the new key gets an identity of
// its own that follows the key's value.
func TestIdentityStableUnderNewKeys(t *testing.T) {
	checkExampleIDs(t)
	id := func(text string) string {
		t.Helper()
		s, err := Parse("waning.toml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return s.CampaignID
	}
	plain := id(waningSpec)
	sirID := id(strings.Replace(waningSpec, `"sir_test_waning"`, `"sir"`, 1))
	w1 := id(waningSpec + "waning = 0.1\n")
	w1int := id(waningSpec + "waning = 1\n")
	w1float := id(waningSpec + "waning = 1.0\n")
	w2 := id(waningSpec + "waning = 0.2\n")
	if plain == sirID {
		t.Error("the variant and sir share an identity")
	}
	if w1 == plain || w1 == w2 {
		t.Errorf("the new key does not change the identity: %s %s %s", plain, w1, w2)
	}
	if w1int != w1float {
		t.Error("waning = 1 and waning = 1.0 give different identities")
	}
	if id(waningSpec+"waning = 0.1\n") != w1 {
		t.Error("the identity is not reproducible")
	}
	s, err := Parse("waning.toml", []byte(waningSpec+"waning = 0.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, legacy := legacyIdentityOf(s); legacy {
		t.Error("a spec with a key outside the legacy layout got a legacy identity")
	}
}
