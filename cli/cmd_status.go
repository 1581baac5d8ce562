package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/headnode"
)

const statusUsage = `usage: netsweep status DIR [--points]

Reads the journal of the campaign in DIR, while it runs or after, and prints
its overall and (with --points) per-point completion, failures, rate and
time left. For a campaign submitted with --remote (DIR holds remote.json),
or with --remote, it asks the head node over ssh; a dropped connection is
retried.

` + remoteFlagsUsage

// schedulerStatus, when set, describes the scheduler's view of the jobs of
// the campaign in dir (Slurm: squeue, scontrol, sacct), in lines for status
// to print, or nil when dir has no jobs.
var schedulerStatus func(dir string) []string

func cmdStatus(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	perPoint := fs.Bool("points", false, "show every point")
	var ro headnode.Options
	addRemoteFlags(fs, &ro)
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", statusUsage)
	}
	dir := fs.Arg(0)
	if sess, _, ok, err := headnode.Open(dir, ro); err != nil {
		return err
	} else if ok {
		return statusRemote(ctx, sess, *perPoint, stdout)
	}
	st, err := campaign.ReadStatus(dir)
	var sched []string
	if schedulerStatus != nil {
		sched = schedulerStatus(dir)
	}
	switch {
	case err == nil:
		printStatus(stdout, dir, st, *perPoint, time.Now())
	case errors.Is(err, os.ErrNotExist) && len(sched) > 0:
		// A submitted campaign has no journal before its job starts, and
		// a job array never has one of its own: the scheduler tells.
	default:
		return err
	}
	for _, line := range sched {
		fmt.Fprintf(stdout, "%s\n", line)
	}
	return nil
}

func printStatus(w io.Writer, dir string, st *campaign.Status, perPoint bool, now time.Time) {
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
	fmt.Fprintf(w, "points    %d of %d complete\n", complete, len(s.Points))
	state := "not running"
	if p := st.Progress; p != nil {
		age := now.Sub(p.Updated)
		switch {
		case done >= total:
			state = "complete"
		case p.State == "running" && age < 30*time.Second:
			state = fmt.Sprintf("running on %s (pid %d, %d ranks): %.1f runs/s, ETA %s", p.Host, p.PID, p.Ranks, p.Rate, formatDuration(time.Duration(float64(total-done)/max(p.Rate, 1e-9)*float64(time.Second))))
		default:
			state = fmt.Sprintf("not running (last progress %s ago); %s resumes it", formatDuration(age), resumeHint(dir))
		}
	} else if done >= total {
		state = "complete"
	}
	fmt.Fprintf(w, "state     %s\n", state)
	if !perPoint {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "point\t"+strings.Join(append(append([]string{}, s.Params...), "done", "failed"), "\t")+"\t")
	for i, p := range s.Points {
		row := []string{fmt.Sprint(i)}
		for _, v := range p.Values {
			row = append(row, fmt.Sprint(v))
		}
		row = append(row, fmt.Sprintf("%d/%d", st.Done[i], st.Want[i]), fmt.Sprint(st.Failed[i]))
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}

// resumeHint says which command resumes the campaign in dir: submit for a
// campaign that runs as Slurm jobs, run otherwise.
func resumeHint(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "slurm", "jobs")); err == nil {
		return fmt.Sprintf("'netsweep submit %s --out %s'", filepath.Join(dir, campaign.SpecFile), dir)
	}
	return fmt.Sprintf("'netsweep run SPEC --out %s'", dir)
}
