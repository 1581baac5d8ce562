package slurm

import (
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"text/template"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/internal/shell"
	"github.com/netsweep/netsweep/templates"
)

// Job is one campaign to run on Slurm: the input of Render. Its
// Cluster's Options are Slurm's (see OptionsOf).
type Job = cluster.Job

// Output is the sbatch --output pattern of the job's log files:
// Dir/slurm/%x-%j.out, or Dir/slurm/%x-%A_%a.out for a job array. Submit
// with SubmitRequest{Output: Output(job)} so resubmissions log beside it,
// after creating Dir/slurm: Slurm opens the log before the script runs.
func Output(j Job) string {
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
	// ScriptEnv holds the modules, exports, working directory and budget.
	cluster.ScriptEnv
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
	// Launcher is "srun" or "mpirun", a fixed word.
	Launcher string
	// Binary is the quoted path of netsweep-mpi.
	Binary string
	// Shards is the number of array shards, or 0 for a single job.
	Shards int
}

// scriptTmpl is the job-script template, parsed once.
var scriptTmpl = template.Must(template.New("slurm.sbatch.tmpl").Option("missingkey=error").
	ParseFS(templates.FS, "slurm.sbatch.tmpl"))

// Render writes the job script for job to w. It validates job.Cluster and
// the job's own fields first and writes nothing when any is bad; the error
// then wraps every *cluster.FieldError (see errors.As / ValidateJob).
func Render(w io.Writer, job Job) error {
	d, err := newScriptData(job)
	if err != nil {
		return err
	}
	return cluster.ExecuteScript(w, "slurm", scriptTmpl, d)
}

// ValidateJob checks the job's fields and its Cluster, with Slurm's
// Options.
func ValidateJob(job Job) []*cluster.FieldError {
	errs := job.Cluster.Validate()
	if _, ok := job.Cluster.Options.(*Options); !ok {
		errs = append(errs, OptionsOf(&job.Cluster).Validate(&job.Cluster)...)
	}
	bad := func(key string, v any, why string) {
		errs = append(errs, &cluster.FieldError{Key: key, Value: v, Reason: why})
	}
	if job.Cluster.Time == "" && job.Cluster.Workstations.Enabled() {
		bad("time", "", `required for a Slurm job: the job's wall-clock limit, like "2:00:00"`)
	}
	if !nameRE.MatchString(job.Name) {
		bad("name", job.Name, "want letters, digits and -_.+ only")
	}
	errs = append(errs, job.PathProblems()...)
	if r := OptionsOf(&job.Cluster).DirProblem(job.Dir); r != "" {
		bad("dir", job.Dir, r)
	}
	return errs
}

func newScriptData(job Job) (*scriptData, error) {
	if err := cluster.RenderError("slurm", job.Name, ValidateJob(job)); err != nil {
		return nil, err
	}
	c := &job.Cluster
	o := OptionsOf(c)
	limit, _ := cluster.ParseTime(c.Time) // validated above
	d := &scriptData{
		Name:         shell.Quote(job.Name),
		Spec:         shell.Quote(job.Spec),
		Dir:          shell.Quote(job.Dir),
		Script:       shell.Quote(job.Script),
		Output:       shell.Quote(Output(job)),
		LimitSeconds: limitSeconds(limit),
		MaxResubmits: c.MaxResubmits,
		Launcher:     o.LauncherName(),
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
	opt("partition", o.Partition)
	opt("account", o.Account)
	opt("qos", o.QOS)
	num("nodes", c.Nodes)
	num("ntasks", c.NTasks)
	num("ntasks-per-node", c.NTasksPerNode)
	num("cpus-per-task", c.CPUsPerTask)
	opt("mem", c.Memory)
	opt("time", cluster.FormatTime(limit))
	opt("signal", "B:USR1@"+strconv.Itoa(o.Lead(c.Time)))
	if c.ArrayShards > 0 {
		opt("array", "0-"+strconv.Itoa(c.ArrayShards-1))
	}
	for _, x := range o.SbatchExtra {
		name, value, hasValue := strings.Cut(x[2:], "=")
		if hasValue {
			opt(name, value)
		} else {
			d.Directives = append(d.Directives, x)
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
	d.ScriptEnv = job.ScriptEnv()
	return d, nil
}
