// Command netsweep runs network-science simulation campaigns described by a
// TOML sweep spec: a stochastic process (SIR, SIS, percolation) on random
// networks, many repetitions at every point of a parameter grid, summarised
// per point.
//
// Usage:
//
//	netsweep run SPEC [--out DIR] [--workers N] [--chunk K]
//	netsweep validate SPEC
//	netsweep deploy SPEC [--binary FILE] [--key FILE] [--accept-host-key]
//	netsweep launch SPEC [--out DIR] [--np N] [--hosts LIST] [-- RUN-FLAGS]
//	netsweep status DIR [--points]
//	netsweep render SPEC [--scheduler slurm|rocks] [-o FILE] [--out DIR]
//	netsweep submit SPEC [--out DIR]
//	netsweep cancel DIR
//	netsweep submit SPEC --remote [USER@]HOST[:PORT] [--key FILE] [--out LOCALDIR]
//	netsweep status|cancel|collect LOCALDIR
//	netsweep keygen NAME [--dir DIR]
//	netsweep replay DIR --point P --rep R
//	netsweep results DIR [--metrics m1,m2] [--stats mean,sem]
//	netsweep plot DIR --x PARAM --y METRIC [--series PARAM] -o FILE.png
//	netsweep models
//	netsweep version
//
// A session:
//
//	$ netsweep validate examples/quickstart.toml
//	examples/quickstart.toml: ok
//	  points       15 (process.beta × network.mean_degree)
//	  repetitions  100 per point
//	  runs         1500
//	  memory       1.4 MB per worker for the largest network
//	$ netsweep run examples/quickstart.toml
//	netsweep: 15 points × 100 repetitions = 1500 runs on 2 workers
//	[==============================] 100% 1500/1500 runs  812 runs/s  ETA 0s
//	netsweep: wrote results/sir-er-quickstart/results.csv and results.json
//
// Exit status: 0 when the campaign is complete, 2 for a bad spec or bad
// arguments (nothing is run or written), 75 when a run stopped early and can
// be resumed, 1 for any other failure.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/spec"
)

// Exit statuses.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2  // bad arguments or a bad spec; nothing was run
	exitResumable = 75 // EX_TEMPFAIL: stopped early; run the same command again to resume
)

// usageError reports bad command-line arguments.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `usage: netsweep COMMAND [ARGS]

Commands:
  run SPEC        run a sweep on the local cores (see 'netsweep run -h')
  validate SPEC   check a spec and print the size of its campaign
  deploy SPEC     copy bin/netsweep-mpi and SPEC to its [cluster] hosts over ssh
  launch SPEC     run a deployed campaign on its [cluster] hosts with mpirun
  status DIR      progress, failures and time left of a campaign, running or not
  replay DIR      re-run one repetition alone (--point P --rep R)
  collect DIR     merge the shards of a job-array campaign into its results
  render SPEC     print the Slurm job script for the spec's [cluster] table
  submit SPEC     submit the campaign to Slurm (see 'netsweep submit -h')
  cancel DIR      cancel the campaign's pending and running Slurm jobs
                  (submit, status, cancel, collect: --remote HOST drives Slurm over ssh)
  keygen NAME     write a dedicated ssh key pair for remote campaigns
  results DIR     print a campaign's results as a table
  plot DIR        plot a metric against a parameter (see 'netsweep plot -h')
  models          list the network generators and process models, with their keys
  version         print the version

See README.md for the spec reference.`

func main() {
	ctx, sigs := ownSignals(context.Background(), os.Stderr)
	code := exitCode(dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
	sigs.close()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("%s", usage)
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout)
	case "deploy":
		return cmdDeploy(ctx, rest, stdout, stderr)
	case "launch":
		return cmdLaunch(ctx, rest, stdout, stderr)
	case "status":
		return cmdStatus(ctx, rest, stdout)
	case "replay":
		return cmdReplay(rest, stdout)
	case "collect":
		return cmdCollect(ctx, rest, stderr)
	case "render":
		return cmdRender(rest, stdout)
	case "keygen":
		return cmdKeygen(rest, stdout)
	case "submit":
		return cmdSubmit(ctx, rest, stdout, stderr)
	case "cancel":
		return cmdCancel(ctx, rest, stdout, stderr)
	case "results":
		return cmdResults(rest, stdout)
	case "plot":
		return cmdPlot(rest, stderr)
	case "models":
		return cmdModels(stdout)
	case "version":
		fmt.Fprintln(stdout, "netsweep", versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return usagef("unknown command %q\n%s", cmd, usage)
	}
}

// exitCode prints err, if any, and returns the process's exit status.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	var quiet errQuiet
	switch {
	case errors.As(err, &quiet):
		return quiet.code
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, ue.msg)
		return exitUsage
	case spec.IsSpecError(err):
		fmt.Fprintln(stderr, err)
		return exitUsage
	case errors.Is(err, campaign.ErrIncomplete):
		fmt.Fprintln(stderr, "netsweep:", err)
		return exitResumable
	}
	fmt.Fprintln(stderr, "netsweep:", err)
	return exitFailure
}
