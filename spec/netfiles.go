package spec

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"

	"github.com/netsweep/netsweep/sim"
)

// resolved is what a generator's Resolve made of one point's params.
type resolved struct {
	params sim.Params
	err    error
}

// resolveNetwork lets the generator of net read what its keys name
// outside the spec (a network file, relative to the spec's directory),
// once per distinct settings, and adds its note to s.Notes.
func (p *parser) resolveNetwork(s *Spec, net *sim.NetworkSettings) error {
	// The settings as written, encoded: an injective key, made without
	// reflection (identity_json.go), since every point of a grid asks.
	key, ok := p.enc.model(p.enc.buf[:0], canonicalModel{net.Generator, net.Params}, nil, false)
	p.enc.buf = key
	if !ok {
		var err error
		if key, err = json.Marshal(struct {
			Generator string
			Params    sim.Params
		}{net.Generator, net.Params}); err != nil {
			return nil // New reports what cannot be encoded
		}
	}
	if p.resolved == nil {
		p.resolved = map[string]resolved{}
	}
	r, ok := p.resolved[string(key)]
	if !ok {
		var note string
		note, r.err = net.Resolve(filepath.Dir(p.file))
		r.params = maps.Clone(net.Params)
		p.resolved[string(key)] = r
		if note != "" && !slices.Contains(s.Notes, note) {
			s.Notes = append(s.Notes, note)
		}
	}
	clear(net.Params)
	maps.Copy(net.Params, r.params)
	return r.err
}

// identityParams returns the params of net that identify its networks:
// all but its generator's locators (a file's path, which its sha256
// identifies) and, with metrics false, metrics.
func identityParams(net sim.NetworkSettings, metrics bool) sim.Params {
	drop := net.Locators()
	if !metrics {
		drop = append(drop, "metrics") // measured on the network, not drawn
	}
	out := sim.Params{}
	for k, v := range net.Params {
		if !slices.Contains(drop, k) {
			out[k] = v
		}
	}
	return out
}
