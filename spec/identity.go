package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"runtime"
	"slices"
	"sync"

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
// (MemoryBytes). A large grid is cut into ranges of points, one per CPU,
// whose groups are then joined in point order, so the table is the same
// for any cut.
func setKeys(s *Spec) {
	id := hashJSON(campaignIdentity{Format: ResultFormat, Seed: s.Seed})
	s.CampaignID = hex.EncodeToString(id[:])
	s.metricsJSON, s.histsJSON = mustJSON(s.layout.Metrics), mustJSON(s.layout.Hists)
	if !sweepsNetwork(s.Params) {
		var pt Point
		var enc identityEncoder
		s.settings(0, &pt, networkTable, processTable, &enc, nil, false)
		s.fixedNet = &pt.Network
	}
	if s.worker {
		return
	}
	n := s.design.len()
	s.table = make([]pointEntry, n)
	parts := make([]*keyPart, ranges(n))
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() { parts[w] = s.keyRange(w*n/len(parts), (w+1)*n/len(parts)) })
	}
	wg.Wait()
	// Join the ranges' groups: a group whose network key an earlier range
	// has is that range's group, its points linked after the earlier ones.
	first := map[[32]byte]int32{} // network key → the first point with it
	groups := map[int32]*groupMemory{}
	s.memBytes, s.memAt = 0, 0
	most := func(b int64, at int) {
		if b > s.memBytes || b == s.memBytes && at < s.memAt {
			s.memBytes, s.memAt = b, at
		}
	}
	for _, part := range parts {
		most(part.most, part.at) // independent realisations
		remap := map[int32]int32{}
		for _, g := range part.groups {
			j, ok := first[g.nkey]
			if !ok {
				first[g.nkey] = g.first
				groups[g.first] = g
				continue
			}
			into := groups[j]
			remap[g.first] = j
			s.table[into.last].next = g.first
			into.last = g.last
			into.points += g.points
			into.immunised += g.immunised
		}
		if len(remap) > 0 {
			for i := part.lo; i < part.hi; i++ {
				if j, ok := remap[s.table[i].network]; ok {
					s.table[i].network = j
				}
			}
		}
	}
	// Points of a network group run on the same networks: their memory is
	// the group's. The point named is the first of the first group that
	// needs the most.
	for at, g := range groups {
		most(g.net+16*g.n*g.points+g.net*g.immunised, int(at))
	}
}

// parallelMin is the number of points from which Parse cuts the points
// into ranges that goroutines check and identify in parallel; a test
// lowers it.
var parallelMin = 1 << 12

// ranges returns the number of ranges to cut n points into: one per CPU
// for a large grid, else one.
func ranges(n int) int {
	if n < parallelMin {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), n/(parallelMin/2)))
}

// A keyPart is what keyRange found in a range of points: their groups
// (network keys) in the order of their first points, and, with
// independent realisations, where every point is its own group, the most
// memory a point needs.
type keyPart struct {
	lo, hi int
	groups []*groupMemory
	most   int64
	at     int
}

// groupMemory is what setKeys counts of a network group: its points, for
// the links of Spec.table, and what MemoryBytes needs.
type groupMemory struct {
	nkey              [32]byte
	first, last       int32 // its first and last point so far
	net, n            int64 // the bytes and the nodes of its network
	points, immunised int64
}

// keyRange sets the table's entries of points lo to hi-1, with their
// groups and links within the range.
func (s *Spec) keyRange(lo, hi int) *keyPart {
	part := &keyPart{lo: lo, hi: hi}
	local := map[[32]byte]*groupMemory{}
	d := s.newIdentifier()
	var pt Point
	var row []any
	for i := lo; i < hi; i++ {
		row = s.settings(i, &pt, d.netT, d.procT, &d.enc, row, false)
		e := &s.table[i]
		var nkey [32]byte
		*e, nkey = d.identify(&pt)
		e.network, e.next = int32(i), -1
		// An immunising process keeps a copy of the network without the
		// immune nodes' edges (sim.InterventionKeys).
		var imm int64
		if v, ok := pt.Process.Params["immunise"].(float64); ok && v > 0 {
			imm = 1
		}
		if s.Realisations == RealisationsIndependent {
			net := pt.Network.MemoryBytes()
			if b := net + 16*int64(pt.Network.N()) + net*imm; b > part.most || i == lo {
				part.most, part.at = b, i
			}
			continue
		}
		g := local[nkey]
		if g == nil {
			g = &groupMemory{nkey: nkey, first: int32(i), last: -1, net: pt.Network.MemoryBytes(), n: int64(pt.Network.N())}
			local[nkey] = g
			part.groups = append(part.groups, g)
		} else {
			e.network = g.first
			s.table[g.last].next = int32(i)
		}
		g.last = int32(i)
		g.points++
		g.immunised += imm
	}
	return part
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
	// The network key of the last network settings: points of a sweep
	// over process keys share one params map (resolveNetwork), which
	// last holds, so that its address is not reused for another.
	last struct {
		generator string
		params    sim.Params
		nkey      [32]byte
		ok        bool
	}
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
	if l := &d.last; l.ok && l.generator == pt.Network.Generator && sameMap(l.params, pt.Network.Params) {
		nkey = l.nkey
	} else {
		netDrop := append(drop[:len(drop):len(drop)], "metrics") // measured on the network, not drawn
		nkey = sha256.Sum256(enc.network(&networkIdentity{Format: ResultFormat, Network: canonicalModel{pt.Network.Generator, pt.Network.Params}}, netDrop))
		l.generator, l.params, l.nkey, l.ok = pt.Network.Generator, pt.Network.Params, nkey, true
	}
	e.networkSeed = binary.LittleEndian.Uint64(nkey[:8])
	return e, nkey
}

// sameMap tells whether a and b are the same map (not equal ones).
func sameMap(a, b sim.Params) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}
