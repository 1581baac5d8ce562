package campaign

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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
	JournalFile  = "journal"        // every finished chunk's summary (package journal)
	SpecFile     = "spec.toml"      // the spec the journal belongs to, for status and replay
	FailuresFile = "failures.jsonl" // one JSON line per failed repetition
	ProgressFile = "progress.json"  // the controller's latest progress, for status
)

// OpenOptions say how Open treats a directory that already holds a
// campaign.
type OpenOptions struct {
	// Shard is the part of the campaign the directory holds; the zero
	// value is the whole campaign.
	Shard Shard
	// Force moves aside a directory holding another campaign (another
	// seed, or another result format), or a
	// journal that cannot be resumed, to DIR.replaced-TIME, and starts
	// afresh. Nothing is deleted.
	Force bool
	// Salvage resumes a journal damaged in its middle from the records
	// before the damage, after keeping a copy of it as journal.damaged-TIME.
	Salvage bool
	// Version is the release that writes the journal, kept in its header.
	Version string
	// Reporter is told what Open did that the user should know (a journal
	// repaired or salvaged, a directory moved aside); nil: nobody.
	Reporter Reporter
}

// Campaign is rank 0's view of an open campaign directory: the journal it
// appends to, the summaries and failures recorded before this run, and the
// repetitions left to do. Record is safe for concurrent use.
type Campaign struct {
	dir   string
	s     *spec.Spec
	shard Shard
	rep   Reporter
	total int64          // repetitions of the directory's part of the campaign
	base  *reduce.Table  // summaries recorded before this run
	work  []mpirun.Chunk // repetitions left
	done  int64          // repetitions recorded before this run
	// unused counts the journal's records of points the spec no longer
	// lists: kept, not reported.
	unused int
	fail   []mpirun.Failure // failures recorded so far, this run's included
	// dec decides, with [precision], each point's next blocks during the
	// run (precision.go); nil without.
	dec *decider
	// budget is the core time measured by this campaign's runs, and the
	// run's budget (budget.go).
	budget budget

	lastProgress time.Time
	last         mpirun.Progress // the latest progress of this run

	mu       sync.Mutex
	jw       *journal.Writer
	raw      *rawIndex       // with [output] raw: the raw values held
	rw       *journal.Writer // with [output] raw: the raw journal
	rawBuf   []byte          // a raw record's payload, reused
	failures *os.File
	lock     *os.File // the directory's lock (journal.LockDir)
	closed   bool
}

// journalMeta is the free-form part of a journal's header.
type journalMeta struct {
	Name        string    `json:"name"`
	Seed        uint64    `json:"seed"`
	Points      int       `json:"points"`
	Repetitions int       `json:"repetitions"`
	Shard       string    `json:"shard,omitempty"` // I/K for a shard of a job array
	Version     string    `json:"netsweep_version"`
	Created     time.Time `json:"created"`
}

// Open prepares dir for a run of s: it creates it, or resumes the campaign
// whose journal it holds: of the repetitions s asks for, those the journal
// records for the same point keys are reused, whatever spec wrote them. A
// journal of another campaign (another seed), or one that cannot be
// resumed, is refused unless o.Force is set, in which case the old
// directory is moved aside, never deleted or mixed. A journal damaged in
// the middle is refused unless o.Salvage is set. The caller must Close (or
// Finish) the campaign.
func Open(dir string, s *spec.Spec, o OpenOptions) (*Campaign, error) {
	_, statErr := os.Stat(dir)
	created := errors.Is(statErr, fs.ErrNotExist)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("could not create the output directory: %w", err)
	}
	if err := checkWritable(dir); err != nil {
		return nil, err
	}
	lock, err := journal.LockDir(dir)
	if errors.Is(err, journal.ErrInUse) {
		return nil, fmt.Errorf("%s is in use by another netsweep run; wait for it to end or stop it (this holds even if its journal was deleted): %w", dir, err)
	} else if err != nil {
		return nil, err
	}
	c, err := openLocked(dir, s, o, created, lock)
	if err != nil {
		lock.Close()
		return nil, err
	}
	return c, nil
}

// openLocked is Open once dir is locked (lock, which the campaign closes
// with the journal).
func openLocked(dir string, s *spec.Spec, o OpenOptions, created bool, lock *os.File) (*Campaign, error) {
	rep := reporterOrNop(o.Reporter)
	c := &Campaign{dir: dir, s: s, shard: o.Shard, rep: rep, base: reduce.NewTable(s.Layout(), s.NumPoints()), total: o.Shard.Runs(s), lock: lock,
		budget: budget{spent: readCost(dir), stop: make(chan struct{})}}
	path := filepath.Join(dir, JournalFile)
	var j *journal.Journal
	var err error
	if _, statErr := os.Stat(path); statErr == nil {
		id := journal.WithSpec(s.CampaignID)
		j, c.jw, err = journal.OpenAppend(path, id)
		switch {
		case errors.Is(err, journal.ErrDamaged) && o.Salvage:
			kept, cerr := keepCopy(path)
			if cerr != nil {
				return nil, cerr
			}
			rep.Notice(fmt.Sprintf("--salvage: kept a copy of the damaged journal as %s", kept))
			j, c.jw, err = journal.OpenAppend(path, id, journal.WithSalvage())
		case o.Force && (errors.Is(err, journal.ErrSpecMismatch) || errors.Is(err, journal.ErrUnreadable) || errors.Is(err, journal.ErrDamaged)):
			aside := fmt.Sprintf("%s.replaced-%s", filepath.Clean(dir), time.Now().Format("20060102-150405"))
			if err := os.Rename(dir, aside); err != nil {
				return nil, fmt.Errorf("could not move the old campaign aside: %w", err)
			}
			rep.Notice(fmt.Sprintf("--force: moved the old campaign directory to %s", aside))
			o.Force, o.Salvage = false, false
			lock.Close() // the old directory's; Open locks the new one
			return Open(dir, s, o)
		}
		if err != nil {
			return nil, journalAdvice(err)
		}
		if j.Repaired != "" {
			rep.Notice(fmt.Sprintf("warning: repaired the journal: %s; those repetitions run again", j.Repaired))
		}
		if len(s.Output.Raw) > 0 {
			if err := c.openRaw(); err != nil {
				c.Close()
				return nil, err
			}
		}
		removeStaleRaw(dir)
		if err := c.load(j); err != nil {
			c.Close()
			return nil, err
		}
		// The same campaign, perhaps with another [cluster] or [output]:
		// keep the copy that status and replay read current.
		if err := writeSpecCopy(s, dir); err != nil {
			j.Close()
			return nil, err
		}
		if err := c.checkSpace(); err != nil {
			c.Close()
			return nil, err
		}
	} else {
		meta := journalMeta{Name: s.Name, Seed: s.Seed, Points: s.NumPoints(), Repetitions: s.Repetitions, Version: o.Version, Created: time.Now().UTC()}
		if o.Shard.K > 0 {
			meta.Shard = o.Shard.String()
		}
		metaJSON, _ := json.Marshal(meta)
		// Refuse before writing anything, and take back the directory
		// this run made; one that existed keeps what it held.
		cov := part(s, o.Shard, nil)
		c.work = cov.gaps
		c.decide(cov)
		if err := c.checkSpace(); err != nil {
			if created {
				os.Remove(dir)
			}
			return nil, err
		}
		if err := writeSpecCopy(s, dir); err != nil {
			return nil, err
		}
		// The raw journal is made beside the journal, each waiting on
		// its own fsyncs.
		rawErr := make(chan error, 1)
		if len(s.Output.Raw) > 0 {
			go func() { rawErr <- c.openRaw() }()
		} else {
			rawErr <- nil
		}
		c.jw, err = journal.Create(path, journal.Header{SpecSHA256: s.CampaignID, Meta: metaJSON})
		if rerr := <-rawErr; err == nil {
			err = rerr
		}
		if err != nil {
			c.Close()
			return nil, err
		}
	}
	if c.failures, err = os.OpenFile(filepath.Join(dir, FailuresFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err != nil {
		c.Close()
		return nil, fmt.Errorf("could not open %s: %w", FailuresFile, err)
	}
	return c, nil
}

// removeStaleRaw removes what a run killed while it wrote raw.parquet
// left of it: a run writes the file's layout from its start on, to a
// temporary file beside it (report.StartRawLayout), which only an
// orderly end removes or renames. The directory is locked.
func removeStaleRaw(dir string) {
	stale, _ := filepath.Glob(filepath.Join(dir, "."+RawFile+".tmp*"))
	for _, f := range stale {
		os.Remove(f)
	}
}

// Dir is the campaign's directory.
func (c *Campaign) Dir() string { return c.dir }

// Spec is the spec the campaign runs.
func (c *Campaign) Spec() *spec.Spec { return c.s }

// Total is the number of repetitions of the directory's part of the
// campaign; Done of them were recorded before this run.
func (c *Campaign) Total() int64 { return c.total }

// Done is the number of repetitions recorded before this run.
func (c *Campaign) Done() int64 { return c.done }

// Unused is the number of the journal's records of points the spec does
// not list (an edited spec): they are kept, and not reported.
func (c *Campaign) Unused() int { return c.unused }

// Work lists the repetitions left to do.
func (c *Campaign) Work() []mpirun.Chunk { return c.work }

// Base is the table of the summaries recorded before this run; the
// controller adds this run's to it.
func (c *Campaign) Base() *reduce.Table { return c.base }

// load rebuilds the summaries and the remaining work from a journal: of
// the repetitions the directory's part asks for, those its records cover
// are done, and the rest is work.
func (c *Campaign) load(j *journal.Journal) error {
	records := j.Records()
	if c.raw != nil {
		var left int
		if records, left = c.raw.withRaw(records); left > 0 {
			c.rep.Notice(fmt.Sprintf("%d of the journal's records have no raw values ([output] raw); their repetitions run again", left))
		}
	}
	cov := part(c.s, c.shard, records)
	fail, err := merge(c.s, c.base, cov)
	if err != nil {
		return err
	}
	c.fail, c.work, c.unused = fail, cov.gaps, cov.unused
	for _, n := range cov.done {
		c.done += n
	}
	c.decide(cov)
	return nil
}

// merge adds the summaries of the chosen records to table and returns
// their failures.
func merge(s *spec.Spec, table *reduce.Table, cov coverage) ([]mpirun.Failure, error) {
	var fail []mpirun.Failure
	sum := reduce.NewSummary(s.Layout())
	for p, recs := range cov.chosen {
		for _, rec := range recs {
			if err := sum.UnmarshalBinary(rec.Summary); err != nil {
				return nil, fmt.Errorf("the journal's record of %s reps [%d,%d) does not decode: %w", s.PointLabel(p), rec.Start, rec.End, err)
			}
			table.Add(p, sum)
			for _, f := range rec.Failures {
				fail = append(fail, mpirun.Failure{Point: p, Rep: f.Rep, Seed: f.Seed, Message: f.Message})
			}
		}
	}
	return fail, nil
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

// diskSpace is journal.Space; tests replace it.
var diskSpace = journal.Space

// checkSpace fails before any simulation when the disk cannot hold the
// journal of the repetitions left to do.
func (c *Campaign) checkSpace() error {
	free, err := diskSpace(c.dir)
	if err != nil {
		return nil // unknown on this platform: do not guess
	}
	need := c.spaceNeeded()
	// Raw values: at most 8 bytes a value in raw.journal (a continuous
	// metric's; a discrete one's take a few bits), and at most about as
	// much again, with the seeds, in raw.parquet, for every repetition.
	if k := int64(len(c.s.Output.Raw)); k > 0 {
		var left int64
		for _, w := range c.work {
			left += int64(w.Len())
		}
		need += left*8*k + c.s.Runs()*(8*k+24)
	}
	if int64(free) < need {
		return fmt.Errorf("the disk of %s has %s free but the journal needs about %s; free some space or choose another --out", c.dir, FormatBytes(int64(free)), FormatBytes(need))
	}
	return nil
}

// How much space the journal of a run needs: a run writes a handful of
// records a point (single repetitions until the point is timed, then
// chunks of up to mpirun.DefaultMaxChunkTime), each a summary of the
// metrics' sums and sparse histograms. Measured: 4 to 9 records a point
// of 20 to 100 repetitions (the examples), about 30 of 2000, of 146 to 664
// bytes; so 16 records a range of work, and one more for every 64
// repetitions.
const (
	spaceRecordsPerRange  = 16
	spaceRepsPerRecord    = 64
	spaceSummaryBase      = 100
	spaceSummaryPerMetric = 80
	spaceMargin           = 64 << 10
)

// spaceNeeded estimates the bytes the journal of this run needs.
func (c *Campaign) spaceNeeded() int64 {
	records := 0
	for _, w := range c.work {
		records += min(w.Len(), spaceRecordsPerRange+w.Len()/spaceRepsPerRecord)
	}
	return journal.EstimateSize(records, spaceSummaryBase+spaceSummaryPerMetric*len(c.s.Layout().Metrics)) + spaceMargin
}

// Record appends a finished chunk to the journal and its failures to
// failures.jsonl; it is the controller's Options.OnResult. It fails once
// more repetitions failed than the spec's max_failures.
func (c *Campaign) Record(r *mpirun.Result) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("the campaign directory is closed")
	}
	if c.raw != nil {
		if err := c.recordRaw(r); err != nil {
			return err
		}
	}
	rec := journal.Chunk{Key: c.s.PointKey(r.Chunk.Point), Start: r.Chunk.Start, End: r.Chunk.End, Summary: r.Summary}
	for _, f := range r.Failures {
		rec.Failures = append(rec.Failures, journal.Failure{Rep: f.Rep, Seed: f.Seed, Message: f.Message})
	}
	// A message's chunks go to the journal in one write, after their
	// raw values (recordRaw).
	if err := appendChunk(c.jw, rec, r.More); err != nil {
		return fmt.Errorf("could not record a finished chunk: %w", err)
	}
	if c.dec != nil {
		if err := c.dec.record(r); err != nil {
			return err
		}
	}
	c.budget.spend(r.Elapsed.Seconds())
	for _, f := range r.Failures {
		c.fail = append(c.fail, f)
		line, _ := json.Marshal(failureLine(c.s, f))
		c.failures.Write(append(line, '\n'))
	}
	if max := c.s.MaxFailures; max >= 0 && len(c.fail) > max {
		return fmt.Errorf("%d repetitions failed, more than max_failures = %d; see %s and rerun one with 'netsweep replay %s --point P --rep R'",
			len(c.fail), max, filepath.Join(c.dir, FailuresFile), c.dir)
	}
	return nil
}

// appendChunk appends rec to w, kept for the next append's write where
// more chunks of the same message follow (journal.Writer.AppendMore).
func appendChunk(w *journal.Writer, rec journal.Chunk, more bool) error {
	if more {
		return w.AppendMore(rec)
	}
	return w.Append(rec)
}

// FailureRecord is one line of failures.jsonl: a failed repetition and
// the parameter values of its point.
type FailureRecord struct {
	mpirun.Failure
	Params map[string]any `json:"params"`
}

func failureLine(s *spec.Spec, f mpirun.Failure) FailureRecord {
	params := map[string]any{}
	vals := s.PointValues(f.Point)
	for j, k := range s.Params {
		params[k] = vals[j]
	}
	return FailureRecord{Failure: f, Params: params}
}

// writeFailures rewrites dir's failures.jsonl from fails, in order and
// without the duplicates an interrupted run may have appended.
func writeFailures(dir string, s *spec.Spec, fails []mpirun.Failure) error {
	sort.Slice(fails, func(i, j int) bool {
		a, b := fails[i], fails[j]
		return a.Point < b.Point || a.Point == b.Point && a.Rep < b.Rep
	})
	var buf []byte
	for _, f := range fails {
		line, _ := json.Marshal(failureLine(s, f))
		buf = append(append(buf, line...), '\n')
	}
	return report.WriteFileAtomic(filepath.Join(dir, FailuresFile), buf)
}

// Finish rewrites failures.jsonl from the journal's records and closes the
// journal.
func (c *Campaign) Finish() error {
	if err := writeFailures(c.dir, c.s, c.fail); err != nil {
		return err
	}
	return c.Close()
}

// Close syncs and closes the journal; later records are refused. It may be
// called more than once.
func (c *Campaign) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if c.jw != nil {
		c.writeCost()
	}
	if c.failures != nil {
		c.failures.Close()
	}
	// The two journals' last fsyncs, side by side.
	rawErr := make(chan error, 1)
	if c.rw != nil {
		go func() { rawErr <- c.rw.Close() }()
	} else {
		rawErr <- nil
	}
	var err error
	if c.jw != nil {
		err = c.jw.Close()
	}
	if rerr := <-rawErr; rerr != nil {
		err = rerr
	}
	if c.lock != nil {
		c.lock.Close()
	}
	return err
}

// journalAdvice adds to an error opening a campaign's journal what the
// user can do about it.
func journalAdvice(err error) error {
	switch {
	case errors.Is(err, journal.ErrDamaged):
		return fmt.Errorf("%w; rerun with --salvage to resume from the records before the damage "+
			"(a copy of the damaged journal is kept and the repetitions after it run again), "+
			"or with --force to move the directory aside and start afresh", err)
	case errors.Is(err, journal.ErrOldFormat):
		return fmt.Errorf("%w; its results.csv stays valid. Run the campaign in another directory (--out), "+
			"or rerun with --force to move this one aside (nothing is deleted) and start afresh", err)
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

// FormatBytes prints a size in decimal units: 1.4 MB.
func FormatBytes(b int64) string {
	const unit = 1000
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	div, exp := int64(unit), 0
	for n := b / unit; n >= unit; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(b)/float64(div), "kMGTPE"[exp])
}

// FormatDuration writes d as 1h02m03s, 2m03s or 3s.
func FormatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%dh%02dm%02ds", h, m, s)
	}
	if m > 0 {
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// writeSpecCopy writes dir's copy of s (CopyText), which finds s's
// network files from dir.
func writeSpecCopy(s *spec.Spec, dir string) error {
	text, err := CopyText(s, dir)
	if err != nil {
		return err
	}
	return report.WriteFileAtomic(filepath.Join(dir, SpecFile), text)
}
