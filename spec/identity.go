package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"

	"github.com/netsweep/netsweep/sim"
)

// ResultFormat names the way results are made: how repetitions are seeded
// and how their summaries are encoded. Journals of another format are not
// resumed. Format 2 keys every stream by the settings of its point; format
// 1 (netsweep 0.1) keyed it by the point's place in the grid.
const ResultFormat = 2

// A point's key is a hash of the settings that decide its results: its
// network and process settings (each model's canonical key/value pairs,
// sim.Params), how its networks are realised, the metrics and their
// histograms. The journal records finished repetitions by point key, and
// each repetition's process stream is seeded from (campaign seed, point
// key, repetition), so a point's results depend on nothing but its own
// settings: not on which other points the spec lists, nor in what order.
//
// A model's Thresholds keys (sim.ProcessModel.Thresholds; percolation's
// occupation) only set a threshold on shared draws: points that differ
// only in them draw from one process stream, keyed like the point key
// without those keys, so a sweep over occupation is one coupled pass over
// the network (sim.Coupled).
//
// The network stream is seeded from (campaign seed, network key,
// repetition), where the network key hashes the network settings alone:
// points that share them run on the same realisations, repetition by
// repetition (common random numbers). With [network] realisations =
// "independent" the network key is the point key instead.
//
// A model's pairs hold only the keys a spec sets, so registering a model,
// or adding a key to one, changes no existing point's key.
//
// A network file is identified by its content: its generator's Resolve
// adds the file's sha256 (and n) to the pairs, and the path, a locator
// (sim.GeneratorModel.Locators), is left out. An edited file makes new
// points, whose repetitions no journal holds; a moved one keeps its
// points.

// pointIdentity is what a point key hashes.
type pointIdentity struct {
	Format       int
	Network      canonicalModel
	Realisations string `json:",omitempty"`
	Process      canonicalModel
	Metrics      json.RawMessage // []string, encoded once for every point
	Hists        json.RawMessage // []reduce.Hist, likewise
}

// networkIdentity is what a network key hashes.
type networkIdentity struct {
	Format  int
	Network canonicalModel
}

// canonicalModel is a model's name and its params; encoding/json writes a
// map's keys in sorted order.
type canonicalModel struct {
	Name   string
	Params sim.Params
}

// campaignIdentity is what every point of a campaign shares: the seed and
// the result format. Neither the points nor the repetitions are part of it,
// so a campaign grows (more repetitions, more points) in its directory.
type campaignIdentity struct {
	Format int
	Seed   uint64
}

func hashJSON(v any) [32]byte {
	return sha256.Sum256(mustJSON(v))
}

// mustJSON encodes v, which holds nothing that encoding/json refuses.
func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic("spec: could not encode an identity: " + err.Error())
	}
	return data
}

// setKeys computes the campaign's identity and, unless s is a worker's
// (ParseWorker), each point's keys, seeds and network group (Spec.table),
// materialising the points one at a time, and the memory a worker needs
// (MemoryBytes).
func setKeys(s *Spec) {
	id := hashJSON(campaignIdentity{Format: ResultFormat, Seed: s.Seed})
	s.CampaignID = hex.EncodeToString(id[:])
	s.metricsJSON, s.histsJSON = mustJSON(s.layout.Metrics), mustJSON(s.layout.Hists)
	if s.worker {
		return
	}
	n := s.design.len()
	s.table = make([]pointEntry, n)
	first := map[[32]byte]int32{} // network key → the first point with it
	groups := map[int32]*groupMemory{}
	d := s.newIdentifier()
	var pt Point
	var row []any
	for i := range n {
		row = s.settings(i, &pt, d.netT, d.procT, &d.enc, row, false)
		e := &s.table[i]
		var nkey [32]byte
		*e, nkey = d.identify(&pt)
		e.network, e.next = int32(i), -1
		if s.Realisations != RealisationsIndependent {
			if j, ok := first[nkey]; ok {
				e.network = j
			} else {
				first[nkey] = int32(i)
			}
		}
		g := groups[e.network]
		if g == nil {
			g = &groupMemory{last: -1, net: pt.Network.MemoryBytes(), n: int64(pt.Network.N())}
			groups[e.network] = g
		} else {
			s.table[g.last].next = int32(i)
		}
		g.last = int32(i)
		g.points++
		// An immunising process keeps a copy of the network without the
		// immune nodes' edges (sim.InterventionKeys).
		if v, ok := pt.Process.Params["immunise"].(float64); ok && v > 0 {
			g.immunised++
		}
	}
	// Points of a network group run on the same networks: their memory is
	// the group's. The point named is the first of the first group that
	// needs the most.
	s.memBytes, s.memAt = 0, 0
	for at, g := range groups {
		b := g.net + 16*g.n*g.points + g.net*g.immunised
		if b > s.memBytes || b == s.memBytes && int(at) < s.memAt {
			s.memBytes, s.memAt = b, int(at)
		}
	}
}

// An identifier computes the identities of the points of a spec: their
// keys and the seeds of their streams. What a model declares (its
// locators, its threshold keys) is looked up once per model, not per
// point, and the identities are encoded by identityEncoder, byte for byte
// as json.Marshal would (identity_json.go). It is not safe for concurrent
// use.
type identifier struct {
	s           *Spec
	enc         identityEncoder
	netT, procT modelTable
	locators    map[string][]string // generator → its locators
	thresholds  map[string][]string // process model → its threshold keys
}

func (s *Spec) newIdentifier() *identifier {
	return &identifier{s: s, netT: networkTable.memo(), procT: processTable.memo(),
		locators: map[string][]string{}, thresholds: map[string][]string{}}
}

// identify returns the entry of pt, whose settings are set (Spec.settings),
// but for its network group, and its network key.
func (d *identifier) identify(pt *Point) (e pointEntry, nkey [32]byte) {
	s, enc := d.s, &d.enc
	drop, ok := d.locators[pt.Network.Generator]
	if !ok {
		drop = pt.Network.Locators()
		d.locators[pt.Network.Generator] = drop
	}
	e.key = sha256.Sum256(enc.point(&pointIdentity{
		Format:       ResultFormat,
		Network:      canonicalModel{pt.Network.Generator, pt.Network.Params},
		Realisations: s.Realisations,
		Process:      canonicalModel{pt.Process.Model, pt.Process.Params},
		Metrics:      s.metricsJSON, Hists: s.histsJSON,
	}, drop))
	e.processSeed = binary.LittleEndian.Uint64(e.key[:8])
	if s.Realisations == RealisationsIndependent {
		e.networkSeed = e.processSeed
		return e, e.key
	}
	th, ok := d.thresholds[pt.Process.Model]
	if !ok {
		if m, ok := sim.LookupProcess(pt.Process.Model); ok {
			th = m.Thresholds
		}
		d.thresholds[pt.Process.Model] = th
	}
	if len(th) > 0 {
		// Points that differ only in threshold keys share their process
		// stream, as they share their networks.
		shared := sim.Params{}
		for k, v := range pt.Process.Params {
			if !slices.Contains(th, k) {
				shared[k] = v
			}
		}
		skey := sha256.Sum256(enc.point(&pointIdentity{
			Format:       ResultFormat,
			Network:      canonicalModel{pt.Network.Generator, pt.Network.Params},
			Realisations: s.Realisations,
			Process:      canonicalModel{pt.Process.Model + " thresholds", shared},
			Metrics:      s.metricsJSON, Hists: s.histsJSON,
		}, drop))
		e.processSeed = binary.LittleEndian.Uint64(skey[:8])
	}
	netDrop := append(drop[:len(drop):len(drop)], "metrics") // measured on the network, not drawn
	nkey = sha256.Sum256(enc.network(&networkIdentity{Format: ResultFormat, Network: canonicalModel{pt.Network.Generator, pt.Network.Params}}, netDrop))
	e.networkSeed = binary.LittleEndian.Uint64(nkey[:8])
	return e, nkey
}

// groupMemory is what setKeys counts of a network group, for MemoryBytes.
type groupMemory struct {
	last              int32 // its last point so far
	net, n            int64 // the bytes and the nodes of its network
	points, immunised int64
}
