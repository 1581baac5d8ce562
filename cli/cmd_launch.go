package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/netsweep/netsweep/cluster/workstations"
	"github.com/netsweep/netsweep/internal/shell"
	"github.com/netsweep/netsweep/internal/signals"
)

// launchOptions are the flags of 'netsweep launch'.
type launchOptions struct {
	Spec      string
	Out       string        // campaign directory on rank 0's host; also holds the hostfile and ssh wrapper
	NP        int           // ranks; 0 = every slot
	SSH       sshFlags      // key, known_hosts, hosts override
	MPIRun    string        // mpirun program
	SSHProg   string        // ssh program the wrapper runs
	Net       string        // CIDR for Open MPI's TCP traffic; "" = Open MPI's choice
	KeepAlive time.Duration // ssh ServerAliveInterval; a host silent for 3 of them is lost
	RunArgs   []string      // after "--": more flags for 'netsweep run'
}

var launchUsage = usageText("launch")

// launchKillDelay is how long mpirun has to end after SIGTERM (an
// interrupt of launch) before it is killed.
var launchKillDelay = 30 * time.Second

func parseLaunchFlags(args []string) (launchOptions, error) {
	o := launchOptions{MPIRun: "mpirun", SSHProg: "ssh", KeepAlive: 10 * time.Second}
	args, o.RunArgs = splitDashDash(args)
	fs := flag.NewFlagSet("launch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Out, "out", "", "campaign directory on rank 0's host")
	fs.IntVar(&o.NP, "np", 0, "ranks (default: every slot)")
	fs.StringVar(&o.MPIRun, "mpirun", o.MPIRun, "mpirun program")
	fs.StringVar(&o.SSHProg, "ssh", o.SSHProg, "ssh program")
	fs.StringVar(&o.Net, "net", "", "CIDR of the network between the hosts")
	fs.DurationVar(&o.KeepAlive, "keepalive", o.KeepAlive, "ssh keepalive interval")
	o.SSH.register(fs)
	if err := parseInterspersed(fs, args); err != nil {
		return o, usagef("%v\n%s", err, launchUsage)
	}
	if fs.NArg() != 1 {
		return o, usagef("%s", launchUsage)
	}
	o.Spec = fs.Arg(0)
	if o.NP < 0 {
		return o, usagef("--np %d: give a positive number of ranks", o.NP)
	}
	if o.KeepAlive < time.Second {
		return o, usagef("--keepalive %v: give at least 1s", o.KeepAlive)
	}
	if o.Net != "" && !workstations.ValidCIDR(o.Net) {
		return o, usagef("--net %s: want an IPv4 network like 10.1.0.0/24", o.Net)
	}
	for _, a := range o.RunArgs {
		if a == "--out" || strings.HasPrefix(a, "--out=") || a == "-out" || strings.HasPrefix(a, "-out=") {
			return o, usagef("give --out to launch, before --, not to run")
		}
	}
	return o, nil
}

func cmdLaunch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseLaunchFlags(args)
	if err != nil {
		return err
	}
	s, ws, err := workstations.Load(o.Spec, o.SSH.Hosts)
	if err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = s.Output.Dir
	}
	l, err := workstations.PrepareLaunch(workstations.LaunchOptions{
		Hosts: ws, NP: o.NP, Out: o.Out, Key: o.SSH.Key, KnownHosts: o.SSH.KnownHosts,
		MPIRun: o.MPIRun, SSH: o.SSHProg, Net: o.Net, KeepAlive: o.KeepAlive, RunArgs: o.RunArgs,
	})
	if err != nil {
		return err
	}
	l.KillDelay = launchKillDelay
	rank0 := l.Ranks[0].Name
	fmt.Fprintf(stderr, "netsweep: launching %s on %s; results in %s on %s\n", s.Name, strings.Join(l.Hosts(), " "), l.Out, rank0)
	fmt.Fprintf(stderr, "netsweep: %s %s\n", l.MPIRun, shell.Join(l.Args))
	signals.Handles(ctx) // a signal ends mpirun, then launch says what is left
	err = l.Run(ctx, stdout, stderr)
	var ee *workstations.ExitError
	switch {
	case err == nil:
		fmt.Fprintf(stderr, "netsweep: the campaign is complete; results in %s on %s\n", l.Out, rank0)
		return nil
	case errors.As(err, &ee):
		switch ee.Code {
		case exitResumable:
			fmt.Fprintf(stderr, "netsweep: the campaign stopped early; run 'netsweep launch' again (with --hosts to leave a host out) to resume it\n")
		case exitUsage:
			fmt.Fprintf(stderr, "netsweep: rank 0 refused the spec or the arguments (see above); nothing was run\n")
		default:
			fmt.Fprintf(stderr, "netsweep: mpirun exited with status %d; finished work is journaled in %s: run 'netsweep launch' again to resume\n", ee.Code, l.Out)
		}
		return errQuiet{ee.Code}
	}
	return err
}
