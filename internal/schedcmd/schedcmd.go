// Package schedcmd runs a batch scheduler's commands and keeps a
// campaign's list of job ids: what the slurm, sge and pbs packages share.
package schedcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/netsweep/netsweep/internal/shell"
)

// Command is one command of a scheduler, run without a shell.
type Command struct {
	Sched string   // the scheduler's package name, which prefixes errors: "slurm"
	Hint  string   // what to check when the command is not found: "is Slurm installed and on PATH?"
	Name  string   // the command's name, as users know it: "sbatch"
	Path  string   // the program to run; "" means Name, looked up on PATH
	Args  []string // its arguments
	Env   []string // NAME=VALUE pairs added to this process's environment
	// Stderr gets the command's stderr line by line with the prefix
	// "Name: " (nil: os.Stderr), unless To is set, which gets it as is.
	Stderr io.Writer
	To     io.Writer
	// StdoutErrors: the command writes some errors to stdout (Grid
	// Engine's qdel and qacct), which a failure then quotes where its
	// stderr is empty.
	StdoutErrors bool
}

// Run runs c and returns its stdout. A command that fails returns an error
// that names it, with the last 4 kB of its stderr.
func (c Command) Run(ctx context.Context) (string, error) {
	path := c.Path
	if path == "" {
		path = c.Name
	}
	cmd := exec.CommandContext(ctx, path, c.Args...)
	cmd.Env = append(os.Environ(), c.Env...)
	var stdout bytes.Buffer
	stderr := &tailBuffer{max: 4096}
	pw := &prefixWriter{prefix: c.Name + ": ", w: c.Stderr}
	if pw.w == nil {
		pw.w = os.Stderr
	}
	var to io.Writer = pw
	if c.To != nil {
		to = c.To
	}
	cmd.Stdout = &stdout
	cmd.Stderr = io.MultiWriter(stderr, to)
	err := cmd.Run()
	pw.flush()
	if err != nil {
		line := shell.Join(append([]string{c.Name}, c.Args...))
		if errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("%s: could not run %s: %w; %s", c.Sched, line, err, c.Hint)
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" && c.StdoutErrors {
			msg = strings.TrimSpace(stdout.String())
		}
		if msg == "" {
			msg = "(no stderr)"
		}
		return stdout.String(), fmt.Errorf("%s: %s failed: %w: %s", c.Sched, line, err, msg)
	}
	return stdout.String(), nil
}

// AppendJobID appends id, a line, to file, creating its directory as
// needed; sched prefixes errors.
func AppendJobID(sched, file, id string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("%s: could not record job %s: %w", sched, id, err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("%s: could not record job %s: %w", sched, id, err)
	}
	_, err = f.WriteString(id + "\n")
	if err2 := f.Close(); err == nil {
		err = err2
	}
	if err != nil {
		return fmt.Errorf("%s: could not record job %s: %w", sched, id, err)
	}
	return nil
}

// ReadJobIDs returns the job ids listed in file, oldest first, skipping
// anything that id does not match; none when there is no such file.
func ReadJobIDs(sched, file string, id *regexp.Regexp) ([]string, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: could not read the campaign's job list: %w", sched, err)
	}
	var ids []string
	for _, f := range strings.Fields(string(b)) {
		if id.MatchString(f) {
			ids = append(ids, f)
		}
	}
	return ids, nil
}

// prefixWriter writes each complete line with a prefix.
type prefixWriter struct {
	prefix string
	w      io.Writer
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf[:i])
		p.buf = p.buf[i+1:]
	}
}

func (p *prefixWriter) flush() {
	if len(p.buf) > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf)
		p.buf = nil
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }
