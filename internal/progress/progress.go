// Package progress shows a campaign's progress on a terminal (a live bar,
// or a line every interval in logs and batch jobs) through a
// campaign.Reporter.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/mpirun"
)

// Bar prints a campaign's progress to a writer: a live bar on a
// terminal, otherwise a line every interval (for logs and batch jobs).
type Bar struct {
	w        io.Writer
	live     bool
	interval time.Duration
	base     int64 // repetitions done before this run (resumed)
	total    int64 // repetitions of the whole campaign

	mu   sync.Mutex
	last time.Time
}

// New returns the Bar of a run that starts with base of total repetitions
// done, printing to w: live when w is a terminal, else every interval.
func New(w io.Writer, interval time.Duration, base, total int64) *Bar {
	return &Bar{w: w, live: isTerminal(w), interval: interval, base: base, total: total}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update is called by the controller after every finished chunk.
func (p *Bar) Update(pr mpirun.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	every := p.interval
	if p.live {
		every = 100 * time.Millisecond
	}
	if pr.Done < pr.Total && now.Sub(p.last) < every {
		return
	}
	p.last = now
	done := p.base + pr.Done
	// With [precision] the work grows as the decisions ask for blocks.
	p.total = max(p.total, p.base+pr.Total)
	rate := float64(pr.Done) / max(pr.Elapsed.Seconds(), 1e-9)
	eta := "?"
	if rate > 0 {
		eta = campaign.FormatDuration(time.Duration(float64(pr.Total-pr.Done) / rate * float64(time.Second)))
	}
	frac := float64(done) / float64(max(p.total, 1))
	failed := ""
	if pr.Failed > 0 {
		failed = fmt.Sprintf("  %d failed", pr.Failed)
	}
	if p.live {
		const width = 30
		n := int(frac * width)
		bar := strings.Repeat("=", n) + strings.Repeat(" ", width-n)
		fmt.Fprintf(p.w, "\r[%s] %3.0f%% %d/%d runs  %.0f runs/s  ETA %s%s\x1b[K", bar, 100*frac, done, p.total, rate, eta, failed)
		if pr.Done == pr.Total {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintf(p.w, "netsweep: %d/%d runs (%.0f%%), %.0f runs/s, ETA %s%s\n", done, p.total, 100*frac, rate, eta, failed)
}

// NewReporter returns the Reporter that prints to w, progress every
// interval off a terminal, and none when quiet.
func NewReporter(w io.Writer, interval time.Duration, quiet bool) *Reporter {
	return &Reporter{w: w, interval: interval, quiet: quiet}
}

// Reporter is a campaign.Reporter that prints what campaign.Run reports:
// notices, the campaign's size, and progress (a live bar on a terminal,
// else a line every interval).
type Reporter struct {
	w        io.Writer
	interval time.Duration
	quiet    bool
	prog     *Bar
}

func (r *Reporter) Notice(msg string) { fmt.Fprintf(r.w, "netsweep: %s\n", msg) }

func (r *Reporter) Start(st campaign.Start) {
	if st.Done > 0 {
		fmt.Fprintf(r.w, "netsweep: resuming %s: %d of %d runs already done\n", st.Dir, st.Done, st.Total)
	}
	unit := "ranks"
	if st.Runtime == "embedded" {
		unit = "workers"
	}
	if st.Precision != "" {
		fmt.Fprintf(r.w, "netsweep: %d points, repetitions to %s; %d runs decided so far, on %d %s\n", st.Points, st.Precision, st.Total, st.Ranks, unit)
	} else {
		fmt.Fprintf(r.w, "netsweep: %d points × %d repetitions = %d runs on %d %s\n", st.Points, st.Reps, st.Total, st.Ranks, unit)
	}
	r.prog = New(r.w, r.interval, st.Done, st.Total)
}

func (r *Reporter) Progress(p mpirun.Progress) {
	if !r.quiet && r.prog != nil {
		r.prog.Update(p)
	}
}

// WriteTimings reports the bookkeeping's share of a run: summaries (summed
// over ranks, so compared with ranks × wall time), the journal and the
// merge (rank 0 merging the chunks' summaries into its table, and the
// final MPI reduction of the timings themselves; compared with wall time).
// Summaries are not reduced over MPI: each chunk's exact encoding goes to
// rank 0, which merges it.
func WriteTimings(w io.Writer, t mpirun.Timings, wall time.Duration, ranks int) {
	pct := func(d, of time.Duration) float64 { return 100 * d.Seconds() / max(of.Seconds(), 1e-9) }
	cpu := wall * time.Duration(ranks)
	fmt.Fprintf(w, "netsweep: timings: wall %v on %d ranks, %d chunks\n", wall.Round(time.Millisecond), ranks, t.Chunks)
	fmt.Fprintf(w, "netsweep: timings: summaries %v (%.3f%% of the ranks' time), journal %v (%.3f%% of wall), merge on rank 0 %v (%.3f%% of wall)\n",
		t.Summaries.Round(time.Microsecond), pct(t.Summaries, cpu), t.OnResult.Round(time.Microsecond), pct(t.OnResult, wall), t.Reduce.Round(time.Microsecond), pct(t.Reduce, wall))
}
