package campaign

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// ShardsDir is the folder of a campaign directory that holds its shards:
// DIR/shards/I is shard I's own campaign directory.
const ShardsDir = "shards"

// Collect merges the shards of the campaign in dir (DIR/shards/I, each
// from a Run with Shard I/K) into dir's results.csv, results.json,
// spec.toml and failures.jsonl. The summaries merge exactly, so the
// results are byte-identical to those of a single run. prov carries the
// caller's part of the provenance, as in RunOptions.
func Collect(dir string, prov report.Provenance) error {
	s, table, fails, err := MergeShards(dir)
	if err != nil {
		return err
	}
	if err := report.WriteFileAtomic(filepath.Join(dir, SpecFile), s.Text); err != nil {
		return err
	}
	prov = provenance(prov, s, "shards", 0, 0, time.Now())
	prov.Journal = ShardsDir + "/*/" + JournalFile
	if err := report.Write(dir, s, table, prov); err != nil {
		return err
	}
	return writeFailures(dir, s, fails)
}

// MergeShards reads every shard of the campaign in dir, checks that they
// belong to one spec and cover every repetition exactly once, and merges
// their summaries.
func MergeShards(dir string) (*spec.Spec, *reduce.Table, []mpirun.Failure, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, ShardsDir, "*", JournalFile))
	if len(paths) == 0 {
		return nil, nil, nil, fmt.Errorf("%s has no shards (no %s); was it run as a job array?", dir, filepath.Join(ShardsDir, "*", JournalFile))
	}
	sort.Strings(paths)
	var s *spec.Spec
	var table *reduce.Table
	var fails []mpirun.Failure
	var k int
	seen := map[int]bool{}
	for _, path := range paths {
		sdir := filepath.Dir(path)
		ss, err := spec.Load(filepath.Join(sdir, SpecFile))
		if err != nil {
			return nil, nil, nil, err
		}
		if s == nil {
			s, table = ss, reduce.NewTable(ss.Layout(), len(ss.Points))
		} else if ss.CampaignID != s.CampaignID {
			return nil, nil, nil, fmt.Errorf("shard %s ran another spec than the first shard; collect shards of one campaign only", sdir)
		}
		j, err := journal.Scan(path)
		if err != nil {
			return nil, nil, nil, err
		}
		id := j.Header().SpecSHA256
		var sh Shard
		if rest, ok := strings.CutPrefix(id, s.CampaignID+"+shard="); !ok {
			return nil, nil, nil, fmt.Errorf("%s is not a shard's journal", path)
		} else if sh, err = ParseShard(rest); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: bad shard %q", path, rest)
		}
		if k == 0 {
			k = sh.K
		}
		if sh.K != k || seen[sh.I] {
			return nil, nil, nil, fmt.Errorf("%s: shard %v does not fit the others (of %d)", path, sh, k)
		}
		seen[sh.I] = true
		covered := 0
		for _, rec := range j.Records() {
			sum := reduce.NewSummary(s.Layout())
			if err := sum.UnmarshalBinary(rec.Summary); err != nil {
				return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
			}
			table.Points[rec.Point].Merge(sum)
			covered += rec.End - rec.Start
			for _, f := range rec.Failures {
				fails = append(fails, mpirun.Failure{Point: rec.Point, Rep: f.Rep, Seed: f.Seed, Message: f.Message})
			}
		}
		if want := sh.Runs(s); int64(covered) != want {
			return nil, nil, nil, fmt.Errorf("shard %v in %s has %d of its %d repetitions; resume it (its job resubmits itself, or run it again with --shard %v) before collecting", sh, sdir, covered, want, sh)
		}
	}
	if len(seen) != k {
		var missing []string
		for i := range k {
			if !seen[i] {
				missing = append(missing, fmt.Sprint(i))
			}
		}
		return nil, nil, nil, fmt.Errorf("%s lacks shards %s of %d", dir, strings.Join(missing, ", "), k)
	}
	return s, table, fails, nil
}
