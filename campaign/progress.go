package campaign

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/report"
)

// Progress is the content of progress.json, which the controller rewrites
// every few seconds so that status can show the rate and the time left of
// a running campaign.
type Progress struct {
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

// States of Progress.State.
const (
	StateRunning  = "running"
	StateStopped  = "stopped"
	StateComplete = "complete"
)

// writeProgress rewrites progress.json at most every two seconds, and
// always for a final state.
func (c *Campaign) writeProgress(p mpirun.Progress, state string, ranks int) {
	c.last = p
	now := time.Now()
	if state == StateRunning && now.Sub(c.lastProgress) < 2*time.Second && p.Done < p.Total {
		return
	}
	c.lastProgress = now
	c.writeCost()
	host, _ := os.Hostname()
	total := c.total
	if c.dec != nil {
		total = c.done + p.Total // with [precision] the work grows as it runs
	}
	rec := Progress{State: state, Updated: now.UTC(), Done: c.done + p.Done, Total: total, Failed: p.Failed, Ranks: ranks, Host: host, PID: os.Getpid()}
	if secs := p.Elapsed.Seconds(); secs > 0 && p.Done > 0 {
		rec.Rate = float64(p.Done) / secs
		rec.ETASeconds = float64(p.Total-p.Done) / rec.Rate
	}
	data, _ := json.MarshalIndent(rec, "", "  ")
	report.WriteFileAtomic(filepath.Join(c.dir, ProgressFile), append(data, '\n'))
}
