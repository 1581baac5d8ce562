package cluster

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/template"

	"github.com/netsweep/netsweep/internal/shell"
)

// ScriptEnv is what every batch job script sets up the same way before
// its run, each value one shell word made by shell.Quote. A scheduler's
// template data embeds it, so templates read .Modules, .Env, .Workdir and
// .Budget.
type ScriptEnv struct {
	// Modules are the quoted module names, loaded one per line.
	Modules []string
	// Env are the exports, sorted by name.
	Env []EnvVar
	// Workdir is the quoted directory to cd into, or "" to stay.
	Workdir string
	// Budget is the quoted --budget of each run (Job.RunBudget), or ""
	// for none.
	Budget string
}

// EnvVar is one export: Name is an identifier, Value a quoted word.
type EnvVar struct{ Name, Value string }

// ScriptEnv returns the ScriptEnv of j.
func (j Job) ScriptEnv() ScriptEnv {
	c := &j.Cluster
	var e ScriptEnv
	for _, m := range c.Modules {
		e.Modules = append(e.Modules, shell.Quote(m))
	}
	names := make([]string, 0, len(c.Env))
	for k := range c.Env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		e.Env = append(e.Env, EnvVar{Name: k, Value: shell.Quote(c.Env[k])})
	}
	if b := j.RunBudget(); b != "" {
		e.Budget = shell.Quote(b)
	}
	if c.Workdir != "" {
		e.Workdir = shell.Quote(c.Workdir)
	}
	return e
}

// PathProblems returns what no job script can take in j's spec, dir and
// script paths: an empty one, one holding text a script must not carry
// (TextProblem), or one starting with '-', which a command would read as
// an option.
func (j Job) PathProblems() []*FieldError {
	var errs []*FieldError
	for _, f := range []struct{ key, v string }{{"spec", j.Spec}, {"dir", j.Dir}, {"script", j.Script}} {
		switch r := TextProblem(f.v); {
		case f.v == "":
			errs = append(errs, Bad(f.key, f.v, "%s", "required"))
		case r != "":
			errs = append(errs, Bad(f.key, f.v, "%s", r))
		case strings.HasPrefix(f.v, "-"):
			errs = append(errs, Bad(f.key, f.v, "may not start with '-'; write ./%s", f.v))
		}
	}
	return errs
}

// ExecuteScript executes a scheduler's job-script template t on data and
// writes the script to w only if the template ran through, so that a
// failed render writes nothing; sched prefixes the error.
func ExecuteScript(w io.Writer, sched string, t *template.Template, data any) error {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return fmt.Errorf("%s: could not render the job script: %w", sched, err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RenderError is the error of a scheduler's Render for job name with the
// problems errs (none: nil); it wraps each *FieldError (errors.As).
func RenderError(sched, name string, errs []*FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	list := make([]error, len(errs))
	for i, e := range errs {
		list[i] = e
	}
	return fmt.Errorf("%s: cannot render job %q: %w", sched, name, errors.Join(list...))
}
