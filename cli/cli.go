// Package cli is the netsweep command: its subcommands, flags, usage
// texts, printing and exit statuses, over the library packages (campaign,
// spec, sim, mpirun, cluster/batch, cluster/workstations, headnode,
// remote, report).
//
// Main runs the whole command. A program of one's own that registers its
// own network generators or processes (sim.RegisterGenerator,
// sim.RegisterProcess) and then calls Main gets everything netsweep does
// with them: run and resume, MPI, Slurm render, submit, status and
// collect, results and plots. Built with the mpi build tag, it is its own
// MPI runner, and job scripts run that program itself. See
// examples/custom-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/internal/signals"
	"github.com/netsweep/netsweep/spec"
)

// Exit statuses.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2  // bad arguments or a bad spec; nothing was run
	exitResumable = 75 // EX_TEMPFAIL: stopped early; run the same command again to resume
	exitBudget    = 77 // EX_NOPERM: stopped at its budget; a larger --budget resumes
)

// usagef reports bad command-line arguments: exit status 2.
var usagef = cluster.Usagef

var usage = usageText("netsweep")

// Program is the netsweep command built into a program of one's own,
// with the models that program registers.
type Program struct {
	// MPIBinary is the program's MPI build (go build -tags mpi), which
	// job scripts and launchers run when a spec's [cluster] binary is
	// unset: a name found on PATH, or a path. "" means netsweep's own,
	// netsweep-mpi.
	MPIBinary string
}

// defaultBinary is the MPIBinary of the Program that runs; see Program.
var defaultBinary = ""

// Main runs the netsweep command with the arguments of the process
// (os.Args[1:]), and returns its exit status: 0 when a campaign is
// complete, 2 for a bad spec or bad arguments (nothing is run or written),
// 75 when a run stopped early and can be resumed, 1 for any other failure.
// It owns SIGINT, SIGTERM and SIGUSR1 while it runs. Call it once, from
// main.
func (p Program) Main() int {
	defaultBinary = p.MPIBinary
	setHeapFloor()
	ctx, sigs := signals.Own(context.Background(), os.Stderr)
	defer sigs.Close()
	return exitCode(dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
}

// Main runs netsweep itself: Program{}.Main().
func Main() int { return Program{}.Main() }

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("%s", usage)
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout)
	case "plan":
		return cmdPlan(ctx, rest, stdout)
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
	case "export":
		return cmdExport(rest, stdout, stderr)
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
	var ue *cluster.UsageError
	var quiet errQuiet
	switch {
	case errors.As(err, &quiet):
		return quiet.code
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, ue.Msg)
		return exitUsage
	case spec.IsSpecError(err):
		fmt.Fprintln(stderr, err)
		return exitUsage
	case errors.Is(err, campaign.ErrBudgetSpent):
		fmt.Fprintln(stderr, "netsweep:", err)
		return exitBudget
	case errors.Is(err, campaign.ErrIncomplete):
		fmt.Fprintln(stderr, "netsweep:", err)
		return exitResumable
	}
	fmt.Fprintln(stderr, "netsweep:", err)
	return exitFailure
}
