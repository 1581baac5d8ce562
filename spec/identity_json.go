package spec

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/netsweep/netsweep/sim"
)

// The identities of identity.go are hashes of their JSON encoding, which
// the journal's point keys pin: the bytes hashed may never change. Encoding
// them with encoding/json (reflection, a map sorted per point, raw messages
// compacted again) was most of the cost of loading a large grid, so they
// are written here by hand, byte for byte as json.Marshal writes them;
// TestIdentityJSON checks that over many random Params. A value this
// encoder does not know (a kind a model may add one day) makes it give up,
// and the caller falls back to json.Marshal.

// identityEncoder writes identities into a buffer it reuses, with the
// sorted keys of a Params.
type identityEncoder struct {
	buf  []byte
	keys []string
}

// point returns the JSON encoding of id, its Network's params written
// without the keys in drop, as identityParams selects them (a nil Params
// is written {}); the slice is valid until the next call.
func (e *identityEncoder) point(id *pointIdentity, drop []string) []byte {
	b := append(e.buf[:0], `{"Format":`...)
	b = strconv.AppendInt(b, int64(id.Format), 10)
	b = append(b, `,"Network":`...)
	b, ok := e.model(b, id.Network, drop, true)
	if id.Realisations != "" {
		b = append(b, `,"Realisations":`...)
		b, ok = appendJSONString(b, id.Realisations, ok)
	}
	b = append(b, `,"Process":`...)
	if ok {
		b, ok = e.model(b, id.Process, nil, false)
	}
	b = append(b, `,"Metrics":`...)
	b = appendRaw(b, id.Metrics)
	b = append(b, `,"Hists":`...)
	b = appendRaw(b, id.Hists)
	b = append(b, '}')
	e.buf = b
	if !ok {
		full := *id
		full.Network.Params = dropParams(id.Network.Params, drop)
		return mustJSON(full)
	}
	return b
}

// network returns the JSON encoding of id, its Network's params written
// without the keys in drop.
func (e *identityEncoder) network(id *networkIdentity, drop []string) []byte {
	b := append(e.buf[:0], `{"Format":`...)
	b = strconv.AppendInt(b, int64(id.Format), 10)
	b = append(b, `,"Network":`...)
	b, ok := e.model(b, id.Network, drop, true)
	b = append(b, '}')
	e.buf = b
	if !ok {
		full := *id
		full.Network.Params = dropParams(id.Network.Params, drop)
		return mustJSON(full)
	}
	return b
}

// model appends a canonicalModel: {"Name":...,"Params":{...}}, its params
// without the keys in drop. With selected, the params are written as the
// copy identityParams makes, which is never nil.
func (e *identityEncoder) model(b []byte, m canonicalModel, drop []string, selected bool) ([]byte, bool) {
	b = append(b, `{"Name":`...)
	b, ok := appendJSONString(b, m.Name, true)
	b = append(b, `,"Params":`...)
	if m.Params == nil && !selected {
		return append(b, `null}`...), ok
	}
	e.keys = e.keys[:0]
	for k := range m.Params {
		if !slices.Contains(drop, k) {
			e.keys = append(e.keys, k)
		}
	}
	slices.Sort(e.keys) // encoding/json sorts string keys by their bytes
	b = append(b, '{')
	for i, k := range e.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b, ok = appendJSONString(b, k, ok)
		b = append(b, ':')
		b, ok = appendJSONValue(b, m.Params[k], ok)
	}
	return append(b, `}}`...), ok
}

// dropParams returns a copy of params without the keys in drop, as
// identityParams does (for the fallback).
func dropParams(params sim.Params, drop []string) sim.Params {
	out := sim.Params{}
	for k, v := range params {
		if !slices.Contains(drop, k) {
			out[k] = v
		}
	}
	return out
}

// appendRaw appends a json.RawMessage made by mustJSON (compact already).
func appendRaw(b []byte, raw json.RawMessage) []byte {
	if raw == nil {
		return append(b, "null"...)
	}
	return append(b, raw...)
}

// appendJSONValue appends a canonical value (sim.Kind) as encoding/json
// writes it, or reports false for a value it does not know.
func appendJSONValue(b []byte, v any, ok bool) ([]byte, bool) {
	if !ok {
		return b, false
	}
	switch x := v.(type) {
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case float64:
		return appendJSONFloat(b, x)
	case string:
		return appendJSONString(b, x, true)
	case bool:
		return strconv.AppendBool(b, x), true
	case []int64:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, n := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, n, 10)
		}
		return append(b, ']'), true
	case []float64:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, f := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendJSONFloat(b, f); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	case []string:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b, _ = appendJSONString(b, s, true)
		}
		return append(b, ']'), true
	}
	return b, false
}

// appendJSONFloat appends f as encoding/json's float64 encoder does: the
// shortest representation, in exponent form below 1e-6 or from 1e21 on,
// with a one-digit negative exponent unpadded. NaN and infinities, which
// json.Marshal refuses, are not written.
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// appendJSONString appends s as a JSON string. Plain ASCII is written
// here; anything encoding/json would escape (quotes, backslashes, control
// characters, <, > and &, and all bytes above 0x7f, for U+2028, U+2029
// and invalid UTF-8) goes through json.Marshal.
func appendJSONString(b []byte, s string, ok bool) ([]byte, bool) {
	if !ok {
		return b, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil {
				return b, false
			}
			return append(b, q...), true
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}
