package spec

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"

	"github.com/netsweep/netsweep/sim"
)

// resolved is what a generator's Resolve made of one point's params, and
// what checking the resolved settings found: points with the same network
// settings (every point of a sweep over process keys) check them once.
type resolved struct {
	params sim.Params
	err    error

	checked    bool         // newErr, metrics and metricsErr are set
	newErr     error        // of sim.NetworkSettings.New
	metrics    []sim.Metric // of sim.NetworkSettings.NewMetrics
	metricsErr error
}

// check returns what net.New (validation) and net.NewMetrics return for
// net, the settings r resolved, computing them once; r may be nil.
func (r *resolved) check(net sim.NetworkSettings) (metrics []sim.Metric, newErr, metricsErr error) {
	if r != nil && r.checked {
		return r.metrics, r.newErr, r.metricsErr
	}
	_, newErr = net.New()
	if newErr == nil {
		nm, err := net.NewMetrics()
		if metricsErr = err; err == nil {
			metrics = nm.Metrics()
		}
	}
	if r != nil {
		r.checked, r.metrics, r.newErr, r.metricsErr = true, metrics, newErr, metricsErr
	}
	return metrics, newErr, metricsErr
}

// resolveNetwork lets the generator of net read what its keys name
// outside the spec (a network file, relative to the spec's directory),
// once per distinct settings, and adds its note to s.Notes. It sets
// net.Params to the resolved params, one map shared by every point with
// those settings, and returns their entry (nil when they cannot be
// encoded, and net is left as it is).
func (p *parser) resolveNetwork(s *Spec, net *sim.NetworkSettings) (*resolved, error) {
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
			return nil, nil // New reports what cannot be encoded
		}
	}
	if p.resolved == nil {
		p.resolved = map[string]*resolved{}
	}
	r, ok := p.resolved[string(key)]
	if !ok {
		r = &resolved{}
		var note string
		note, r.err = net.Resolve(filepath.Dir(p.file))
		r.params = maps.Clone(net.Params)
		p.resolved[string(key)] = r
		if note != "" && !slices.Contains(s.Notes, note) {
			s.Notes = append(s.Notes, note)
		}
	}
	// Points with equal settings share the resolved map: a grid over
	// process keys holds one network map, not one per point.
	net.Params = r.params
	return r, r.err
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
