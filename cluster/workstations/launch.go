package workstations

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/internal/shell"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/spec"
)

// Files PrepareLaunch writes in the campaign directory.
const (
	HostfileFile = "hosts"
	WrapperFile  = "ssh-wrapper"
)

// LaunchOptions say how to launch a deployed campaign.
type LaunchOptions struct {
	Hosts      []Host        // the workstations, rank 0 on the first
	NP         int           // ranks; 0 = every slot
	Out        string        // campaign directory on rank 0's host; also holds the hostfile and ssh wrapper
	Key        string        // ssh private key; "" = ssh's defaults
	KnownHosts string        // known_hosts file; "" = ~/.ssh/known_hosts
	MPIRun     string        // mpirun program, found on PATH
	SSH        string        // ssh program the wrapper runs, found on PATH
	Net        string        // CIDR for Open MPI's TCP traffic; "" = Open MPI's choice
	KeepAlive  time.Duration // ssh ServerAliveInterval; a host silent for 3 of them is lost
	RunArgs    []string      // more flags for 'netsweep run' on the hosts
}

// Launch is an mpirun command ready to run: its hostfile and ssh wrapper
// are written.
type Launch struct {
	MPIRun string            // mpirun, absolute
	Args   []string          // its arguments
	Out    string            // the absolute campaign directory on rank 0's host
	Ranks  []mpirun.RankHost // the hosts with their ranks, rank 0's first
	// KillDelay is how long mpirun has to end after SIGTERM (when ctx
	// of Run ends) before it is killed.
	KillDelay time.Duration
}

// PrepareLaunch checks o, writes the hostfile and the ssh wrapper into
// o.Out and returns the mpirun command. Bad options are a
// *cluster.UsageError.
func PrepareLaunch(o LaunchOptions) (*Launch, error) {
	ranks, err := AssignRanks(o.Hosts, o.NP)
	if err != nil {
		return nil, err
	}
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return nil, err
	}
	known, err := KnownHostsPath(o.KnownHosts)
	if err != nil {
		return nil, err
	}
	if r := sshOptionProblem(known); r != "" {
		return nil, cluster.Usagef("known_hosts %s: %s", known, r)
	}
	key := o.Key
	if key != "" {
		if key, err = filepath.Abs(key); err != nil {
			return nil, err
		}
		if _, err := os.Stat(key); err != nil {
			return nil, cluster.Usagef("--key %s: %v", o.Key, err)
		}
	}
	mpirunPath, err := exec.LookPath(o.MPIRun)
	if err != nil {
		return nil, fmt.Errorf("could not find mpirun (%v): install Open MPI (Debian: apt-get install openmpi-bin) or give --mpirun PATH", err)
	}
	sshPath, err := exec.LookPath(o.SSH)
	if err != nil {
		return nil, fmt.Errorf("could not find ssh (%v): install an ssh client or give --ssh PATH", err)
	}
	if sshPath, err = filepath.Abs(sshPath); err != nil {
		return nil, err
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("could not create the output directory: %w", err)
	}
	// Open MPI splits plm_rsh_agent at spaces.
	if strings.ContainsAny(out, " \t\n") {
		return nil, cluster.Usagef("--out %s: mpirun cannot take a wrapper path with spaces; choose a directory without them", out)
	}
	hostfile := filepath.Join(out, HostfileFile)
	if err := os.WriteFile(hostfile, []byte(mpirun.Hostfile(ranks)), 0o644); err != nil {
		return nil, fmt.Errorf("could not write the hostfile: %w", err)
	}
	wrapper := filepath.Join(out, WrapperFile)
	first := o.Hosts[0].Target
	script := WrapperScript(WrapperConfig{SSH: sshPath, Key: key, KnownHosts: known, User: first.User, Port: first.Port, KeepAlive: o.KeepAlive})
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		return nil, fmt.Errorf("could not write the ssh wrapper: %w", err)
	}
	if err := os.Chmod(wrapper, 0o700); err != nil {
		return nil, err
	}

	plan := mpirun.Plan{Hostfile: hostfile, Agent: wrapper, Net: o.Net, KeepAlive: o.KeepAlive, Hosts: ranks, Out: out, RunArgs: o.RunArgs}
	if os.Getenv(spec.FaultsEnv) != "" { // a test's injected faults reach every rank
		plan.Forward = append(plan.Forward, spec.FaultsEnv)
	}
	return &Launch{MPIRun: mpirunPath, Args: mpirun.Args(plan), Out: out, Ranks: ranks, KillDelay: 30 * time.Second}, nil
}

// Hosts returns the hosts that run ranks, as NAME:RANKS.
func (l *Launch) Hosts() []string {
	var names []string
	for _, h := range l.Ranks {
		if h.Ranks > 0 {
			names = append(names, h.Name+":"+strconv.Itoa(h.Ranks))
		}
	}
	return names
}

// ExitError is mpirun's exit status when it is not 0: the campaign's
// (75: stopped early, resumable; 2: rank 0 refused the spec or the
// arguments) or mpirun's own.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("mpirun exited with status %d", e.Code) }

// Run runs mpirun, each line of its output and error prefixed with
// "mpirun: " on stdout and stderr. When ctx ends, mpirun gets SIGTERM,
// which it forwards to every rank: rank 0 stops at a chunk boundary and
// the campaign stays resumable. A non-zero exit status is an *ExitError.
func (l *Launch) Run(ctx context.Context, stdout, stderr io.Writer) error {
	pout := &prefixWriter{w: stdout, prefix: "mpirun: "}
	perr := &prefixWriter{w: stderr, prefix: "mpirun: "}
	cmd := exec.CommandContext(ctx, l.MPIRun, l.Args...)
	cmd.Stdout, cmd.Stderr = pout, perr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = l.KillDelay
	err := cmd.Run()
	pout.Flush()
	perr.Flush()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee) && ee.ExitCode() > 0:
		return &ExitError{Code: ee.ExitCode()}
	case errors.As(err, &ee):
		return fmt.Errorf("mpirun ended by %v; finished work is journaled in %s: run 'netsweep launch' again to resume", ee.ProcessState, l.Out)
	}
	return fmt.Errorf("could not run mpirun: %w", err)
}

// WrapperConfig is what the ssh wrapper passes to ssh.
type WrapperConfig struct {
	SSH        string        // ssh program, absolute
	Key        string        // -i KEY; "" = ssh's defaults
	KnownHosts string        // UserKnownHostsFile
	User       string        // -l USER
	Port       int           // -p PORT
	KeepAlive  time.Duration // ServerAliveInterval
}

// WrapperScript is the plm_rsh_agent mpirun runs as "WRAPPER [ARGS] HOST
// COMMAND": ssh in batch mode with host keys checked strictly against
// the given known_hosts only. Every value goes through shell.Join.
func WrapperScript(c WrapperConfig) string {
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

// prefixWriter writes each line it is given to w with prefix in front.
// It is safe for concurrent use; a partial last line waits for its end
// (or Flush).
type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    bytes.Buffer
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	for {
		line, err := p.buf.ReadBytes('\n')
		if err != nil { // no newline yet: keep the partial line
			p.buf.Reset()
			p.buf.Write(line)
			return len(b), nil
		}
		if _, err := fmt.Fprintf(p.w, "%s%s", p.prefix, line); err != nil {
			return len(b), err
		}
	}
}

// Flush writes a pending partial line.
func (p *prefixWriter) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buf.Len() > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf.Bytes())
		p.buf.Reset()
	}
}
