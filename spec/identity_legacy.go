package spec

// This file is frozen: it must never change. It encodes a campaign's
// identity exactly as netsweep did before models owned their keys, when
// [network] and [process] were decoded into two flat structs. Journals
// record that identity (Spec.CampaignID), and a journal resumes only a
// campaign of the same identity, so a change here would orphan every
// journal written so far. A new key or a new model needs no change here:
// a campaign that sets a key outside this layout gets the canonical
// identity of identity.go instead.

import (
	"reflect"

	"github.com/netsweep/netsweep/reduce"
)

// legacyIdentity is the identity of a campaign whose every key fits the
// legacy layout. Its fields, their order, types and JSON encoding are
// frozen.
type legacyIdentity struct {
	Seed        uint64
	Repetitions int
	Params      []string
	Points      []legacyPoint
	Metrics     []string
	Hists       []reduce.Hist
}

type legacyPoint struct {
	Values  []any
	Network legacyNetwork
	Process legacyProcess
}

// legacyNetwork is the [network] table as sim.NetworkConfig held it.
type legacyNetwork struct {
	Generator  string   `toml:"generator"`
	N          int      `toml:"n"`
	MeanDegree float64  `toml:"mean_degree"`
	P          float64  `toml:"p"`
	Edges      int      `toml:"edges"`
	K          int      `toml:"k"`
	M          int      `toml:"m"`
	Rewire     float64  `toml:"rewire"`
	Degrees    string   `toml:"degrees"`
	Exponent   float64  `toml:"exponent"`
	KMin       int      `toml:"k_min"`
	KMax       int      `toml:"k_max"`
	DegreeList []int    `toml:"degree_list"`
	MultiEdges string   `toml:"multi_edges"`
	Metrics    []string `toml:"metrics" json:",omitempty"`
}

// legacyProcess is the [process] table as sim.ProcessConfig held it.
type legacyProcess struct {
	Model          string    `toml:"model"`
	Beta           float64   `toml:"beta"`
	Gamma          float64   `toml:"gamma"`
	Seeds          int       `toml:"seeds"`
	SeedFraction   float64   `toml:"seed_fraction"`
	MajorThreshold float64   `toml:"major_threshold"`
	BurnIn         float64   `toml:"burn_in"`
	Window         float64   `toml:"window"`
	Occupation     float64   `toml:"occupation"`
	Series         []float64 `toml:"series"`
	Metrics        []string  `toml:"metrics"`
}

// legacyFill sets the fields of struct pointer dst (a *legacyNetwork or
// *legacyProcess) from a model's name and canonical params. It returns
// false if a key has no field of its type in the legacy layout.
func legacyFill(dst any, name string, params map[string]any) bool {
	v := reflect.ValueOf(dst).Elem()
	v.Field(0).SetString(name)
	for key, c := range params {
		i := fieldIndex(v.Type(), key)
		if i <= 0 {
			return false
		}
		f := v.Field(i)
		switch x := c.(type) {
		case int64:
			if f.Kind() != reflect.Int {
				return false
			}
			f.SetInt(x)
		case float64:
			if f.Kind() != reflect.Float64 {
				return false
			}
			f.SetFloat(x)
		case string:
			if f.Kind() != reflect.String {
				return false
			}
			f.SetString(x)
		case []int64:
			if f.Type() != reflect.TypeFor[[]int]() {
				return false
			}
			s := make([]int, len(x))
			for j, e := range x {
				s[j] = int(e)
			}
			f.Set(reflect.ValueOf(s))
		case []float64:
			if f.Type() != reflect.TypeFor[[]float64]() {
				return false
			}
			f.Set(reflect.ValueOf(x))
		case []string:
			if f.Type() != reflect.TypeFor[[]string]() {
				return false
			}
			f.Set(reflect.ValueOf(x))
		default:
			return false
		}
	}
	return true
}
