// Package progress shows a campaign's progress on a terminal: a live bar,
// or a line every interval in logs and batch jobs.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

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
	rate := float64(pr.Done) / max(pr.Elapsed.Seconds(), 1e-9)
	eta := "?"
	if rate > 0 {
		eta = FormatDuration(time.Duration(float64(pr.Total-pr.Done) / rate * float64(time.Second)))
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
