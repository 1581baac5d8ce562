package campaign

import (
	"errors"
	"fmt"
	"os"
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
	if len(s.Output.Raw) > 0 {
		if err := collectRaw(dir, s); err != nil {
			return err
		}
	}
	return writeFailures(dir, s, fails)
}

// collectRaw writes dir's raw.parquet from its shards' raw journals.
func collectRaw(dir string, s *spec.Spec) error {
	x := newRawIndex(s)
	paths, _ := filepath.Glob(filepath.Join(dir, ShardsDir, "*", RawJournalFile))
	sort.Strings(paths)
	for _, path := range paths {
		j, err := journal.Scan(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, journalAdvice(err))
		}
		if err := j.CheckSpec(s.CampaignID); err != nil {
			return err
		}
		if err := x.add(j.Records()); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return writeRaw(dir, s, x)
}

// shardDir is one shard's directory as MergeShards finds it.
type shardDir struct {
	dir     string
	shard   Shard
	records []journal.Chunk
}

// MergeShards reads every shard of the campaign in dir, checks that they
// belong to one campaign and that together they cover every repetition
// of the spec of the last shard (any shard's records count, whatever split
// ran them), and merges their summaries.
func MergeShards(dir string) (*spec.Spec, *reduce.Table, []mpirun.Failure, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, ShardsDir, "*", JournalFile))
	if len(paths) == 0 {
		return nil, nil, nil, fmt.Errorf("%s has no shards (no %s); was it run as a job array?", dir, filepath.Join(ShardsDir, "*", JournalFile))
	}
	sort.Strings(paths)
	// The campaign's spec is the directory's copy, which every shard's job
	// runs; without one (shards run by hand), the first shard's.
	s, err := spec.Load(filepath.Join(dir, SpecFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil, err
	}
	var shards []shardDir
	var records []journal.Chunk
	for _, path := range paths {
		sdir := filepath.Dir(path)
		ss, err := spec.Load(filepath.Join(sdir, SpecFile))
		if err != nil {
			return nil, nil, nil, err
		}
		if s == nil {
			s = ss
		} else if ss.CampaignID != s.CampaignID {
			return nil, nil, nil, fmt.Errorf("shard %s ran another campaign (another seed) than %s; collect shards of one campaign only", sdir, s.Path)
		}
		j, err := journal.Scan(path)
		if err != nil {
			return nil, nil, nil, journalAdvice(err)
		}
		if err := j.CheckSpec(s.CampaignID); err != nil {
			return nil, nil, nil, err
		}
		sh, err := shardOf(j.Header())
		if err != nil || sh.K == 0 {
			return nil, nil, nil, fmt.Errorf("%s is not a shard's journal", path)
		}
		shards = append(shards, shardDir{sdir, sh, j.Records()})
		records = append(records, j.Records()...)
	}
	cov := part(s, Shard{}, records)
	if len(cov.gaps) > 0 {
		return nil, nil, nil, missingShards(dir, s, shards, cov)
	}
	table := reduce.NewTable(s.Layout(), s.NumPoints())
	fails, err := merge(s, table, cov)
	if err != nil {
		return nil, nil, nil, err
	}
	return s, table, fails, nil
}

// missingShards says which shards lack repetitions, and what to do.
func missingShards(dir string, s *spec.Spec, shards []shardDir, cov coverage) error {
	k := shards[len(shards)-1].shard.K
	have := map[int]shardDir{}
	for _, sd := range shards {
		if sd.shard.K == k {
			have[sd.shard.I] = sd
		}
	}
	var missing []string
	for i := range k {
		if _, ok := have[i]; !ok {
			missing = append(missing, fmt.Sprint(i))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks shards %s of %d", dir, strings.Join(missing, ", "), k)
	}
	for i := range k {
		sd := have[i]
		c := part(s, sd.shard, sd.records)
		var done int64
		for _, n := range c.done {
			done += n
		}
		want := done
		for _, g := range c.gaps {
			want += int64(g.Len())
		}
		if done < want {
			return fmt.Errorf("shard %v in %s has %d of its %d repetitions; resume it (its job resubmits itself, or run it again with --shard %v) before collecting", sd.shard, sd.dir, done, want, sd.shard)
		}
	}
	var left int
	for _, g := range cov.gaps {
		left += g.Len()
	}
	return fmt.Errorf("the shards of %s lack %d repetitions of %s's points; run the job array again", dir, left, s.Path)
}
