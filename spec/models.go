package spec

import (
	"maps"
	"slices"
	"strings"

	"github.com/netsweep/netsweep/sim"
)

// A modelTable is [network] or [process]: a key naming a registered model,
// and the keys those models read.
type modelTable struct {
	name    string // "network"
	nameKey string // "generator": the key naming the model
	names   func() []string
	keys    func(model string) ([]sim.Key, bool)
}

var (
	networkTable = modelTable{"network", "generator", sim.GeneratorNames, func(name string) ([]sim.Key, bool) {
		m, ok := sim.LookupGenerator(name)
		return m.Keys, ok
	}}
	processTable = modelTable{"process", "model", sim.ProcessNames, func(name string) ([]sim.Key, bool) {
		m, ok := sim.LookupProcess(name)
		return m.Keys, ok
	}}
)

// memo returns t with its keys looked up once per model: sim returns a
// copy of a model's keys at every call, which a large grid made per point.
// The lists are only read. A memo serves one parse, so a model registered
// later is seen by the next.
func (t modelTable) memo() modelTable {
	type entry struct {
		keys []sim.Key
		ok   bool
	}
	cache := map[string]entry{}
	lookup := t.keys
	t.keys = func(model string) ([]sim.Key, bool) {
		e, seen := cache[model]
		if !seen {
			e.keys, e.ok = lookup(model)
			cache[model] = e
		}
		return e.keys, e.ok
	}
	return t
}

// kind returns the kind of key's value: the one model reads it as, or,
// where model does not read key, the one the first model (in alphabetical
// order) that does reads it as. It returns false for a key no model reads.
func (t modelTable) kind(model, key string) (sim.Kind, bool) {
	if keys, ok := t.keys(model); ok {
		for _, k := range keys {
			if k.Name == key {
				return k.Kind, true
			}
		}
	}
	for _, name := range t.names() {
		keys, _ := t.keys(name)
		for _, k := range keys {
			if k.Name == key {
				return k.Kind, true
			}
		}
	}
	return 0, false
}

// known tells whether key is a key of the table: the model's name or a key
// some model reads.
func (t modelTable) known(key string) bool {
	_, ok := t.kind("", key)
	return key == t.nameKey || ok
}

// knownKeys lists the keys of the table in alphabetical order.
func (t modelTable) knownKeys() []string {
	seen := map[string]bool{t.nameKey: true}
	for _, name := range t.names() {
		keys, _ := t.keys(name)
		for _, k := range keys {
			seen[k.Name] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// decodeModel reads table m of t as written: the model's name and the
// canonical values of the other keys.
func (p *parser) decodeModel(t modelTable, m map[string]any) (string, sim.Params) {
	model, _ := m[t.nameKey].(string)
	params := sim.Params{}
	for _, k := range p.orderedKeys(m, t.name) {
		key := t.name + "." + k
		if k == t.nameKey {
			if _, ok := m[k].(string); !ok {
				p.errorf(key, m[k], "want a string")
			}
			continue
		}
		kind, ok := t.kind(model, k)
		if !ok {
			p.errorf(key, m[k], "unknown key; known keys are %s", strings.Join(t.knownKeys(), ", "))
			continue
		}
		c, err := kind.Canonical(m[k])
		if err != nil {
			p.errorf(key, m[k], "%v", err)
			continue
		}
		params[k] = c
	}
	return model, params
}

// setModelValue sets key of a point's table t, whose model is *model, to
// the swept value v, or, where v is nil, returns the value the table has
// (a key not set has its kind's zero value). It returns "" or what is
// wrong with v.
func setModelValue(t modelTable, model *string, params sim.Params, key string, v any) (any, string) {
	if key == t.nameKey {
		if v == nil {
			return *model, ""
		}
		s, ok := v.(string)
		if !ok {
			return v, "want a string"
		}
		*model = s
		return v, ""
	}
	kind, _ := t.kind(*model, key)
	if v == nil {
		return kind.TOML(params[key]), ""
	}
	c, err := kind.Canonical(v)
	if err != nil {
		return v, err.Error()
	}
	params[key] = c
	return v, ""
}

// keepRead drops from params the keys model does not read, which checkKeys
// has reported, so that the model's own validation reports the rest.
func keepRead(t modelTable, model string, params sim.Params) {
	keys, ok := t.keys(model)
	if !ok {
		return
	}
	for k := range params {
		if !slices.ContainsFunc(keys, func(key sim.Key) bool { return key.Name == k }) {
			delete(params, k)
		}
	}
}
