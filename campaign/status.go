package campaign

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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
	Progress *Progress // the latest progress.json; nil if none
	Torn     int64     // bytes of a record being written
}

// Totals returns the repetitions recorded and failed, all points together.
func (st *Status) Totals() (done, failed int64) {
	for i := range st.Done {
		done += st.Done[i]
		failed += st.Failed[i]
	}
	return done, failed
}

// Total is the number of repetitions of the directory's part.
func (st *Status) Total() int64 { return st.Shard.Runs(st.Spec) }

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
	j, err := journal.Scan(filepath.Join(dir, JournalFile))
	if err != nil {
		return nil, err
	}
	sh, err := shardOf(j.Header().SpecSHA256, s)
	if err != nil {
		return nil, fmt.Errorf("the journal in %s belongs to another campaign than its %s", dir, SpecFile)
	}
	n := len(s.Points)
	st := &Status{Spec: s, Shard: sh, Done: make([]int64, n), Failed: make([]int64, n), Want: make([]int64, n), Torn: j.TornBytes}
	for _, r := range sh.Ranges(s) {
		st.Want[r.Point] = int64(r.Len())
	}
	for _, rec := range j.Records() {
		if rec.Point < n {
			st.Done[rec.Point] += int64(rec.End - rec.Start)
			st.Failed[rec.Point] += int64(len(rec.Failures))
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

// shardOf reads the shard from a journal's campaign id: the whole
// campaign when it is s's identity, a shard when it is that identity with
// "+shard=I/K".
func shardOf(id string, s *spec.Spec) (Shard, error) {
	if id == s.CampaignID {
		return Shard{}, nil
	}
	rest, ok := strings.CutPrefix(id, s.CampaignID+"+shard=")
	if !ok {
		return Shard{}, errors.New("another campaign")
	}
	return ParseShard(rest)
}
