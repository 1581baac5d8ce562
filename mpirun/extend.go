package mpirun

import (
	"fmt"
	"math"
	"sort"
)

// Work that grows as it runs (Options.Extend): a point's next chunks are
// decided from its results so far, as [precision] decides its next block
// from the exact sums of the blocks before. The controller calls Extend
// for a point only when every repetition of it handed out so far has been
// reported, so what Extend sees of a point does not depend on how its
// work was chunked or on which rank ran it.

// outstandingOf counts the repetitions of each point in work.
func outstandingOf(work []task, points int) []int64 {
	out := make([]int64, points)
	for _, t := range work {
		for _, p := range t.Points() {
			out[p] += int64(t.Len())
		}
	}
	return out
}

// extend accounts for a reported chunk and, if it was its point's last
// outstanding one, asks Options.Extend for the point's next chunks and
// schedules them; it returns the repetitions added.
func (c *controller) extend(done Chunk) (int64, error) {
	p := done.Point
	if p < 0 || p >= len(c.outstanding) {
		return 0, fmt.Errorf("controller: chunk %v of no point", done)
	}
	c.outstanding[p] -= int64(done.Len())
	if c.outstanding[p] > 0 {
		return 0, nil
	}
	more, prio, err := c.opts.Extend(p)
	if err != nil {
		return 0, err
	}
	var added int64
	for _, m := range more {
		if m.Point != p || m.Len() <= 0 {
			continue
		}
		c.sched.push(single(m), prio)
		c.outstanding[p] += int64(m.Len())
		added += int64(m.Len())
	}
	return added, nil
}

// inFlight tells whether a rank holds a task not yet reported.
func (c *controller) inFlight() bool {
	for i := range c.ranks {
		if len(c.ranks[i].held) > 0 {
			return true
		}
	}
	return false
}

// push adds t to the pending work: before the tasks of lower priority,
// after those of higher or equal priority (NaN counts as +Inf), so that
// the controller hands out first the blocks of the points furthest from
// their target.
func (s *scheduler) push(t task, prio float64) {
	if math.IsNaN(prio) {
		prio = math.Inf(1)
	}
	if s.prio == nil {
		s.prio = make([]float64, len(s.work))
		for i := range s.prio {
			s.prio[i] = math.Inf(-1)
		}
	}
	i := sort.Search(len(s.prio), func(i int) bool { return s.prio[i] < prio })
	s.work = append(s.work, task{})
	copy(s.work[i+1:], s.work[i:])
	s.work[i] = t
	s.prio = append(s.prio, 0)
	copy(s.prio[i+1:], s.prio[i:])
	s.prio[i] = prio
	s.remaining += t.size()
}
