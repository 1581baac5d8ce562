package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/sim"
)

// A campaign's identity is what decides its results: the seed, the points
// and their models' settings, the repetitions and the summaries' layout.
// The name, max_failures, [output] dir and [cluster] do not, so changing
// where or how a campaign runs keeps its journal resumable.
//
// It is computed from the canonical key/value pairs each point's models
// read (sim.Params), never from a struct that holds every model's keys, so
// that registering a model, or adding a key to one, changes no existing
// campaign's identity. A campaign whose keys all fit the layout of the
// flat structs of earlier releases is encoded in that layout
// (identity_legacy.go), so that journals written by them keep resuming;
// any other campaign gets the canonical encoding below.

// canonicalIdentity is the identity of a campaign that uses a key or a
// model value outside the legacy layout. Layout tells it apart from every
// legacy identity, which has no such field.
type canonicalIdentity struct {
	Layout      int // canonicalLayout
	Seed        uint64
	Repetitions int
	Params      []string
	Points      []canonicalPoint
	Metrics     []string
	Hists       []reduce.Hist
}

const canonicalLayout = 2

type canonicalPoint struct {
	Values  []any
	Network canonicalModel
	Process canonicalModel
}

// canonicalModel is a model's name and its params; encoding/json writes a
// map's keys in sorted order.
type canonicalModel struct {
	Name   string
	Params sim.Params
}

// campaignID returns the hex SHA-256 of s's identity.
func campaignID(s *Spec) string {
	var id any
	if legacy, ok := legacyIdentityOf(s); ok {
		id = legacy
	} else {
		c := canonicalIdentity{Layout: canonicalLayout, Seed: s.Seed, Repetitions: s.Repetitions,
			Params: s.Params, Metrics: s.layout.Metrics, Hists: s.layout.Hists}
		for _, p := range s.Points {
			c.Points = append(c.Points, canonicalPoint{Values: p.Values,
				Network: canonicalModel{p.Network.Generator, p.Network.Params},
				Process: canonicalModel{p.Process.Model, p.Process.Params}})
		}
		id = c
	}
	data, err := json.Marshal(id)
	if err != nil {
		panic("spec: could not encode a campaign's identity: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// legacyIdentityOf returns s's identity in the legacy layout, and false if
// a point sets a key that layout lacks.
func legacyIdentityOf(s *Spec) (legacyIdentity, bool) {
	id := legacyIdentity{Seed: s.Seed, Repetitions: s.Repetitions, Params: s.Params,
		Metrics: s.layout.Metrics, Hists: s.layout.Hists}
	for _, p := range s.Points {
		lp := legacyPoint{Values: p.Values}
		if !legacyFill(&lp.Network, p.Network.Generator, p.Network.Params) ||
			!legacyFill(&lp.Process, p.Process.Model, p.Process.Params) {
			return legacyIdentity{}, false
		}
		id.Points = append(id.Points, lp)
	}
	return id, true
}
