package cluster

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Workstations are the [cluster] keys of a network of workstations: a
// table with hosts (or a hostfile) instead of a scheduler's partition:
//
//	[cluster]
//	hosts = ["tom:2", "dick:2", "harry:2"]
//	deploy_dir = "/tmp/netsweep-{user}/sir"   # optional
//
// 'netsweep deploy' copies bin/netsweep-mpi and the spec to deploy_dir on
// every host over ssh; 'netsweep launch' starts the campaign there with
// mpirun, rank 0 on the first host. Batch schedulers ignore these keys.
type Workstations struct {
	Hosts     []string `toml:"hosts"`      // "NAME[:SLOTS]", rank 0 on the first; SLOTS defaults to 1
	Hostfile  string   `toml:"hostfile"`   // a file of "NAME [slots=N]" lines, relative to the spec's directory; instead of hosts
	DeployDir string   `toml:"deploy_dir"` // absolute remote directory for the binary and spec; {host} and {user} are replaced (default DefaultDeployDir)
	SharedFS  bool     `toml:"shared_fs"`  // the hosts share deploy_dir's file system: deploy writes each distinct directory once, through its first host
	SSHUser   string   `toml:"ssh_user"`   // login name on every host (default: the local user)
	SSHPort   int      `toml:"ssh_port"`   // sshd's port on every host (default 22)
}

// Host is one workstation: its name (or address) and how many ranks it
// runs.
type Host struct {
	Name  string // host name or IPv4 address, as ssh and mpirun reach it
	Slots int    // ranks on this host, ≥ 1
}

func (h Host) String() string { return h.Name + ":" + strconv.Itoa(h.Slots) }

// DefaultDeployDir is deploy_dir when the spec sets none. {name} is the
// spec's name; {user} the ssh login name.
const DefaultDeployDir = "/tmp/netsweep-{user}/{name}"

// DefaultSSHPort is ssh_port when the spec sets none.
const DefaultSSHPort = 22

// maxSlots bounds SLOTS, to catch typos like "tom:20000".
const maxSlots = 4096

// hostNameRE: letters, digits, '.' and '-', starting with a letter or
// digit; an IPv4 address matches too. No user@ or :port: those are
// ssh_user and ssh_port.
var hostNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$`)

// ParseHost reads a hosts entry, "NAME" or "NAME:SLOTS".
func ParseHost(s string) (Host, error) {
	name, slots, hasSlots := strings.Cut(s, ":")
	h := Host{Name: name, Slots: 1}
	if !hostNameRE.MatchString(name) {
		return Host{}, fmt.Errorf("cluster: bad host %q: want NAME[:SLOTS], the name made of letters, digits, '.' and '-' (set the login with ssh_user and the port with ssh_port)", s)
	}
	if hasSlots {
		n, ok := atoi(slots)
		if !ok || n < 1 || n > maxSlots {
			return Host{}, fmt.Errorf("cluster: bad host %q: SLOTS must be a whole number from 1 to %d", s, maxSlots)
		}
		h.Slots = int(n)
	}
	return h, nil
}

// ParseHostfile reads an Open MPI-style hostfile: one host a line, "NAME"
// or "NAME slots=N" (also "NAME:N"); '#' starts a comment; blank lines are
// skipped. A host may appear only once.
func ParseHostfile(r io.Reader) ([]Host, error) {
	var hosts []Host
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		entry := f[0]
		for _, kv := range f[1:] {
			k, v, _ := strings.Cut(kv, "=")
			if k != "slots" || strings.Contains(entry, ":") {
				return nil, fmt.Errorf("cluster: bad hostfile line %d: %q: want NAME or NAME slots=N", n, strings.TrimSpace(line))
			}
			entry += ":" + v
		}
		h, err := ParseHost(entry)
		if err != nil {
			return nil, fmt.Errorf("cluster: bad hostfile line %d: %w", n, err)
		}
		if prev, ok := seen[h.Name]; ok {
			return nil, fmt.Errorf("cluster: bad hostfile line %d: host %s already on line %d", n, h.Name, prev)
		}
		seen[h.Name] = n
		hosts = append(hosts, h)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cluster: could not read the hostfile: %w", err)
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("cluster: the hostfile lists no hosts")
	}
	return hosts, nil
}

// Enabled reports whether c describes a network of workstations (hosts
// or hostfile set).
func (c *Workstations) Enabled() bool { return len(c.Hosts) > 0 || c.Hostfile != "" }

// HostList returns the workstations: hosts, or the hostfile's lines, read
// relative to specDir (the directory of the spec).
func (c *Workstations) HostList(specDir string) ([]Host, error) {
	if c.Hostfile == "" {
		if len(c.Hosts) == 0 {
			return nil, fmt.Errorf("cluster: no workstations: set [cluster] hosts or hostfile")
		}
		hosts := make([]Host, len(c.Hosts))
		for i, s := range c.Hosts {
			h, err := ParseHost(s)
			if err != nil {
				return nil, err
			}
			hosts[i] = h
		}
		return hosts, nil
	}
	p := c.Hostfile
	if !filepath.IsAbs(p) {
		p = filepath.Join(specDir, p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cluster: could not open the hostfile: %w", err)
	}
	defer f.Close()
	hosts, err := ParseHostfile(f)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, p)
	}
	return hosts, nil
}

// DeployPath returns the deploy directory on host h for login user of
// the campaign called name: deploy_dir (or DefaultDeployDir) with {host},
// {user} and {name} replaced.
func (c *Workstations) DeployPath(h Host, user, name string) string {
	d := c.DeployDir
	if d == "" {
		d = DefaultDeployDir
	}
	return path.Clean(strings.NewReplacer("{host}", h.Name, "{user}", user, "{name}", name).Replace(d))
}

// Port returns ssh_port with its default applied.
func (c *Workstations) Port() int {
	if c.SSHPort == 0 {
		return DefaultSSHPort
	}
	return c.SSHPort
}

// Validate checks the workstation keys.
func (c *Workstations) Validate() []*FieldError {
	var errs []*FieldError
	bad := func(key string, v any, format string, args ...any) {
		errs = append(errs, Bad(key, v, format, args...))
	}
	seen := map[string]int{}
	for i, s := range c.Hosts {
		key := fmt.Sprintf("hosts[%d]", i)
		h, err := ParseHost(s)
		if err != nil {
			bad(key, s, `want "NAME" or "NAME:SLOTS": a name of letters, digits, '.' and '-', and 1 ≤ SLOTS ≤ %d (set the login with ssh_user and the port with ssh_port)`, maxSlots)
			continue
		}
		if j, ok := seen[h.Name]; ok {
			bad(key, s, "host %s is already hosts[%d]; give it more slots instead", h.Name, j)
		}
		seen[h.Name] = i
	}
	switch r := TextProblem(c.Hostfile); {
	case r != "":
		bad("hostfile", c.Hostfile, "%s", r)
	case c.Hostfile != "" && len(c.Hosts) > 0:
		bad("hostfile", c.Hostfile, "set hosts or hostfile, not both")
	}
	if c.DeployDir != "" {
		switch r := TextProblem(c.DeployDir); {
		case r != "":
			bad("deploy_dir", c.DeployDir, "%s", r)
		case !strings.HasPrefix(c.DeployDir, "/"):
			// mpirun needs the binary's absolute path on every host; a
			// path relative to the remote home has none it could know.
			bad("deploy_dir", c.DeployDir, `want an absolute path, like "/tmp/netsweep-{user}/{name}"`)
		case path.Clean(c.DeployDir) == "/":
			bad("deploy_dir", c.DeployDir, "not the root directory")
		}
		if r := placeholderProblem(c.DeployDir); r != "" {
			bad("deploy_dir", c.DeployDir, "%s", r)
		}
	}
	if c.SSHUser != "" && (!userRE.MatchString(c.SSHUser)) {
		bad("ssh_user", c.SSHUser, "want a login name of letters, digits and -_.")
	}
	if c.SSHPort < 0 || c.SSHPort > 65535 {
		bad("ssh_port", c.SSHPort, "want a TCP port, 1 to 65535 (0 = 22)")
	}
	if !c.Enabled() && (c.DeployDir != "" || c.SharedFS || c.SSHUser != "" || c.SSHPort != 0) {
		bad("hosts", c.Hosts, "deploy_dir, shared_fs, ssh_user and ssh_port need hosts or a hostfile")
	}
	return errs
}

var userRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$`)

// placeholderProblem refuses braces other than {host}, {user}, {name}.
func placeholderProblem(s string) string {
	rest := strings.NewReplacer("{host}", "", "{user}", "", "{name}", "").Replace(s)
	if strings.ContainsAny(rest, "{}") {
		return "the only placeholders are {host}, {user} and {name}"
	}
	return ""
}
