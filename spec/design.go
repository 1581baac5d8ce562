package spec

import (
	"errors"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/netsweep/netsweep/sim"
)

// A design is the list of parameter points: a full grid ([sweep]) or an
// explicit list ([[points]]). Both produce Spec.Params and, per point, the
// values of those keys and the line each value came from. A grid is not
// expanded: point i's values come from its axes by mixed-radix
// decomposition, so a design costs the size of the file, not of the grid.
type design struct {
	axes  []axis // [sweep]: per param, its values; the last varies fastest
	lines []int  // [sweep]: per param, the line its values were written on
	// [[points]] (or no design: one row of no values): per point, per
	// param; nil entries take the base value.
	rows     [][]any
	rowLines [][]int
}

// len returns the number of points.
func (d *design) len() int {
	if d.axes == nil {
		return len(d.rows)
	}
	n := 1
	for _, a := range d.axes {
		n *= a.len()
	}
	return n
}

// values returns the values of point i, one per param, in row (reused
// when it has the room).
func (d *design) values(i int, row []any) []any {
	if d.axes == nil {
		return d.rows[i]
	}
	row = row[:0]
	for range d.axes {
		row = append(row, nil)
	}
	for j := len(d.axes) - 1; j >= 0; j-- {
		n := d.axes[j].len()
		row[j] = d.axes[j].at(i % n)
		i /= n
	}
	return row
}

// line returns the line on which the value of param j of point i was
// written.
func (d *design) line(i, j int) int {
	if d.axes == nil {
		return d.rowLines[i][j]
	}
	return d.lines[j]
}

var rangeKeys = []string{"start", "stop", "num", "log"}

func (p *parser) parseDesign(s *Spec, doc map[string]any) {
	sweep, hasSweep := doc["sweep"]
	points, hasPoints := doc["points"]
	if hasSweep && hasPoints {
		p.errorf("points", nil, "a spec has either [sweep] (a full grid) or [[points]] (a list), not both")
		return
	}
	switch {
	case hasSweep:
		m, ok := sweep.(map[string]any)
		if !ok {
			p.errorf("sweep", sweep, "want a table [sweep]")
			return
		}
		p.parseSweep(s, m)
	case hasPoints:
		list, ok := points.([]map[string]any)
		if !ok {
			p.errorf("points", points, "want an array of tables [[points]]")
			return
		}
		p.parsePoints(s, list)
	default:
		p.design = design{rows: [][]any{{}}, rowLines: [][]int{{}}}
	}
}

// flatten turns nested tables of sweep keys ("process" → "beta") into
// dotted keys ("process.beta"), keeping range tables whole, in file order.
func (p *parser) flatten(m map[string]any, prefix string, out *[]string, vals map[string]any) {
	root, _, _ := strings.Cut(prefix, ".")
	for _, k := range p.orderedKeys(m, prefix) {
		v := m[k]
		name := k
		full := prefix + "." + k
		if i := strings.IndexByte(prefix, '.'); i >= 0 {
			name = prefix[i+1:] + "." + k
		}
		if sub, ok := v.(map[string]any); ok && !isRange(sub) {
			p.flatten(sub, full, out, vals)
			continue
		}
		// Lines are recorded under the outer table ("sweep", "points[3]"),
		// where the design looks them up, however deep the key was nested.
		at := name + "@" + root
		if _, twice := vals[name]; twice {
			// "process.beta" and process.beta are one parameter: the
			// decoder keeps the last, so say where both are.
			first, second := p.valueLines[at], p.lines.again(full)
			if second == 0 {
				p.errorAt(first, name, v, "swept twice, as a quoted and as a dotted key; give each parameter once")
				continue
			}
			p.errorAt(second, name, v, "swept twice, on lines %d and %d; give each parameter once", first, second)
			continue
		}
		*out = append(*out, name)
		vals[name] = v
		p.valueLines[at] = p.lines.line(full)
	}
}

// isRange tells whether a table in [sweep] is a range rather than a table
// of parameters: it has start, stop or num (a key it should not have is
// then reported as a bad range key, at its line, by rangeValues).
func isRange(m map[string]any) bool {
	_, start := m["start"]
	_, stop := m["stop"]
	_, num := m["num"]
	return start || stop || num
}

// checkParam tells whether key names a sweepable model parameter.
func (p *parser) checkParam(s *Spec, key string, line int, v any) bool {
	table, field, ok := strings.Cut(key, ".")
	switch table {
	case "network":
		ok = ok && networkTable.known(field)
	case "process":
		ok = ok && processTable.known(field)
	default:
		ok = false
	}
	if !ok {
		p.errorAt(line, key, v, "not a parameter to sweep; use network.KEY or process.KEY, with KEY one of the keys those tables take")
		return false
	}
	return true
}

func (p *parser) parseSweep(s *Spec, m map[string]any) {
	var keys []string
	vals := map[string]any{}
	p.flatten(m, "sweep", &keys, vals)
	if len(keys) == 0 {
		p.errorf("sweep", nil, "empty [sweep]; list at least one parameter, or leave the table out")
		return
	}
	lines := make([]int, len(keys))
	ok := true
	for i, k := range keys {
		lines[i] = p.valueLines[k+"@sweep"]
		ok = p.checkParam(s, k, lines[i], vals[k]) && ok
	}
	if !ok {
		return
	}
	// The grid's size comes from the lengths of its axes, before any is
	// expanded: the product may be far beyond what memory holds.
	lengths := make([]int64, len(keys))
	for i, k := range keys {
		lengths[i] = axisLen(vals[k])
	}
	if total := gridSize(lengths); total.Cmp(big.NewInt(int64(maxPoints))) > 0 {
		i := 0
		for gridSize(lengths[:i+1]).Cmp(big.NewInt(int64(maxPoints))) <= 0 {
			i++
		}
		factors := make([]string, len(lengths))
		for j, n := range lengths {
			factors[j] = strconv.FormatInt(n, 10)
		}
		p.errorAt(lines[i], "sweep."+keys[i], nil, "the grid has %s points (%s), more than the %d a campaign may have; split the campaign or use [[points]]", total, strings.Join(factors, " × "), maxPoints)
		return
	}
	axes := make([]axis, len(keys))
	for i, k := range keys {
		axes[i] = p.axisValues("sweep."+k, lines[i], vals[k])
	}
	if len(p.errs) > 0 {
		return
	}
	s.Params = keys
	// The last key varies fastest, like nested loops in file order.
	p.design = design{axes: axes, lines: lines}
}

// axisLen returns the number of values of sweep entry v without expanding
// it; 1 for an entry that axisValues will refuse.
func axisLen(v any) int64 {
	switch v := v.(type) {
	case []any:
		return int64(max(len(v), 1))
	case map[string]any:
		if n, ok := v["num"].(int64); ok && n >= 1 {
			return n
		}
	}
	return 1
}

// An axis is the values of one sweep entry: a list as written, or the
// numbers of a range, kept unboxed (8 bytes a value, where a list of any
// holds 24), or, in a worker's spec (ParseWorker), the range itself.
type axis struct {
	list   []any
	floats []float64
	rng    *rangeAxis
}

func (a axis) len() int {
	if a.rng != nil {
		return a.rng.n
	}
	return len(a.list) + len(a.floats)
}

func (a axis) at(k int) any {
	switch {
	case a.rng != nil:
		return a.rng.at(k)
	case a.floats != nil:
		return a.floats[k]
	}
	return a.list[k]
}

// axisValues expands one sweep entry: a list of values, or a range table
// {start, stop, num[, log]} of num values from start to stop inclusive.
func (p *parser) axisValues(key string, line int, v any) axis {
	switch v := v.(type) {
	case []any:
		if len(v) == 0 {
			p.errorAt(line, key, v, "empty list; give at least one value")
			return axis{}
		}
		for _, x := range v {
			switch x.(type) {
			case int64, float64, string, bool:
			default:
				p.errorAt(line, key, v, "values must be numbers, strings or booleans")
				return axis{}
			}
		}
		return axis{list: v}
	case map[string]any:
		r := p.rangeValues(key, line, v)
		if r == nil {
			return axis{}
		}
		if p.worker {
			// A worker keeps nothing per point: it computes the values
			// it runs (each a few hundred nanoseconds).
			return axis{rng: r}
		}
		floats := make([]float64, r.n)
		for i := range floats {
			floats[i] = r.at(i)
		}
		return axis{floats: floats}
	}
	p.errorAt(line, key, v, "want a list of values or a range {start = A, stop = B, num = N}")
	return axis{}
}

func (p *parser) rangeValues(key string, line int, m map[string]any) *rangeAxis {
	num := func(k string) (float64, bool) {
		switch x := m[k].(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		case nil:
			p.errorAt(line, key+"."+k, nil, "missing; a range needs start, stop and num")
		default:
			p.errorAt(line, key+"."+k, x, "want a number")
		}
		return 0, false
	}
	for _, k := range p.orderedKeys(m, key) {
		if !contains(rangeKeys, k) {
			at := line
			if n, ok := p.lines[key+"."+k]; ok { // written under a [sweep.KEY] header
				at = n
			}
			p.errorAt(at, key+"."+k, m[k], "unknown range key; a range has start, stop, num and log")
		}
	}
	start, ok1 := num("start")
	stop, ok2 := num("stop")
	n, ok3 := m["num"].(int64)
	if !ok3 {
		p.errorAt(line, key+".num", m["num"], "want a whole number of values, at least 1")
	}
	logScale := false
	if l, ok := m["log"]; ok {
		b, isBool := l.(bool)
		if !isBool {
			p.errorAt(line, key+".log", l, "want true or false")
		}
		logScale = b
	}
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	switch {
	case n < 1:
		p.errorAt(line, key+".num", n, "empty range; num must be at least 1")
		return nil
	case n > int64(maxPoints):
		p.errorAt(line, key+".num", n, "at most %d values", maxPoints)
		return nil
	case n == 1 && start != stop:
		p.errorAt(line, key+".num", n, "one value cannot span start = %v to stop = %v", start, stop)
		return nil
	case logScale && (start <= 0 || stop <= 0):
		p.errorAt(line, key, nil, "a log range needs start and stop above 0")
		return nil
	}
	return &rangeAxis{start: start, stop: stop, n: int(n), log: logScale}
}

// A rangeAxis is a range's values, computed when asked.
type rangeAxis struct {
	start, stop float64
	n           int
	log         bool
}

// at returns value i of the range.
func (r *rangeAxis) at(i int) float64 {
	var x float64
	switch {
	case i == 0:
		x = r.start
	case i == r.n-1:
		x = r.stop
	case r.log:
		x = math.Exp(math.Log(r.start) + float64(i)*(math.Log(r.stop)-math.Log(r.start))/float64(r.n-1))
	default:
		x = r.start + float64(i)*(r.stop-r.start)/float64(r.n-1)
	}
	return round12(x)
}

// round12 rounds x to 12 significant digits, so that a range from 0.3 to
// 0.9 gives 0.6 rather than 0.6000000000000001 in parameters and results.
func round12(x float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	if err != nil {
		return x
	}
	return r
}

func (p *parser) parsePoints(s *Spec, list []map[string]any) {
	if len(list) == 0 {
		p.errorf("points", nil, "no points listed")
		return
	}
	if len(list) > maxPoints {
		p.errorf("points", nil, "more than %d points; split the campaign", maxPoints)
		return
	}
	var params []string
	index := map[string]int{}
	rows := make([]map[string]any, len(list))
	rowLines := make([]map[string]int, len(list))
	for i, m := range list {
		prefix := "points[" + strconv.Itoa(i) + "]"
		var keys []string
		vals := map[string]any{}
		p.flatten(m, prefix, &keys, vals)
		rows[i], rowLines[i] = vals, map[string]int{}
		if len(keys) == 0 {
			p.errorAt(p.lines.line(prefix), prefix, nil, "empty point; set at least one parameter")
		}
		for _, k := range keys {
			line := p.valueLines[k+"@"+prefix]
			rowLines[i][k] = line
			if _, ok := index[k]; !ok {
				if !p.checkParam(s, k, line, vals[k]) {
					continue
				}
				index[k] = len(params)
				params = append(params, k)
			}
			switch vals[k].(type) {
			case int64, float64, string, bool:
			default:
				p.errorAt(line, k, vals[k], "a point gives one value per parameter; use [sweep] for lists")
			}
		}
	}
	s.Params = params
	for i := range rows {
		vals := make([]any, len(params))
		lines := make([]int, len(params))
		for k, j := range index {
			vals[j] = rows[i][k]
			lines[j] = rowLines[i][k]
		}
		p.design.rows = append(p.design.rows, vals)
		p.design.rowLines = append(p.design.rowLines, lines)
	}
}

// resolvePoints applies each point's values to the base tables and checks
// the result with the models' own validation, keeping nothing per point:
// the points are materialised again, on demand, by Spec.Point.
//
// A large grid repeats its models: what depends only on a model and the
// set of swept keys (the keys a model reads, checkKeys) is looked up or
// checked once per parse, not per point.
//
// A large grid is cut into ranges, one per CPU, checked in parallel, each
// by a parser of its own; what they found is joined in point order. If any
// finds a problem, the points are checked again in one pass, so that the
// messages, their order and the count past MaxErrors are those of one pass.
func (p *parser) resolvePoints(s *Spec, netTable, procTable map[string]any) {
	n := p.design.len()
	if k := ranges(n); k > 1 && p.resolveParallel(s, netTable, procTable, k) {
		return
	}
	p.resolveRange(s, 0, n, netTable, procTable)
}

// resolveParallel checks the points in k ranges in parallel and joins what
// they found into p and s, unless one found a problem: then it returns
// false, and p and s are as they were.
func (p *parser) resolveParallel(s *Spec, netTable, procTable map[string]any, k int) bool {
	n := p.design.len()
	subs := make([]*parser, k)
	scratch := make([]*Spec, k)
	var wg sync.WaitGroup
	for w := range k {
		// A range's parser and spec share what is read only; what
		// resolveRange writes (errors, resolved networks, notes, files)
		// is its own.
		subs[w] = &parser{file: p.file, worker: p.worker, lines: p.lines, order: p.order,
			design: p.design, valueLines: p.valueLines, shipped: p.shipped}
		scratch[w] = &Spec{Path: s.Path, Params: s.Params, Network: s.Network, Process: s.Process, Notes: slices.Clone(s.Notes)}
		wg.Go(func() { subs[w].resolveRange(scratch[w], w*n/k, (w+1)*n/k, netTable, procTable) })
	}
	wg.Wait()
	for _, sub := range subs {
		if len(sub.errs) > 0 || sub.more > 0 {
			return false
		}
	}
	for w, sub := range subs {
		for _, note := range scratch[w].Notes {
			if !slices.Contains(s.Notes, note) {
				s.Notes = append(s.Notes, note)
			}
		}
		for k, f := range scratch[w].files {
			if s.files == nil {
				s.files = map[string]NetworkFile{}
			}
			s.files[k] = f
		}
		for k, r := range sub.resolved {
			if p.resolved == nil {
				p.resolved = map[string]*resolved{}
			}
			if _, ok := p.resolved[k]; !ok {
				p.resolved[k] = r
			}
		}
		if !sub.haveMetrics {
			continue
		}
		switch {
		case !p.haveMetrics:
			p.metrics, p.haveMetrics = sub.metrics, true
		case p.badMetric > 0:
		case !sameNames(sub.metrics, p.metrics):
			p.badMetric, p.badMetrics = w*n/k, sub.metrics
		}
		if p.badMetric == 0 && sub.badMetric > 0 {
			p.badMetric, p.badMetrics = sub.badMetric, sub.badMetrics
		}
	}
	return true
}

// resolveRange checks points lo to hi-1.
func (p *parser) resolveRange(s *Spec, lo, hi int, netTable, procTable map[string]any) {
	netT, procT := networkTable.memo(), processTable.memo()
	checked := map[string]bool{} // table and model whose keys checkKeys found good, all of s.Params swept
	var row []any
	swept := map[string]int{}
	// Where no network key is swept, every point has the base network:
	// once it resolved and checked good, its settings serve every point.
	netSwept := sweepsNetwork(s.Params)
	var fixed *resolved
	for i := lo; i < hi; i++ {
		vals := p.design.values(i, row)
		row = vals
		pt := Point{Index: i, Process: sim.ProcessSettings{Model: s.Process.Model, Params: maps.Clone(s.Process.Params)}}
		if fixed != nil {
			pt.Network = sim.NetworkSettings{Generator: s.Network.Generator, Params: fixed.params}
		} else {
			pt.Network = sim.NetworkSettings{Generator: s.Network.Generator, Params: maps.Clone(s.Network.Params)}
		}
		// Lists in the base tables are shared; copy on write is not needed
		// because a sweep replaces a whole value.
		clear(swept)
		for j, key := range s.Params {
			table, field, _ := strings.Cut(key, ".")
			var v any
			var msg string
			if table == "process" {
				v, msg = setModelValue(procT, &pt.Process.Model, pt.Process.Params, field, vals[j])
			} else {
				v, msg = setModelValue(netT, &pt.Network.Generator, pt.Network.Params, field, vals[j])
			}
			if msg != "" {
				p.errorAt(p.design.line(i, j), key, v, "%s", msg)
				continue
			}
			swept[key] = p.design.line(i, j)
		}
		// checkKeys's verdict depends on the model and the swept keys only:
		// once good with every key of s.Params swept, it is good again.
		allSwept := len(swept) == len(s.Params)
		if k := "network\x00" + pt.Network.Generator; !allSwept || !checked[k] {
			before := len(p.errs)
			p.checkKeys("network", "generator", pt.Network.Generator, netTable, swept, func(name string) ([]string, bool) { return sim.GeneratorKeys(name) })
			checked[k] = allSwept && len(p.errs) == before
		}
		if k := "process\x00" + pt.Process.Model; !allSwept || !checked[k] {
			before := len(p.errs)
			p.checkKeys("process", "model", pt.Process.Model, procTable, swept, func(name string) ([]string, bool) { return sim.ProcessKeys(name) })
			checked[k] = allSwept && len(p.errs) == before
		}
		keepRead(procT, pt.Process.Model, pt.Process.Params)
		r, err := fixed, error(nil)
		if fixed == nil {
			keepRead(netT, pt.Network.Generator, pt.Network.Params)
			r, err = p.resolveNetwork(s, &pt.Network)
		}
		var netMetrics []sim.Metric
		var newErr, metricsErr error
		if err == nil {
			netMetrics, newErr, metricsErr = r.check(pt.Network)
		}
		if !netSwept && r != nil && err == nil && newErr == nil && metricsErr == nil {
			fixed = r
		}
		if errors.Is(err, errReported) {
			// reported where the file was shipped
		} else if err != nil {
			p.modelError("network", err, pt.Network, swept, vals)
		} else if newErr != nil {
			p.modelError("network", newErr, pt.Network, swept, vals)
		} else if proc, err := pt.Process.New(pt.Network.N()); err != nil {
			p.modelError("process", err, pt.Process, swept, vals)
		} else if metricsErr != nil {
			p.modelError("network", metricsErr, pt.Network, swept, vals)
		} else {
			p.noteMetrics(i, proc.Metrics(), netMetrics)
			if n, ok := proc.(sim.Noter); ok {
				if note := n.Note(); note != "" && !slices.Contains(s.Notes, note) {
					s.Notes = append(s.Notes, note)
				}
			}
		}
		if len(p.errs) >= MaxErrors {
			return
		}
	}
}

// checkKeys reports keys of a table (written or swept) that its generator or
// model does not read.
func (p *parser) checkKeys(table, kind, name string, written map[string]any, swept map[string]int, keysOf func(string) ([]string, bool)) {
	allowed, ok := keysOf(name)
	if !ok {
		return // New reports the unknown name
	}
	check := func(field string, line int, v any) {
		if field != kind && !contains(allowed, field) {
			p.errorAt(line, table+"."+field, v, "not used by %s %q, which takes %s", kind, name, strings.Join(allowed, ", "))
		}
	}
	for _, k := range p.orderedKeys(written, table) {
		if _, isSwept := swept[table+"."+k]; !isSwept {
			check(k, 0, written[k])
		}
	}
	for key, line := range swept {
		if t, field, _ := strings.Cut(key, "."); t == table {
			check(field, line, nil)
		}
	}
}

// modelError turns a model's validation error into a spec error at the
// line where the offending value was written.
func (p *parser) modelError(table string, err error, cfg any, swept map[string]int, vals []any) {
	var pe *sim.ParamError
	if !errors.As(err, &pe) {
		p.errorf(table, nil, "%v", err)
		return
	}
	key := table + "." + pe.Key
	line, isSwept := swept[key]
	if !isSwept {
		line = 0
	}
	p.errorAt(line, key, pe.Value, "%s", pe.Reason)
}

// sweepsNetwork tells whether the swept keys params include a network
// key.
func sweepsNetwork(params []string) bool {
	return slices.ContainsFunc(params, func(k string) bool { return strings.HasPrefix(k, "network.") })
}
