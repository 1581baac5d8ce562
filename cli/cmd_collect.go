package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/headnode"
	"github.com/netsweep/netsweep/report"
)

var collectUsage = usageText("collect")

func cmdCollect(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var ro headnode.Options
	addRemoteFlags(fs, &ro)
	localOut := fs.String("out", "", "with --remote and no record: the local directory for the results")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", collectUsage)
	}
	dir := fs.Arg(0)
	if sess, rec, ok, err := headnode.Open(dir, ro); err != nil {
		return err
	} else if ok {
		local := headnode.LocalDir(dir, rec, *localOut)
		got, err := sess.Collect(ctx, rec, local)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "netsweep: fetched %s from %s:%s into %s\n", strings.Join(got, ", "), sess.Target, sess.Dir, local)
		return nil
	}
	prov := report.Provenance{Version: version, Revision: vcsRevision(), Command: os.Args}
	if err := campaign.Collect(dir, prov); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "netsweep: merged the shards of %s into %s\n", dir, filepath.Join(dir, "results.csv"))
	return nil
}
