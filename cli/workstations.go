package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/spec"
)

// Files in a host's deploy directory.
const (
	deployedBinary = "netsweep-mpi"
	deployedSpec   = "spec.toml"
)

// workstation is one host of a network of workstations: where ssh reaches
// it and where its deployed copies live.
type workstation struct {
	cluster.Host
	Target remote.Target // USER@HOST:PORT for ssh
	Dir    string        // the deploy directory on the host
	Binary string        // Dir/netsweep-mpi
	Spec   string        // Dir/spec.toml
}

// sshFlags are the ssh options shared by deploy and launch.
type sshFlags struct {
	Key        string // private key file; "" = ssh-agent (deploy) or ssh's defaults (launch)
	KnownHosts string // known_hosts file; "" = ~/.ssh/known_hosts
	Hosts      string // NAME[:SLOTS],... overriding [cluster] hosts
}

func (f *sshFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.Key, "key", "", "ssh private key file (default: ssh-agent, or ssh's own defaults)")
	fs.StringVar(&f.KnownHosts, "known-hosts", "", "known_hosts file (default ~/.ssh/known_hosts)")
	fs.StringVar(&f.Hosts, "hosts", "", "NAME[:SLOTS],... instead of the spec's [cluster] hosts")
}

// knownHostsPath returns the known_hosts file as an absolute path.
func (f *sshFlags) knownHostsPath() (string, error) {
	if f.KnownHosts != "" {
		return filepath.Abs(f.KnownHosts)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("could not find ~/.ssh/known_hosts: %w; give --known-hosts", err)
	}
	return filepath.Join(home, ".ssh", "known_hosts"), nil
}

// loadWorkstations reads the spec and resolves its workstations: the
// --hosts override or [cluster] hosts/hostfile, each with its ssh target
// and deploy paths.
func loadWorkstations(specPath string, f sshFlags) (*spec.Spec, []workstation, error) {
	s, err := spec.Load(specPath)
	if err != nil {
		return nil, nil, err
	}
	c := s.Cluster.Workstations
	var hosts []cluster.Host
	if f.Hosts != "" {
		for _, e := range strings.Split(f.Hosts, ",") {
			h, err := cluster.ParseHost(strings.TrimSpace(e))
			if err != nil {
				return nil, nil, usagef("--hosts %s: %v", f.Hosts, err)
			}
			hosts = append(hosts, h)
		}
	} else {
		if !c.Enabled() {
			return nil, nil, usagef("%s: no workstations: add hosts = [\"NAME:SLOTS\", ...] (or hostfile) to its [cluster] table, or give --hosts", specPath)
		}
		if hosts, err = c.HostList(filepath.Dir(specPath)); err != nil {
			return nil, nil, err
		}
	}
	user := c.SSHUser
	if user == "" {
		if user, err = remote.DefaultUser(); err != nil {
			return nil, nil, err
		}
	}
	ws := make([]workstation, len(hosts))
	seen := map[string]bool{}
	for i, h := range hosts {
		if seen[h.Name] {
			return nil, nil, usagef("host %s is listed twice; give it more slots instead", h.Name)
		}
		seen[h.Name] = true
		dir := c.DeployPath(h, user, s.Name)
		ws[i] = workstation{
			Host:   h,
			Target: remote.Target{User: user, Host: h.Name, Port: c.Port()},
			Dir:    dir,
			Binary: path.Join(dir, deployedBinary),
			Spec:   path.Join(dir, deployedSpec),
		}
	}
	return s, ws, nil
}

// splitDashDash splits args at the first "--": the flags of this command,
// and the arguments after it.
func splitDashDash(args []string) (own, rest []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
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
