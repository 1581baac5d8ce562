package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/netsweep/netsweep/cluster/workstations"
	"github.com/netsweep/netsweep/remote"
)

// deployOptions are the flags of 'netsweep deploy'.
type deployOptions struct {
	Spec          string
	Binary        string // the local MPI binary to copy
	SSH           sshFlags
	AcceptHostKey bool // record the keys of hosts known_hosts does not know yet
}

var deployUsage = usageText("deploy")

func parseDeployFlags(args []string) (deployOptions, error) {
	var o deployOptions
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Binary, "binary", "", "the MPI binary to copy")
	fs.BoolVar(&o.AcceptHostKey, "accept-host-key", false, "record unknown host keys")
	o.SSH.register(fs)
	if err := parseInterspersed(fs, args); err != nil {
		return o, usagef("%v\n%s", err, deployUsage)
	}
	if fs.NArg() != 1 {
		return o, usagef("%s", deployUsage)
	}
	o.Spec = fs.Arg(0)
	return o, nil
}

func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseDeployFlags(args)
	if err != nil {
		return err
	}
	s, ws, err := workstations.Load(o.Spec, o.SSH.Hosts)
	if err != nil {
		return err
	}
	if o.Binary == "" {
		if o.Binary, err = workstations.FindMPIBinary(defaultBinary); err != nil {
			return err
		}
	}
	binSum, err := remote.FileSHA256(o.Binary)
	if err != nil {
		return err
	}
	opts, err := workstations.SSHOptions(o.SSH.Key, o.SSH.KnownHosts, o.AcceptHostKey)
	if err != nil {
		return err
	}
	results := workstations.Deploy(ctx, ws, s.Cluster.Workstations.SharedFS, opts, o.Binary, s)
	var failed []string
	for _, r := range results {
		switch {
		case r.Err != nil:
			failed = append(failed, r.Host.Name)
			fmt.Fprintf(stderr, "netsweep: %s: FAILED: %v\n", r.Host.Target, r.Err)
		case r.Skipped:
			fmt.Fprintf(stdout, "%s: %s (shared file system, written once)\n", r.Host.Target, r.Host.Dir)
		default:
			fmt.Fprintf(stdout, "%s: %s sha256 %s ok, %s ok", r.Host.Target, r.Host.Binary, binSum[:12], r.Host.Spec)
			if n := len(s.NetworkFiles()); n > 0 {
				fmt.Fprintf(stdout, " with %d network files", n)
			}
			fmt.Fprintln(stdout)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("deploy failed on %d of %d hosts (%s); fix them and run 'netsweep deploy' again", len(failed), len(ws), strings.Join(failed, ", "))
	}
	fmt.Fprintf(stdout, "deployed to %d hosts; start the campaign with: netsweep launch %s\n", len(ws), o.Spec)
	return nil
}
