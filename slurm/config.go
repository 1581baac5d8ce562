package slurm

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/internal/shell"
)

// Options are Slurm's own keys of the spec's [cluster] table; the keys
// every backend reads are cluster.Config's. Zero values mean "not set":
// the option is left out of the job script and Slurm's (or the
// partition's) default applies.
type Options struct {
	Partition   string   `toml:"partition"`    // --partition
	Account     string   `toml:"account"`      // --account
	QOS         string   `toml:"qos"`          // --qos
	Launcher    string   `toml:"launcher"`     // "srun" (default) or "mpirun"
	SignalLead  int      `toml:"signal_lead"`  // seconds before the time limit that USR1 arrives (0 = default, see Lead); Slurm may send it up to 30 s earlier
	SbatchExtra []string `toml:"sbatch_extra"` // extra #SBATCH options, each "--opt" or "--opt=value"
}

// Defaults of Options fields left zero.
const (
	DefaultLauncher   = "srun"
	DefaultSignalLead = 120 // seconds; see Options.Lead for short limits
)

// OptionsOf returns the Slurm options of c: c.Options, or the zero
// Options when c holds none (or another backend's).
func OptionsOf(c *cluster.Config) *Options {
	if o, ok := c.Options.(*Options); ok && o != nil {
		return o
	}
	return &Options{}
}

// LauncherName returns the launcher with its default applied.
func (o *Options) LauncherName() string {
	if o.Launcher == "" {
		return DefaultLauncher
	}
	return o.Launcher
}

// Lead returns the seconds before the time limit timeLimit (a valid
// [cluster] time) at which the job gets USR1: SignalLead when set, else
// DefaultSignalLead, or half the limit when the limit is shorter than twice
// the default.
func (o *Options) Lead(timeLimit string) int {
	if o.SignalLead > 0 {
		return o.SignalLead
	}
	d, err := cluster.ParseTime(timeLimit)
	if err != nil {
		return DefaultSignalLead
	}
	if lim := int(limitSeconds(d)); lim < 2*DefaultSignalLead {
		return lim / 2
	}
	return DefaultSignalLead
}

// limitSeconds is Slurm's time limit for d: whole minutes, rounded up.
func limitSeconds(d time.Duration) int64 {
	m := (d + time.Minute - 1) / time.Minute
	return int64(m) * 60
}

// maxSignalLead is the largest --signal time Slurm accepts (a uint16).
const maxSignalLead = 65535

// Names of partitions, accounts, QOS, and the job name.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.+-]+$`)

var optRE = regexp.MustCompile(`^--[a-z][a-z0-9-]*(=.+)?$`)

// managed are the sbatch options netsweep writes itself; sbatch_extra may
// not repeat them.
var managed = map[string]string{
	"job-name": "", "partition": "partition", "account": "account", "qos": "qos",
	"nodes": "nodes", "ntasks": "ntasks", "ntasks-per-node": "ntasks_per_node",
	"cpus-per-task": "cpus_per_task", "mem": "memory", "time": "time",
	"signal": "signal_lead", "array": "array_shards", "output": "", "error": "",
	"export": "env", "wrap": "", "parsable": "", "chdir": "workdir",
}

// managedShort maps sbatch's one-letter forms of the managed options to
// their long names.
var managedShort = map[byte]string{
	'J': "job-name", 'p': "partition", 'A': "account", 'q': "qos",
	'N': "nodes", 'n': "ntasks", 'c': "cpus-per-task", 't': "time",
	'a': "array", 'o': "output", 'e': "error", 'D': "chdir",
}

// managedOption returns the managed long option that x ("--opt[=v]" or
// "-X...") would set in sbatch, which takes any unique prefix of a long
// option and one-letter forms, or "" if it sets none. A prefix of several
// options (which sbatch refuses as ambiguous) names the first managed one
// in alphabetical order.
func managedOption(x string) string {
	if len(x) >= 2 && x[0] == '-' && x[1] != '-' {
		return managedShort[x[1]]
	}
	opt, _, _ := strings.Cut(strings.TrimPrefix(x, "--"), "=")
	if opt == "" {
		return ""
	}
	if _, ok := managed[opt]; ok {
		return opt
	}
	first := ""
	for m := range managed {
		if strings.HasPrefix(m, opt) && (first == "" || m < first) {
			first = m
		}
	}
	return first
}

// Validate checks the Slurm keys, with c's time limit, and returns one
// error per bad value. Values that reach #SBATCH lines (names,
// sbatch_extra) are restricted to characters that need no quoting in
// either sbatch's directive parser or the shell (letters, digits and
// -_./:,+@%=).
func (o *Options) Validate(c *cluster.Config) []*cluster.FieldError {
	var errs []*cluster.FieldError
	bad := func(key string, v any, format string, args ...any) {
		errs = append(errs, cluster.Bad(key, v, format, args...))
	}
	name := func(key, v string) {
		if v != "" && !nameRE.MatchString(v) {
			bad(key, v, "may hold only letters, digits and -_.+")
		}
	}
	name("partition", o.Partition)
	name("account", o.Account)
	name("qos", o.QOS)
	if o.SignalLead < 0 {
		bad("signal_lead", o.SignalLead, "must be ≥ 0 (0 = not set)")
	}
	if d, err := cluster.ParseTime(c.Time); err == nil {
		lim := limitSeconds(d)
		if o.SignalLead > 0 && int64(o.SignalLead) >= lim {
			bad("signal_lead", o.SignalLead, "must be less than the time limit (%d s)", lim)
		}
		if o.SignalLead > maxSignalLead {
			bad("signal_lead", o.SignalLead, "must be at most %d s", maxSignalLead)
		}
	}
	// The script passes these as arguments, where a leading '-' would
	// read as an option.
	if strings.HasPrefix(c.Binary, "-") {
		bad("binary", c.Binary, "may not start with '-'; write ./%s", c.Binary)
	}
	for i, m := range c.Modules {
		if strings.HasPrefix(m, "-") {
			bad(fmt.Sprintf("modules[%d]", i), m, "may not start with '-'")
		}
	}
	switch o.Launcher {
	case "", "srun", "mpirun":
	default:
		bad("launcher", o.Launcher, `want "srun" or "mpirun"`)
	}
	for i, x := range o.SbatchExtra {
		key := fmt.Sprintf("sbatch_extra[%d]", i)
		if opt := managedOption(x); opt != "" {
			if k := managed[opt]; k != "" {
				bad(key, x, "--%s is set by netsweep; use the [cluster] key %q", opt, k)
			} else {
				bad(key, x, "--%s is set by netsweep", opt)
			}
			continue
		}
		if !optRE.MatchString(x) {
			bad(key, x, `want "--option" or "--option=value"`)
			continue
		}
		_, val, _ := strings.Cut(x[2:], "=")
		if val != "" && !shell.IsBare(val) {
			bad(key, x, "the value may hold only letters, digits and -_./:,+@%%=")
		}
	}
	return errs
}

// DirProblem returns why dir cannot be the campaign directory of a Slurm
// job, "" when it can: Slurm reads '%' in the --output pattern made from
// it. The spec's [output] dir is checked with it when the spec is loaded.
func (o *Options) DirProblem(dir string) string {
	if strings.Contains(dir, "%") {
		return "may not hold '%': Slurm reads it in --output patterns"
	}
	return ""
}
