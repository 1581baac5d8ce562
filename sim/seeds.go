package sim

import (
	"fmt"
	"math"
)

// seeding is the initial condition of an epidemic: a fixed number of seeds,
// or a fraction of the network, chosen uniformly at random without
// replacement, or as an intervention directs (intervention.go).
type seeding struct {
	count    int     // seeds, if frac is 0
	frac     float64 // seed_fraction, or 0
	mark     []uint64
	perm     []int32
	selected []int32

	// Set by an intervention: by is the seed_by strategy ("" for
	// random); immune (nil for none) has the bits of the nImmune
	// immunised nodes, which are never seeds.
	by      string
	immune  []uint64
	nImmune int
	picker  nodePicker
}

// seedKeys are the keys that place an epidemic's initially infected nodes.
type seedKeys struct {
	Seeds        int     `toml:"seeds"`         // initially infected nodes; 0 means 1 unless seed_fraction is set
	SeedFraction float64 `toml:"seed_fraction"` // alternative to seeds, max(1, round(f·n)) nodes
}

// newSeeding validates the seeds and seed_fraction keys c against a
// network of n nodes.
func newSeeding(c seedKeys, n int) (seeding, error) {
	switch {
	case c.Seeds != 0 && c.SeedFraction != 0:
		return seeding{}, badParam("seeds", c.Seeds, "give either seeds or seed_fraction=%g, not both", c.SeedFraction)
	case c.Seeds < 0:
		return seeding{}, badParam("seeds", c.Seeds, "need at least 1 seed")
	case c.SeedFraction != 0 && !(c.SeedFraction > 0 && c.SeedFraction <= 1):
		return seeding{}, badParam("seed_fraction", c.SeedFraction, "must lie in (0, 1]")
	}
	s := seeding{count: c.Seeds, frac: c.SeedFraction}
	if s.count == 0 && s.frac == 0 {
		s.count = 1
	}
	if n < 1 {
		return seeding{}, fmt.Errorf("sim: a process needs a network of at least 1 node, not n=%d", n)
	}
	if _, err := s.size(n); err != nil {
		return seeding{}, err
	}
	return s, nil
}

// size returns the number of seeds on a network of n nodes.
func (s *seeding) size(n int) (int, error) {
	if n < 1 {
		return 0, fmt.Errorf("sim: cannot seed an epidemic on an empty network (n=%d)", n)
	}
	if s.frac != 0 {
		return max(1, int(math.Round(s.frac*float64(n)))), nil
	}
	if s.count > n {
		return 0, badParam("seeds", s.count, "exceeds n=%d nodes", n)
	}
	return s.count, nil
}

// pick returns the seeds for g: distinct nodes chosen uniformly at
// random, in random order, unless an intervention directs them. The slice
// is reused by the next call.
func (s *seeding) pick(r *Rand, g *Graph) ([]int32, error) {
	n := g.N
	k, err := s.size(n)
	if err != nil {
		return nil, err
	}
	sel := grow(s.selected, k)[:0]
	if s.immune != nil || (s.by != "" && s.by != ByRandom) {
		if k > n-s.nImmune {
			return nil, badParam("seeds", k, "exceed the %d nodes not immunised", n-s.nImmune)
		}
		switch s.by {
		case "", ByRandom:
			sel = s.picker.uniform(r, n, k, s.immune, sel)
		case ByDegree:
			sel = s.picker.byDegree(r, g, k, s.immune, sel)
		case ByNeighbour:
			sel = s.picker.byNeighbour(r, g, k, s.immune, sel)
		}
		s.selected = sel
		return sel, nil
	}
	if 2*k <= n {
		// Rejection: at most 2k expected draws, O(k) work.
		words := (n + 63) / 64
		if len(s.mark) < words {
			s.mark = make([]uint64, words)
		}
		for len(sel) < k {
			v := r.IntN(n)
			w, b := v/64, uint64(1)<<(v%64)
			if s.mark[w]&b != 0 {
				continue
			}
			s.mark[w] |= b
			sel = append(sel, int32(v))
		}
		for _, v := range sel {
			s.mark[v/64] = 0
		}
	} else {
		// Partial Fisher–Yates shuffle: O(n) work.
		s.perm = grow(s.perm, n)
		for i := range s.perm {
			s.perm[i] = int32(i)
		}
		for i := range k {
			j := i + r.IntN(n-i)
			s.perm[i], s.perm[j] = s.perm[j], s.perm[i]
		}
		sel = append(sel, s.perm[:k]...)
	}
	s.selected = sel
	return sel, nil
}
