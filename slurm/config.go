package slurm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/netsweep/netsweep/internal/shell"
)

// Config is the spec's [cluster] table: where and how a campaign runs on a
// Slurm cluster. Zero values mean "not set": the option is left out of the
// job script and Slurm's (or the partition's) default applies.
type Config struct {
	Partition     string            `toml:"partition"`       // --partition
	Account       string            `toml:"account"`         // --account
	QOS           string            `toml:"qos"`             // --qos
	Nodes         int               `toml:"nodes"`           // --nodes
	NTasks        int               `toml:"ntasks"`          // --ntasks
	NTasksPerNode int               `toml:"ntasks_per_node"` // --ntasks-per-node
	CPUsPerTask   int               `toml:"cpus_per_task"`   // --cpus-per-task
	Memory        string            `toml:"memory"`          // --mem per node, e.g. "4G" (units K, M, G, T; none = megabytes)
	Time          string            `toml:"time"`            // --time, required: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS
	Modules       []string          `toml:"modules"`         // loaded with `module load`, in order
	Env           map[string]string `toml:"env"`             // exported before the launch, sorted by name
	Launcher      string            `toml:"launcher"`        // "srun" (default) or "mpirun"
	Binary        string            `toml:"binary"`          // netsweep-mpi on the cluster (default "netsweep-mpi", found on PATH)
	Workdir       string            `toml:"workdir"`         // the job cds here before launching ("" = the submit directory)
	MaxResubmits  int               `toml:"max_resubmits"`   // resubmissions after a resumable stop (status 75); 0 = none
	SignalLead    int               `toml:"signal_lead"`     // seconds before the time limit that USR1 arrives (0 = default, see Lead); Slurm may send it up to 30 s earlier
	ArrayShards   int               `toml:"array_shards"`    // K > 0: a job array of K shards; 0 = one job
	SbatchExtra   []string          `toml:"sbatch_extra"`    // extra #SBATCH options, each "--opt" or "--opt=value"

	// A network of workstations (see hosts.go): 'netsweep deploy' and
	// 'netsweep launch' use these; Slurm ignores them.
	Hosts     []string `toml:"hosts"`      // "NAME[:SLOTS]", rank 0 on the first; SLOTS defaults to 1
	Hostfile  string   `toml:"hostfile"`   // a file of "NAME [slots=N]" lines, relative to the spec's directory; instead of hosts
	DeployDir string   `toml:"deploy_dir"` // absolute remote directory for the binary and spec; {host} and {user} are replaced (default DefaultDeployDir)
	SharedFS  bool     `toml:"shared_fs"`  // the hosts share deploy_dir's file system: deploy writes each distinct directory once, through its first host
	SSHUser   string   `toml:"ssh_user"`   // login name on every host (default: the local user)
	SSHPort   int      `toml:"ssh_port"`   // sshd's port on every host (default 22)
}

// Defaults of Config fields left zero.
const (
	DefaultLauncher   = "srun"
	DefaultBinary     = "netsweep-mpi"
	DefaultSignalLead = 120 // seconds; see Config.Lead for short limits
)

// FieldError is one bad value in a Config. Key names the TOML key as it
// appears inside [cluster] ("time", "modules[1]", "env.PATH"); the caller
// adds "cluster." and the file position.
type FieldError struct {
	Key    string
	Value  any
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("slurm: bad value: %s=%s: %s", e.Key, fmtValue(e.Value), e.Reason)
}

func fmtValue(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// LauncherName returns the launcher with its default applied.
func (c *Config) LauncherName() string {
	if c.Launcher == "" {
		return DefaultLauncher
	}
	return c.Launcher
}

// BinaryPath returns the binary with its default applied.
func (c *Config) BinaryPath() string {
	if c.Binary == "" {
		return DefaultBinary
	}
	return c.Binary
}

// Lead returns the seconds before the time limit at which the job gets
// USR1: SignalLead when set, else DefaultSignalLead, or half the limit when
// the limit is shorter than twice the default. It assumes Time is valid.
func (c *Config) Lead() int {
	if c.SignalLead > 0 {
		return c.SignalLead
	}
	d, err := ParseTime(c.Time)
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

var (
	memoryRE = regexp.MustCompile(`^[0-9]{1,12}[KMGTkmgt]?$`)
	envRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	optRE    = regexp.MustCompile(`^--[a-z][a-z0-9-]*(=.+)?$`)
)

// managed are the sbatch options netsweep writes itself; sbatch_extra may
// not repeat them.
var managed = map[string]string{
	"job-name": "", "partition": "partition", "account": "account", "qos": "qos",
	"nodes": "nodes", "ntasks": "ntasks", "ntasks-per-node": "ntasks_per_node",
	"cpus-per-task": "cpus_per_task", "mem": "memory", "time": "time",
	"signal": "signal_lead", "array": "array_shards", "output": "", "error": "",
	"export": "env", "wrap": "", "parsable": "", "chdir": "workdir",
}

// Validate checks every field and returns one error per bad value, nil when
// the Config is usable. Values that reach #SBATCH lines (names, memory,
// time, sbatch_extra) are restricted to characters that need no quoting in
// either sbatch's directive parser or the shell (letters, digits and
// -_./:,+@%=); module names may not hold whitespace or shell
// metacharacters; paths and env values are free text without control
// characters (no newline, no NUL).
func (c *Config) Validate() []*FieldError {
	var errs []*FieldError
	bad := func(key string, v any, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Value: v, Reason: fmt.Sprintf(format, args...)})
	}
	name := func(key, v string) {
		if v != "" && !nameRE.MatchString(v) {
			bad(key, v, "may hold only letters, digits and -_.+")
		}
	}
	name("partition", c.Partition)
	name("account", c.Account)
	name("qos", c.QOS)
	for _, f := range []struct {
		key string
		v   int
	}{
		{"nodes", c.Nodes}, {"ntasks", c.NTasks}, {"ntasks_per_node", c.NTasksPerNode},
		{"cpus_per_task", c.CPUsPerTask}, {"max_resubmits", c.MaxResubmits},
		{"signal_lead", c.SignalLead}, {"array_shards", c.ArrayShards},
	} {
		if f.v < 0 {
			bad(f.key, f.v, "must be ≥ 0 (0 = not set)")
		}
	}
	if c.Memory != "" && !memoryRE.MatchString(c.Memory) {
		bad("memory", c.Memory, `want a number with an optional unit K, M, G or T, like "4G"`)
	}

	switch d, err := ParseTime(c.Time); {
	case c.Time == "" && c.Workstations():
		// No Slurm job: ValidateJob requires a time limit where one is.
	case c.Time == "":
		bad("time", c.Time, `required: the job's wall-clock limit, like "2:00:00" or "1-00:00:00"`)
	case err != nil:
		bad("time", c.Time, "%v", err)
	default:
		lim := limitSeconds(d)
		if c.SignalLead > 0 && int64(c.SignalLead) >= lim {
			bad("signal_lead", c.SignalLead, "must be less than the time limit (%d s)", lim)
		}
		if c.SignalLead > maxSignalLead {
			bad("signal_lead", c.SignalLead, "must be at most %d s", maxSignalLead)
		}
	}

	for i, m := range c.Modules {
		key := fmt.Sprintf("modules[%d]", i)
		if m == "" {
			bad(key, m, "empty module name")
		} else if r := wordProblem(m); r != "" {
			bad(key, m, "%s", r)
		}
	}
	for k, v := range c.Env {
		key := "env." + k
		switch {
		case !envRE.MatchString(k):
			bad(key, v, "the name must be an identifier (letters, digits, _; not starting with a digit)")
		case strings.HasPrefix(k, "SLURM_") || strings.HasPrefix(k, "SBATCH_") || strings.HasPrefix(k, "NETSWEEP_"):
			bad(key, v, "names starting with SLURM_, SBATCH_ or NETSWEEP_ are reserved")
		}
		if r := textProblem(v); r != "" {
			bad(key, v, "%s", r)
		}
	}
	switch c.Launcher {
	case "", "srun", "mpirun":
	default:
		bad("launcher", c.Launcher, `want "srun" or "mpirun"`)
	}
	if r := textProblem(c.Binary); r != "" {
		bad("binary", c.Binary, "%s", r)
	}
	if r := textProblem(c.Workdir); r != "" {
		bad("workdir", c.Workdir, "%s", r)
	}
	for i, o := range c.SbatchExtra {
		key := fmt.Sprintf("sbatch_extra[%d]", i)
		if !optRE.MatchString(o) {
			bad(key, o, `want "--option" or "--option=value"`)
			continue
		}
		opt, val, _ := strings.Cut(o[2:], "=")
		if k, ok := managed[opt]; ok {
			if k != "" {
				bad(key, o, "--%s is set by netsweep; use the [cluster] key %q", opt, k)
			} else {
				bad(key, o, "--%s is set by netsweep", opt)
			}
			continue
		}
		if val != "" && !shell.IsBare(val) {
			bad(key, o, "the value may hold only letters, digits and -_./:,+@%%=")
		}
	}
	return append(errs, c.validateHosts()...)
}

// textProblem returns why s cannot be a free-text value ("" when it can):
// it must be valid UTF-8 without control characters (tab allowed).
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	for _, r := range s {
		switch {
		case r == 0:
			return "holds a NUL byte"
		case r == '\n' || r == '\r':
			return "holds a line break"
		case r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Sprintf("holds the control character %U", r)
		}
	}
	return ""
}

// wordProblem returns why s cannot be a plain word such as a module name
// ("" when it can): free text without whitespace or shell metacharacters.
func wordProblem(s string) string {
	if r := textProblem(s); r != "" {
		return r
	}
	if i := strings.IndexAny(s, " \t`$&|;<>()\\\"'*?[]{}~!#"); i >= 0 {
		return fmt.Sprintf("holds %q: no whitespace or shell metacharacters", s[i])
	}
	return ""
}

// ParseTime parses a Slurm time limit: "MM", "MM:SS", "HH:MM:SS", "D-HH",
// "D-HH:MM" or "D-HH:MM:SS". The leading field may be any size; the ones
// after it are bounded (minutes and seconds < 60, hours < 24 after a day
// count). "INFINITE" and "UNLIMITED" are refused: netsweep needs a finite
// limit to plan its stop. Slurm keeps limits in whole minutes, rounding
// seconds up; ParseTime returns the duration as written.
func ParseTime(s string) (time.Duration, error) {
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("slurm: bad time limit %q: %s", s, why)
	}
	if s == "" {
		return bad("empty")
	}
	days, rest, hasDays := strings.Cut(s, "-")
	var d int64
	if hasDays {
		n, ok := atoi(days)
		if !ok {
			return bad("want a day count before '-'")
		}
		d = n
	} else {
		rest = s
	}
	parts := strings.Split(rest, ":")
	nums := make([]int64, len(parts))
	for i, p := range parts {
		n, ok := atoi(p)
		if !ok {
			return bad("want numbers separated by ':' (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS)")
		}
		nums[i] = n
	}
	var h, m, sec int64
	switch {
	case hasDays && len(nums) == 1:
		h = nums[0]
	case hasDays && len(nums) == 2:
		h, m = nums[0], nums[1]
	case hasDays && len(nums) == 3:
		h, m, sec = nums[0], nums[1], nums[2]
	case len(nums) == 1:
		m = nums[0]
	case len(nums) == 2:
		m, sec = nums[0], nums[1]
	case len(nums) == 3:
		h, m, sec = nums[0], nums[1], nums[2]
	default:
		return bad("too many ':' fields")
	}
	minutesLead := !hasDays && len(nums) <= 2 // MM or MM:SS
	switch {
	case hasDays && h >= 24:
		return bad("hours must be < 24 after a day count")
	case !minutesLead && m >= 60:
		return bad("minutes must be < 60")
	case sec >= 60:
		return bad("seconds must be < 60")
	}
	total := ((d*24+h)*60+m)*60 + sec
	if total <= 0 {
		return bad("must be positive")
	}
	if total > maxLimit {
		return bad("longer than 100 years")
	}
	return time.Duration(total) * time.Second, nil
}

const maxLimit = 100 * 365 * 24 * 3600

// atoi parses a non-empty run of at most 9 ASCII digits.
func atoi(s string) (int64, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

// FormatTime writes d as a Slurm time limit, D-HH:MM:SS or HH:MM:SS.
func FormatTime(d time.Duration) string {
	s := int64(d / time.Second)
	days, s := s/86400, s%86400
	hms := fmt.Sprintf("%02d:%02d:%02d", s/3600, s%3600/60, s%60)
	if days > 0 {
		return fmt.Sprintf("%d-%s", days, hms)
	}
	return hms
}
