package sge

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/netsweep/netsweep/internal/schedcmd"
)

// SubmitRequest is one qsub call.
type SubmitRequest struct {
	// Script is the path of the job script.
	Script string
	// LogDir is the directory, ending in "/", for the job's output (-o,
	// with -j y); "" = Grid Engine's default, the home directory. Use
	// LogDir(job).
	LogDir string
	// Env are variables passed into the job (-v NAME=VALUE, each its own
	// argument: no shell is involved).
	Env []string
	// Args are more qsub options, placed before the script.
	Args []string
}

// QsubArgs builds qsub's arguments for r: -terse (so the output is the job
// id), the output directory, the variables, r.Args, the script.
func QsubArgs(r SubmitRequest) []string {
	args := []string{"-terse"}
	if r.LogDir != "" {
		args = append(args, "-o", r.LogDir, "-j", "y")
	}
	for _, e := range r.Env {
		args = append(args, "-v", e)
	}
	args = append(args, r.Args...)
	script := r.Script
	if strings.HasPrefix(script, "-") {
		script = "./" + script
	}
	return append(args, script)
}

// Job ids: digits. An array task is "ID.TASK" (Grid Engine's notation).
var (
	idRE    = regexp.MustCompile(`^[0-9]{1,19}$`)
	terseRE = regexp.MustCompile(`^([0-9]{1,19})(\.[0-9]+-[0-9]+:[0-9]+)?$`)
)

// ParseQsub reads the job id from `qsub -terse` output: "ID", or
// "ID.FIRST-LAST:STEP" for a job array, on the last line.
func ParseQsub(out string) (string, error) {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	m := terseRE.FindStringSubmatch(strings.TrimSpace(lines[len(lines)-1]))
	if m == nil {
		return "", fmt.Errorf("sge: bad qsub -terse output %q: want a job id", out)
	}
	return m[1], nil
}

func checkID(id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("sge: bad job id %q: want digits", id)
	}
	return nil
}

// QstatArgs builds qstat's arguments to list every job (of every user) as
// XML: pending, running, suspended, held and in error, one <job_list> per
// job, per running array task, and per range of pending tasks.
func QstatArgs() []string { return []string{"-xml", "-u", "*"} }

// QueueEntry is one <job_list> of `qstat -xml`.
type QueueEntry struct {
	ID    string // JB_job_number
	Name  string // JB_name
	State string // Grid Engine's state letters: qw, hqw, r, t, s, Rr, Eqw, dr, ...
	Queue string // the queue instance, all.q@node1; "" while pending
	Slots int
	// Tasks is the array tasks it stands for, as Grid Engine writes them
	// ("2", "1-3:1", "4,6-9:1"); "" for a job that is not an array.
	Tasks string
}

type qstatXML struct {
	Queue []QueueEntry `xml:"queue_info>job_list"`
	Jobs  []QueueEntry `xml:"job_info>job_list"`
}

// UnmarshalXML reads one <job_list>.
func (e *QueueEntry) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var raw struct {
		ID    string `xml:"JB_job_number"`
		Name  string `xml:"JB_name"`
		State string `xml:"state"`
		Queue string `xml:"queue_name"`
		Slots string `xml:"slots"`
		Tasks string `xml:"tasks"`
	}
	if err := d.DecodeElement(&raw, &start); err != nil {
		return err
	}
	*e = QueueEntry{ID: strings.TrimSpace(raw.ID), Name: raw.Name, State: strings.TrimSpace(raw.State),
		Queue: strings.TrimSpace(raw.Queue), Tasks: strings.TrimSpace(raw.Tasks)}
	if s := strings.TrimSpace(raw.Slots); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("bad slots %q", s)
		}
		e.Slots = n
	}
	return nil
}

// ParseQstat reads the output of qstat run with QstatArgs: the running
// jobs (under <queue_info>) first, then the pending ones (<job_info>).
func ParseQstat(out []byte) ([]QueueEntry, error) {
	var q qstatXML
	if err := xml.Unmarshal(out, &q); err != nil {
		return nil, fmt.Errorf("sge: bad qstat -xml output: %w", err)
	}
	all := append(q.Queue, q.Jobs...)
	for _, e := range all {
		if !idRE.MatchString(e.ID) || e.State == "" {
			return nil, fmt.Errorf("sge: bad qstat -xml output: a job_list without job number or state (%q, %q)", e.ID, e.State)
		}
	}
	return all, nil
}

// QacctArgs builds qacct's arguments for job id: every task of it that
// ended, from the accounting file.
func QacctArgs(id string) []string { return []string{"-j", id} }

// AcctEntry is one record of qacct: a job, or one task of an array.
type AcctEntry struct {
	ID     string // jobnumber
	Name   string // jobname
	Task   int    // taskid; 0 for a job that is not an array
	Failed string // "0", or Grid Engine's code and reason: "100 : assumedly after job"
	Exit   int    // exit_status: the script's status, or 128 + the signal that killed it ("137 (Killed)" gives 137)
	Fields map[string]string
}

// ParseQacct reads `qacct -j ID` output: records that start with a line of
// '=' and hold one "key value" per line.
func ParseQacct(out string) ([]AcctEntry, error) {
	var es []AcctEntry
	var cur map[string]string
	flush := func() error {
		if cur == nil {
			return nil
		}
		e := AcctEntry{ID: cur["jobnumber"], Name: cur["jobname"], Failed: cur["failed"], Fields: cur}
		if !idRE.MatchString(e.ID) {
			return fmt.Errorf("sge: bad qacct record: jobnumber %q", e.ID)
		}
		if t := cur["taskid"]; t != "" && t != "undefined" {
			n, err := strconv.Atoi(t)
			if err != nil || n < 1 {
				return fmt.Errorf("sge: bad qacct record of job %s: taskid %q", e.ID, t)
			}
			e.Task = n
		}
		// "0", or "137                  (Killed)"
		exit, _, _ := strings.Cut(cur["exit_status"], " ")
		n, err := strconv.Atoi(exit)
		if err != nil || n < 0 {
			return fmt.Errorf("sge: bad qacct record of job %s: exit_status %q", e.ID, cur["exit_status"])
		}
		e.Exit = n
		if e.Failed == "" {
			return fmt.Errorf("sge: bad qacct record of job %s: no failed field", e.ID)
		}
		es = append(es, e)
		cur = nil
		return nil
	}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r \t")
		switch {
		case line == "":
		case strings.Trim(line, "=") == "":
			if err := flush(); err != nil {
				return nil, err
			}
			cur = map[string]string{}
		case cur == nil:
			return nil, fmt.Errorf("sge: bad qacct output: %q before the first record", line)
		default:
			k, v, _ := strings.Cut(line, " ")
			cur[k] = strings.TrimSpace(v)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return es, nil
}

// QdelArgs builds qdel's arguments to delete job id (every task).
func QdelArgs(id string) []string { return []string{id} }

// Runner runs Grid Engine's commands. The zero value finds them on PATH
// and forwards their stderr to os.Stderr.
type Runner struct {
	// Paths of the commands; "" means the plain name, found on PATH.
	Qsub, Qstat, Qacct, Qdel string
	// Env is added to every command's environment, e.g. "SGE_ROOT=...".
	Env []string
	// Stderr gets every line the commands write to stderr, prefixed with
	// the command's name ("qsub: ..."); nil means os.Stderr.
	Stderr io.Writer
}

// Submit runs qsub and returns the new job's id.
func (r *Runner) Submit(ctx context.Context, req SubmitRequest) (string, error) {
	out, err := r.run(ctx, "qsub", r.Qsub, QsubArgs(req), nil)
	if err != nil {
		return "", err
	}
	return ParseQsub(out)
}

// Queue runs `qstat -xml` and returns the entries of job id, none when
// Grid Engine no longer (or never) held it.
func (r *Runner) Queue(ctx context.Context, id string) ([]QueueEntry, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "qstat", r.Qstat, QstatArgs(), nil)
	if err != nil {
		return nil, err
	}
	all, err := ParseQstat([]byte(out))
	if err != nil {
		return nil, err
	}
	var es []QueueEntry
	for _, e := range all {
		if e.ID == id {
			es = append(es, e)
		}
	}
	return es, nil
}

// Accounting runs qacct for job id; its error matches ErrUnknownJob when
// the accounting file has no record of it (yet: Grid Engine writes it
// when a job ends, every accounting_flush_time).
func (r *Runner) Accounting(ctx context.Context, id string) ([]AcctEntry, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "qacct", r.Qacct, QacctArgs(id), io.Discard)
	if err != nil {
		// error: job id 99 not found
		if strings.Contains(err.Error(), "not found") {
			return nil, fmt.Errorf("%w (%w)", err, ErrUnknownJob)
		}
		return nil, err
	}
	es, err := ParseQacct(out)
	if err == nil && len(es) == 0 {
		err = fmt.Errorf("sge: qacct -j %s printed no record (%w)", id, ErrUnknownJob)
	}
	return es, err
}

// Cancel runs qdel for job id.
func (r *Runner) Cancel(ctx context.Context, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	_, err := r.run(ctx, "qdel", r.Qdel, QdelArgs(id), nil)
	if err != nil && strings.Contains(err.Error(), "does not exist") {
		// denied: job "99" does not exist
		return fmt.Errorf("%w (%w)", err, ErrUnknownJob)
	}
	return err
}

// run runs one command without a shell. Its stderr goes to fw (nil: to
// r.Stderr, line by line with the prefix "name: "), and the last of it
// (or of its stdout, where qdel and qacct write some errors) into the
// error when the command fails.
func (r *Runner) run(ctx context.Context, name, path string, args []string, fw io.Writer) (string, error) {
	return schedcmd.Command{Sched: "sge", Hint: "is Grid Engine installed, on PATH, with SGE_ROOT set?", Name: name, Path: path,
		Args: args, Env: r.Env, Stderr: r.Stderr, To: fw, StdoutErrors: true}.Run(ctx)
}

// AppendJobID appends id to JobsFile(dir), creating dir/slurm as needed.
func AppendJobID(dir, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	return schedcmd.AppendJobID("sge", JobsFile(dir), id)
}

// ReadJobIDs returns the job ids recorded in JobsFile(dir), oldest first,
// skipping anything that is not a job id; none when there is no such file.
func ReadJobIDs(dir string) ([]string, error) {
	return schedcmd.ReadJobIDs("sge", JobsFile(dir), idRE)
}
