package campaign

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/spec"
)

// Status is what a campaign directory says of its campaign, running or
// not.
type Status struct {
	Spec     *spec.Spec
	Shard    Shard     // the part of the campaign the directory holds
	Done     []int64   // per point: repetitions recorded
	Failed   []int64   // per point: failed repetitions recorded
	Want     []int64   // per point: repetitions the directory's part asks for
	Unused   int       // records of points the spec no longer lists
	Progress *Progress // the latest progress.json; nil if none
	Torn     int64     // bytes of a record being written
	// With [precision]: per point, the precision its recorded
	// repetitions reach (in the target's units, for its worst watched
	// metric; NaN where not known yet), whether that meets the target,
	// and whether its repetitions are decided for good (met its target or reached max_repetitions).
	Reached []float64
	Met     []bool
	Final   []bool
}

// Totals returns the repetitions recorded and failed, all points together.
func (st *Status) Totals() (done, failed int64) {
	for i := range st.Done {
		done += st.Done[i]
		failed += st.Failed[i]
	}
	return done, failed
}

// Total is the number of repetitions of the directory's part; with
// [precision], of those decided so far.
func (st *Status) Total() int64 {
	if st.Spec.Precision != nil {
		var n int64
		for _, w := range st.Want {
			n += w
		}
		return n
	}
	return st.Shard.Runs(st.Spec)
}

// ReadStatus reads a campaign directory without changing it; a running
// campaign may go on writing it meanwhile. A directory with a spec but no
// journal yet (a campaign submitted, not started) gives an error that wraps
// os.ErrNotExist.
func ReadStatus(dir string) (*Status, error) {
	s, err := spec.Load(filepath.Join(dir, SpecFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s holds no campaign (no %s); start one with 'netsweep run SPEC --out %s'", dir, SpecFile, dir)
		}
		return nil, err
	}
	return StatusOf(dir, s)
}

// StatusOf reads how much of the campaign of s the journal in dir holds:
// s may be another spec than the directory's own copy, such as an edited
// one that is about to resume there.
func StatusOf(dir string, s *spec.Spec) (*Status, error) {
	j, err := journal.Scan(filepath.Join(dir, JournalFile))
	if err != nil {
		return nil, journalAdvice(err)
	}
	if err := j.CheckSpec(s.CampaignID); err != nil {
		return nil, fmt.Errorf("the journal in %s belongs to another campaign than %s: %w", dir, s.Path, err)
	}
	sh, err := shardOf(j.Header())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, JournalFile), err)
	}
	n := s.NumPoints()
	cov := part(s, sh, j.Records())
	st := &Status{Spec: s, Shard: sh, Done: cov.done, Failed: make([]int64, n), Want: make([]int64, n), Unused: cov.unused, Torn: j.TornBytes}
	if s.Precision == nil {
		for _, r := range sh.Ranges(s) {
			st.Want[r.Point] = int64(r.Len())
		}
	} else {
		st.precisionStatus(cov)
	}
	for p, recs := range cov.chosen {
		for _, rec := range recs {
			st.Failed[p] += int64(len(rec.Failures))
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, ProgressFile)); err == nil {
		var p Progress
		if json.Unmarshal(data, &p) == nil {
			st.Progress = &p
		}
	}
	return st, nil
}

// shardOf reads the shard a journal was created for from its header.
func shardOf(h journal.Header) (Shard, error) {
	var meta journalMeta
	if len(h.Meta) > 0 {
		if err := json.Unmarshal(h.Meta, &meta); err != nil {
			return Shard{}, fmt.Errorf("undecodable header: %v", err)
		}
	}
	if meta.Shard == "" {
		return Shard{}, nil
	}
	sh, err := ParseShard(meta.Shard)
	if err != nil {
		return Shard{}, fmt.Errorf("bad shard %q in its header: %v", meta.Shard, err)
	}
	return sh, nil
}

// Already returns how many of the runs of s the journal in dir holds, of
// how many s asks for; ok is false where dir has no journal.
func Already(dir string, s *spec.Spec) (done, total int64, ok bool, err error) {
	if _, err := os.Stat(filepath.Join(dir, JournalFile)); err != nil {
		return 0, s.Runs(), false, nil
	}
	st, err := StatusOf(dir, s)
	if err != nil {
		return 0, s.Runs(), true, err
	}
	done, _ = st.Totals()
	return done, st.Total(), true, nil
}
