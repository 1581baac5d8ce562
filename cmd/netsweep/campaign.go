package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// Files of a campaign directory.
const (
	journalFile  = "journal"        // every finished chunk's summary (package journal)
	specFile     = "spec.toml"      // the spec the journal belongs to, for status and replay
	failuresFile = "failures.jsonl" // one JSON line per failed repetition
	progressFile = "progress.json"  // the controller's latest progress, for status
)

// campaign is rank 0's view of a campaign directory: the journal it
// appends to, the summaries and failures recorded before this run, and the
// repetitions left to do.
type campaign struct {
	dir   string
	s     *spec.Spec
	shard shard            // the part of the campaign this directory holds
	total int64            // repetitions of that part
	base  *reduce.Table    // summaries recorded before this run
	work  []mpirun.Chunk   // repetitions left
	done  int64            // repetitions recorded before this run
	fail  []mpirun.Failure // failures recorded so far, this run's included

	lastProgress time.Time
	last         mpirun.Progress // the latest progress of this run

	mu       sync.Mutex
	jw       *journal.Writer
	failures *os.File
	closed   bool
}

// journalMeta is the free-form part of a journal's header.
type journalMeta struct {
	Name        string    `json:"name"`
	Seed        uint64    `json:"seed"`
	Points      int       `json:"points"`
	Repetitions int       `json:"repetitions"`
	Version     string    `json:"netsweep_version"`
	Created     time.Time `json:"created"`
}

// openCampaign prepares dir for a run of s: it creates it, or resumes the
// campaign whose journal it holds. A journal of another spec, or one that
// cannot be resumed, is refused unless force is set, in which case the
// old directory is moved aside, never deleted or mixed. A journal damaged
// in the middle is refused unless salvage is set, in which case a copy is
// kept and the campaign resumes from the records before the damage.
func openCampaign(dir string, s *spec.Spec, sh shard, force, salvage bool, stderr io.Writer) (*campaign, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("could not create the output directory: %w", err)
	}
	if err := checkWritable(dir); err != nil {
		return nil, err
	}
	c := &campaign{dir: dir, s: s, shard: sh, base: reduce.NewTable(s.Layout(), len(s.Points))}
	for _, w := range sh.ranges(s) {
		c.total += int64(w.Len())
	}
	path := filepath.Join(dir, journalFile)
	var j *journal.Journal
	var err error
	if _, statErr := os.Stat(path); statErr == nil {
		id := journal.WithSpec(sh.journalID(s))
		j, c.jw, err = journal.OpenAppend(path, id)
		switch {
		case errors.Is(err, journal.ErrDamaged) && salvage:
			kept, cerr := keepCopy(path)
			if cerr != nil {
				return nil, cerr
			}
			fmt.Fprintf(stderr, "netsweep: --salvage: kept a copy of the damaged journal as %s\n", kept)
			j, c.jw, err = journal.OpenAppend(path, id, journal.WithSalvage())
		case force && (errors.Is(err, journal.ErrSpecMismatch) || errors.Is(err, journal.ErrUnreadable) || errors.Is(err, journal.ErrDamaged)):
			aside := fmt.Sprintf("%s.replaced-%s", filepath.Clean(dir), time.Now().Format("20060102-150405"))
			if err := os.Rename(dir, aside); err != nil {
				return nil, fmt.Errorf("could not move the old campaign aside: %w", err)
			}
			fmt.Fprintf(stderr, "netsweep: --force: moved the old campaign directory to %s\n", aside)
			return openCampaign(dir, s, sh, false, false, stderr)
		}
		if err != nil {
			return nil, journalAdvice(err)
		}
		if j.Repaired != "" {
			fmt.Fprintf(stderr, "netsweep: warning: repaired the journal: %s; those repetitions run again\n", j.Repaired)
		}
		if err := c.load(j); err != nil {
			j.Close()
			return nil, err
		}
		// The same campaign, perhaps with another [cluster] or [output]:
		// keep the copy that status and replay read current.
		if err := report.WriteFileAtomic(filepath.Join(dir, specFile), s.Text); err != nil {
			j.Close()
			return nil, err
		}
	} else {
		meta, _ := json.Marshal(journalMeta{Name: s.Name, Seed: s.Seed, Points: len(s.Points), Repetitions: s.Repetitions, Version: version, Created: time.Now().UTC()})
		if err := report.WriteFileAtomic(filepath.Join(dir, specFile), s.Text); err != nil {
			return nil, err
		}
		if c.jw, err = journal.Create(path, journal.Header{SpecSHA256: sh.journalID(s), Meta: meta}); err != nil {
			return nil, err
		}
		c.work = sh.ranges(s)
	}
	if err := c.checkSpace(); err != nil {
		c.close()
		return nil, err
	}
	if c.failures, err = os.OpenFile(filepath.Join(dir, failuresFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err != nil {
		c.close()
		return nil, fmt.Errorf("could not open %s: %w", failuresFile, err)
	}
	return c, nil
}

// load rebuilds the summaries and the remaining work from a journal.
func (c *campaign) load(j *journal.Journal) error {
	s := c.s
	covered := make([]int, len(s.Points))
	for _, rec := range j.Records() {
		if rec.Point >= len(s.Points) || rec.End > s.Repetitions {
			return fmt.Errorf("the journal records %s reps [%d,%d), beyond the spec's %d points × %d repetitions", "point "+fmt.Sprint(rec.Point), rec.Start, rec.End, len(s.Points), s.Repetitions)
		}
		sum := reduce.NewSummary(s.Layout())
		if err := sum.UnmarshalBinary(rec.Summary); err != nil {
			return fmt.Errorf("the journal's record of point %d reps [%d,%d) does not decode: %w", rec.Point, rec.Start, rec.End, err)
		}
		c.base.Points[rec.Point].Merge(sum)
		covered[rec.Point] += rec.End - rec.Start
		for _, f := range rec.Failures {
			c.fail = append(c.fail, mpirun.Failure{Point: rec.Point, Rep: f.Rep, Seed: f.Seed, Message: f.Message})
		}
	}
	done := j.Done()
	for _, want := range c.shard.ranges(s) {
		p := want.Point
		next := want.Start
		n := 0
		for _, r := range done[p] {
			if r.Start < want.Start || r.End > want.End {
				return fmt.Errorf("the journal records point %d reps [%d,%d), outside this run's reps [%d,%d)", p, r.Start, r.End, want.Start, want.End)
			}
			if r.Start > next {
				c.work = append(c.work, mpirun.Chunk{Point: p, Start: next, End: r.Start})
			}
			next = r.End
			n += r.End - r.Start
		}
		if next < want.End {
			c.work = append(c.work, mpirun.Chunk{Point: p, Start: next, End: want.End})
		}
		if n != covered[p] {
			return fmt.Errorf("the journal records some repetitions of point %d twice; it cannot be resumed exactly (start afresh with --force)", p)
		}
		c.done += int64(n)
	}
	return nil
}

// checkWritable fails early, with the path, if dir cannot be written.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".netsweep-write-test-*")
	if err != nil {
		return fmt.Errorf("cannot write to the output directory %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// checkSpace fails before any simulation when the disk cannot hold the
// journal of the repetitions left to do.
func (c *campaign) checkSpace() error {
	free, err := journal.Space(c.dir)
	if err != nil {
		return nil // unknown on this platform: do not guess
	}
	var left int64
	for _, w := range c.work {
		left += int64(w.Len())
	}
	chunks := int(min(left, int64(64*len(c.s.Points))))
	need := journal.EstimateSize(chunks, 200+150*len(c.s.Layout().Metrics)) + 1<<20
	if int64(free) < need {
		return fmt.Errorf("the disk of %s has %s free but the journal needs about %s; free some space or choose another --out", c.dir, formatBytes(int64(free)), formatBytes(need))
	}
	return nil
}

// record appends a finished chunk to the journal and its failures to
// failures.jsonl; it is the controller's Options.OnResult.
func (c *campaign) record(r *mpirun.Result) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("the campaign directory is closed")
	}
	rec := journal.Chunk{Point: r.Chunk.Point, Start: r.Chunk.Start, End: r.Chunk.End, Summary: r.Summary}
	for _, f := range r.Failures {
		rec.Failures = append(rec.Failures, journal.Failure{Rep: f.Rep, Seed: f.Seed, Message: f.Message})
	}
	if err := c.jw.Append(rec); err != nil {
		return fmt.Errorf("could not record a finished chunk: %w", err)
	}
	for _, f := range r.Failures {
		c.fail = append(c.fail, f)
		line, _ := json.Marshal(failureLine(c.s, f))
		c.failures.Write(append(line, '\n'))
	}
	if max := c.s.MaxFailures; max >= 0 && len(c.fail) > max {
		return fmt.Errorf("%d repetitions failed, more than max_failures = %d; see %s and rerun one with 'netsweep replay %s --point P --rep R'",
			len(c.fail), max, filepath.Join(c.dir, failuresFile), c.dir)
	}
	return nil
}

// failureRecord is one line of failures.jsonl.
type failureRecord struct {
	mpirun.Failure
	Params map[string]any `json:"params"`
}

func failureLine(s *spec.Spec, f mpirun.Failure) failureRecord {
	params := map[string]any{}
	for j, k := range s.Params {
		params[k] = s.Points[f.Point].Values[j]
	}
	return failureRecord{Failure: f, Params: params}
}

// finish rewrites failures.jsonl from the journal's records, in order and
// without the duplicates an interrupted run may have appended, and closes
// the journal.
func (c *campaign) finish() error {
	sort.Slice(c.fail, func(i, j int) bool {
		a, b := c.fail[i], c.fail[j]
		return a.Point < b.Point || a.Point == b.Point && a.Rep < b.Rep
	})
	var buf []byte
	for _, f := range c.fail {
		line, _ := json.Marshal(failureLine(c.s, f))
		buf = append(append(buf, line...), '\n')
	}
	if err := report.WriteFileAtomic(filepath.Join(c.dir, failuresFile), buf); err != nil {
		return err
	}
	return c.close()
}

// close syncs and closes the journal; later records are refused.
func (c *campaign) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if c.failures != nil {
		c.failures.Close()
	}
	if c.jw != nil {
		return c.jw.Close()
	}
	return nil
}

// progressRecord is the content of progress.json, which the controller
// rewrites every few seconds so 'netsweep status' can show the rate and
// the time left of a running campaign.
type progressRecord struct {
	State      string    `json:"state"` // running, stopped, complete
	Updated    time.Time `json:"updated"`
	Done       int64     `json:"done"`  // repetitions finished, earlier runs included
	Total      int64     `json:"total"` // repetitions of the campaign
	Failed     int64     `json:"failed_this_run"`
	Rate       float64   `json:"runs_per_second"`
	ETASeconds float64   `json:"eta_seconds"`
	Ranks      int       `json:"ranks"`
	Host       string    `json:"host"`
	PID        int       `json:"pid"`
}

// writeProgress rewrites progress.json at most every two seconds, and
// always for a final state.
func (c *campaign) writeProgress(p mpirun.Progress, state string, ranks int) {
	c.last = p
	now := time.Now()
	if state == "running" && now.Sub(c.lastProgress) < 2*time.Second && p.Done < p.Total {
		return
	}
	c.lastProgress = now
	host, _ := os.Hostname()
	rec := progressRecord{State: state, Updated: now.UTC(), Done: c.done + p.Done, Total: c.total, Failed: p.Failed, Ranks: ranks, Host: host, PID: os.Getpid()}
	if secs := p.Elapsed.Seconds(); secs > 0 && p.Done > 0 {
		rec.Rate = float64(p.Done) / secs
		rec.ETASeconds = float64(p.Total-p.Done) / rec.Rate
	}
	data, _ := json.MarshalIndent(rec, "", "  ")
	report.WriteFileAtomic(filepath.Join(c.dir, progressFile), append(data, '\n'))
}

func pathJoin(elem ...string) string { return filepath.Join(elem...) }

// shard is the part I of K of a campaign that one job of a Slurm job array
// runs: of every point, the I-th of K contiguous blocks of repetitions. The
// zero value (K = 0) is the whole campaign.
type shard struct{ I, K int }

func parseShard(s string) (shard, error) {
	var sh shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.I, &sh.K); err != nil || sh.K < 1 || sh.I < 0 || sh.I >= sh.K {
		return shard{}, fmt.Errorf("want I/K with 0 <= I < K, such as 0/4")
	}
	return sh, nil
}

func (sh shard) String() string { return fmt.Sprintf("%d/%d", sh.I, sh.K) }

// ranges lists the repetitions of s that the shard runs.
func (sh shard) ranges(s *spec.Spec) []mpirun.Chunk {
	var out []mpirun.Chunk
	for p := range s.Points {
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

// journalID is what a journal records as its campaign: the spec's hash,
// and the shard, so a shard's directory is never resumed as another's.
func (sh shard) journalID(s *spec.Spec) string {
	if sh.K == 0 {
		return s.CampaignID
	}
	return s.CampaignID + "+shard=" + sh.String()
}

// journalAdvice adds to an error opening a campaign's journal what the
// user can do about it.
func journalAdvice(err error) error {
	switch {
	case errors.Is(err, journal.ErrDamaged):
		return fmt.Errorf("%w; rerun with --salvage to resume from the records before the damage "+
			"(a copy of the damaged journal is kept and the repetitions after it run again), "+
			"or with --force to move the directory aside and start afresh", err)
	case errors.Is(err, journal.ErrUnreadable):
		return fmt.Errorf("%w; rerun with --force to move the directory aside (nothing is deleted) and start afresh, "+
			"or choose another --out directory", err)
	}
	return err
}

// keepCopy copies the file at path to path.damaged-TIME, fsynced, and
// returns the copy's name.
func keepCopy(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("could not read the damaged journal to keep a copy: %w", err)
	}
	kept := fmt.Sprintf("%s.damaged-%s", path, time.Now().Format("20060102-150405"))
	if err := report.WriteFileAtomic(kept, data); err != nil {
		return "", fmt.Errorf("could not keep a copy of the damaged journal: %w", err)
	}
	return kept, nil
}
