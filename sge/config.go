package sge

import (
	"regexp"
	"time"

	"github.com/netsweep/netsweep/cluster"
)

// Options are Grid Engine's own keys of the spec's [cluster] table; the
// keys every backend reads are cluster.Config's. Zero values mean "not
// set": the option is left out of the job script and the cluster's
// default applies.
type Options struct {
	PE         string `toml:"pe"`          // parallel environment of -pe PE SLOTS (SLOTS from ntasks); "" = DefaultPE when more than one slot
	Queue      string `toml:"queue"`       // -q
	Project    string `toml:"project"`     // -P
	SignalLead int    `toml:"signal_lead"` // seconds between the soft limit (-l s_rt, SIGUSR1) and the hard one (-l h_rt); 0 = default, see Lead
}

// DefaultPE is the parallel environment of a job of more than one slot
// when pe is not set: the name that Debian's packages, the Rocks SGE roll
// and most sites give their MPI environment (qconf -spl lists a
// cluster's).
const DefaultPE = "mpi"

// PEName returns the parallel environment of a job of slots slots: PE,
// DefaultPE when that is not set and slots > 1, or "" (no -pe) for one
// slot.
func (o *Options) PEName(slots int) string {
	switch {
	case o.PE != "":
		return o.PE
	case slots > 1:
		return DefaultPE
	}
	return ""
}

// DefaultSignalLead is the seconds between the soft and the hard limit
// when signal_lead is not set; see Options.Lead for short limits.
const DefaultSignalLead = 120

// OptionsOf returns the Grid Engine options of c: c.Options, or the zero
// Options when c holds none (or another backend's).
// A backend that runs Grid Engine with keys of its own (rocks) offers
// them through SGEOptions.
func OptionsOf(c *cluster.Config) *Options {
	switch o := c.Options.(type) {
	case *Options:
		if o != nil {
			return o
		}
	case interface{ SGEOptions() *Options }:
		return o.SGEOptions()
	}
	return &Options{}
}

// Lead returns the seconds before the hard limit timeLimit (a valid
// [cluster] time) at which the soft limit sends SIGUSR1: SignalLead when
// set, else DefaultSignalLead, or half the limit when the limit is shorter
// than twice the default.
func (o *Options) Lead(timeLimit string) int {
	if o.SignalLead > 0 {
		return o.SignalLead
	}
	d, err := cluster.ParseTime(timeLimit)
	if err != nil {
		return DefaultSignalLead
	}
	if lim := int(d / time.Second); lim < 2*DefaultSignalLead {
		return lim / 2
	}
	return DefaultSignalLead
}

// Names of parallel environments, queues, projects and the job name:
// Grid Engine's object names, which need no quoting.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.+-]+$`)

// Validate checks the Grid Engine keys, with the rest of the table in c,
// and returns one error per bad value. Values that reach #$ lines are
// restricted to characters that need no quoting in qsub's directive parser
// or the shell.
func (o *Options) Validate(c *cluster.Config) []*cluster.FieldError {
	var errs []*cluster.FieldError
	bad := func(key string, v any, format string, args ...any) {
		errs = append(errs, cluster.Bad(key, v, format, args...))
	}
	for _, f := range []struct{ key, v string }{{"pe", o.PE}, {"queue", o.Queue}, {"project", o.Project}} {
		if f.v != "" && !nameRE.MatchString(f.v) {
			bad(f.key, f.v, "may hold only letters, digits and -_.+")
		}
	}
	if o.SignalLead < 0 {
		bad("signal_lead", o.SignalLead, "must be ≥ 0 (0 = not set)")
	}
	if d, err := cluster.ParseTime(c.Time); err == nil && o.SignalLead > 0 {
		if lim := int64(d / time.Second); int64(o.SignalLead) >= lim {
			bad("signal_lead", o.SignalLead, "must be less than the time limit (%d s)", lim)
		}
	}
	return errs
}

// Ranks returns the MPI ranks a job of c runs: ntasks, or nodes ×
// ntasks_per_node; 0 when neither is set (one rank per slot granted).
func Ranks(c *cluster.Config) int {
	switch {
	case c.NTasks > 0:
		return c.NTasks
	case c.Nodes > 0 && c.NTasksPerNode > 0:
		return c.Nodes * c.NTasksPerNode
	}
	return 0
}

// Slots returns the Grid Engine slots a job of c asks for: its ranks times
// cpus_per_task; 0 when Ranks is 0 (one slot).
func Slots(c *cluster.Config) int {
	return Ranks(c) * max(c.CPUsPerTask, 1)
}
