package reduce

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"
)

// Hist describes fixed histogram bins on [Lo, Hi); Log spaces them
// logarithmically (Lo > 0). Values outside fall in an underflow or overflow
// bin.
//
// The zero Hist stands for DefaultHist, 100 linear bins on [0, 1), fit for
// fractions; the spec layer fills each metric's Hist from its declared range.
type Hist struct {
	Lo, Hi float64
	Bins   int
	Log    bool
}

// DefaultHist is the histogram of a metric whose Hist is the zero value.
var DefaultHist = Hist{Lo: 0, Hi: 1, Bins: 100}

// MaxBins is the largest number of bins a Hist may have.
const MaxBins = 1 << 16

// validate reports whether h (already defaulted) describes usable bins.
func (h Hist) validate() error {
	switch {
	case h.Bins < 1 || h.Bins > MaxBins:
		return fmt.Errorf("bins=%d: want 1..%d", h.Bins, MaxBins)
	case math.IsNaN(h.Lo) || math.IsNaN(h.Hi) || math.IsInf(h.Lo, 0) || math.IsInf(h.Hi, 0):
		return fmt.Errorf("range [%v, %v): want finite bounds", h.Lo, h.Hi)
	case !(h.Lo < h.Hi) || math.IsInf(h.Hi-h.Lo, 0):
		return fmt.Errorf("range [%v, %v): want lo < hi and a finite width", h.Lo, h.Hi)
	case h.Log && !(h.Lo > 0):
		return fmt.Errorf("log range [%v, %v): want lo > 0", h.Lo, h.Hi)
	}
	return nil
}

// Layout names the metrics of every summary in a table and their histograms.
// Hists is either empty (every metric gets DefaultHist) or has one entry per
// metric, a zero entry meaning DefaultHist.
//
// Moments adds exact Σx³ and Σx⁴ to every metric's sums, for the
// skewness, kurtosis and Binder cumulant (Summary.Moments). Given adds a
// second summary of every metric over the repetitions meeting a condition
// (Summary.GivenStats). Neither changes the encoding of a layout without
// them.
type Layout struct {
	Metrics []string
	Hists   []Hist
	Moments bool
	Given   *Condition
}

// Condition selects the repetitions whose metric Metric equals Value.
type Condition struct {
	Metric string
	Value  float64
}

// Validate reports whether l can be used for summaries.
func (l *Layout) Validate() error {
	if len(l.Hists) != 0 && len(l.Hists) != len(l.Metrics) {
		return fmt.Errorf("reduce: bad layout: %d hists for %d metrics", len(l.Hists), len(l.Metrics))
	}
	if c := l.Given; c != nil {
		if !slices.Contains(l.Metrics, c.Metric) {
			return fmt.Errorf("reduce: bad layout: condition on %s, not one of the metrics %v", c.Metric, l.Metrics)
		}
		if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
			return fmt.Errorf("reduce: bad layout: condition %s=%v: want a finite value", c.Metric, c.Value)
		}
	}
	for i := range l.Metrics {
		if err := l.hist(i).validate(); err != nil {
			return fmt.Errorf("reduce: bad histogram for metric %s: %w", l.Metrics[i], err)
		}
	}
	return nil
}

// hist returns metric i's histogram with the default filled in.
func (l *Layout) hist(i int) Hist {
	if len(l.Hists) == 0 || l.Hists[i] == (Hist{}) {
		return DefaultHist
	}
	return l.Hists[i]
}

// Stats are the final statistics of one metric at one point, each computed
// from the exact sums and rounded once.
//
// Mean is Σx/n correctly rounded. Std is the square root of the sample
// variance (nΣx² − (Σx)²)/(n(n−1)) and SEM the square root of that over n,
// each correctly rounded from the exact rational. CI95 is Mean ± t·SEM with
// t the 0.975 quantile of Student's t with n−1 degrees of freedom. Min and
// Max are exact (−0 is recorded as +0). Q05, Q50 and Q95 come from the
// histogram: see Summary.Quantile for their resolution. With n = 0 every
// float field is NaN; with n = 1 Std, SEM and the CI are NaN.
type Stats struct {
	N                        int64
	Mean, Std, SEM, Min, Max float64
	CI95Lo, CI95Hi           float64
	Q05, Q50, Q95            float64
}

// binner places values into a metric's histogram bins.
type binner struct {
	h     Hist
	a     float64 // Lo, or log(Lo)
	b     float64 // Hi, or log(Hi)
	scale float64 // Bins/(b−a)
}

func newBinner(h Hist) binner {
	bn := binner{h: h, a: h.Lo, b: h.Hi}
	if h.Log {
		bn.a, bn.b = math.Log(h.Lo), math.Log(h.Hi)
	}
	bn.scale = float64(h.Bins) / (bn.b - bn.a)
	return bn
}

// slot returns the index of x's bin in the block [under, bins..., over].
func (bn *binner) slot(x float64) int {
	if x < bn.h.Lo {
		return 0
	}
	if x >= bn.h.Hi {
		return bn.h.Bins + 1
	}
	f := x
	if bn.h.Log {
		f = math.Log(x)
	}
	i := int(float64((f - bn.a) * bn.scale))
	return 1 + min(max(i, 0), bn.h.Bins-1)
}

// edge returns the lower edge of bin i in [0, Bins] in the binning space
// (the value, or its log for log bins); edge(Bins) is the upper end.
func (bn *binner) edge(i int) float64 {
	switch {
	case i <= 0:
		return bn.a
	case i >= bn.h.Bins:
		return bn.b
	}
	return bn.a + float64((bn.b-bn.a)*float64(i))/float64(bn.h.Bins)
}

// shape is the resolved layout shared by the summaries of a table: where each
// metric's block lies in a summary's ints.
//
// A summary's ints are [n, failed, then per metric its block], a block being
// its Σx limbs (sumLimbs), Σx² limbs (sqLimbs), with Layout.Moments its Σx³
// (cubeLimbs) and Σx⁴ (quartLimbs) limbs, then its histogram (under, Bins
// bins, over). With Layout.Moments one counter follows, of merged summaries
// that lacked the higher sums (0 or, once any did, 1); with Layout.Given a
// second group follows: a counter of summaries that lacked it, the number
// of repetitions meeting the condition, and a block per metric over them.
// mins and maxs hold one value per metric and group.
type shape struct {
	layout  *Layout
	binners []binner
	moments bool
	given   int     // index of the condition's metric, or −1
	value   float64 // the condition's value
	groups  int     // 1, or 2 with a condition
	offs    []int   // offset of the block of metric i of group g at g·k+i
	accs    int     // limbs of a block's sums
	lackMom int     // offset of the moments' lacking counter, or −1
	lackGiv int     // offset of the condition's lacking counter, or −1
	nGiven  int     // offset of the condition's n, or −1
	ints    int     // len(ints)
}

const (
	offN      = 0
	offFailed = 1
	offFirst  = 2
)

func newShape(l *Layout) *shape {
	if err := l.Validate(); err != nil {
		panic(err)
	}
	k := len(l.Metrics)
	sh := &shape{layout: l, binners: make([]binner, k), moments: l.Moments, given: -1,
		groups: 1, accs: sumLimbs + sqLimbs, lackMom: -1, lackGiv: -1, nGiven: -1}
	if sh.moments {
		sh.accs += cubeLimbs + quartLimbs
	}
	if l.Given != nil {
		sh.given = slices.Index(l.Metrics, l.Given.Metric)
		sh.value = l.Given.Value
		sh.groups = 2
	}
	for i := range l.Metrics {
		sh.binners[i] = newBinner(l.hist(i))
	}
	sh.offs = make([]int, k*sh.groups)
	off := offFirst
	for g := range sh.groups {
		if g == 1 {
			sh.lackGiv, sh.nGiven = off, off+1
			off += 2
		}
		for i := range k {
			sh.offs[g*k+i] = off
			off += sh.accs + sh.binners[i].h.Bins + 2
		}
		if g == 0 && sh.moments {
			sh.lackMom = off
			off++
		}
	}
	sh.ints = off
	return sh
}

// same reports whether summaries of shapes a and b can be merged.
func (a *shape) same(b *shape) bool {
	if a == b {
		return true
	}
	if len(a.binners) != len(b.binners) || a.moments != b.moments || a.given != b.given ||
		math.Float64bits(a.value) != math.Float64bits(b.value) {
		return false
	}
	for i := range a.binners {
		if a.binners[i].h != b.binners[i].h {
			return false
		}
	}
	return true
}

// metric returns the offset of metric i's block in group 0 and its binner.
func (sh *shape) metric(i int) (off int, bn *binner) { return sh.offs[i], &sh.binners[i] }

// block returns the offset of block b (metric b mod k of group b/k) and its
// binner.
func (sh *shape) block(b int) (off int, bn *binner) {
	return sh.offs[b], &sh.binners[b%len(sh.binners)]
}

// sums returns the accumulators of the block at off in ints: Σx, Σx² and,
// with moments, Σx³ and Σx⁴.
func (sh *shape) sums(ints []int64, off int) [][]int64 {
	a := [][]int64{ints[off : off+sumLimbs], ints[off+sumLimbs : off+sumLimbs+sqLimbs]}
	if sh.moments {
		c := off + sumLimbs + sqLimbs
		a = append(a, ints[c:c+cubeLimbs], ints[c+cubeLimbs:c+cubeLimbs+quartLimbs])
	}
	return a
}

// hist returns the histogram counts of the block at off.
func (sh *shape) hist(ints []int64, off int, bn *binner) []int64 {
	h := off + sh.accs
	return ints[h : h+bn.h.Bins+2]
}

// groupN returns the offset of group g's n.
func (sh *shape) groupN(g int) int {
	if g == 0 {
		return offN
	}
	return sh.nGiven
}

// Summary accumulates the metric values of the repetitions of one parameter
// point. The zero value is not usable; call NewSummary.
//
// Its sums are exact: merging summaries in any grouping and order, directly,
// through AppendBinary/UnmarshalBinary or through Table.Flat/SetFlat, gives
// the same Stats bit for bit. A Summary is not safe for concurrent use.
type Summary struct {
	sh      *shape
	ints    []int64
	mins    []float64
	maxs    []float64
	pending int64 // limbs are below pending·2^32 in magnitude
}

// NewSummary returns an empty summary for the metrics of l. It panics if
// l.Validate fails.
func NewSummary(l *Layout) *Summary { return newSummary(newShape(l)) }

func newSummary(sh *shape) *Summary {
	k := len(sh.binners) * sh.groups
	s := &Summary{sh: sh, ints: make([]int64, sh.ints), mins: make([]float64, k), maxs: make([]float64, k)}
	s.Reset()
	return s
}

// Reset empties s, keeping its layout and memory.
func (s *Summary) Reset() {
	clear(s.ints)
	for i := range s.mins {
		s.mins[i], s.maxs[i] = math.Inf(1), math.Inf(-1)
	}
	s.pending = 1
}

// Layout returns the layout s was made for.
func (s *Summary) Layout() *Layout { return s.sh.layout }

// Add records one successful repetition's metric values, in layout order.
// A non-finite value is an error and records nothing.
func (s *Summary) Add(values []float64) error {
	k := len(s.sh.binners)
	if len(values) != k {
		return fmt.Errorf("reduce: %d values for %d metrics", len(values), k)
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("reduce: non-finite value: %s=%v", s.sh.layout.Metrics[i], v)
		}
	}
	if s.pending >= maxPending {
		s.normalize()
	}
	s.pending++
	s.ints[offN]++
	higher := s.sh.moments && s.ints[s.sh.lackMom] == 0
	for i, v := range values {
		s.add(i, v, higher)
	}
	if s.sh.given >= 0 && s.ints[s.sh.lackGiv] == 0 && values[s.sh.given] == s.sh.value {
		s.ints[s.sh.nGiven]++
		for i, v := range values {
			s.add(k+i, v, higher)
		}
	}
	return nil
}

// add adds v to block b.
func (s *Summary) add(b int, v float64, higher bool) {
	if v == 0 {
		v = 0 // −0 → +0, so MIN/MAX reductions cannot depend on order
	}
	off, bn := s.sh.block(b)
	blk := s.ints[off : off+s.sh.accs]
	addValue(blk[:sumLimbs], blk[sumLimbs:sumLimbs+sqLimbs], v)
	if higher {
		c := blk[sumLimbs+sqLimbs:]
		addHigher(c[:cubeLimbs], c[cubeLimbs:], v)
	}
	s.ints[off+s.sh.accs+bn.slot(v)]++
	if v < s.mins[b] {
		s.mins[b] = v
	}
	if v > s.maxs[b] {
		s.maxs[b] = v
	}
}

// AddFailed records one failed repetition.
func (s *Summary) AddFailed() { s.ints[offFailed]++ }

// Reps returns the number of successful repetitions recorded.
func (s *Summary) Reps() int64 { return s.ints[offN] }

// Failed returns the number of failed repetitions recorded.
func (s *Summary) Failed() int64 { return s.ints[offFailed] }

// GivenReps returns the number of successful repetitions that met the
// layout's condition, and whether it is known: false without a condition,
// or where s merged a summary made without it (such as a journal record of
// an older run).
func (s *Summary) GivenReps() (int64, bool) {
	if s.sh.given < 0 || s.ints[s.sh.lackGiv] != 0 {
		return 0, false
	}
	return s.ints[s.sh.nGiven], true
}

// normalize brings every accumulator of s to canonical form.
func (s *Summary) normalize() {
	for b := range s.mins {
		off, _ := s.sh.block(b)
		for _, acc := range s.sh.sums(s.ints, off) {
			normalize(acc, acc)
		}
	}
	s.pending = 1
}

// forget settles the lacking counters: once any merged summary lacked the
// higher sums or the condition, their counter is 1 and what they held is
// dropped, so summaries that lack something are Equal and encode alike
// whatever they merged.
func (s *Summary) forget() {
	sh := s.sh
	k := len(sh.binners)
	if sh.moments && s.ints[sh.lackMom] != 0 {
		s.ints[sh.lackMom] = 1
		for b := range s.mins {
			off, _ := sh.block(b)
			clear(s.ints[off+sumLimbs+sqLimbs : off+sh.accs])
		}
	}
	if sh.given >= 0 && s.ints[sh.lackGiv] != 0 {
		s.ints[sh.lackGiv] = 1
		clear(s.ints[sh.nGiven:])
		for b := k; b < 2*k; b++ {
			s.mins[b], s.maxs[b] = math.Inf(1), math.Inf(-1)
		}
	}
}

// Merge adds o's repetitions to s. Both must share a layout (equal
// histograms, moments and condition); Merge panics otherwise.
func (s *Summary) Merge(o *Summary) {
	if !s.sh.same(o.sh) {
		panic(errors.New("reduce: Merge of summaries with different layouts"))
	}
	if s.pending+o.pending > maxPending {
		s.normalize()
	}
	s.pending += o.pending
	dst := s.ints[:len(o.ints)]
	for i, v := range o.ints {
		dst[i] += v
	}
	mins, maxs := s.mins[:len(o.mins)], s.maxs[:len(o.maxs)]
	for i, v := range o.mins {
		mins[i] = min(mins[i], v)
	}
	for i, v := range o.maxs {
		maxs[i] = max(maxs[i], v)
	}
	s.forget()
	if s.pending > maxPending {
		s.normalize()
	}
}

// Equal reports whether s and o hold the same repetitions' sums: equal
// layouts, counts, exact sums, extremes and histograms.
func (s *Summary) Equal(o *Summary) bool {
	if !s.sh.same(o.sh) {
		return false
	}
	a, b := s.canonical(nil), o.canonical(nil)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	for i := range s.mins {
		if s.mins[i] != o.mins[i] || s.maxs[i] != o.maxs[i] {
			return false
		}
	}
	return true
}

// canonical writes s's ints with normalised accumulators to dst (grown to
// size) and returns it, leaving s untouched.
func (s *Summary) canonical(dst []int64) []int64 {
	if cap(dst) < len(s.ints) {
		dst = make([]int64, len(s.ints))
	}
	dst = dst[:len(s.ints)]
	copy(dst, s.ints)
	for b := range s.mins {
		off, _ := s.sh.block(b)
		src := s.sh.sums(s.ints, off)
		for j, acc := range s.sh.sums(dst, off) {
			normalize(acc, src[j])
		}
	}
	return dst
}

// Table holds one summary per parameter point. At rest each point is its
// summary's canonical encoding (AppendBinary), nil while it is empty, so a
// point costs what its data needs (a few hundred bytes for a repetition of
// five metrics, at most a few kB once its histograms fill) instead of a
// dense Summary's ~16 kB. Point and Read decode a point for reading; Add
// and AddBinary merge into it by decoding, merging exactly and encoding
// again, so the sums are those of merging the summaries directly.
//
// A Table is not safe for concurrent use (it keeps scratch summaries).
type Table struct {
	Layout *Layout
	sh     *shape
	enc    [][]byte // canonical encoding of each point; nil: empty
	empty  []byte   // the encoding of an empty summary
	acc    *Summary // scratch: the point being merged into
	in     *Summary // scratch: a decoded argument of AddBinary
	buf    []byte
}

// NewTable returns a table of empty summaries for points parameter points.
// It panics if l.Validate fails.
func NewTable(l *Layout, points int) *Table {
	sh := newShape(l)
	return &Table{Layout: l, sh: sh, enc: make([][]byte, points), empty: newSummary(sh).AppendBinary(nil)}
}

// Len returns the number of points of t.
func (t *Table) Len() int { return len(t.enc) }

// Point returns a decoded copy of point i's summary: changing it leaves t
// as it was (use Add to change t).
func (t *Table) Point(i int) *Summary {
	s := newSummary(t.sh)
	t.Read(i, s)
	return s
}

// Read replaces dst's contents with point i's summary, reusing dst's
// memory; dst must have t's layout (Read panics otherwise).
func (t *Table) Read(i int, dst *Summary) {
	if !t.sh.same(dst.sh) {
		panic(errors.New("reduce: Read into a summary of another layout"))
	}
	if t.enc[i] == nil {
		dst.Reset()
		return
	}
	if err := dst.UnmarshalBinary(t.enc[i]); err != nil {
		panic(fmt.Errorf("reduce: table point %d: %w", i, err)) // t wrote it
	}
}

// Binary returns the canonical encoding (AppendBinary) of point i's
// summary. It is t's own copy: do not modify it.
func (t *Table) Binary(i int) []byte {
	if t.enc[i] == nil {
		return t.empty
	}
	return t.enc[i]
}

// Add merges s into point i. s must have t's layout (Add panics
// otherwise); it is left unchanged.
func (t *Table) Add(i int, s *Summary) {
	if !t.sh.same(s.sh) {
		panic(errors.New("reduce: Add of a summary of another layout"))
	}
	if t.enc[i] == nil {
		t.set(i, s)
		return
	}
	if t.acc == nil {
		t.acc = newSummary(t.sh)
	}
	t.Read(i, t.acc)
	t.acc.Merge(s)
	t.set(i, t.acc)
}

// AddBinary merges the summary encoded in b (by AppendBinary, for t's
// layout) into point i. Corrupt input is an error and changes nothing.
func (t *Table) AddBinary(i int, b []byte) error {
	if t.in == nil {
		t.in = newSummary(t.sh)
	}
	if err := t.in.UnmarshalBinary(b); err != nil {
		return err
	}
	t.Add(i, t.in)
	return nil
}

// set stores s's encoding as point i's.
func (t *Table) set(i int, s *Summary) {
	t.buf = s.AppendBinary(t.buf[:0])
	if bytes.Equal(t.buf, t.empty) {
		t.enc[i] = nil
	} else {
		t.enc[i] = bytes.Clone(t.buf)
	}
}

// Size returns the bytes t holds for its points' summaries: their
// encodings and one slice header per point.
func (t *Table) Size() int {
	n := len(t.enc) * int(unsafe.Sizeof([]byte(nil)))
	for _, e := range t.enc {
		n += cap(e)
	}
	return n
}

// Merge adds o's summaries to t's, point by point. The tables must have the
// same layout and number of points; Merge panics otherwise.
func (t *Table) Merge(o *Table) {
	if len(t.enc) != len(o.enc) {
		panic(fmt.Errorf("reduce: Merge of tables with %d and %d points", len(t.enc), len(o.enc)))
	}
	if !t.sh.same(o.sh) {
		panic(errors.New("reduce: Merge of tables with different layouts"))
	}
	for i, e := range o.enc {
		switch {
		case e == nil:
		case t.enc[i] == nil:
			t.enc[i] = e // encodings are never modified in place
		default:
			if err := t.AddBinary(i, e); err != nil {
				panic(fmt.Errorf("reduce: table point %d: %w", i, err)) // o wrote it
			}
		}
	}
}

// Equal reports whether t and o have equal summaries at every point.
func (t *Table) Equal(o *Table) bool {
	if len(t.enc) != len(o.enc) || !t.sh.same(o.sh) {
		return false
	}
	for i := range t.enc {
		if !bytes.Equal(t.Binary(i), o.Binary(i)) {
			return false
		}
	}
	return true
}
