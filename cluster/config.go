package cluster

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Config is the spec's [cluster] table: the keys every backend reads, the
// workstation keys, and the chosen scheduler's own keys. Zero values mean
// "not set": the option is left out of the job script and the scheduler's
// (or the partition's) default applies.
type Config struct {
	Scheduler     string            `toml:"scheduler"`       // the backend that runs the jobs (default DefaultScheduler); see Names
	Nodes         int               `toml:"nodes"`           // nodes to allocate
	NTasks        int               `toml:"ntasks"`          // ranks (tasks) to run
	NTasksPerNode int               `toml:"ntasks_per_node"` // ranks per node
	CPUsPerTask   int               `toml:"cpus_per_task"`   // CPUs per rank
	Memory        string            `toml:"memory"`          // memory per node, e.g. "4G" (units K, M, G, T; none = megabytes)
	Time          string            `toml:"time"`            // wall-clock limit, required for a batch job: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS
	Modules       []string          `toml:"modules"`         // loaded with `module load`, in order
	Env           map[string]string `toml:"env"`             // exported before the launch, sorted by name
	Binary        string            `toml:"binary"`          // netsweep-mpi on the cluster (default "netsweep-mpi", found on PATH)
	Workdir       string            `toml:"workdir"`         // the job cds here before launching ("" = the submit directory)
	MaxResubmits  int               `toml:"max_resubmits"`   // resubmissions after a resumable stop (status 75); 0 = none
	ArrayShards   int               `toml:"array_shards"`    // K > 0: a job array of K shards; 0 = one job

	// Workstations are the keys of a network of workstations, read from
	// the same table: 'netsweep deploy' and 'netsweep launch' use them.
	Workstations Workstations
	// Options are the scheduler's own keys, decoded from the same table
	// into the struct its Factory.NewOptions returns; nil when the
	// scheduler has none or the Config was built by hand.
	Options Options
}

// Options are a backend's own [cluster] keys: a pointer to a struct whose
// fields carry toml tags, decoded from the table like Config's.
type Options interface {
	// Validate checks the options, seeing the rest of the table in c, and
	// returns one error per bad value.
	Validate(c *Config) []*FieldError
}

// DirChecker is implemented by Options whose backend refuses some
// campaign directories (Slurm reads '%' in its --output patterns), so
// that a spec's [output] dir is refused when the spec is loaded, not only
// when its job is rendered.
type DirChecker interface {
	// DirProblem returns why dir cannot be a campaign directory of this
	// backend, "" when it can.
	DirProblem(dir string) string
}

// Defaults of Config fields left zero.
const (
	DefaultScheduler = "slurm"
	DefaultBinary    = "netsweep-mpi"
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
	return fmt.Sprintf("cluster: bad value: %s=%s: %s", e.Key, fmtValue(e.Value), e.Reason)
}

// Bad returns a FieldError for key.
func Bad(key string, v any, format string, args ...any) *FieldError {
	return &FieldError{Key: key, Value: v, Reason: fmt.Sprintf(format, args...)}
}

func fmtValue(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// SchedulerName returns the scheduler with its default applied.
func (c *Config) SchedulerName() string {
	if c.Scheduler == "" {
		return DefaultScheduler
	}
	return c.Scheduler
}

// BinaryPath returns the binary with its default applied.
func (c *Config) BinaryPath() string {
	if c.Binary == "" {
		return DefaultBinary
	}
	return c.Binary
}

var (
	memoryRE = regexp.MustCompile(`^[0-9]{1,12}[KMGTkmgt]?$`)
	envRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// Validate checks every field, the workstation keys and the scheduler's
// Options, and returns one error per bad value, nil when the Config is
// usable. Memory and time are restricted to characters that need no
// quoting; module names may not hold whitespace or shell metacharacters;
// paths and env values are free text without control characters (no
// newline, no NUL).
func (c *Config) Validate() []*FieldError {
	var errs []*FieldError
	bad := func(key string, v any, format string, args ...any) {
		errs = append(errs, Bad(key, v, format, args...))
	}
	for _, f := range []struct {
		key string
		v   int
	}{
		{"nodes", c.Nodes}, {"ntasks", c.NTasks}, {"ntasks_per_node", c.NTasksPerNode},
		{"cpus_per_task", c.CPUsPerTask}, {"max_resubmits", c.MaxResubmits},
		{"array_shards", c.ArrayShards},
	} {
		if f.v < 0 {
			bad(f.key, f.v, "must be ≥ 0 (0 = not set)")
		}
	}
	if c.Memory != "" && !memoryRE.MatchString(c.Memory) {
		bad("memory", c.Memory, `want a number with an optional unit K, M, G or T, like "4G"`)
	}
	switch _, err := ParseTime(c.Time); {
	case c.Time == "" && c.Workstations.Enabled():
		// No batch job: a backend's Render requires a time limit where one is.
	case c.Time == "":
		bad("time", c.Time, `required: the job's wall-clock limit, like "2:00:00" or "1-00:00:00"`)
	case err != nil:
		bad("time", c.Time, "%v", err)
	}
	for i, m := range c.Modules {
		key := fmt.Sprintf("modules[%d]", i)
		if m == "" {
			bad(key, m, "empty module name")
		} else if r := WordProblem(m); r != "" {
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
		if r := TextProblem(v); r != "" {
			bad(key, v, "%s", r)
		}
	}
	if r := TextProblem(c.Binary); r != "" {
		bad("binary", c.Binary, "%s", r)
	}
	if r := TextProblem(c.Workdir); r != "" {
		bad("workdir", c.Workdir, "%s", r)
	}
	errs = append(errs, c.Workstations.Validate()...)
	if c.Options != nil {
		errs = append(errs, c.Options.Validate(c)...)
	}
	return errs
}

// TextProblem returns why s cannot be a free-text value ("" when it can):
// it must be valid UTF-8 without control characters (tab allowed).
func TextProblem(s string) string {
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

// WordProblem returns why s cannot be a plain word such as a module name
// ("" when it can): free text without whitespace or shell metacharacters.
func WordProblem(s string) string {
	if r := TextProblem(s); r != "" {
		return r
	}
	if i := strings.IndexAny(s, " \t`$&|;<>()\\\"'*?[]{}~!#"); i >= 0 {
		return fmt.Sprintf("holds %q: no whitespace or shell metacharacters", s[i])
	}
	return ""
}

// ParseTime parses a time limit in Slurm's syntax: "MM", "MM:SS", "HH:MM:SS", "D-HH",
// "D-HH:MM" or "D-HH:MM:SS". The leading field may be any size; the ones
// after it are bounded (minutes and seconds < 60, hours < 24 after a day
// count). "INFINITE" and "UNLIMITED" are refused: netsweep needs a finite
// limit to plan its stop. Slurm keeps limits in whole minutes, rounding
// seconds up; ParseTime returns the duration as written.
func ParseTime(s string) (time.Duration, error) {
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("cluster: bad time limit %q: %s", s, why)
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

// FormatTime writes d as a time limit, D-HH:MM:SS or HH:MM:SS.
func FormatTime(d time.Duration) string {
	s := int64(d / time.Second)
	days, s := s/86400, s%86400
	hms := fmt.Sprintf("%02d:%02d:%02d", s/3600, s%3600/60, s%60)
	if days > 0 {
		return fmt.Sprintf("%d-%s", days, hms)
	}
	return hms
}
