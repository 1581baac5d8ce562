package spec

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

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
	// The settings as written, encoded: an injective key.
	key, ok := p.enc.writtenKey(*net)
	if !ok {
		return nil, nil // New reports what cannot be encoded
	}
	if p.resolved == nil {
		p.resolved = map[string]*resolved{}
	}
	r, ok := p.resolved[string(key)]
	if !ok {
		r = &resolved{}
		var note string
		locates := slices.Contains(net.Locators(), "path")
		written, _ := net.Params["path"].(string)
		ship, shipped := p.shipped[written]
		if locates && shipped {
			net.Params["path"] = ship.path
		}
		note, r.err = net.Resolve(filepath.Dir(p.file))
		if r.err == nil && locates && written != "" {
			f := NetworkFile{Written: written}
			f.Path, _ = net.Params["path"].(string)
			f.SHA256, _ = net.Params["sha256"].(string)
			if shipped && f.SHA256 != ship.sha256 {
				p.errorAt(ship.line, shippedTable+"."+quoteKey(written), ship.path, "its SHA-256 is %s, not %s as shipped with this spec: the file changed after it was shipped; refusing to run on it (ship it again: netsweep submit or deploy)", f.SHA256, ship.sha256)
				r.err = errReported
			}
			if s.files == nil {
				s.files = map[string]NetworkFile{}
			}
			s.files[written] = f
		}
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

// errReported is resolveNetwork's error when it has reported the problem
// itself.
var errReported = errors.New("spec: reported")

// NetworkFile is a network file that a spec's points read.
type NetworkFile struct {
	Written string // the path as the spec writes it ([network] path)
	Path    string // the absolute path it was read from
	SHA256  string // hex SHA-256 of its bytes
}

// NetworkFiles returns the network files that s's points read, sorted by
// the path as written.
func (s *Spec) NetworkFiles() []NetworkFile {
	out := make([]NetworkFile, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b NetworkFile) int { return strings.Compare(a.Written, b.Written) })
	return out
}

// The [network_files] table maps each network path as a spec writes it to
// the copy of the file that a campaign's copy of the spec reads, and pins
// its SHA-256: a copy whose file differs is refused at load, before any
// work. netsweep writes it when it ships a spec with its files (submit,
// deploy) or copies a spec into a campaign directory:
//
//	[network_files]
//	"data/net.txt" = { path = "networks/3f2a…-net.txt", sha256 = "3f2a…" }
//
// A relative path is relative to the directory of the spec that holds the
// table. The table changes no identity: a path only locates a file, which
// its sha256 identifies.
const shippedTable = "network_files"

// shippedMarker is the comment before a [network_files] table that
// netsweep appended to a spec's text; ShippedText replaces such a table.
const shippedMarker = "# netsweep: the network files of this copy of the spec, and their SHA-256"

// shippedFile is one entry of [network_files].
type shippedFile struct {
	path, sha256 string
	line         int
}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// parseShipped reads [network_files].
func (p *parser) parseShipped(s *Spec, doc map[string]any) {
	m := p.table(doc, shippedTable, false)
	s.hasShipped = m != nil
	for _, w := range p.orderedKeys(m, shippedTable) {
		line := p.lines.line(shippedTable + "." + w)
		key := shippedTable + "." + quoteKey(w)
		t, ok := m[w].(map[string]any)
		if !ok {
			p.errorAt(line, key, m[w], "want a table {path = FILE, sha256 = HEX}")
			continue
		}
		for _, k := range p.orderedKeys(t, shippedTable+"."+w) {
			if k != "path" && k != "sha256" {
				p.errorAt(line, key+"."+k, t[k], "unknown key; an entry of [%s] has path and sha256", shippedTable)
			}
		}
		f := shippedFile{line: line}
		f.path, _ = t["path"].(string)
		f.sha256, _ = t["sha256"].(string)
		switch {
		case f.path == "":
			p.errorAt(line, key+".path", t["path"], "want the path of the file's copy, a non-empty string")
		case !sha256RE.MatchString(f.sha256):
			p.errorAt(line, key+".sha256", t["sha256"], "want the file's SHA-256, 64 lowercase hex digits")
		default:
			if p.shipped == nil {
				p.shipped = map[string]shippedFile{}
			}
			p.shipped[w] = f
		}
	}
}

// ShippedText returns the text of a copy of s that reads its network
// files from paths (by the path as written, each absolute or relative to
// the copy's directory), each pinned to its SHA-256: s's text with a
// [network_files] table appended, which replaces one that netsweep
// appended before. Without network files it is s.Text. A table that the
// spec's author wrote is refused.
func (s *Spec) ShippedText(paths map[string]string) ([]byte, error) {
	files := s.NetworkFiles()
	if len(files) == 0 {
		return s.Text, nil
	}
	text := s.Text
	if i := bytes.Index(text, []byte("\n"+shippedMarker+"\n")); i >= 0 {
		text = append(bytes.TrimRight(text[:i:i], "\n"), '\n')
	} else if s.hasShipped {
		return nil, fmt.Errorf("%s: has a [%s] table of its own; leave it out, netsweep writes it where it ships the files", s.Path, shippedTable)
	}
	var b bytes.Buffer
	b.Write(text)
	if len(text) > 0 && text[len(text)-1] != '\n' {
		b.WriteByte('\n')
	}
	b.WriteString("\n" + shippedMarker + "\n[" + shippedTable + "]\n")
	for _, f := range files {
		to, ok := paths[f.Written]
		if !ok {
			return nil, fmt.Errorf("spec: no copy given for the network file %s", f.Written)
		}
		for _, v := range []string{f.Written, to} {
			if !utf8.ValidString(v) {
				return nil, fmt.Errorf("spec: cannot write the path %q in TOML: not UTF-8", v)
			}
		}
		fmt.Fprintf(&b, "%s = { path = %s, sha256 = %s }\n", tomlString(f.Written), tomlString(to), tomlString(f.SHA256))
	}
	return b.Bytes(), nil
}

// tomlString writes v as a TOML basic string.
func tomlString(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// quoteKey writes a key of a TOML table as the spec would, quoted where
// it is not bare.
func quoteKey(k string) string {
	for _, r := range k {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return tomlString(k)
		}
	}
	return k
}
