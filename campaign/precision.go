package campaign

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/spec"
)

// Repetitions to a target precision ([precision], spec.Precision).
//
// A point's repetitions are decided in blocks: at n = First(), and at each
// block after, the exact sums of its repetitions 0 … n−1 say whether it is
// done (Precision.Done) or runs repetitions n … Next(n)−1. Those sums, and
// so every decision, do not depend on which records hold them, so the
// decisions are replayed from the journal on every resume (precisionCover)
// and made during a run by the controller (Options.Extend, decider.extend)
// once every repetition of a point's last block is recorded: the
// repetitions that run are the same for any worker or rank count,
// chunking, kill and resume.
//
// A job array's shards split the points, not their repetitions: shard I
// of K runs every block of the points whose index is I modulo K
// (Shard.Owns), since a point's next block depends on all of its earlier
// ones.

// Owns tells whether the shard runs point p of a campaign with
// [precision]: the points whose index is I modulo K.
func (sh Shard) Owns(p int) bool { return sh.K == 0 || p%sh.K == sh.I }

// part chooses the records of the shard's part of the campaign of s, and
// lists the work left: the repetitions the spec asks for or, with
// [precision], those that the replayed decisions ask for.
func part(s *spec.Spec, sh Shard, records []journal.Chunk) coverage {
	if s.Precision == nil {
		return cover(s, sh.Ranges(s), records)
	}
	return precisionCover(s, sh, records)
}

// precisionCover replays, for every point the shard owns, the decisions of
// [precision] on the records: from First() on, while the records cover
// repetitions 0 … n−1 and their sums ask for more, n goes to Next(n). It
// stops at the first n the records do not cover (the gaps are the work
// left) or at the point's last decision (the point is complete). want
// holds each point's n.
func precisionCover(s *spec.Spec, sh Shard, records []journal.Chunk) coverage {
	pr := s.Precision
	byPoint := make([][]*journal.Chunk, s.NumPoints())
	c := coverage{chosen: make([][]*journal.Chunk, s.NumPoints()), done: make([]int64, s.NumPoints()),
		want: make([]int, s.NumPoints()), final: make([]bool, s.NumPoints())}
	for i := range records {
		p, ok := s.PointIndex(records[i].Key)
		if !ok {
			c.unused++
			continue
		}
		byPoint[p] = append(byPoint[p], &records[i])
	}
	for p := range s.NumPoints() {
		if !sh.Owns(p) {
			continue
		}
		for n := pr.First(); ; n = pr.Next(n) {
			chosen, done, gaps := coverRange(mpirun.Chunk{Point: p, Start: 0, End: n}, byPoint[p])
			c.chosen[p], c.done[p], c.want[p] = chosen, done, n
			if len(gaps) > 0 {
				c.gaps = append(c.gaps, gaps...)
				break
			}
			sum, err := sumOf(s, chosen)
			if err != nil || pr.Done(n, sum) {
				// A record that does not decode is reported by merge.
				c.final[p] = err == nil
				break
			}
		}
	}
	return c
}

// coverRange chooses, of recs (one point's), the disjoint records inside
// w that cover the most repetitions, as cover does, and lists the gaps.
func coverRange(w mpirun.Chunk, recs []*journal.Chunk) (chosen []*journal.Chunk, done int64, gaps []mpirun.Chunk) {
	var in []*journal.Chunk
	for _, r := range recs {
		if r.Start >= w.Start && r.End <= w.End {
			in = append(in, r)
		}
	}
	chosen = mostCovering(in)
	next := w.Start
	for _, r := range chosen {
		if r.Start > next {
			gaps = append(gaps, mpirun.Chunk{Point: w.Point, Start: next, End: r.Start})
		}
		next = r.End
		done += int64(r.End - r.Start)
	}
	if next < w.End {
		gaps = append(gaps, mpirun.Chunk{Point: w.Point, Start: next, End: w.End})
	}
	return chosen, done, gaps
}

// sumOf merges the summaries of recs.
func sumOf(s *spec.Spec, recs []*journal.Chunk) (*reduce.Summary, error) {
	sum := reduce.NewSummary(s.Layout())
	r := reduce.NewSummary(s.Layout())
	for _, rec := range recs {
		if err := r.UnmarshalBinary(rec.Summary); err != nil {
			return sum, err
		}
		sum.Merge(r)
	}
	return sum, nil
}

// decider makes [precision]'s decisions during a run: it holds each
// point's decided count and the sums of its recorded repetitions, and is
// the controller's Options.Extend.
type decider struct {
	s    *spec.Spec
	want []int
	sums *reduce.Table   // compact, as rank 0's result table
	sum  *reduce.Summary // scratch for extend
}

// newDecider starts from what Open replayed: base holds the sums of the
// chosen records.
func newDecider(s *spec.Spec, want []int, base *reduce.Table) *decider {
	d := &decider{s: s, want: append([]int(nil), want...), sums: reduce.NewTable(s.Layout(), s.NumPoints()), sum: reduce.NewSummary(s.Layout())}
	d.sums.Merge(base)
	return d
}

// record adds a finished chunk's summary to its point's sums.
func (d *decider) record(r *mpirun.Result) error {
	if err := d.sums.AddBinary(r.Chunk.Point, r.Summary); err != nil {
		return fmt.Errorf("a finished chunk of %s does not decode: %w", d.s.PointLabel(r.Chunk.Point), err)
	}
	return nil
}

// extend is Options.Extend: every repetition of point's decided count is
// recorded, so its sums decide whether it runs another block. The
// priority is how far the point is from its target.
func (d *decider) extend(point int) ([]mpirun.Chunk, float64, error) {
	pr := d.s.Precision
	n, sum := d.want[point], d.sum
	d.sums.Read(point, sum)
	if n == 0 || pr.Done(n, sum) {
		return nil, 0, nil
	}
	next := pr.Next(n)
	d.want[point] = next
	ratio := pr.Ratio(sum)
	if math.IsInf(ratio, 1) {
		ratio = math.MaxFloat64
	}
	return []mpirun.Chunk{{Point: point, Start: n, End: next}}, ratio, nil
}

// decide readies a campaign with [precision] for its run from what cov
// replayed: the decider, and the repetitions known so far as its total.
func (c *Campaign) decide(cov coverage) {
	if c.s.Precision == nil {
		return
	}
	c.dec = newDecider(c.s, cov.want, c.base)
	c.total = c.done
	for _, g := range cov.gaps {
		c.total += int64(g.Len())
	}
}

// precisionStatus fills the status's per-point precision from cov: that
// of the repetitions recorded so far, the decided block's included.
func (st *Status) precisionStatus(cov coverage) {
	s := st.Spec
	st.Reached = make([]float64, s.NumPoints())
	st.Met = make([]bool, s.NumPoints())
	st.Final = cov.final
	for p := range s.NumPoints() {
		st.Want[p] = int64(cov.want[p])
		st.Reached[p] = math.NaN()
		sum, _ := sumOf(s, cov.chosen[p])
		if sum.Reps() > 0 {
			st.Reached[p] = s.Precision.Reached(sum)
			st.Met[p] = s.Precision.Met(sum)
		}
	}
}

// writePrecision writes status's line on [precision]: how many points met
// their target, stopped at max_repetitions, or are still running blocks.
func (st *Status) writePrecision(w io.Writer) {
	pr := st.Spec.Precision
	if pr == nil || st.Final == nil {
		return
	}
	var met, atMax, open int
	for p := range st.Final {
		switch {
		case !st.Shard.Owns(p):
		case !st.Final[p]:
			open++
		case st.Met[p]:
			met++
		default:
			atMax++
		}
	}
	fmt.Fprintf(w, "precision %s: %d points met it, %d stopped at max_repetitions = %d without, %d running blocks of %d\n",
		pr, met, atMax, pr.Max, open, pr.Block)
}

// precisionCells are point i's cells of status's table: the precision it
// reaches now (followed by "met" or "max" once decided for good:
// it met its target, or stopped at max_repetitions without) and its
// target.
func (st *Status) precisionCells(i int) []string {
	now := "-"
	if !math.IsNaN(st.Reached[i]) {
		now = strconv.FormatFloat(st.Reached[i], 'g', 3, 64)
	}
	state := ""
	switch {
	case !st.Final[i]:
	case st.Met[i]:
		state = " met"
	default:
		state = " max"
	}
	return []string{now + state, strconv.FormatFloat(st.Spec.Precision.Target, 'g', -1, 64)}
}
