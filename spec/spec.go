package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/sim"
)

// Spec is a parsed, validated sweep spec.
type Spec struct {
	Path   string // the file it was read from, as given
	Text   []byte // the file's bytes, kept for provenance
	SHA256 string // hex SHA-256 of Text
	// CampaignID is the hex SHA-256 of what decides the results (seed,
	// repetitions, points, metrics and their histograms), not of where or
	// how the campaign runs: journals record it, so a spec whose [cluster]
	// or [output] dir changed still resumes its campaign.
	CampaignID string

	Name        string
	Seed        uint64
	Repetitions int // per parameter point
	MaxFailures int // failed repetitions tolerated before the campaign aborts; -1: no limit
	// Precision is the [precision] table, nil without one: the
	// repetitions of each point are then decided in blocks, and
	// Repetitions is its max_repetitions.
	Precision *Precision

	Network sim.NetworkSettings // [network] as written, before any sweep
	// Realisations is [network] realisations: "" (shared) or
	// RealisationsIndependent.
	Realisations string
	Process      sim.ProcessSettings // [process] as written, before any sweep
	Params       []string            // the swept keys ("process.beta"), the parameter columns of the results
	Output       Output
	Metrics      []sim.Metric // what every repetition reports, in order
	// Cluster is the [cluster] table: how the campaign runs on a cluster
	// (its scheduler's own keys in Cluster.Options); HasCluster tells
	// whether the spec has one.
	Cluster    cluster.Config
	HasCluster bool
	// files are the network files the points read, by the path as
	// written (NetworkFiles).
	files      map[string]NetworkFile
	hasShipped bool // the text has a [network_files] table
	// Notes say what was read from outside the spec, once per network
	// file (its size and the self-loops and repeated edges removed), and
	// what a process's settings make odd (sim.Noter), once each.
	Notes []string

	layout *reduce.Layout
	// rawMetrics are the layout indices of Output.Raw.
	rawMetrics []int
	// Where the largest network's size is set, for CheckMemory.
	memKey   string
	memValue any
	memLine  int
	memBytes int64 // MemoryBytes
	memAt    int   // a point that needs memBytes

	// The points are not stored: Point(i) materialises point i from the
	// design and the base tables; only what identifies each point is kept,
	// in table (points.go).
	design   design
	resolved map[string]*resolved // network settings as written → resolved (netfiles.go)
	table    []pointEntry         // nil in a worker's spec (ParseWorker)
	worker   bool                 // parsed by ParseWorker
	// fixedNet is the network settings of every point where no network
	// key is swept (setKeys).
	fixedNet *sim.NetworkSettings
	npoints  int
	// The metrics and histograms of the layout, encoded once for every
	// point's identity.
	metricsJSON, histsJSON []byte
	byKey                  struct {
		once  sync.Once
		order []int32 // the points, sorted by key (PointIndex)
	}
}

// Point is one parameter point: the values of the swept keys and the
// resulting model configuration. A Spec does not store its points:
// Spec.Point builds one when asked.
type Point struct {
	Index  int
	Values []any // one per Spec.Params: float64, int64, string or bool
	// Network's Params map is shared by the points whose network settings
	// are equal (one map for a grid over process keys): read it, never
	// write it.
	Network sim.NetworkSettings
	Process sim.ProcessSettings
	// Key is the hex SHA-256 of the settings that decide the point's
	// results (see identity.go): the journal records its repetitions by
	// it, and its process stream is seeded from it.
	Key string

	networkSeed, processSeed uint64 // keys of the repetitions' streams
	// network is the index of the first point with the same network key:
	// points with equal network run on the same networks, repetition by
	// repetition. With independent realisations it is the point's own
	// index; in a worker's spec (ParseWorker), which does not know it, -1.
	network int
}

// Seeds returns the seeds of the network and process streams of
// repetition rep of the point of campaign seed campaign.
func (p Point) Seeds(campaign uint64, rep int) (network, process uint64) {
	return sim.StreamSeed(campaign, p.networkSeed, rep, sim.StreamNetwork), sim.StreamSeed(campaign, p.processSeed, rep, sim.StreamProcess)
}

// SeedKeys returns the parts of the point's seeds that do not depend on
// the repetition: Seeds(campaign, rep) is network.Seed(rep,
// sim.StreamNetwork), process.Seed(rep, sim.StreamProcess), computed at
// half the cost for many repetitions.
func (p Point) SeedKeys(campaign uint64) (network, process sim.StreamKey) {
	return sim.NewStreamKey(campaign, p.networkSeed), sim.NewStreamKey(campaign, p.processSeed)
}

// How the networks of points that share their network settings are
// realised: [network] realisations.
const (
	RealisationsShared      = "shared"      // the same networks, repetition by repetition (the default)
	RealisationsIndependent = "independent" // every point draws its own
)

// Output is the [output] table.
type Output struct {
	Dir  string                 // results directory; --out overrides it
	Bins map[string]reduce.Hist // histogram per metric, for quantiles
	// Moments asks for the exact third and fourth moments of every metric:
	// skewness, kurtosis and Binder cumulant columns.
	Moments bool
	// Given, if set, asks for every metric's statistics again over the
	// repetitions whose metric Given.Metric equals Given.Value.
	Given *reduce.Condition
	// Raw names the metrics whose value every repetition keeps, in
	// DIR/raw.parquet; "all" is resolved to every metric.
	Raw []string
}

// Default histogram resolutions.
const (
	defaultLinearBins = 200 // fractions and indicators on [0, 1]: 0.005 wide
	defaultLogBins    = 180 // times on [1e-3, 1e6]: 20 bins a decade
)

// maxPoints is MaxPoints, lowered by FuzzParse so that a tiny input
// cannot ask for a grid whose cost is the points', not the text's.
var maxPoints = MaxPoints

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Load reads and parses the spec in file path.
func Load(path string) (*Spec, error) {
	text, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, text)
}

// Parse parses spec text read from file path (used in messages).
func Parse(path string, text []byte) (*Spec, error) { return parse(path, text, false) }

// ParseWorker parses and validates spec text as Parse does, with the same
// errors, for a process that only runs the repetitions it is handed (an
// MPI rank other than 0): it keeps nothing per point, so its memory does
// not grow with the grid. Its points' keys and seeds are computed when
// asked (Point, PointKey, PointSeeds; its Runner asks once per point it
// sets up); NetworkGroup and PointIndex, which need every point's, panic,
// and MemoryBytes is 0.
func ParseWorker(path string, text []byte) (*Spec, error) { return parse(path, text, true) }

func parse(path string, text []byte, worker bool) (*Spec, error) {
	if e := checkShape(path, text); e != nil {
		return nil, Errors{e}
	}
	p := &parser{file: path, lines: indexLines(text), valueLines: map[string]int{}, worker: worker}
	var doc map[string]any
	md, err := toml.Decode(string(text), &doc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, Errors{{File: path, Line: pe.Position.Line, Msg: "not valid TOML: " + pe.Message}}
		}
		return nil, Errors{{File: path, Msg: "not valid TOML: " + err.Error()}}
	}
	if e := p.indexKeys(md); e != nil {
		return nil, Errors{e}
	}
	sum := sha256.Sum256(text)
	s := &Spec{Path: path, Text: text, SHA256: hex.EncodeToString(sum[:]), MaxFailures: -1, worker: worker}
	p.parse(s, doc)
	if len(p.errs) > 0 {
		return nil, p.errors()
	}
	s.design, s.resolved, s.npoints = p.design, p.resolved, p.design.len()
	setKeys(s)
	if !worker {
		p.noteMemory(s) // after setKeys, which groups the points by network
	}
	return s, nil
}

type parser struct {
	file   string
	worker bool // ParseWorker
	lines  lineIndex
	order  map[string]int // dotted key → its rank in the file (indexKeys)
	errs   Errors
	seen   map[string]bool // error messages already reported
	more   int             // problems found past MaxErrors, not reported

	design     design
	valueLines map[string]int         // "key@table" → line of a sweep or point value
	resolved   map[string]*resolved   // network settings as written → resolved (netfiles.go)
	shipped    map[string]shippedFile // [network_files] (netfiles.go)
	enc        identityEncoder        // resolveNetwork's keys

	// The metrics of point 0, and the first point whose metrics differ
	// (badMetric > 0), read where resolvePoints builds its models, so that
	// resolveMetrics need not build them again (output.go).
	metrics     []sim.Metric
	haveMetrics bool
	badMetric   int
	badMetrics  []sim.Metric
}

// errorAt records a problem with key, found on line (0: look the key up).
func (p *parser) errorAt(line int, key string, value any, format string, args ...any) {
	if len(p.errs) >= MaxErrors { // enough to fix first: count, and spend nothing more
		p.more++
		return
	}
	if line == 0 {
		line = p.lines.line(key)
	}
	e := &Error{File: p.file, Line: line, Key: key, Value: value, Msg: fmt.Sprintf(format, args...)}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if msg := e.Error(); !p.seen[msg] {
		p.seen[msg] = true
		p.errs = append(p.errs, e)
	}
}

// errors returns the problems found, the last saying how many more were
// left out, or nil.
func (p *parser) errors() Errors {
	if p.more == 0 || len(p.errs) == 0 {
		return p.errs
	}
	return append(p.errs[:len(p.errs):len(p.errs)], &Error{File: p.file, Msg: fmt.Sprintf("and %d more problems; fix these first", p.more)})
}

func (p *parser) errorf(key string, value any, format string, args ...any) {
	p.errorAt(0, key, value, format, args...)
}

var topKeys = []string{"name", "seed", "repetitions", "max_failures", "network", "process", "sweep", "points", "output", "cluster", shippedTable, "precision"}

func (p *parser) parse(s *Spec, doc map[string]any) {
	for _, k := range p.orderedKeys(doc, "") {
		if !contains(topKeys, k) {
			p.errorf(k, doc[k], "unknown key; a spec has %s", strings.Join(topKeys, ", "))
		}
	}
	s.Name = p.str(doc, "name", true)
	switch {
	case doc["name"] == "":
		p.errorf("name", s.Name, "must not be empty (it names files and jobs)")
	case len(s.Name) > MaxNameBytes:
		p.errorf("name", fmt.Sprintf("%.40s...", s.Name), "%d bytes, more than the %d a name may have (it names files and jobs)", len(s.Name), MaxNameBytes)
	case s.Name != "" && !nameRE.MatchString(s.Name):
		p.errorf("name", s.Name, "use letters, digits, '.', '_' and '-' only (it names files and jobs)")
	}
	if v, ok := p.integer(doc, "seed", true); ok {
		if v < 0 {
			p.errorf("seed", v, "must be at least 0")
		}
		s.Seed = uint64(v)
	}
	if v, ok := p.integer(doc, "repetitions", doc["precision"] == nil); ok {
		if v < 1 || v > math.MaxInt32 {
			p.errorf("repetitions", v, "must be between 1 and %d", math.MaxInt32)
		}
		s.Repetitions = int(v)
	}
	if v, ok := p.integer(doc, "max_failures", false); ok {
		if v < 0 {
			p.errorf("max_failures", v, "must be at least 0 (leave it out for no limit)")
		}
		s.MaxFailures = int(v)
	}

	netTable := p.table(doc, "network", true)
	procTable := p.table(doc, "process", true)
	p.parseRealisations(s, netTable)
	s.Network.Generator, s.Network.Params = p.decodeModel(networkTable, netTable)
	s.Process.Model, s.Process.Params = p.decodeModel(processTable, procTable)
	if netTable != nil && s.Network.Generator == "" && netTable["generator"] == nil {
		p.errorf("network.generator", nil, "missing; choose one of %v", sim.GeneratorNames())
	}
	if procTable != nil && s.Process.Model == "" && procTable["model"] == nil {
		p.errorf("process.model", nil, "missing; choose one of %v", sim.ProcessNames())
	}

	p.parsePrecision(s, doc)
	p.parseDesign(s, doc)
	p.parseOutput(s, doc)
	p.parseCluster(s, doc)
	p.parseShipped(s, doc)
	if len(p.errs) > 0 {
		return
	}
	p.resolvePoints(s, netTable, procTable)
	if len(p.errs) > 0 {
		return
	}
	p.resolveMetrics(s)
	if len(p.errs) > 0 {
		return
	}
	p.checkPrecision(s)
}

// indexKeys records the order in which the file defines its keys, once,
// so that orderedKeys costs no more than the table it sorts. A key longer
// than MaxKeyBytes, with its tables, is refused before it is joined.
func (p *parser) indexKeys(md toml.MetaData) *Error {
	keys := md.Keys()
	p.order = make(map[string]int, len(keys))
	for i, k := range keys {
		if len(k) > MaxDepth {
			return &Error{File: p.file, Line: p.lines.line(k[0]), Msg: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}
		}
		n := len(k)
		for _, c := range k {
			n += len(c)
		}
		if n > MaxKeyBytes {
			return &Error{File: p.file, Line: p.lines.line(k[0]), Msg: fmt.Sprintf("a key longer than %d bytes with its tables", MaxKeyBytes)}
		}
		full := joinKey(k)
		if _, ok := p.order[full]; !ok {
			p.order[full] = i
		}
	}
	return nil
}

// orderedKeys returns the keys of table m (at dotted path prefix) in the
// order the file defines them.
func (p *parser) orderedKeys(m map[string]any, prefix string) []string {
	pos := make(map[string]int, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
		full := k
		if prefix != "" {
			full = prefix + "." + k
		}
		if i, ok := p.order[full]; ok {
			pos[k] = i
		}
	}
	sort.SliceStable(keys, func(i, j int) bool {
		pi, oki := pos[keys[i]]
		pj, okj := pos[keys[j]]
		if oki != okj {
			return oki
		}
		if pi != pj {
			return pi < pj
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (p *parser) str(m map[string]any, key string, required bool) string {
	return p.strIn("", m, key, required)
}

// strIn is str for a key of the table at dotted path prefix ("" for the
// top level), which names the key in messages and finds its line.
func (p *parser) strIn(prefix string, m map[string]any, key string, required bool) string {
	full := joinPrefix(prefix, key)
	v, ok := m[key]
	if !ok {
		if required {
			p.errorf(full, nil, "missing")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.errorf(full, v, "want a string")
	}
	return s
}

// joinPrefix writes key of the table at dotted path prefix.
func joinPrefix(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func (p *parser) integer(m map[string]any, key string, required bool) (int64, bool) {
	v, ok := m[key]
	if !ok {
		if required {
			p.errorf(key, nil, "missing")
		}
		return 0, false
	}
	i, ok := v.(int64)
	if !ok {
		p.errorf(key, v, "want an integer")
	}
	return i, ok
}

func (p *parser) table(m map[string]any, key string, required bool) map[string]any {
	return p.tableIn("", m, key, required)
}

// tableIn is table for a key of the table at dotted path prefix.
func (p *parser) tableIn(prefix string, m map[string]any, key string, required bool) map[string]any {
	full := joinPrefix(prefix, key)
	v, ok := m[key]
	if !ok {
		if required {
			p.errorf(full, nil, "missing table [%s]", full)
		}
		return nil
	}
	t, ok := v.(map[string]any)
	if !ok {
		p.errorf(full, v, "want a table [%s]", full)
		return nil
	}
	return t
}

// decodeTable sets the fields of struct pointer dst from table m at dotted
// path name.
func (p *parser) decodeTable(name string, m map[string]any, dst any) {
	for _, k := range p.orderedKeys(m, name) {
		key := name + "." + k
		if msg := setField(dst, k, m[k]); msg != "" {
			p.errorf(key, m[k], "%s", msg)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseCluster decodes [cluster]: each key into the first of the common
// keys, the workstation keys and the scheduler's own options that has it,
// then checks them with the cluster package's validation.
func (p *parser) parseCluster(s *Spec, doc map[string]any) {
	m := p.table(doc, "cluster", false)
	if m == nil {
		return
	}
	s.HasCluster = true
	name, _ := m["scheduler"].(string) // a wrong type is reported below
	c, err := cluster.NewConfig(name)
	if err != nil {
		p.errorf("cluster.scheduler", m["scheduler"], "%v", err)
		return
	}
	parts := []any{&c, &c.Workstations}
	if c.Options != nil {
		parts = append(parts, c.Options)
	}
	var known []string
	for _, part := range parts {
		known = append(known, fieldNames(part)...)
	}
	sort.Strings(known)
	for _, k := range p.orderedKeys(m, "cluster") {
		key := "cluster." + k
		i := 0
		for i < len(parts) && !hasField(parts[i], k) {
			i++
		}
		if i == len(parts) {
			p.errorf(key, m[k], "unknown key; known keys are %s", strings.Join(known, ", "))
			continue
		}
		if msg := setField(parts[i], k, m[k]); msg != "" {
			p.errorf(key, m[k], "%s", msg)
		}
	}
	s.Cluster = c
	if len(p.errs) > 0 {
		return
	}
	for _, e := range c.Validate() {
		p.errorf("cluster."+e.Key, e.Value, "%s", e.Reason)
	}
	// What the scheduler's job script would refuse in the campaign
	// directory is refused here, at [output] dir (parsed before).
	if dc, ok := c.Options.(cluster.DirChecker); ok && s.Output.Dir != "" {
		if r := dc.DirProblem(s.Output.Dir); r != "" {
			p.errorf("output.dir", s.Output.Dir, "%s", r)
		}
	}
}

// parseRealisations reads [network] realisations, which is the spec's, not
// a model's, and takes it out of the table.
func (p *parser) parseRealisations(s *Spec, net map[string]any) {
	v, ok := net["realisations"]
	if !ok {
		return
	}
	delete(net, "realisations")
	switch v {
	case RealisationsShared:
	case RealisationsIndependent:
		s.Realisations = RealisationsIndependent
	default:
		p.errorf("network.realisations", v, "want %q (points with the same network settings share their networks, the default) or %q", RealisationsShared, RealisationsIndependent)
	}
}
