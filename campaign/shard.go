package campaign

import (
	"fmt"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/spec"
)

// Shard is the part I of K of a campaign that one job of a job array runs:
// of every point, the I-th of K contiguous blocks of repetitions. The zero
// value (K = 0) is the whole campaign.
type Shard struct{ I, K int }

// ParseShard reads "I/K", with 0 <= I < K.
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.I, &sh.K); err != nil || sh.K < 1 || sh.I < 0 || sh.I >= sh.K {
		return Shard{}, fmt.Errorf("want I/K with 0 <= I < K, such as 0/4")
	}
	return sh, nil
}

func (sh Shard) String() string { return fmt.Sprintf("%d/%d", sh.I, sh.K) }

// Ranges lists the repetitions of s that the shard runs, point by point.
// With [precision] they are decided as the campaign runs: Ranges lists
// the first decision's, of the points the shard owns (Owns).
func (sh Shard) Ranges(s *spec.Spec) []mpirun.Chunk {
	var out []mpirun.Chunk
	if pr := s.Precision; pr != nil {
		for p := range s.NumPoints() {
			if sh.Owns(p) {
				out = append(out, mpirun.Chunk{Point: p, Start: 0, End: pr.First()})
			}
		}
		return out
	}
	for p := range s.NumPoints() {
		start, end := 0, s.Repetitions
		if sh.K > 0 {
			start, end = sh.I*s.Repetitions/sh.K, (sh.I+1)*s.Repetitions/sh.K
		}
		if end > start {
			out = append(out, mpirun.Chunk{Point: p, Start: start, End: end})
		}
	}
	return out
}

// Runs is the number of repetitions of s that the shard runs.
func (sh Shard) Runs(s *spec.Spec) int64 {
	var n int64
	for _, r := range sh.Ranges(s) {
		n += int64(r.Len())
	}
	return n
}
