package spec

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/netsweep/netsweep/sim"
)

// The points of a spec are not stored: a grid of 10^6 points would hold
// each one's values, settings and process map (~570 bytes a point live,
// ~1.5 kB of peak memory) on every rank. Point(i) builds point i again
// from the design (a [sweep]'s axes, by mixed-radix decomposition, or a
// [[points]] row) and the base tables, as Parse built it to validate it.
// What identifies each point, which the journal's records and the
// repetitions' streams need at every turn, is kept in a compact table of
// 56 bytes a point, computed once by Parse.

// pointEntry is what Parse keeps of a point: its key, the seeds of its
// streams and its network group.
type pointEntry struct {
	key                      [32]byte // Point.Key, as bytes
	networkSeed, processSeed uint64
	// network is the point's network group (Spec.NetworkGroup): the first
	// point with the same network key; next is the next point of the
	// group, -1 after the last.
	network, next int32
}

// Point returns point i (0 ≤ i < NumPoints), materialised: its values,
// settings, key and seeds. It allocates the point's settings each call; it
// is safe for concurrent use.
//
// In a worker's spec (ParseWorker) it computes the point's key and seeds,
// and its network group is -1.
func (s *Spec) Point(i int) Point {
	var pt Point
	var enc identityEncoder
	s.settings(i, &pt, networkTable, processTable, &enc, nil, true)
	var e pointEntry
	if s.table != nil {
		e = s.table[i]
	} else {
		e, _ = s.newIdentifier().identify(&pt)
		e.network = -1
	}
	pt.Key = hex.EncodeToString(e.key[:])
	pt.networkSeed, pt.processSeed, pt.network = e.networkSeed, e.processSeed, int(e.network)
	return pt
}

// entry returns the table's entry of point i, computed in a worker's spec
// (with network group -1).
func (s *Spec) entry(i int) pointEntry {
	if s.table != nil {
		return s.table[i]
	}
	pt := s.Point(i)
	e := pointEntry{networkSeed: pt.networkSeed, processSeed: pt.processSeed, network: -1, next: -1}
	hex.Decode(e.key[:], []byte(pt.Key))
	return e
}

// Points yields every point, in grid order, materialising one at a time
// (Point): a loop over them holds one point, not the grid.
func (s *Spec) Points() iter.Seq2[int, Point] {
	return func(yield func(int, Point) bool) {
		for i := range s.NumPoints() {
			if !yield(i, s.Point(i)) {
				return
			}
		}
	}
}

// PointKey returns the key of point i (Point.Key). It materialises the
// point only in a worker's spec (ParseWorker).
func (s *Spec) PointKey(i int) string {
	e := s.entry(i)
	return hex.EncodeToString(e.key[:])
}

// PointValues returns the values of the swept keys at point i (Point.Values).
func (s *Spec) PointValues(i int) []any {
	var pt Point
	var enc identityEncoder
	s.settings(i, &pt, networkTable, processTable, &enc, nil, true)
	return pt.Values
}

// PointSeeds returns the seeds of the network and process streams of
// repetition rep of point i (Point.Seeds). It materialises the point only
// in a worker's spec (ParseWorker).
func (s *Spec) PointSeeds(i, rep int) (network, process uint64) {
	e := s.entry(i)
	return sim.StreamSeed(s.Seed, e.networkSeed, rep, sim.StreamNetwork), sim.StreamSeed(s.Seed, e.processSeed, rep, sim.StreamProcess)
}

// PointSeedKeys returns the parts of point i's seeds that do not depend
// on the repetition (Point.SeedKeys), from the table where there is one.
func (s *Spec) PointSeedKeys(i int) (network, process sim.StreamKey) {
	e := s.entry(i)
	return sim.NewStreamKey(s.Seed, e.networkSeed), sim.NewStreamKey(s.Seed, e.processSeed)
}

// PointIndex returns the point whose key (Point.Key) is key. Its first
// call sorts the points by key, 4 bytes a point; it is safe for concurrent
// use.
func (s *Spec) PointIndex(key string) (int, bool) {
	var k [32]byte
	if len(key) != 2*len(k) {
		return 0, false
	}
	if _, err := hex.Decode(k[:], []byte(key)); err != nil {
		return 0, false
	}
	s.needTable("PointIndex")
	s.byKey.once.Do(func() {
		// Sorted by the keys' first 8 bytes, kept beside the points'
		// indices: a sort that reads the table at every comparison waits
		// on memory.
		type byPrefix struct {
			prefix uint64
			point  int32
		}
		sorted := make([]byPrefix, len(s.table))
		for i := range sorted {
			sorted[i] = byPrefix{binary.BigEndian.Uint64(s.table[i].key[:8]), int32(i)}
		}
		slices.SortFunc(sorted, func(a, b byPrefix) int {
			if c := cmp.Compare(a.prefix, b.prefix); c != 0 {
				return c
			}
			return compareKeys(&s.table[a.point].key, &s.table[b.point].key)
		})
		order := make([]int32, len(sorted))
		for i := range sorted {
			order[i] = sorted[i].point
		}
		s.byKey.order = order
	})
	order := s.byKey.order
	j, ok := slices.BinarySearchFunc(order, &k, func(p int32, k *[32]byte) int { return compareKeys(&s.table[p].key, k) })
	if !ok {
		return 0, false
	}
	return int(order[j]), true
}

// settings sets pt to point i's index and settings (and, with values, its
// Values): the base tables with the point's values applied, the keys its
// models do not read dropped, and its network's params those Parse
// resolved. It returns the row of values, reusing row.
func (s *Spec) settings(i int, pt *Point, netT, procT modelTable, enc *identityEncoder, row []any, values bool) []any {
	vals := s.design.values(i, row)
	pt.Index = i
	pt.Process = sim.ProcessSettings{Model: s.Process.Model, Params: maps.Clone(s.Process.Params)}
	fixed := s.fixedNet != nil
	if fixed {
		pt.Network = *s.fixedNet
	} else {
		pt.Network = sim.NetworkSettings{Generator: s.Network.Generator, Params: maps.Clone(s.Network.Params)}
	}
	pt.Values = nil
	if values {
		pt.Values = make([]any, len(s.Params))
	}
	for j, key := range s.Params {
		table, field, _ := strings.Cut(key, ".")
		var v any
		if table == "process" {
			v, _ = setModelValue(procT, &pt.Process.Model, pt.Process.Params, field, vals[j])
		} else {
			v, _ = setModelValue(netT, &pt.Network.Generator, pt.Network.Params, field, vals[j])
		}
		if values {
			pt.Values[j] = v
		}
	}
	keepRead(procT, pt.Process.Model, pt.Process.Params)
	if fixed {
		return vals
	}
	keepRead(netT, pt.Network.Generator, pt.Network.Params)
	if key, ok := enc.writtenKey(pt.Network); ok {
		if r := s.resolved[string(key)]; r != nil {
			pt.Network.Params = r.params
		}
	}
	return vals
}

// writtenKey returns an injective encoding of network settings net as
// written, the key of resolveNetwork's cache, in e's buffer; false when
// they cannot be encoded.
func (e *identityEncoder) writtenKey(net sim.NetworkSettings) ([]byte, bool) {
	// Made without reflection (identity_json.go), since every point of a
	// grid asks.
	key, ok := e.model(e.buf[:0], canonicalModel{net.Generator, net.Params}, nil, false)
	e.buf = key
	if ok {
		return key, true
	}
	key, err := json.Marshal(struct {
		Generator string
		Params    sim.Params
	}{net.Generator, net.Params})
	return key, err == nil
}

// needTable panics in a worker's spec, which has no table of the points.
func (s *Spec) needTable(what string) {
	if s.table == nil {
		panic("spec: " + what + " of a worker's spec (ParseWorker), which keeps nothing per point")
	}
}

// compareKeys orders keys as bytes.Compare does, comparing their first 8
// bytes as one number first.
func compareKeys(a, b *[32]byte) int {
	if c := cmp.Compare(binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])); c != 0 {
		return c
	}
	return bytes.Compare(a[8:], b[8:])
}
