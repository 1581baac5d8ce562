package campaign

import (
	"sort"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/spec"
)

// coverage is what a campaign's journals hold of the repetitions a spec
// asks for. A repetition's result depends only on its point's settings
// (the point key) and its index, and summaries merge exactly, so any set
// of disjoint records gives the same bytes as a fresh run: records may
// come from runs with other repetition counts, other points, other shard
// splits, or several journals (the shards of a job array).
type coverage struct {
	chosen [][]*journal.Chunk // per point: disjoint records inside its wanted range
	done   []int64            // per point: repetitions they cover
	gaps   []mpirun.Chunk     // the wanted repetitions no chosen record covers
	unused int                // records of points the spec does not list
	// With [precision] (precisionCover), per point: the repetitions
	// decided so far and whether that is the last decision. (The sums of
	// the chosen records are not kept: a dense summary per point would
	// make memory grow with the grid; status recomputes them one point
	// at a time.)
	want  []int
	final []bool
}

// cover chooses, for every range of want (one per point at most), the
// disjoint records of that point inside it that cover the most
// repetitions, and lists what they leave uncovered.
func cover(s *spec.Spec, want []mpirun.Chunk, records []journal.Chunk) coverage {
	byPoint := make(map[int][]*journal.Chunk)
	c := coverage{chosen: make([][]*journal.Chunk, s.NumPoints()), done: make([]int64, s.NumPoints())}
	for i := range records {
		p, ok := s.PointIndex(records[i].Key)
		if !ok {
			c.unused++
			continue
		}
		byPoint[p] = append(byPoint[p], &records[i])
	}
	for _, w := range want {
		var in []*journal.Chunk
		for _, r := range byPoint[w.Point] {
			if r.Start >= w.Start && r.End <= w.End {
				in = append(in, r)
			}
		}
		chosen := mostCovering(in)
		c.chosen[w.Point] = chosen
		next := w.Start
		for _, r := range chosen {
			if r.Start > next {
				c.gaps = append(c.gaps, mpirun.Chunk{Point: w.Point, Start: next, End: r.Start})
			}
			next = r.End
			c.done[w.Point] += int64(r.End - r.Start)
		}
		if next < w.End {
			c.gaps = append(c.gaps, mpirun.Chunk{Point: w.Point, Start: next, End: w.End})
		}
	}
	return c
}

// mostCovering returns the disjoint subset of rs that covers the most
// repetitions, in order (weighted interval scheduling). Runs only ever
// fill gaps, so the records of one point overlap only when the repetitions
// asked for shrank or a job array's split changed; the choice is then
// deterministic: among equally good sets, the one found first.
func mostCovering(rs []*journal.Chunk) []*journal.Chunk {
	if len(rs) == 0 {
		return nil
	}
	sort.SliceStable(rs, func(a, b int) bool {
		if rs[a].End != rs[b].End {
			return rs[a].End < rs[b].End
		}
		return rs[a].Start < rs[b].Start
	})
	// best[i]: the most repetitions the first i records can cover.
	best := make([]int, len(rs)+1)
	prev := make([]int, len(rs)) // records ending at or before rs[i] starts
	for i, r := range rs {
		prev[i] = sort.Search(i, func(j int) bool { return rs[j].End > r.Start })
		best[i+1] = max(best[i], best[prev[i]]+r.End-r.Start)
	}
	var out []*journal.Chunk
	for i := len(rs); i > 0; {
		r := rs[i-1]
		if best[i] == best[i-1] {
			i--
			continue
		}
		out = append(out, r)
		i = prev[i-1]
	}
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}
