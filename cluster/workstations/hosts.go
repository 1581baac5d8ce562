package workstations

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/spec"
)

// Files in a host's deploy directory.
const (
	BinaryFile = "netsweep-mpi"
	SpecFile   = "spec.toml"
)

// Host is one workstation: where ssh reaches it and where its deployed
// copies live.
type Host struct {
	cluster.Host
	Target remote.Target // USER@HOST:PORT for ssh
	Dir    string        // the deploy directory on the host
	Binary string        // Dir/netsweep-mpi
	Spec   string        // Dir/spec.toml
}

// Load reads the spec and resolves its workstations: hosts, a
// "NAME[:SLOTS],..." list that overrides the spec's (--hosts), or else
// [cluster] hosts or hostfile, each with its ssh target and deploy paths.
// Bad hosts are a *cluster.UsageError.
func Load(specPath, hosts string) (*spec.Spec, []Host, error) {
	s, err := spec.Load(specPath)
	if err != nil {
		return nil, nil, err
	}
	c := s.Cluster.Workstations
	var list []cluster.Host
	if hosts != "" {
		for _, e := range strings.Split(hosts, ",") {
			h, err := cluster.ParseHost(strings.TrimSpace(e))
			if err != nil {
				return nil, nil, cluster.Usagef("--hosts %s: %v", hosts, err)
			}
			list = append(list, h)
		}
	} else {
		if !c.Enabled() {
			return nil, nil, cluster.Usagef("%s: no workstations: add hosts = [\"NAME:SLOTS\", ...] (or hostfile) to its [cluster] table, or give --hosts", specPath)
		}
		if list, err = c.HostList(filepath.Dir(specPath)); err != nil {
			return nil, nil, err
		}
	}
	user := c.SSHUser
	if user == "" {
		if user, err = remote.DefaultUser(); err != nil {
			return nil, nil, err
		}
	}
	ws := make([]Host, len(list))
	seen := map[string]bool{}
	for i, h := range list {
		if seen[h.Name] {
			return nil, nil, cluster.Usagef("host %s is listed twice; give it more slots instead", h.Name)
		}
		seen[h.Name] = true
		dir := c.DeployPath(h, user, s.Name)
		ws[i] = Host{
			Host:   h,
			Target: remote.Target{User: user, Host: h.Name, Port: c.Port()},
			Dir:    dir,
			Binary: path.Join(dir, BinaryFile),
			Spec:   path.Join(dir, SpecFile),
		}
	}
	return s, ws, nil
}

// KnownHostsPath returns the known_hosts file, file or else
// ~/.ssh/known_hosts, as an absolute path.
func KnownHostsPath(file string) (string, error) {
	if file != "" {
		return filepath.Abs(file)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("could not find ~/.ssh/known_hosts: %w; give --known-hosts", err)
	}
	return filepath.Join(home, ".ssh", "known_hosts"), nil
}

// AssignRanks gives np ranks to the workstations in order, filling each
// one's slots before the next; np = 0 fills every slot.
func AssignRanks(ws []Host, np int) ([]mpirun.RankHost, error) {
	slots := make([]int, len(ws))
	for i, w := range ws {
		slots[i] = w.Slots
	}
	ranks, err := mpirun.AssignRanks(slots, np)
	if err != nil {
		return nil, cluster.Usagef("%v", err)
	}
	rh := make([]mpirun.RankHost, len(ws))
	for i, w := range ws {
		rh[i] = mpirun.RankHost{Name: w.Name, Ranks: ranks[i], Binary: w.Binary, Spec: w.Spec}
	}
	return rh, nil
}

// ValidCIDR reports whether s looks like an IPv4 CIDR: Open MPI reads it,
// and it reaches no shell.
func ValidCIDR(s string) bool {
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
