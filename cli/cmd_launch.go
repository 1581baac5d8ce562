package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netsweep/netsweep/internal/shell"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/spec"
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

const launchUsage = `usage: netsweep launch SPEC [--out DIR] [--np N] [--hosts NAME[:SLOTS],...]
                       [--key FILE] [--known-hosts FILE] [--net CIDR]
                       [--keepalive D] [--mpirun PATH] [-- RUN-FLAGS]

Starts the campaign deployed by 'netsweep deploy' on SPEC's [cluster]
hosts: writes DIR/hosts (an Open MPI hostfile) and DIR/ssh-wrapper
(mpirun's ssh, with your key and known_hosts and StrictHostKeyChecking=yes)
and runs mpirun over ssh, rank 0 on the first host. Results and the
journal are written to DIR on rank 0's host; launching again resumes an
interrupted campaign (exit status 75), on the same or other hosts.

  --out DIR        campaign directory, absolute on rank 0's host (default:
                   the spec's [output] dir, made absolute here)
  --np N           ranks (default: every slot); rank 0 is the controller
  --hosts LIST     NAME[:SLOTS],... instead of the spec's hosts (e.g. to
                   resume without a lost host)
  --key FILE       ssh private key for mpirun's ssh (default: ssh's own)
  --known-hosts F  known_hosts file (default ~/.ssh/known_hosts)
  --net CIDR       the network Open MPI uses between hosts, e.g. 10.1.0.0/24
  --keepalive D    keepalive interval of mpirun's links to its daemons (and
                   of ssh); a host silent for 3 of them is lost and the job
                   ends, resumable (default 10s)
  --mpirun PATH    the mpirun of Open MPI (default: mpirun on PATH)
  -- RUN-FLAGS     more flags for 'netsweep run' on the hosts, e.g. -- --chunk 10

Open MPI refuses to run as root unless OMPI_ALLOW_RUN_AS_ROOT=1 and
OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 are set.`

// Files 'netsweep launch' writes in DIR.
const (
	launchHostfile = "hosts"
	launchWrapper  = "ssh-wrapper"
)

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
	if o.Net != "" && !cidrRE(o.Net) {
		return o, usagef("--net %s: want an IPv4 network like 10.1.0.0/24", o.Net)
	}
	for _, a := range o.RunArgs {
		if a == "--out" || strings.HasPrefix(a, "--out=") || a == "-out" || strings.HasPrefix(a, "-out=") {
			return o, usagef("give --out to launch, before --, not to run")
		}
	}
	return o, nil
}

// cidrRE reports whether s looks like an IPv4 CIDR: Open MPI reads it,
// and it reaches no shell.
func cidrRE(s string) bool {
	ip, bits, ok := strings.Cut(s, "/")
	if n, err := strconv.Atoi(bits); !ok || err != nil || n < 0 || n > 32 {
		return false
	}
	parts := strings.Split(ip, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 255 || p == "" {
			return false
		}
	}
	return true
}

// assignRanks gives np ranks to the workstations in order, filling each
// one's slots before the next; np = 0 fills every slot.
func assignRanks(ws []workstation, np int) ([]mpirun.RankHost, error) {
	slots := make([]int, len(ws))
	for i, w := range ws {
		slots[i] = w.Slots
	}
	ranks, err := mpirun.AssignRanks(slots, np)
	if err != nil {
		return nil, usagef("%v", err)
	}
	rh := make([]mpirun.RankHost, len(ws))
	for i, w := range ws {
		rh[i] = mpirun.RankHost{Name: w.Name, Ranks: ranks[i], Binary: w.Binary, Spec: w.Spec}
	}
	return rh, nil
}

// wrapperConfig is what the ssh wrapper passes to ssh.
type wrapperConfig struct {
	SSH        string        // ssh program, absolute
	Key        string        // -i KEY; "" = ssh's defaults
	KnownHosts string        // UserKnownHostsFile
	User       string        // -l USER
	Port       int           // -p PORT
	KeepAlive  time.Duration // ServerAliveInterval
}

// wrapperScript is the plm_rsh_agent mpirun runs as "WRAPPER [ARGS] HOST
// COMMAND": ssh in batch mode with host keys checked strictly against
// the given known_hosts only. Every value goes through shell.Join.
func wrapperScript(c wrapperConfig) string {
	args := []string{c.SSH,
		"-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=yes",
		"-o", "UserKnownHostsFile=" + c.KnownHosts,
		"-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "ServerAliveInterval=" + strconv.Itoa(int(c.KeepAlive/time.Second)),
		"-o", "ServerAliveCountMax=3",
		"-o", "ConnectTimeout=15",
	}
	if c.Key != "" {
		args = append(args, "-o", "IdentitiesOnly=yes", "-i", c.Key)
	}
	args = append(args, "-l", c.User, "-p", strconv.Itoa(c.Port))
	return "#!/bin/sh\n# Written by 'netsweep launch': the ssh that mpirun starts its daemons with.\nexec " + shell.Join(args) + ` "$@"` + "\n"
}

// sshOptionProblem returns why p cannot be a path in an ssh -o option ("" when
// it can): ssh splits those values at whitespace and expands % and ~.
func sshOptionProblem(p string) string {
	if i := strings.IndexAny(p, " \t\n\r\"'%"); i >= 0 {
		return fmt.Sprintf("holds %q, which ssh's -o options cannot carry; use a path without it", p[i])
	}
	return ""
}

func cmdLaunch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseLaunchFlags(args)
	if err != nil {
		return err
	}
	s, ws, err := loadWorkstations(o.Spec, o.SSH)
	if err != nil {
		return err
	}
	hosts, err := assignRanks(ws, o.NP)
	if err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = s.Output.Dir
	}
	if o.Out, err = filepath.Abs(o.Out); err != nil {
		return err
	}
	known, err := o.SSH.knownHostsPath()
	if err != nil {
		return err
	}
	if r := sshOptionProblem(known); r != "" {
		return usagef("known_hosts %s: %s", known, r)
	}
	key := o.SSH.Key
	if key != "" {
		if key, err = filepath.Abs(key); err != nil {
			return err
		}
		if _, err := os.Stat(key); err != nil {
			return usagef("--key %s: %v", o.SSH.Key, err)
		}
	}
	mpirunPath, err := exec.LookPath(o.MPIRun)
	if err != nil {
		return fmt.Errorf("could not find mpirun (%v): install Open MPI (Debian: apt-get install openmpi-bin) or give --mpirun PATH", err)
	}
	sshPath, err := exec.LookPath(o.SSHProg)
	if err != nil {
		return fmt.Errorf("could not find ssh (%v): install an ssh client or give --ssh PATH", err)
	}
	if sshPath, err = filepath.Abs(sshPath); err != nil {
		return err
	}

	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("could not create the output directory: %w", err)
	}
	// Open MPI splits plm_rsh_agent at spaces.
	if strings.ContainsAny(o.Out, " \t\n") {
		return usagef("--out %s: mpirun cannot take a wrapper path with spaces; choose a directory without them", o.Out)
	}
	hostfile := filepath.Join(o.Out, launchHostfile)
	if err := os.WriteFile(hostfile, []byte(mpirun.Hostfile(hosts)), 0o644); err != nil {
		return fmt.Errorf("could not write the hostfile: %w", err)
	}
	wrapper := filepath.Join(o.Out, launchWrapper)
	script := wrapperScript(wrapperConfig{SSH: sshPath, Key: key, KnownHosts: known, User: ws[0].Target.User, Port: ws[0].Target.Port, KeepAlive: o.KeepAlive})
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		return fmt.Errorf("could not write the ssh wrapper: %w", err)
	}
	if err := os.Chmod(wrapper, 0o700); err != nil {
		return err
	}

	plan := mpirun.Plan{Hostfile: hostfile, Agent: wrapper, Net: o.Net, KeepAlive: o.KeepAlive, Hosts: hosts, Out: o.Out, RunArgs: o.RunArgs}
	if os.Getenv(spec.FaultsEnv) != "" { // a test's injected faults reach every rank
		plan.Forward = append(plan.Forward, spec.FaultsEnv)
	}
	margs := mpirun.Args(plan)
	var names []string
	for _, h := range hosts {
		if h.Ranks > 0 {
			names = append(names, h.Name+":"+strconv.Itoa(h.Ranks))
		}
	}
	fmt.Fprintf(stderr, "netsweep: launching %s on %s; results in %s on %s\n", s.Name, strings.Join(names, " "), o.Out, hosts[0].Name)
	fmt.Fprintf(stderr, "netsweep: %s %s\n", mpirunPath, shell.Join(margs))

	pout := &prefixWriter{w: stdout, prefix: "mpirun: "}
	perr := &prefixWriter{w: stderr, prefix: "mpirun: "}
	cmd := exec.CommandContext(ctx, mpirunPath, margs...)
	cmd.Stdout, cmd.Stderr = pout, perr
	// On an interrupt mpirun forwards SIGTERM to every rank; rank 0 stops
	// at a chunk boundary and the campaign stays resumable.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = launchKillDelay
	err = cmd.Run()
	pout.Flush()
	perr.Flush()
	var ee *exec.ExitError
	switch {
	case err == nil:
		fmt.Fprintf(stderr, "netsweep: the campaign is complete; results in %s on %s\n", o.Out, hosts[0].Name)
		return nil
	case errors.As(err, &ee) && ee.ExitCode() > 0:
		code := ee.ExitCode()
		switch code {
		case exitResumable:
			fmt.Fprintf(stderr, "netsweep: the campaign stopped early; run 'netsweep launch' again (with --hosts to leave a host out) to resume it\n")
		case exitUsage:
			fmt.Fprintf(stderr, "netsweep: rank 0 refused the spec or the arguments (see above); nothing was run\n")
		default:
			fmt.Fprintf(stderr, "netsweep: mpirun exited with status %d; finished work is journaled in %s: run 'netsweep launch' again to resume\n", code, o.Out)
		}
		return errQuiet{code}
	case errors.As(err, &ee):
		return fmt.Errorf("mpirun ended by %v; finished work is journaled in %s: run 'netsweep launch' again to resume", ee.ProcessState, o.Out)
	}
	return fmt.Errorf("could not run mpirun: %w", err)
}
