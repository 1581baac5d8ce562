package slurm

import (
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/netsweep/netsweep/internal/shell"
	"github.com/netsweep/netsweep/templates"
)

// Job is one campaign to run on a cluster: the input of Render.
type Job struct {
	// Name is the Slurm job name: letters, digits and -_.+ only.
	Name string
	// Cluster is the spec's [cluster] table; Render validates it.
	Cluster Config
	// Spec is the path of the campaign spec on the cluster, given to
	// `netsweep-mpi run`.
	Spec string
	// Dir is the campaign directory on the cluster, given as --out (with
	// shards: Dir/shards/I). The script creates Dir/slurm and appends the id
	// of every job it resubmits to Dir/slurm/jobs.
	Dir string
	// Script is where the rendered script is stored on the cluster; a job
	// that stops early resubmits this file.
	Script string
}

// Output is the sbatch --output pattern of the job's log files:
// Dir/slurm/%x-%j.out, or Dir/slurm/%x-%A_%a.out for a job array. Submit
// with SubmitRequest{Output: job.Output()} so resubmissions log beside it,
// after creating Dir/slurm: Slurm opens the log before the script runs.
func (j *Job) Output() string {
	if j.Cluster.ArrayShards > 0 {
		return j.Dir + "/slurm/%x-%A_%a.out"
	}
	return j.Dir + "/slurm/%x-%j.out"
}

// JobsFile is the file, inside a campaign directory, that lists the ids of
// the jobs a campaign ran as, one a line: the first written by the
// submitter (AppendJobID), the rest by the job script as it resubmits.
func JobsFile(dir string) string { return path.Join(dir, "slurm", "jobs") }

// scriptData is what templates/slurm.sbatch.tmpl sees. Logic stays here:
// every value from the user arrives either checked to need no quoting (the
// #SBATCH lines, since sbatch's directive parser knows no shell quoting) or
// as one shell word made by shell.Quote.
type scriptData struct {
	// Name is the job name for #SBATCH --job-name (needs no quoting).
	Name string
	// Directives are the options of the other #SBATCH lines, in order, each
	// "--option=value" or "--option", needing no quoting.
	Directives []string
	// Spec, Dir, Script and Output are the quoted spec path, campaign
	// directory, script path and --output pattern.
	Spec, Dir, Script, Output string
	// LimitSeconds is the time limit in seconds (whole minutes, as Slurm
	// keeps it), for the deadline when Slurm does not export the end time.
	LimitSeconds int64
	// MaxResubmits is how many times the script may resubmit itself.
	MaxResubmits int
	// Modules are the quoted module names, loaded one per line.
	Modules []string
	// Env are the exports, sorted by name.
	Env []envVar
	// Workdir is the quoted directory to cd into, or "" to stay.
	Workdir string
	// Launcher is "srun" or "mpirun", a fixed word.
	Launcher string
	// Binary is the quoted path of netsweep-mpi.
	Binary string
	// Shards is the number of array shards, or 0 for a single job.
	Shards int
}

// envVar is one export: Name is an identifier, Value a quoted word.
type envVar struct{ Name, Value string }

// scriptTmpl is the job-script template, parsed once.
var scriptTmpl = template.Must(template.New("slurm.sbatch.tmpl").Option("missingkey=error").
	ParseFS(templates.FS, "slurm.sbatch.tmpl"))

// Render writes the job script for job to w. It validates job.Cluster and
// the job's own fields first and writes nothing when any is bad; the error
// then wraps every *FieldError (see errors.As / Validate).
func Render(w io.Writer, job Job) error {
	d, err := newScriptData(job)
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := scriptTmpl.Execute(&b, d); err != nil {
		return fmt.Errorf("slurm: could not render the job script: %w", err)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// ValidateJob checks the job's fields and its Cluster.
func ValidateJob(job Job) []*FieldError {
	errs := job.Cluster.Validate()
	bad := func(key string, v any, why string) {
		errs = append(errs, &FieldError{Key: key, Value: v, Reason: why})
	}
	if job.Cluster.Time == "" && job.Cluster.Workstations() {
		bad("time", "", `required for a Slurm job: the job's wall-clock limit, like "2:00:00"`)
	}
	if !nameRE.MatchString(job.Name) {
		bad("name", job.Name, "want letters, digits and -_.+ only")
	}
	for _, f := range []struct{ key, v string }{{"spec", job.Spec}, {"dir", job.Dir}, {"script", job.Script}} {
		switch r := textProblem(f.v); {
		case f.v == "":
			bad(f.key, f.v, "required")
		case r != "":
			bad(f.key, f.v, r)
		case strings.HasPrefix(f.v, "-"):
			bad(f.key, f.v, "may not start with '-'; write ./"+f.v)
		}
	}
	if strings.Contains(job.Dir, "%") {
		bad("dir", job.Dir, "may not hold '%': Slurm reads it in --output patterns")
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

func newScriptData(job Job) (*scriptData, error) {
	if errs := ValidateJob(job); len(errs) > 0 {
		list := make([]error, len(errs))
		for i, e := range errs {
			list[i] = e
		}
		return nil, fmt.Errorf("slurm: cannot render job %q: %w", job.Name, errors.Join(list...))
	}
	c := &job.Cluster
	limit, _ := ParseTime(c.Time) // validated above
	d := &scriptData{
		Name:         shell.Quote(job.Name),
		Spec:         shell.Quote(job.Spec),
		Dir:          shell.Quote(job.Dir),
		Script:       shell.Quote(job.Script),
		Output:       shell.Quote(job.Output()),
		LimitSeconds: limitSeconds(limit),
		MaxResubmits: c.MaxResubmits,
		Launcher:     c.LauncherName(),
		Binary:       shell.Quote(c.BinaryPath()),
		Shards:       c.ArrayShards,
	}
	opt := func(name, value string) {
		if value != "" {
			d.Directives = append(d.Directives, "--"+name+"="+shell.Quote(value))
		}
	}
	num := func(name string, n int) {
		if n > 0 {
			opt(name, strconv.Itoa(n))
		}
	}
	opt("partition", c.Partition)
	opt("account", c.Account)
	opt("qos", c.QOS)
	num("nodes", c.Nodes)
	num("ntasks", c.NTasks)
	num("ntasks-per-node", c.NTasksPerNode)
	num("cpus-per-task", c.CPUsPerTask)
	opt("mem", c.Memory)
	opt("time", FormatTime(limit))
	opt("signal", "B:USR1@"+strconv.Itoa(c.Lead()))
	if c.ArrayShards > 0 {
		opt("array", "0-"+strconv.Itoa(c.ArrayShards-1))
	}
	for _, o := range c.SbatchExtra {
		name, value, hasValue := strings.Cut(o[2:], "=")
		if hasValue {
			opt(name, value)
		} else {
			d.Directives = append(d.Directives, o)
		}
	}
	// sbatch reads #SBATCH lines with its own parser, which knows no shell
	// quoting: a value that shell.Quote would change cannot go there.
	// Validate keeps such values out; this is the last guard.
	for _, s := range append([]string{d.Name}, d.Directives...) {
		if strings.ContainsAny(s, "'\"\\# \t\n") {
			return nil, fmt.Errorf("slurm: bad #SBATCH option: %q needs quoting", s)
		}
	}
	for _, m := range c.Modules {
		d.Modules = append(d.Modules, shell.Quote(m))
	}
	names := make([]string, 0, len(c.Env))
	for k := range c.Env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		d.Env = append(d.Env, envVar{Name: k, Value: shell.Quote(c.Env[k])})
	}
	if c.Workdir != "" {
		d.Workdir = shell.Quote(c.Workdir)
	}
	return d, nil
}
