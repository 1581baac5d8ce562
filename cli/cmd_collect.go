package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

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
		local := dir
		if rec == nil {
			local = *localOut
			if local == "" {
				local = path.Base(dir)
			}
		}
		return collectRemote(ctx, sess, rec, local, stderr)
	}
	prov := report.Provenance{Version: version, Revision: vcsRevision(), Command: os.Args}
	if err := campaign.Collect(dir, prov); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "netsweep: merged the shards of %s into %s\n", dir, filepath.Join(dir, "results.csv"))
	return nil
}
