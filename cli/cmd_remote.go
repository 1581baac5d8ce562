package cli

// Driving a Slurm cluster from a laptop: submit, status, cancel and
// collect with --remote [USER@]HOST[:PORT] run the netsweep CLI on the
// cluster's head node over ssh through package headnode, which keeps the
// record of the remote campaign in LOCALDIR/remote.json.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/netsweep/netsweep/headnode"
	"github.com/netsweep/netsweep/spec"
)

func addRemoteFlags(fs *flag.FlagSet, o *headnode.Options) {
	fs.StringVar(&o.Target, "remote", "", "run on the cluster head [USER@]HOST[:PORT] over ssh")
	fs.StringVar(&o.Key, "key", "", "private key file for ssh (default: the ssh-agent at $SSH_AUTH_SOCK)")
	fs.StringVar(&o.KnownHosts, "known-hosts", "", "known_hosts file (default ~/.ssh/known_hosts)")
	fs.BoolVar(&o.AcceptHostKey, "accept-host-key", false, "record the host key of a host known_hosts does not know yet")
	fs.DurationVar(&o.ConnectTimeout, "connect-timeout", 15*time.Second, "time limit of one connection attempt")
	fs.StringVar(&o.Netsweep, "remote-netsweep", "", "the netsweep command on the head node (default netsweep, or the uploaded binary)")
	fs.Func("remote-env", "NAME=VALUE set for the remote netsweep (repeatable), e.g. SLURM_CONF=/etc/slurm/slurm.conf", func(v string) error {
		if err := headnode.CheckEnv(v); err != nil {
			return err
		}
		o.Env = append(o.Env, v)
		return nil
	})
}

// cmdSubmitRemote submits spec from this machine on the head node of
// o.Target, into local directory out's record.
func cmdSubmitRemote(ctx context.Context, specPath, out string, o headnode.SubmitOptions, stdout, stderr io.Writer) error {
	s, err := spec.Load(specPath)
	if err != nil {
		return err
	}
	if !s.HasCluster {
		return usagef("netsweep: %s has no [cluster] table, which says how to run it on Slurm; add one (see README.md, \"Running on a Slurm cluster\")", s.Path)
	}
	if out == "" {
		out = s.Output.Dir
	}
	sub, err := headnode.Submit(ctx, s, specPath, out, o, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, sub.ID)
	fmt.Fprintf(stderr, "netsweep: submitted %s on %s as job %s in %s; follow it with 'netsweep status %s', fetch the results with 'netsweep collect %s'\n",
		s.Name, sub.Target, sub.ID, sub.Dir, out, out)
	return nil
}
