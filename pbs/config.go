package pbs

import (
	"regexp"
	"time"

	"github.com/netsweep/netsweep/cluster"
)

// Options are PBS's own keys of the spec's [cluster] table; the keys
// every backend reads are cluster.Config's. Zero values mean "not set".
type Options struct {
	Flavour  string `toml:"flavour"`   // "pbspro" (default: PBS Professional, OpenPBS) or "torque"
	Queue    string `toml:"queue"`     // -q
	Account  string `toml:"account"`   // -A
	StopLead int    `toml:"stop_lead"` // seconds before the walltime that the run's --deadline falls; 0 = default, see Lead
}

// Flavours of PBS.
const (
	PBSPro = "pbspro"
	Torque = "torque"
)

// DefaultStopLead is the seconds between the run's deadline and the
// walltime when stop_lead is not set; see Options.Lead for short limits.
const DefaultStopLead = 120

// OptionsOf returns the PBS options of c: c.Options, or the zero Options
// when c holds none (or another backend's).
func OptionsOf(c *cluster.Config) *Options {
	if o, ok := c.Options.(*Options); ok && o != nil {
		return o
	}
	return &Options{}
}

// FlavourName returns the flavour with its default applied.
func (o *Options) FlavourName() string {
	if o.Flavour == "" {
		return PBSPro
	}
	return o.Flavour
}

// Lead returns the seconds before the walltime timeLimit (a valid
// [cluster] time) at which the run's deadline falls: StopLead when set,
// else DefaultStopLead, or half the limit when the limit is shorter than
// twice the default.
func (o *Options) Lead(timeLimit string) int {
	if o.StopLead > 0 {
		return o.StopLead
	}
	d, err := cluster.ParseTime(timeLimit)
	if err != nil {
		return DefaultStopLead
	}
	if lim := int(d / time.Second); lim < 2*DefaultStopLead {
		return lim / 2
	}
	return DefaultStopLead
}

// Names of queues, accounts and the job name: PBS object names, which
// need no quoting.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.+-]+$`)

// Validate checks the PBS keys, with the rest of the table in c, and
// returns one error per bad value.
func (o *Options) Validate(c *cluster.Config) []*cluster.FieldError {
	var errs []*cluster.FieldError
	bad := func(key string, v any, format string, args ...any) {
		errs = append(errs, cluster.Bad(key, v, format, args...))
	}
	switch o.Flavour {
	case "", PBSPro, Torque:
	default:
		bad("flavour", o.Flavour, `want "pbspro" (PBS Professional, OpenPBS; default) or "torque"`)
	}
	for _, f := range []struct{ key, v string }{{"queue", o.Queue}, {"account", o.Account}} {
		if f.v != "" && !nameRE.MatchString(f.v) {
			bad(f.key, f.v, "may hold only letters, digits and -_.+")
		}
	}
	if o.StopLead < 0 {
		bad("stop_lead", o.StopLead, "must be ≥ 0 (0 = not set)")
	}
	if d, err := cluster.ParseTime(c.Time); err == nil && o.StopLead > 0 {
		if lim := int64(d / time.Second); int64(o.StopLead) >= lim {
			bad("stop_lead", o.StopLead, "must be less than the time limit (%d s)", lim)
		}
	}
	if c.ArrayShards == 1 && o.FlavourName() == PBSPro {
		bad("array_shards", c.ArrayShards, "PBS Professional needs at least 2 subjobs in an array (-J 1-K); use 0 for one job, or 2 or more")
	}
	return errs
}

// Resources returns the -l resource requests of a job of c, in order:
// PBS Pro's select=N:ncpus=M:mpiprocs=R[:mem=X] (a chunk per node, or per
// rank when nodes is not set), or Torque's nodes=N:ppn=M (or procs=N)
// and mem=X; then walltime. It also returns the ranks to start (0 = one
// per granted CPU slot, as the PBS node file lists them).
func Resources(c *cluster.Config, flavour string, walltime string) (res []string, ranks int) {
	cpt := max(c.CPUsPerTask, 1)
	perNode := c.NTasksPerNode
	switch {
	case c.NTasks > 0:
		ranks = c.NTasks
	case c.Nodes > 0 && perNode > 0:
		ranks = c.Nodes * perNode
	}
	if c.Nodes > 0 && perNode == 0 && ranks > 0 {
		perNode = (ranks + c.Nodes - 1) / c.Nodes
	}
	mem := Memory(c.Memory)
	if flavour == Torque {
		switch {
		case c.Nodes > 0 && perNode > 0:
			res = append(res, "nodes="+itoa(c.Nodes)+":ppn="+itoa(perNode*cpt))
		case c.Nodes > 0:
			res = append(res, "nodes="+itoa(c.Nodes))
		case ranks > 0:
			res = append(res, "procs="+itoa(ranks*cpt))
		}
		if mem != "" {
			res = append(res, "mem="+mem)
		}
	} else {
		var sel string
		switch {
		case c.Nodes > 0 && perNode > 0:
			sel = "select=" + itoa(c.Nodes) + ":ncpus=" + itoa(perNode*cpt) + ":mpiprocs=" + itoa(perNode)
		case c.Nodes > 0:
			sel = "select=" + itoa(c.Nodes)
		case ranks > 0:
			sel = "select=" + itoa(ranks) + ":ncpus=" + itoa(cpt) + ":mpiprocs=1"
		}
		if sel != "" && mem != "" {
			sel += ":mem=" + mem
		}
		if sel != "" {
			res = append(res, sel)
		}
	}
	return append(res, "walltime="+walltime), ranks
}

// Memory returns the [cluster] memory in PBS's units: "4G" is "4gb", a
// bare number (megabytes in [cluster]) "4000mb".
func Memory(m string) string {
	if m == "" {
		return ""
	}
	switch c := m[len(m)-1]; c {
	case 'K', 'k':
		return m[:len(m)-1] + "kb"
	case 'M', 'm':
		return m[:len(m)-1] + "mb"
	case 'G', 'g':
		return m[:len(m)-1] + "gb"
	case 'T', 't':
		return m[:len(m)-1] + "tb"
	}
	return m + "mb"
}
