package sge

import (
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/internal/shell"
	"github.com/netsweep/netsweep/templates"
)

// Job is one campaign to run on Grid Engine: the input of Render. Its
// Cluster's Options are Grid Engine's (see OptionsOf).
type Job = cluster.Job

// LogDir is the directory, with a trailing slash, that qsub -o names for
// the job's output (stdout and, with -j y, stderr): Grid Engine writes
// NAME.oJOBID there, NAME.oJOBID.TASK for an array task. It is the same
// directory as the jobs file's.
func LogDir(j Job) string { return j.Dir + "/slurm/" }

// JobsFile is the file, inside a campaign directory, that lists the ids of
// the jobs a campaign ran as, one a line: the first written by the
// submitter (AppendJobID), the rest by the job script as it resubmits. It
// is the file every batch scheduler of netsweep keeps, in the campaign's
// slurm/ directory (named after the first of them).
func JobsFile(dir string) string { return path.Join(dir, "slurm", "jobs") }

// scriptData is what templates/sge.sh.tmpl sees. Logic stays here: every
// value from the user arrives either checked to need no quoting (the #$
// lines: qsub reads them with its own parser) or as one shell word made by
// shell.Quote.
type scriptData struct {
	// ScriptEnv holds the modules, exports, working directory and budget.
	cluster.ScriptEnv
	// Name is the job name for #$ -N (needs no quoting).
	Name string
	// Directives are the options of the other #$ lines, in order, each
	// "-opt" or "-opt value", needing no quoting.
	Directives []string
	// Spec, Dir and Script are the quoted spec path, campaign directory
	// and script path.
	Spec, Dir, Script string
	// LimitSeconds is the hard limit (h_rt) in seconds, for the deadline.
	LimitSeconds int64
	// MaxResubmits is how many times the script may resubmit itself.
	MaxResubmits int
	// Binary is the quoted path of netsweep-mpi.
	Binary string
	// Ranks is mpirun's -np, or 0 for one rank per granted slot ($NSLOTS).
	Ranks int
	// Shards is the number of array shards, or 0 for a single job.
	Shards int
}

// scriptTmpl is the job-script template, parsed once.
var scriptTmpl = template.Must(template.New("sge.sh.tmpl").Option("missingkey=error").
	ParseFS(templates.FS, "sge.sh.tmpl"))

// Render writes the job script for job to w. It validates job.Cluster and
// the job's own fields first and writes nothing when any is bad; the error
// then wraps every *cluster.FieldError (see errors.As / ValidateJob).
func Render(w io.Writer, job Job) error {
	d, err := newScriptData(job)
	if err != nil {
		return err
	}
	return cluster.ExecuteScript(w, "sge", scriptTmpl, d)
}

// ValidateJob checks the job's fields and its Cluster, with Grid Engine's
// Options.
func ValidateJob(job Job) []*cluster.FieldError {
	errs := job.Cluster.Validate() // with c.Options' own validation
	if job.Cluster.Options == nil || !validatesSGE(job.Cluster.Options) {
		errs = append(errs, OptionsOf(&job.Cluster).Validate(&job.Cluster)...)
	}
	bad := func(key string, v any, why string) {
		errs = append(errs, &cluster.FieldError{Key: key, Value: v, Reason: why})
	}
	if job.Cluster.Time == "" && job.Cluster.Workstations.Enabled() {
		bad("time", "", `required for a Grid Engine job: the job's wall-clock limit, like "2:00:00"`)
	}
	if !nameRE.MatchString(job.Name) || !startsWithLetter(job.Name) {
		bad("name", job.Name, "want letters, digits and -_.+ only, starting with a letter (Grid Engine's job names)")
	}
	errs = append(errs, job.PathProblems()...)
	if strings.ContainsAny(job.Dir, ":,$") {
		bad("dir", job.Dir, "may not hold ':', ',' or '$': qsub -o reads them as host, list and variable")
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

// validatesSGE reports whether options o check the Grid Engine keys
// themselves: Grid Engine's own, or a backend's that offers them.
func validatesSGE(o cluster.Options) bool {
	switch o.(type) {
	case *Options, interface{ SGEOptions() *Options }:
		return true
	}
	return false
}

func startsWithLetter(s string) bool {
	return s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

// FormatTime writes d as Grid Engine's time: hours (any number), minutes
// and seconds, "49:30:00".
func FormatTime(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s%3600/60, s%60)
}

// Memory returns the [cluster] memory as Grid Engine's h_vmem value: a
// bare number is megabytes in [cluster] (as in Slurm) but bytes in Grid
// Engine, so it gets the unit M.
func Memory(m string) string {
	if m == "" {
		return ""
	}
	if c := m[len(m)-1]; c >= '0' && c <= '9' {
		return m + "M"
	}
	return m
}

func newScriptData(job Job) (*scriptData, error) {
	if err := cluster.RenderError("sge", job.Name, ValidateJob(job)); err != nil {
		return nil, err
	}
	c := &job.Cluster
	o := OptionsOf(c)
	limit, _ := cluster.ParseTime(c.Time) // validated above
	lead := time.Duration(o.Lead(c.Time)) * time.Second
	d := &scriptData{
		Name:         shell.Quote(job.Name),
		Spec:         shell.Quote(job.Spec),
		Dir:          shell.Quote(job.Dir),
		Script:       shell.Quote(job.Script),
		LimitSeconds: int64(limit / time.Second),
		MaxResubmits: c.MaxResubmits,
		Binary:       shell.Quote(c.BinaryPath()),
		Ranks:        Ranks(c),
		Shards:       c.ArrayShards,
	}
	opt := func(name, value string) {
		if value != "" {
			d.Directives = append(d.Directives, "-"+name+" "+shell.Quote(value))
		}
	}
	d.Directives = append(d.Directives, "-S /bin/bash")
	opt("q", o.Queue)
	opt("P", o.Project)
	if pe := o.PEName(Slots(c)); pe != "" {
		d.Directives = append(d.Directives, "-pe "+shell.Quote(pe)+" "+strconv.Itoa(max(Slots(c), 1)))
	}
	opt("l", "h_rt="+FormatTime(limit))
	opt("l", "s_rt="+FormatTime(limit-lead))
	d.Directives = append(d.Directives, "-notify")
	if c.Memory != "" {
		opt("l", "h_vmem="+Memory(c.Memory))
	}
	if c.ArrayShards > 0 {
		opt("t", "1-"+strconv.Itoa(c.ArrayShards))
	}
	// qsub reads #$ lines with its own parser, which splits on blanks and
	// knows no shell quoting: a value that shell.Quote would change cannot
	// go there. Validate keeps such values out; this is the last guard.
	for _, s := range append([]string{d.Name}, d.Directives...) {
		if strings.ContainsAny(s, "'\"\\#\t\n") {
			return nil, fmt.Errorf("sge: bad #$ option: %q needs quoting", s)
		}
	}
	d.ScriptEnv = job.ScriptEnv()
	return d, nil
}
