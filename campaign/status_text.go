package campaign

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// Write writes the status of the campaign in dir as 'netsweep status'
// shows it: its overall completion, failures, rate and time left at now,
// and, with perPoint, a table of every point's.
func (st *Status) Write(w io.Writer, dir string, perPoint bool, now time.Time) {
	s := st.Spec
	done, failed := st.Totals()
	total := st.Total()
	fmt.Fprintf(w, "campaign  %s (%s, campaign %.12s)\n", s.Name, dir, s.CampaignID)
	fmt.Fprintf(w, "progress  %d/%d runs (%.1f%%), %d failed\n", done, total, 100*float64(done)/float64(max(total, 1)), failed)
	if st.Shard.K > 0 {
		fmt.Fprintf(w, "shard     %v\n", st.Shard)
	}
	complete := 0
	for i := range st.Done {
		if st.Done[i] >= st.Want[i] {
			complete++
		}
	}
	fmt.Fprintf(w, "points    %d of %d complete\n", complete, s.NumPoints())
	st.writePrecision(w)
	if st.Unused > 0 {
		fmt.Fprintf(w, "unused    %d journal records of points the spec no longer lists (kept, not reported)\n", st.Unused)
	}
	state := "not running"
	if p := st.Progress; p != nil {
		age := now.Sub(p.Updated)
		switch {
		case done >= total:
			state = "complete"
		case p.State == "running" && age < 30*time.Second && controllerGone(p):
			state = fmt.Sprintf("not running (its process %d is gone); %s resumes it", p.PID, resumeHint(dir))
		case p.State == "running" && age < 30*time.Second:
			state = fmt.Sprintf("running on %s (pid %d, %d ranks): %.1f runs/s, ETA %s", p.Host, p.PID, p.Ranks, p.Rate, FormatDuration(time.Duration(float64(total-done)/max(p.Rate, 1e-9)*float64(time.Second))))
		default:
			state = fmt.Sprintf("not running (last progress %s ago); %s resumes it", FormatDuration(age), resumeHint(dir))
		}
	} else if done >= total {
		state = "complete"
	}
	fmt.Fprintf(w, "state     %s\n", state)
	if !perPoint {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	cols := append(append([]string{}, s.Params...), "done", "failed")
	if s.Precision != nil {
		cols = append(cols, s.Precision.Kind, "target")
	}
	fmt.Fprintln(tw, "point\t"+strings.Join(cols, "\t")+"\t")
	for i := range s.NumPoints() {
		row := []string{fmt.Sprint(i)}
		for _, v := range s.PointValues(i) {
			row = append(row, fmt.Sprint(v))
		}
		row = append(row, fmt.Sprintf("%d/%d", st.Done[i], st.Want[i]), fmt.Sprint(st.Failed[i]))
		if s.Precision != nil {
			row = append(row, st.precisionCells(i)...)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}

// resumeHint says which command resumes the campaign in dir: submit for a
// campaign that runs as Slurm jobs, run otherwise.
func resumeHint(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "slurm", "jobs")); err == nil {
		return fmt.Sprintf("'netsweep submit %s --out %s'", filepath.Join(dir, SpecFile), dir)
	}
	return fmt.Sprintf("'netsweep run SPEC --out %s'", dir)
}

// controllerGone reports whether p was written on this machine by a
// process that no longer exists (one killed before it could say so).
func controllerGone(p *Progress) bool {
	host, err := os.Hostname()
	return err == nil && p.Host == host && processGone(p.PID)
}
