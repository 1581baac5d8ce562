package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path"
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

const collectUsage = `usage: netsweep collect DIR

Merges the shards of a campaign run as a job array (DIR/shards/I, each from
'netsweep run --shard I/K') into DIR/results.csv and results.json. The
summaries merge exactly, so the results are byte-identical to those of a
single job.

For a campaign submitted with --remote (DIR holds remote.json), or with
--remote (DIR then names the remote directory and --out LOCALDIR, default
its base name, receives the results), it merges the shards on the head
node, if any, and downloads results.csv, results.json, spec.toml and
failures.jsonl into the local directory, each replaced only once complete
and verified; a dropped connection is retried.

` + remoteFlagsUsage

func cmdCollect(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var ro remoteOptions
	addRemoteFlags(fs, &ro)
	localOut := fs.String("out", "", "with --remote and no record: the local directory for the results")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", collectUsage)
	}
	dir := fs.Arg(0)
	if sess, rec, ok, err := remoteFor(dir, &ro); err != nil {
		return err
	} else if ok {
		local := dir
		if rec == nil {
			local = *localOut
			if local == "" {
				local = path.Base(dir)
			}
		}
		return collectRemote(ctx, sess, rec, local, stderr)
	}
	s, table, fails, err := mergeShards(dir)
	if err != nil {
		return err
	}
	c := &campaign{dir: dir, s: s, fail: fails}
	if err := report.WriteFileAtomic(filepath.Join(dir, specFile), s.Text); err != nil {
		return err
	}
	now := time.Now()
	prov := provenance(s, "shards", 0, 0, now)
	prov.Journal = "shards/*/journal"
	if err := report.Write(dir, s, table, prov); err != nil {
		return err
	}
	if err := c.finish(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "netsweep: merged the shards of %s into %s\n", dir, filepath.Join(dir, "results.csv"))
	return nil
}

// mergeShards reads every shard of the campaign in dir, checks that they
// belong to one spec and cover every repetition exactly once, and merges
// their summaries.
func mergeShards(dir string) (*spec.Spec, *reduce.Table, []mpirun.Failure, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, "shards", "*", journalFile))
	if len(paths) == 0 {
		return nil, nil, nil, fmt.Errorf("%s has no shards (no %s); was it run as a job array?", dir, filepath.Join("shards", "*", journalFile))
	}
	sort.Strings(paths)
	var s *spec.Spec
	var table *reduce.Table
	var fails []mpirun.Failure
	var k int
	seen := map[int]bool{}
	for _, path := range paths {
		sdir := filepath.Dir(path)
		ss, err := spec.Load(filepath.Join(sdir, specFile))
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
		var sh shard
		if rest, ok := strings.CutPrefix(id, s.CampaignID+"+shard="); !ok {
			return nil, nil, nil, fmt.Errorf("%s is not a shard's journal", path)
		} else if sh, err = parseShard(rest); err != nil {
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
		want := 0
		for _, r := range sh.ranges(s) {
			want += r.Len()
		}
		if covered != want {
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
