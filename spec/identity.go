package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/sim"
)

// identity is what decides a campaign's results: the seed, the points and
// their models, the repetitions and the summaries' layout. The name,
// max_failures, [output] dir and [cluster] do not, so changing where or how
// a campaign runs keeps its journal resumable.
type identity struct {
	Seed        uint64
	Repetitions int
	Params      []string
	Points      []identityPoint
	Metrics     []string
	Hists       []reduce.Hist
}

type identityPoint struct {
	Values  []any
	Network sim.NetworkConfig
	Process sim.ProcessConfig
}

// campaignID returns the hex SHA-256 of s's identity.
func campaignID(s *Spec) string {
	id := identity{Seed: s.Seed, Repetitions: s.Repetitions, Params: s.Params,
		Metrics: s.layout.Metrics, Hists: s.layout.Hists}
	for _, p := range s.Points {
		id.Points = append(id.Points, identityPoint{Values: p.Values, Network: p.Network, Process: p.Process})
	}
	data, err := json.Marshal(id)
	if err != nil {
		panic("spec: could not encode a campaign's identity: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
