package pbs

import (
	"fmt"
	"io"
	"path"
	"strings"
	"text/template"
	"time"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/internal/shell"
	"github.com/netsweep/netsweep/templates"
)

// Job is one campaign to run on PBS: the input of Render. Its Cluster's
// Options are PBS's (see OptionsOf).
type Job = cluster.Job

// LogDir is the directory, with a trailing slash, that qsub -o names for
// the job's output (stdout and, with -j oe, stderr): PBS writes
// NAME.oSEQ there. It is the jobs file's directory.
func LogDir(j Job) string { return j.Dir + "/slurm/" }

// JobsFile is the file, inside a campaign directory, that lists the ids of
// the jobs a campaign ran as, one a line: the first written by the
// submitter (AppendJobID), the rest by the job script as it resubmits.
func JobsFile(dir string) string { return path.Join(dir, "slurm", "jobs") }

// ArrayOption is qsub's job-array option of flavour: -J (PBS Pro), -t
// (Torque).
func ArrayOption(flavour string) string {
	if flavour == Torque {
		return "-t"
	}
	return "-J"
}

// ArrayVar is the variable that holds a subjob's index: PBS_ARRAY_INDEX
// (PBS Pro), PBS_ARRAYID (Torque).
func ArrayVar(flavour string) string {
	if flavour == Torque {
		return "PBS_ARRAYID"
	}
	return "PBS_ARRAY_INDEX"
}

// scriptData is what templates/pbs.sh.tmpl sees. Logic stays here: every
// value from the user arrives either checked to need no quoting (the #PBS
// lines: qsub reads them with its own parser) or as one shell word made by
// shell.Quote.
type scriptData struct {
	// ScriptEnv holds the modules, exports, working directory and budget.
	cluster.ScriptEnv
	// Name is the job name for #PBS -N (needs no quoting).
	Name string
	// Directives are the options of the other #PBS lines, in order, each
	// "-opt value", needing no quoting.
	Directives []string
	// FlavourTitle names the flavour in a comment; ArrayOption and
	// ArrayVar are its job-array option and index variable (fixed words).
	FlavourTitle, ArrayOption, ArrayVar string
	// Spec, Dir and Script are the quoted spec path, campaign directory
	// and script path.
	Spec, Dir, Script string
	// LimitSeconds is the walltime in seconds; LeadSeconds how long
	// before it the run's deadline falls.
	LimitSeconds, LeadSeconds int64
	// MaxResubmits is how many times the script may resubmit itself.
	MaxResubmits int
	// Binary is the quoted path of netsweep-mpi.
	Binary string
	// Ranks is mpirun's -np, or 0 for one rank per line of $PBS_NODEFILE.
	Ranks int
	// Shards is the number of array shards, or 0 for a single job.
	Shards int
}

// scriptTmpl is the job-script template, parsed once.
var scriptTmpl = template.Must(template.New("pbs.sh.tmpl").Option("missingkey=error").
	ParseFS(templates.FS, "pbs.sh.tmpl"))

// Render writes the job script for job to w. It validates job.Cluster and
// the job's own fields first and writes nothing when any is bad; the error
// then wraps every *cluster.FieldError (see errors.As / ValidateJob).
func Render(w io.Writer, job Job) error {
	d, err := newScriptData(job)
	if err != nil {
		return err
	}
	return cluster.ExecuteScript(w, "pbs", scriptTmpl, d)
}

// ValidateJob checks the job's fields and its Cluster, with PBS's Options.
func ValidateJob(job Job) []*cluster.FieldError {
	errs := job.Cluster.Validate()
	if _, ok := job.Cluster.Options.(*Options); !ok {
		errs = append(errs, OptionsOf(&job.Cluster).Validate(&job.Cluster)...)
	}
	bad := func(key string, v any, why string) {
		errs = append(errs, &cluster.FieldError{Key: key, Value: v, Reason: why})
	}
	if job.Cluster.Time == "" && job.Cluster.Workstations.Enabled() {
		bad("time", "", `required for a PBS job: the job's walltime, like "2:00:00"`)
	}
	if !nameRE.MatchString(job.Name) || !startsWithLetter(job.Name) || len(job.Name) > 236 {
		bad("name", job.Name, "want letters, digits and -_.+ only, starting with a letter (PBS's job names)")
	}
	errs = append(errs, job.PathProblems()...)
	if strings.ContainsAny(job.Dir, ":,") {
		bad("dir", job.Dir, "may not hold ':' or ',': qsub -o reads them as host and list")
	}
	if strings.HasPrefix(job.Cluster.Binary, "-") {
		bad("binary", job.Cluster.Binary, "may not start with '-'")
	}
	for i, m := range job.Cluster.Modules {
		if strings.HasPrefix(m, "-") {
			bad(fmt.Sprintf("modules[%d]", i), m, "may not start with '-'")
		}
	}
	return errs
}

func startsWithLetter(s string) bool {
	return s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

// FormatTime writes d as PBS's walltime: hours (any number), minutes and
// seconds, "49:30:00".
func FormatTime(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s%3600/60, s%60)
}

func itoa(n int) string { return fmt.Sprint(n) }

func newScriptData(job Job) (*scriptData, error) {
	if err := cluster.RenderError("pbs", job.Name, ValidateJob(job)); err != nil {
		return nil, err
	}
	c := &job.Cluster
	o := OptionsOf(c)
	fl := o.FlavourName()
	limit, _ := cluster.ParseTime(c.Time) // validated above
	res, ranks := Resources(c, fl, FormatTime(limit))
	d := &scriptData{
		Name:         shell.Quote(job.Name),
		FlavourTitle: "PBS Professional, OpenPBS",
		ArrayOption:  ArrayOption(fl),
		ArrayVar:     ArrayVar(fl),
		Spec:         shell.Quote(job.Spec),
		Dir:          shell.Quote(job.Dir),
		Script:       shell.Quote(job.Script),
		LimitSeconds: int64(limit / time.Second),
		LeadSeconds:  int64(o.Lead(c.Time)),
		MaxResubmits: c.MaxResubmits,
		Binary:       shell.Quote(c.BinaryPath()),
		Ranks:        ranks,
		Shards:       c.ArrayShards,
	}
	if fl == Torque {
		d.FlavourTitle = "Torque"
	}
	opt := func(name, value string) {
		if value != "" {
			d.Directives = append(d.Directives, "-"+name+" "+shell.Quote(value))
		}
	}
	opt("q", o.Queue)
	opt("A", o.Account)
	for _, r := range res {
		opt("l", r)
	}
	// qsub reads #PBS lines with its own parser, which knows no shell
	// quoting: a value that shell.Quote would change cannot go there.
	// Validate keeps such values out; this is the last guard.
	for _, s := range append([]string{d.Name}, d.Directives...) {
		if strings.ContainsAny(s, "'\"\\#\t\n") {
			return nil, fmt.Errorf("pbs: bad #PBS option: %q needs quoting", s)
		}
	}
	d.ScriptEnv = job.ScriptEnv()
	return d, nil
}
