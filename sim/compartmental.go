// Markovian compartmental models on networks declared in a spec, as EoN's
// Gillespie_simple_contagion (J. C. Miller and T. Ting, "EoN (Epidemics on
// Networks): a fast, flexible Python package for simulation, analytic
// approximation, and analysis of epidemics on networks", J. Open Source
// Softw. 4, 1731 (2019); I. Z. Kiss, J. C. Miller and P. L. Simon,
// "Mathematics of Epidemics on Networks", Springer (2017), appendix A.1)
// and GEMF (F. D. Sahneh, A. Vajdi, H. Shakeri, F. Fan and C. Scoglio,
// "GEMFsim: a stochastic simulator for the generalized epidemic modeling
// framework", J. Comput. Sci. 22, 36 (2017)): named compartments,
// spontaneous transitions (a node in X moves to Y at rate r) and induced
// ones (a node in X moves to Y at rate r for each neighbour in Z).
//
// Algorithm: the direct Gillespie method over transitions. The rate of a
// spontaneous transition is r·N_X; that of an induced one is r·E, E the
// number of (Z, X) neighbour pairs, kept exact: when a node moves from a to
// b, each neighbour's state adds a precomputed change to every induced
// transition's E (one read per neighbour, as sir reads a done bit). So the
// total rate is exact, there are no phantom events, and a run stops as soon
// as nothing can move (an SI epidemic that has filled its component). An
// induced event picks a (Z, X) pair uniformly by rejection, from the side
// with the smaller total degree: a node of that side with probability
// proportional to its degree, by composition–rejection over degree classes
// [2^(b-1), 2^b) as in sis.go (G. St-Onge, J.-G. Young, L. Hébert-Dufresne
// and L. J. Dubé, Comput. Phys. Commun. 240, 30 (2019)), then a uniform
// neighbour, accepted if it is on the other side. Each compartment keeps
// its members in those degree classes, which also serve the uniform draws
// of spontaneous transitions.
//
// A spontaneous transition may instead take a distribution for the time
// spent in its source ("I -> R : fixed(tau)", period.go's distributions,
// their mean and shape named by rate keys), which makes the model
// non-Markovian: a node entering that compartment draws its exit time
// into an event queue, as in Kiss, Miller and Simon's fast_nonMarkov_SIR
// (appendix A.1.3). Each step takes the earlier of the queue's first
// live event and the next Markovian event; if the queued one wins, the
// Markovian draw is discarded, which is exact since its waiting time is
// memoryless. A node that leaves the compartment by another transition
// first leaves a stale event, dropped when it reaches the front.
//
// Event-driven path. Where the model allows it (eventExact), Run skips
// the Gillespie loop, its class lists and pair counts, and runs Kiss,
// Miller and Simon's fast_SIR / fast_nonMarkov_SIR (appendix A.1.2-3, as
// sir.go does) generalised to declared compartments, on sir's radix heap
// (heap.go): a node entering compartment c at time t draws its exit, the
// earliest of t + Exp(sum of c's spontaneous rates), its target chosen by
// the rates, and t + c's drawn time if c has one; and if c induces
// transitions, for each of them and each neighbour w in its source, a
// transmission time t + Exp(rate), queued if before the exit. Events are
// taken in time order; one whose node is no longer in the event's source
// compartment is stale and dropped, any other moves its node (the same
// counts, peaks, series and t_max as the Gillespie loop) and its node
// draws for the compartment it enters. The path is taken when
//
//	(a) no compartment Z that induces a transition is the source of an
//	    induced transition (nothing but its own exit takes a node out of
//	    Z, so the time a node leaves Z is fixed when it enters), and
//	(b) no transition enters a source X of induced transitions (a node is
//	    in X from time 0 until it leaves, once).
//
// That covers SIR, SEIR, SI and SIR with drawn periods, whatever their
// names; SIS, SIRS and SEIRS keep the Gillespie loop.
//
// Exactness under (a) and (b). Build the process from independent clocks
// (the next-reaction construction of M. A. Gibson and J. Bruck, J. Phys.
// Chem. A 104, 1876 (2000), which has the law of the Gillespie process):
// at each entry into c, the competing spontaneous exponentials and the
// drawn time of c; for each induced transition j = (X -> Y : r * Z) and
// each ordered edge (u, w), a Poisson process of rate r; w moves by j at
// the first point of that process at which u is in Z and w in X, unless
// something else moved w first. By (a) the times u spends in Z are
// intervals [s, e) with e decided at u's entry s. By (b) w is in X on one
// interval [0, l), so at a point after s w is in X iff w was in X at s
// and the point comes before l. So for each of u's intervals the first
// point of the edge's process in [s, min(e, l)) is s + Exp(r) if that is
// below e and w is still in X then (memorylessness: the process after s
// does not depend on what came before), and there is none otherwise:
// exactly the event enter queues and the stale test keeps. Restricting a
// Poisson process to disjoint intervals gives independent pieces, so
// u's later entries into Z (a cycle elsewhere in the model) draw afresh.
// The competing exits of a source X are drawn at time 0 and dropped if w
// left X first: the race of independent clocks. A node in a compartment
// that is not a source leaves it only by its exit, so its one pending
// exit event is never stale; a node that left a source never returns, so
// its events from there are all stale. Events at equal times (fixed drawn
// times from time 0) are taken in the queue's order.

package sim

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// CompartmentalRates are the keys a compartmental model's transitions may
// name as their rates: each is a Float key of [process], swept like
// process.beta.
var CompartmentalRates = []string{
	"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda",
	"mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
}

// MaxCompartments is the most compartments a compartmental model may have.
const MaxCompartments = 16

func init() {
	keys := keysOf[compartmentalParams]("compartments", "transitions", "initial", "initial_count", "initial_fraction", "t_max", "metrics", "series")
	for _, name := range CompartmentalRates {
		keys = append(keys, Key{name, Float})
	}
	RegisterProcess(ProcessModel{
		Name: "compartmental",
		Doc: "any compartmental model: compartments, spontaneous (\"I -> R : gamma\") and induced (\"S -> I : beta * I\") transitions with rates named by keys, " +
			"or a spontaneous one after a drawn time (\"I -> R : fixed(tau)\", exponential|fixed|gamma|lognormal|weibull) (exact: event-driven as sir where no source of an induced transition is re-entered, as in SIR, SEIR, SI; Gillespie otherwise)",
		Keys: keys,
		New:  newCompartmental,
	})
}

// compartmentalParams are the keys of [process] that compartmental reads,
// besides the rates.
type compartmentalParams struct {
	Compartments    []string  `toml:"compartments"`     // names; every node not placed by initial starts in the first
	Transitions     []string  `toml:"transitions"`      // "X -> Y : rate" or "X -> Y : rate * Z"
	Initial         []string  `toml:"initial"`          // compartments placed at random at the start
	InitialCount    []int     `toml:"initial_count"`    // nodes in each compartment of initial
	InitialFraction []float64 `toml:"initial_fraction"` // or the fraction of nodes, round(f·n)
	TMax            float64   `toml:"t_max"`            // time at which a run stops; 0 means when nothing can move
	reportKeys
}

// A transition moves a node from compartment from to to at rate rate, or,
// where by >= 0, at rate for each neighbour in compartment by.
type transition struct {
	from, to, by int
	rate         float64
}

// A timedTransition moves a node from compartment from to to once it has
// spent a time drawn from per in from (unless another transition takes
// it out first).
type timedTransition struct {
	from, to int
	per      period
}

// due is an event of a timed transition: node v leaves compartment c at
// time t, if it is still there and this is its latest entry.
type due struct {
	t float64
	v int32
	c uint8
}

// dueHeap is a binary min-heap of due events by time.
type dueHeap []due

func (h *dueHeap) push(e due) {
	q := append(*h, e)
	i := len(q) - 1
	for i > 0 {
		j := (i - 1) / 2
		if q[j].t <= e.t {
			break
		}
		q[i] = q[j]
		i = j
	}
	q[i] = e
	*h = q
}

func (h *dueHeap) pop() due {
	q := *h
	top, last := q[0], q[len(q)-1]
	q = q[:len(q)-1]
	i, n := 0, len(q)
	for n > 0 {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && q[c+1].t < q[c].t {
			c++
		}
		if last.t <= q[c].t {
			break
		}
		q[i] = q[c]
		i = c
	}
	if n > 0 {
		q[i] = last
	}
	*h = q
	return top
}

// Compartmental simulates a compartmental model exactly, Markovian or with
// drawn times in some compartments; it keeps its state buffers between
// runs. Its constructor chooses the algorithm (see the file's comment):
// event-driven, as sir, where no source of an induced transition is
// entered by a transition and no inducer is such a source (SIR, SEIR, SI,
// SIR with drawn periods, whatever the compartments' names); Gillespie's
// direct method otherwise (SIS, SIRS, SEIRS). Both report the same
// metrics with the same law.
type Compartmental struct {
	names   []string
	spont   []transition
	induced []transition
	timed   []timedTransition
	exit    []int     // per compartment, its timed transition in timed or -1; nil if none
	initial []int     // compartments of the initial placement
	count   []int     // initial_count, or nil
	frac    []float64 // initial_fraction, or nil
	tMax    float64   // Horizon where the key is unset
	bounded bool      // t_max was set
	note    string
	sel     metricSel
	times   []float64 // series times

	// delta[((a*k+b)*k+s)*len(induced)+j] is the change of the pair
	// count of induced transition j when a node moves from a to b beside
	// a neighbour in s; moves[a*k+b] tells whether any is not 0.
	delta []int32
	moves []bool

	state []uint8
	cpos  []int32  // a node's index in its degree class
	ever  []uint16 // compartments a node has been in, if revisit
	// revisit tells whether a node can enter a compartment twice (the
	// transitions have a cycle); if not, ever counts entries.
	revisit bool
	comp    []compartment
	pairs   []int64 // per induced transition: (by, from) neighbour pairs
	place   seeding
	all     []float64
	queue   dueHeap   // timed transitions' events
	dueAt   []float64 // a node's latest scheduled timed exit
	rng     *Rand     // the run's source, for the timed exits' draws
	seris   []float64

	// The event-driven path (see eventExact), taken where event is set.
	event    bool
	out      [][]int    // per compartment: the spontaneous transitions (in spont) with a rate above 0 that leave it
	outRate  []float64  // per compartment: the sum of their rates
	inducing [][]int    // per compartment: the induced transitions (in induced) with a rate above 0 that it induces
	active   []bool     // per compartment: a node entering it draws an exit or transmissions
	heap     *radixHeap // allocated at the first run
}

// compartment holds the nodes in one compartment by degree class, if
// listed; the others only count theirs. A compartment that a spontaneous
// transition leaves or that induces one is always listed (always); one
// that is only the source of induced transitions (S in SIR) is listed
// in a run once a draw from its side would be much cheaper (lazy), and
// one no transition draws from (R) never.
type compartment struct {
	listed, always bool
	class          [sisBins][]int32
	weight         [sisBins]int64
	n, degrees     int64 // nodes, and the sum of their degrees
	peak, ever     int64
	tPeak          float64
}

// Note says what is odd about the model's settings, or "".
func (p *Compartmental) Note() string { return p.note }

// The metrics per compartment, in the order they are reported.
var compartmentMetrics = []struct {
	prefix string
	shape  Metric
}{
	{"final_", fractionMetric},    // fraction in the compartment at the end
	{"peak_", fractionMetric},     // largest fraction in it at once
	{"time_to_peak_", timeMetric}, // when that was first reached
	{"ever_", fractionMetric},     // fraction of nodes ever in it, initial placement included
}

// CompartmentSeriesName is the name of the metric that reports the fraction
// of nodes in compartment c at time t.
func CompartmentSeriesName(c string, t float64) string {
	return c + "_at_" + strconv.FormatFloat(t, 'g', -1, 64)
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func newCompartmental(params Params, n int) (Process, error) {
	rates := map[string]float64{}
	rest := Params{}
	for k, v := range params {
		if slices.Contains(CompartmentalRates, k) {
			f, err := Float.Canonical(v)
			if err != nil {
				return nil, badParam(k, v, "%v", err)
			}
			if err := checkRate(k, f.(float64), false); err != nil {
				return nil, err
			}
			rates[k] = f.(float64)
			continue
		}
		rest[k] = v
	}
	var c compartmentalParams
	if err := Decode(rest, &c); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("sim: a process needs a network of at least 1 node, not n=%d", n)
	}
	p := &Compartmental{}
	if err := p.compartments(c.Compartments); err != nil {
		return nil, err
	}
	used, err := p.transitions(c.Transitions, rates)
	if err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(rates) {
		if !used[name] {
			return nil, badParam(name, rates[name], "no transition names this rate; transitions name %v", sortedKeys(used))
		}
	}
	if err := p.initialise(&c, n); err != nil {
		return nil, err
	}
	p.tMax, p.bounded = Horizon, c.TMax != 0
	if p.bounded {
		if !(c.TMax > 0 && c.TMax <= Horizon) {
			return nil, badParam("t_max", c.TMax, "must lie in (0, %g]", float64(Horizon))
		}
		p.tMax = c.TMax
	}
	cyc := p.cycle()
	if cyc != "" && !p.bounded {
		return nil, badParam("transitions", strings.Join(c.Transitions, ", "),
			"a node can return to a compartment (%s), so a run may never end: set t_max, the time at which runs stop", cyc)
	}
	p.revisit = cyc != ""
	if err := p.metrics(c.reportKeys); err != nil {
		return nil, err
	}
	if p.note == "" && !p.canMove() {
		p.note = fmt.Sprintf("process: the compartmental model %v has no transition with a rate above 0: nothing moves, and every run reports its initial state", p.names)
	}
	p.tables()
	p.event = p.eventExact()
	p.eventTables()
	return p, nil
}

func (p *Compartmental) compartments(names []string) error {
	if len(names) == 0 {
		return badParam("compartments", names, "name the compartments, such as [\"S\", \"I\", \"R\"]")
	}
	if len(names) > MaxCompartments {
		return badParam("compartments", names, "%d compartments, more than the %d a model may have", len(names), MaxCompartments)
	}
	for i, name := range names {
		if !isName(name) {
			return badParam("compartments", name, "a name is letters, digits and _, starting with a letter or _")
		}
		if slices.Contains(names[:i], name) {
			return badParam("compartments", name, "listed twice")
		}
	}
	p.names = slices.Clone(names)
	return nil
}

// parseTimed parses the time distribution dist of transition s, such as
// "fixed(tau)" or "gamma(tau, kappa)": a distribution of period.go whose
// mean, then shape (gamma, weibull: k; lognormal: the SD of the log), are
// rate keys. It returns the transition without its compartments and the
// keys it names.
func parseTimed(s, dist string, rates map[string]float64) (timedTransition, []string, error) {
	want := func() error {
		return badParam("transitions", s, "want \"X -> Y : fixed(mean)\", \"X -> Y : exponential(mean)\" or gamma|lognormal|weibull(mean, shape), mean and shape named by rate keys")
	}
	name, args, ok := strings.Cut(dist, "(")
	args, rest, ok2 := strings.Cut(args, ")")
	if !ok || !ok2 || strings.TrimSpace(rest) != "" {
		return timedTransition{}, nil, want()
	}
	name = strings.TrimSpace(name)
	if !slices.Contains(periodNames, name) {
		return timedTransition{}, nil, badParam("transitions", s, "unknown time distribution %q; choose one of %v", name, periodNames)
	}
	var keys []string
	for _, a := range strings.Split(args, ",") {
		keys = append(keys, strings.TrimSpace(a))
	}
	shaped := name == PeriodGamma || name == PeriodLognormal || name == PeriodWeibull
	if n := map[bool]int{false: 1, true: 2}[shaped]; len(keys) != n {
		return timedTransition{}, nil, badParam("transitions", s, "%s takes %d rate keys (%s), not %d", name, n,
			map[bool]string{false: "the mean", true: "the mean and the shape"}[shaped], len(keys))
	}
	var vals [2]float64
	for i, k := range keys {
		if !slices.Contains(CompartmentalRates, k) {
			return timedTransition{}, nil, badParam("transitions", s, "%q is not a rate key; name one of %v", k, CompartmentalRates)
		}
		v, ok := rates[k]
		if !ok {
			return timedTransition{}, nil, badParam("transitions", s, "%s is not set: add process.%s", k, k)
		}
		vals[i] = v
	}
	if vals[0] <= 0 {
		return timedTransition{}, nil, badParam(keys[0], vals[0], "the mean time of %q must be greater than 0", s)
	}
	per, markov, rate, err := newPeriod(periodKeys{Infectious: name, PeriodMean: vals[0], PeriodShape: vals[1]}, 0)
	if err != nil {
		var pe *ParamError
		if errors.As(err, &pe) && pe.Key == "period_shape" {
			return timedTransition{}, nil, badParam(keys[1], vals[1], "%s", pe.Reason)
		}
		return timedTransition{}, nil, badParam("transitions", s, "%v", err)
	}
	if markov {
		per = period{name: PeriodExponential, mean: 1 / rate}
	}
	return timedTransition{per: per}, keys, nil
}

// transitions parses the transitions and returns the rates they name.
func (p *Compartmental) transitions(list []string, rates map[string]float64) (map[string]bool, error) {
	if len(list) == 0 {
		return nil, badParam("transitions", list, "give at least one, such as \"I -> R : gamma\" or \"S -> I : beta * I\"")
	}
	used := map[string]bool{}
	find := func(s, what, name string) (int, error) {
		i := slices.Index(p.names, name)
		if i < 0 {
			return 0, badParam("transitions", s, "unknown %s compartment %q; compartments are %v", what, name, p.names)
		}
		return i, nil
	}
	var seen []transition
	for _, s := range list {
		move, rate, ok := strings.Cut(s, ":")
		from, to, ok2 := strings.Cut(move, "->")
		if !ok || !ok2 {
			return nil, badParam("transitions", s, "want \"X -> Y : rate\" (spontaneous) or \"X -> Y : rate * Z\" (induced by each neighbour in Z)")
		}
		name, by, induced := strings.Cut(rate, "*")
		name, by = strings.TrimSpace(name), strings.TrimSpace(by)
		t := transition{by: -1}
		var err error
		if t.from, err = find(s, "source", strings.TrimSpace(from)); err != nil {
			return nil, err
		}
		if t.to, err = find(s, "target", strings.TrimSpace(to)); err != nil {
			return nil, err
		}
		if t.from == t.to {
			return nil, badParam("transitions", s, "a transition must change the compartment")
		}
		if strings.Contains(name, "(") {
			if induced {
				return nil, badParam("transitions", s, "only a spontaneous transition can take a time distribution, such as \"I -> R : fixed(tau)\"")
			}
			tt, keys, err := parseTimed(s, name, rates)
			if err != nil {
				return nil, err
			}
			tt.from, tt.to = t.from, t.to
			if p.exit != nil && p.exit[t.from] >= 0 {
				return nil, badParam("transitions", s, "%s is left after a drawn time already; give it one timed transition", p.names[t.from])
			}
			for _, k := range keys {
				used[k] = true
			}
			if p.exit == nil {
				p.exit = make([]int, len(p.names))
				for i := range p.exit {
					p.exit[i] = -1
				}
			}
			p.exit[t.from] = len(p.timed)
			p.timed = append(p.timed, tt)
			continue
		}
		if induced {
			if by == "" {
				return nil, badParam("transitions", s, "an induced transition needs its inducer: \"X -> Y : rate * Z\", Z the neighbours' compartment")
			}
			if t.by, err = find(s, "inducing", by); err != nil {
				return nil, err
			}
		}
		if !slices.Contains(CompartmentalRates, name) {
			return nil, badParam("transitions", s, "the rate %q is not a rate key; name one of %v", name, CompartmentalRates)
		}
		r, ok := rates[name]
		if !ok {
			return nil, badParam("transitions", s, "its rate %s is not set: add process.%s", name, name)
		}
		for _, o := range seen {
			if o.from == t.from && o.to == t.to && o.by == t.by {
				return nil, badParam("transitions", s, "listed twice (as a transition of the same compartments)")
			}
		}
		seen = append(seen, t)
		used[name] = true
		t.rate = r
		if induced {
			p.induced = append(p.induced, t)
		} else {
			p.spont = append(p.spont, t)
		}
	}
	return used, nil
}

func (p *Compartmental) initialise(c *compartmentalParams, n int) error {
	switch {
	case len(c.InitialCount) > 0 && len(c.InitialFraction) > 0:
		return badParam("initial_count", c.InitialCount, "give either initial_count or initial_fraction, not both")
	case len(c.Initial) == 0 && len(c.InitialCount)+len(c.InitialFraction) > 0:
		return badParam("initial", c.Initial, "name the compartments that initial_count or initial_fraction fill")
	case len(c.Initial) > 0 && len(c.InitialCount) == 0 && len(c.InitialFraction) == 0:
		return badParam("initial", c.Initial, "give initial_count or initial_fraction, one value per compartment")
	case len(c.InitialCount) > 0 && len(c.InitialCount) != len(c.Initial):
		return badParam("initial_count", c.InitialCount, "%d values for %d compartments in initial", len(c.InitialCount), len(c.Initial))
	case len(c.InitialFraction) > 0 && len(c.InitialFraction) != len(c.Initial):
		return badParam("initial_fraction", c.InitialFraction, "%d values for %d compartments in initial", len(c.InitialFraction), len(c.Initial))
	}
	for i, name := range c.Initial {
		j := slices.Index(p.names, name)
		if j < 0 {
			return badParam("initial", name, "unknown compartment; compartments are %v", p.names)
		}
		if slices.Contains(c.Initial[:i], name) {
			return badParam("initial", name, "listed twice")
		}
		p.initial = append(p.initial, j)
	}
	total := 0.0
	for _, k := range c.InitialCount {
		if k < 0 {
			return badParam("initial_count", k, "counts must be at least 0")
		}
		total += float64(k)
	}
	for _, f := range c.InitialFraction {
		if !(f >= 0 && f <= 1) {
			return badParam("initial_fraction", f, "fractions must lie in [0, 1]")
		}
		total += f
	}
	p.count, p.frac = slices.Clone(c.InitialCount), slices.Clone(c.InitialFraction)
	if p.count != nil && total > float64(n) {
		return badParam("initial_count", c.InitialCount, "places %g nodes, more than n=%d", total, n)
	}
	if p.frac != nil && total > 1+1e-12 {
		return badParam("initial_fraction", c.InitialFraction, "fractions add up to %g, more than 1", total)
	}
	// The initial nodes are the seeds that immunise avoids and seed_by
	// places (seedPlacement).
	for _, m := range p.placed(n, nil) {
		p.place.count += m
	}
	if len(p.initial) == 0 {
		p.note = fmt.Sprintf("process: the compartmental model places every node in %s (initial is not set)", p.names[0])
	}
	return nil
}

// placed returns the number of nodes placed in each compartment of
// p.initial on a network of n nodes.
func (p *Compartmental) placed(n int, dst []int) []int {
	dst = dst[:0]
	left := n
	for i := range p.initial {
		k := 0
		if p.count != nil {
			k = p.count[i]
		} else {
			k = int(math.Round(p.frac[i] * float64(n)))
		}
		k = min(k, left)
		left -= k
		dst = append(dst, k)
	}
	return dst
}

// cycle returns a cycle of compartments the transitions can take a node
// around ("S -> I -> S"), or "".
func (p *Compartmental) cycle() string {
	k := len(p.names)
	next := make([][]int, k)
	for _, t := range slices.Concat(p.spont, p.induced) {
		next[t.from] = append(next[t.from], t.to)
	}
	for _, t := range p.timed {
		next[t.from] = append(next[t.from], t.to)
	}
	color := make([]int, k) // 0 new, 1 on the path, 2 done
	var path []int
	var found []int
	var visit func(c int) bool
	visit = func(c int) bool {
		color[c] = 1
		path = append(path, c)
		for _, d := range next[c] {
			if color[d] == 1 {
				found = append(slices.Clone(path[slices.Index(path, d):]), d)
				return true
			}
			if color[d] == 0 && visit(d) {
				return true
			}
		}
		path = path[:len(path)-1]
		color[c] = 2
		return false
	}
	for c := range k {
		if color[c] == 0 && visit(c) {
			names := make([]string, len(found))
			for i, d := range found {
				names[i] = p.names[d]
			}
			return strings.Join(names, " -> ")
		}
	}
	return ""
}

func (p *Compartmental) canMove() bool {
	if len(p.timed) > 0 {
		return true // every mean is above 0
	}
	for _, t := range slices.Concat(p.spont, p.induced) {
		if t.rate > 0 {
			return true
		}
	}
	return false
}

func (p *Compartmental) metrics(c reportKeys) error {
	var table []Metric
	for _, name := range p.names {
		for _, m := range compartmentMetrics {
			table = append(table, metric(m.prefix+name, m.shape))
		}
	}
	table = append(table, metric("duration", timeMetric)) // when the last move happened, or t_max if moves were still possible
	sel, err := selectMetrics(c, table, false)
	if err != nil {
		return err
	}
	if n := len(c.Series) * len(p.names); n > MaxSeries {
		return badParam("series", nil, "%d times for %d compartments, more than the %d values a process may report", len(c.Series), len(p.names), MaxSeries)
	}
	if len(c.Series) > 0 && p.bounded && c.Series[len(c.Series)-1] > p.tMax {
		return badParam("series", c.Series[len(c.Series)-1], "times must be at most t_max, %g", p.tMax)
	}
	sel.list = sel.list[:len(sel.idx)]
	for _, name := range p.names {
		for _, t := range sel.series {
			sel.list = append(sel.list, metric(CompartmentSeriesName(name, t), fractionMetric))
		}
	}
	p.times, sel.series = sel.series, nil
	p.sel = sel
	p.all = make([]float64, len(table))
	p.seris = make([]float64, len(p.times)*len(p.names))
	return nil
}

// tables precomputes delta and moves.
func (p *Compartmental) tables() {
	k, nj := len(p.names), len(p.induced)
	p.delta = make([]int32, k*k*k*nj)
	p.moves = make([]bool, k*k)
	is := func(b bool) int32 {
		if b {
			return 1
		}
		return 0
	}
	for a := range k {
		for b := range k {
			for s := range k {
				for j, t := range p.induced {
					d := is(t.by == b && t.from == s) - is(t.by == a && t.from == s) +
						is(t.from == b && t.by == s) - is(t.from == a && t.by == s)
					p.delta[((a*k+b)*k+s)*nj+j] = d
					if d != 0 {
						p.moves[a*k+b] = true
					}
				}
			}
		}
	}
	p.comp = make([]compartment, k)
	for _, t := range p.spont {
		p.comp[t.from].always = true
	}
	for _, t := range p.induced {
		p.comp[t.by].always = true
	}
	p.pairs = make([]int64, nj)
}

// Metrics describes the values Run writes.
func (p *Compartmental) Metrics() []Metric { return p.sel.list }

// move moves node v of g from compartment a to b at time t.
func (p *Compartmental) move(g *Graph, v int32, a, b int, t float64) {
	deg := g.Degree(v)
	cl := bits.Len(uint(deg))
	ca, cb := &p.comp[a], &p.comp[b]
	if ca.listed { // out of a's class list
		c := ca.class[cl]
		i, last := p.cpos[v], c[len(c)-1]
		c[i] = last
		p.cpos[last] = i
		ca.class[cl] = c[:len(c)-1]
		ca.weight[cl] -= int64(deg)
	}
	ca.n--
	ca.degrees -= int64(deg)
	if cb.listed { // into b's
		p.cpos[v] = int32(len(cb.class[cl]))
		cb.class[cl] = append(cb.class[cl], v)
		cb.weight[cl] += int64(deg)
	}
	cb.n++
	cb.degrees += int64(deg)
	p.entered(v, b, t)
	if p.exit != nil && p.exit[b] >= 0 {
		p.schedule(v, b, t)
	}
	k := len(p.names)
	if !p.moves[a*k+b] {
		return
	}
	nj := len(p.induced)
	base := (a*k + b) * k * nj
	state, pairs := p.state, p.pairs
	if nj == 1 {
		d := p.delta[base : base+k]
		var e int64
		for _, w := range g.Neighbors(v) {
			e += int64(d[state[w]])
		}
		pairs[0] += e
		return
	}
	for _, w := range g.Neighbors(v) {
		row := p.delta[base+int(state[w])*nj : base+int(state[w]+1)*nj]
		for j, d := range row {
			pairs[j] += int64(d)
		}
	}
}

// schedule draws when node v, entering compartment c at time t, leaves it
// by c's timed transition.
func (p *Compartmental) schedule(v int32, c int, t float64) {
	d := t + p.timed[p.exit[c]].per.draw(p.rng)
	p.dueAt[v] = d
	p.queue.push(due{t: d, v: v, c: uint8(c)})
}

// nextDue drops the stale events at the front of the queue (of nodes that
// have left the compartment since) and returns the time of the first
// live one, or +Inf.
func (p *Compartmental) nextDue() float64 {
	for len(p.queue) > 0 {
		e := p.queue[0]
		if int(p.state[e.v]) == int(e.c) && p.dueAt[e.v] == e.t {
			return e.t
		}
		p.queue.pop()
	}
	return math.Inf(1)
}

// pickUniform returns a uniformly chosen node of compartment c.
func (c *compartment) pickUniform(r *Rand) int32 {
	i := r.IntN(int(c.n))
	for b := range c.class {
		l := c.class[b]
		if i < len(l) {
			return l[i]
		}
		i -= len(l)
	}
	panic("sim: compartment count out of step with its classes")
}

// pickByDegree returns a node of compartment c chosen with probability
// proportional to its degree (c.degrees > 0).
func (c *compartment) pickByDegree(g *Graph, r *Rand) int32 {
	x := int64(r.IntN(int(c.degrees)))
	b := 0
	for ; b < sisBins-1; b++ {
		if x < c.weight[b] {
			break
		}
		x -= c.weight[b]
	}
	l := c.class[b]
	bound := 1<<b - 1 // the largest degree in class b
	for {
		v := l[r.IntN(len(l))]
		if r.IntN(bound) < g.Degree(v) {
			return v
		}
	}
}

// Run places the initial compartments at random (or as seed_by directs,
// avoiding immunised nodes: seedPlacement) and simulates on g until
// nothing can move or t_max: event-driven where p.event is set, by the
// Gillespie loop otherwise.
func (p *Compartmental) Run(g *Graph, r *Rand, out []float64) error {
	n := g.N
	p.state = grow(p.state, n)
	clear(p.state)
	p.cpos = grow(p.cpos, n)
	p.rng = r
	if p.exit != nil && !p.event {
		p.dueAt = grow(p.dueAt, n)
		p.queue = p.queue[:0]
	}
	if p.revisit {
		p.ever = grow(p.ever, n)
	}
	for c := range p.comp {
		cp := &p.comp[c]
		for b := range cp.class {
			cp.class[b] = cp.class[b][:0]
			cp.weight[b] = 0
		}
		cp.n, cp.degrees = 0, 0
		cp.listed = cp.always && !p.event // the event path draws from no list
	}
	// Every node starts in the first compartment.
	c0 := &p.comp[0]
	for v := range int32(n) {
		if !c0.listed {
			break
		}
		deg := g.Degree(v)
		b := bits.Len(uint(deg))
		p.cpos[v] = int32(len(c0.class[b]))
		c0.class[b] = append(c0.class[b], v)
		c0.weight[b] += int64(deg)
	}
	c0.n, c0.degrees = int64(n), int64(len(g.Adj))
	for j, t := range p.induced {
		p.pairs[j] = 0
		if t.from == 0 && t.by == 0 {
			p.pairs[j] = int64(len(g.Adj))
		}
	}
	// Place the initial compartments.
	counts := p.placed(n, make([]int, 0, MaxCompartments))
	total := 0
	for _, m := range counts {
		total += m
	}
	p.place.count, p.place.frac = total, 0
	nodes, err := p.place.pick(r, g)
	if err != nil {
		return err
	}
	if by := p.place.by; len(counts) > 1 && (by == ByDegree || by == ByNeighbour) {
		// seed_by chose the set; its order follows node numbers or
		// degrees, so shuffle it before dealing it out. (Random picks
		// come in random order already, and a spec without seed_by must
		// draw as before.)
		for i := len(nodes) - 1; i > 0; i-- {
			j := r.IntN(i + 1)
			nodes[i], nodes[j] = nodes[j], nodes[i]
		}
	}
	for i, m := range counts {
		for _, v := range nodes[:m] {
			if c := p.initial[i]; c != 0 && p.event {
				p.shift(v, 0, c, 0)
			} else if c != 0 {
				p.move(g, v, 0, c, 0)
			}
		}
		nodes = nodes[m:]
	}
	if p.exit != nil && p.exit[0] >= 0 && !p.event {
		for v := range int32(n) {
			if p.state[v] == 0 {
				p.schedule(v, 0, 0)
			}
		}
	}
	for c := range p.comp {
		cp := &p.comp[c]
		cp.peak, cp.tPeak, cp.ever = cp.n, 0, cp.n
	}
	for v := range n {
		if !p.revisit {
			break
		}
		p.ever[v] = 1 << p.state[v]
	}

	var last float64
	var moving bool
	if p.event {
		last, moving = p.runEvents(g, r)
	} else {
		last, moving = p.runGillespie(g, r)
	}
	series := p.seris
	fn := float64(n)
	for i := range series {
		series[i] /= fn
	}
	for c := range p.comp {
		cp := &p.comp[c]
		a := p.all[c*len(compartmentMetrics):]
		a[0] = float64(cp.n) / fn
		a[1] = float64(cp.peak) / fn
		a[2] = cp.tPeak
		a[3] = float64(cp.ever) / fn
	}
	p.all[len(p.all)-1] = last
	if moving {
		p.all[len(p.all)-1] = p.tMax
	}
	p.rng = nil
	p.sel.write(out, p.all, series)
	return nil
}

// sample writes the compartments' counts into the series at the times
// from index si on that come before t, and returns the index of the first
// time not written.
func (p *Compartmental) sample(si int, t float64) int {
	times, series := p.times, p.seris
	nt := len(times)
	for si < nt && times[si] < t {
		for c := range p.comp {
			series[c*nt+si] = float64(p.comp[c].n)
		}
		si++
	}
	return si
}

// runGillespie simulates from the placed state by the direct method
// until nothing can move or t_max, filling the series with counts. It
// returns the time of the last move and whether moves were still
// possible at t_max.
func (p *Compartmental) runGillespie(g *Graph, r *Rand) (last float64, moving bool) {
	times := p.times
	nt := len(times)
	si := 0
	t := 0.0
	for {
		total := 0.0
		for _, tr := range p.spont {
			total += tr.rate * float64(p.comp[tr.from].n)
		}
		for j, tr := range p.induced {
			total += tr.rate * float64(p.pairs[j])
		}
		tn, timed := math.Inf(1), false
		if total > 0 {
			tn = t + expZig(r)/total
		}
		if p.exit != nil {
			// A timed exit first if due before the next Markovian
			// event, which is then not drawn again: memoryless, the
			// race restarts exactly from the exit's time.
			if td := p.nextDue(); td <= tn {
				tn, timed = td, true
			}
		}
		if math.IsInf(tn, 1) {
			break
		}
		if si < nt && times[si] < tn {
			si = p.sample(si, tn)
		}
		if tn > p.tMax {
			moving = true
			break
		}
		t = tn
		last = t
		if timed {
			e := p.queue.pop()
			tr := p.timed[p.exit[e.c]]
			p.move(g, e.v, tr.from, tr.to, t)
			continue
		}
		// Choose a transition with probability proportional to its rate;
		// where rounding runs past the end, the last one with a rate.
		x := r.Float64() * total
		pick, induced, found := -1, false, false
		for i, tr := range p.spont {
			if a := tr.rate * float64(p.comp[tr.from].n); a > 0 {
				pick = i
				if x < a {
					found = true
					break
				}
				x -= a
			}
		}
		if !found {
			for i, tr := range p.induced {
				if a := tr.rate * float64(p.pairs[i]); a > 0 {
					pick, induced = i, true
					if x < a {
						break
					}
					x -= a
				}
			}
		}
		if induced {
			p.moveInduced(g, r, p.induced[pick], t)
			continue
		}
		tr := p.spont[pick]
		p.move(g, p.comp[tr.from].pickUniform(r), tr.from, tr.to, t)
	}
	p.sample(si, math.Inf(1))
	return last, moving
}

// moveInduced moves a node by induced transition tr, whose pair count is
// above 0: a (by, from) neighbour pair chosen uniformly by rejection from
// the side with the smaller total degree.
func (p *Compartmental) moveInduced(g *Graph, r *Rand, tr transition, t float64) {
	cf, cb := &p.comp[tr.from], &p.comp[tr.by]
	off, adj, state := g.Off, g.Adj, p.state
	if !cf.listed && cf.degrees*lazyFactor < cb.degrees {
		p.list(g, tr.from)
	}
	if cb.degrees <= cf.degrees || !cf.listed {
		for {
			u := cb.pickByDegree(g, r)
			nb := adj[off[u]:off[u+1]]
			if w := nb[r.IntN(len(nb))]; int(state[w]) == tr.from {
				p.move(g, w, tr.from, tr.to, t)
				return
			}
		}
	}
	for {
		w := cf.pickByDegree(g, r)
		nb := adj[off[w]:off[w+1]]
		if u := nb[r.IntN(len(nb))]; int(state[u]) == tr.by {
			p.move(g, w, tr.from, tr.to, t)
			return
		}
	}
}

// lazyFactor: a lazy compartment is listed once its side's total degree
// is this many times smaller than the inducers' (the expected rejections
// per draw from the inducers' side are at least that many times more).
const lazyFactor = 4

// list lists the nodes of compartment c of g in its degree classes.
func (p *Compartmental) list(g *Graph, c int) {
	cp := &p.comp[c]
	for v := range int32(g.N) {
		if int(p.state[v]) != c {
			continue
		}
		deg := g.Degree(v)
		b := bits.Len(uint(deg))
		p.cpos[v] = int32(len(cp.class[b]))
		cp.class[b] = append(cp.class[b], v)
		cp.weight[b] += int64(deg)
	}
	cp.listed = true
}

// eventExact tells whether the event-driven path simulates the model
// exactly (see the file's comment): (a) no compartment that induces a
// transition is the source of an induced transition, so nothing but its
// own drawn exit takes a node out of it; (b) no transition enters a source
// of induced transitions, so a node is in it from time 0 until it leaves,
// once. SIR, SEIR, SI and SIR with drawn periods pass, whatever their
// compartments' names; SIS, SIRS and SEIRS (S re-entered) do not.
func (p *Compartmental) eventExact() bool {
	source := make([]bool, len(p.names))
	for _, t := range p.induced {
		source[t.from] = true
	}
	for _, t := range p.induced {
		if source[t.by] || source[t.to] {
			return false
		}
	}
	for _, t := range p.spont {
		if source[t.to] {
			return false
		}
	}
	for _, t := range p.timed {
		if source[t.to] {
			return false
		}
	}
	return true
}

// eventTables precomputes out, outRate, inducing and active.
func (p *Compartmental) eventTables() {
	k := len(p.names)
	p.out, p.outRate = make([][]int, k), make([]float64, k)
	p.inducing, p.active = make([][]int, k), make([]bool, k)
	for i, t := range p.spont {
		if t.rate > 0 {
			p.out[t.from] = append(p.out[t.from], i)
			p.outRate[t.from] += t.rate
			p.active[t.from] = true
		}
	}
	for j, t := range p.induced {
		if t.rate > 0 {
			p.inducing[t.by] = append(p.inducing[t.by], j)
			p.active[t.by] = true
		}
	}
	for _, t := range p.timed {
		p.active[t.from] = true
	}
}

// entered records node v's entry into compartment b at time t, whose
// count already includes it: its state, b's peak and the entries that
// ever_X reports.
func (p *Compartmental) entered(v int32, b int, t float64) {
	cb := &p.comp[b]
	p.state[v] = uint8(b)
	if cb.n > cb.peak {
		cb.peak, cb.tPeak = cb.n, t
	}
	if !p.revisit {
		cb.ever++ // no node enters a compartment twice
	} else if m := uint16(1) << b; p.ever[v]&m == 0 {
		p.ever[v] |= m
		cb.ever++
	}
}

// shift moves node v from compartment a to b at time t, keeping the
// counts, peaks and entries that the event path reports (move also keeps
// the Gillespie loop's class lists and pair counts).
func (p *Compartmental) shift(v int32, a, b int, t float64) {
	p.comp[a].n--
	p.comp[b].n++
	p.entered(v, b, t)
}

// exitEvent is the c of an event that moves its node from compartment a
// to b: below 0, apart from the induced transitions' indices.
func exitEvent(a, b int) int32 { return int32(-1 - (a<<4 | b)) }

// enter draws what node v of g, which entered compartment c at time t,
// will do: its exit (the earliest of an Exp(sum of c's spontaneous rates)
// time, its target chosen by the rates, and c's drawn time if it has one)
// and, for each transition it induces, a transmission time t + Exp(rate)
// to each neighbour in the transition's source, kept if it comes before
// the exit. The events go into p.heap.
func (p *Compartmental) enter(g *Graph, r *Rand, v int32, c int, t float64) {
	leave, to := math.Inf(1), -1
	if rate := p.outRate[c]; rate > 0 {
		leave = t + expZig(r)/rate
		out := p.out[c]
		to = p.spont[out[0]].to
		if len(out) > 1 {
			x := r.Float64() * rate
			for _, i := range out {
				to = p.spont[i].to // the last one where rounding runs past the end
				if x < p.spont[i].rate {
					break
				}
				x -= p.spont[i].rate
			}
		}
	}
	if p.exit != nil && p.exit[c] >= 0 {
		tt := &p.timed[p.exit[c]]
		if d := t + tt.per.draw(r); d < leave {
			leave, to = d, tt.to
		}
	}
	if to >= 0 && !math.IsInf(leave, 1) {
		p.heap.push(event{t: leave, b: v, c: exitEvent(c, to)})
	}
	state := p.state
	for _, j := range p.inducing[c] {
		tr := &p.induced[j]
		inv, from := 1/tr.rate, uint8(tr.from)
		for _, w := range g.Neighbors(v) {
			if state[w] != from {
				continue
			}
			if tw := t + expZig(r)*inv; tw < leave {
				p.heap.push(event{t: tw, b: w, c: int32(j)})
			}
		}
	}
}

// runEvents simulates from the placed state event by event until nothing
// can move or t_max, filling the series with counts. It returns the time
// of the last move and whether moves were still possible at t_max.
func (p *Compartmental) runEvents(g *Graph, r *Rand) (last float64, moving bool) {
	if p.heap == nil {
		p.heap = new(radixHeap)
	}
	h := p.heap
	h.reset()
	state := p.state
	for v := range int32(g.N) {
		if c := int(state[v]); p.active[c] {
			p.enter(g, r, v, c, 0)
		}
	}
	nt := len(p.times)
	si := 0
	for h.len() > 0 {
		e := h.pop()
		var from, to int
		if e.c >= 0 {
			tr := &p.induced[e.c]
			from, to = tr.from, tr.to
		} else {
			x := int(-1 - e.c)
			from, to = x>>4, x&15
		}
		if int(state[e.b]) != from {
			continue // the node left from earlier: a stale event
		}
		if si < nt && p.times[si] < e.t {
			si = p.sample(si, e.t)
		}
		if e.t > p.tMax {
			moving = true
			break
		}
		p.shift(e.b, from, to, e.t)
		last = e.t
		if p.active[to] {
			p.enter(g, r, e.b, to, e.t)
		}
	}
	p.sample(si, math.Inf(1))
	return last, moving
}
