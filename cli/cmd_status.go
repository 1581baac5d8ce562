package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/headnode"
)

var statusUsage = usageText("status")

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
		out, err := sess.Status(ctx, *perPoint)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "remote    %s:%s\n", sess.Target, sess.Dir)
		_, err = stdout.Write(out)
		return err
	}
	st, err := campaign.ReadStatus(dir)
	var cfg *cluster.Config // the directory's, read by ReadStatus: not loaded again
	if err == nil {
		cfg = &st.Spec.Cluster
	}
	sched := slurmStatus(dir, cfg)
	switch {
	case err == nil:
		st.Write(stdout, dir, *perPoint, time.Now())
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
