package pbs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/netsweep/netsweep/internal/schedcmd"
)

// SubmitRequest is one qsub call.
type SubmitRequest struct {
	// Script is the path of the job script.
	Script string
	// LogDir is the directory, ending in "/", for the job's output (-o,
	// with -j oe); "" = PBS's default, the submit directory.
	LogDir string
	// Env are variables passed into the job, NAME=VALUE, joined into one
	// -v list: values may not hold commas.
	Env []string
	// Flavour and Shards make a job array: Shards > 1 gives -J 1-K (PBS
	// Pro) or -t 1-K (Torque).
	Flavour string
	Shards  int
}

// QsubArgs builds qsub's arguments for r: the output directory, the
// variables, the array, the script.
func QsubArgs(r SubmitRequest) []string {
	var args []string
	if r.LogDir != "" {
		args = append(args, "-o", r.LogDir, "-j", "oe")
	}
	if len(r.Env) > 0 {
		args = append(args, "-v", strings.Join(r.Env, ","))
	}
	if r.Shards > 0 {
		args = append(args, ArrayOption(r.Flavour), "1-"+strconv.Itoa(r.Shards))
	}
	script := r.Script
	if strings.HasPrefix(script, "-") {
		script = "./" + script
	}
	return append(args, script)
}

// Job ids: "1234.server", "1234[].server" for a job array, "1234[2].server"
// for one subjob; the server part is optional.
var (
	idRE  = regexp.MustCompile(`^[0-9]{1,19}(\[[0-9]{0,19}\])?(\.[A-Za-z0-9_.-]{1,255})?$`)
	subRE = regexp.MustCompile(`^[0-9]{1,19}\[([0-9]{1,19})\]`)
)

// ParseQsub reads the job id that qsub prints on its last line.
func ParseQsub(out string) (string, error) {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	id := strings.TrimSpace(lines[len(lines)-1])
	if !idRE.MatchString(id) {
		return "", fmt.Errorf("pbs: bad qsub output %q: want a job id", out)
	}
	return id, nil
}

func checkID(id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("pbs: bad job id %q: want 1234.server or 1234[].server", id)
	}
	return nil
}

// QstatArgs builds qstat's arguments to describe job id and, for an
// array, its subjobs (-t): PBS Pro as JSON, finished jobs included (-x);
// Torque as its text form (it keeps finished jobs for keep_completed).
func QstatArgs(flavour, id string) []string {
	if flavour == Torque {
		return []string{"-f", "-t", id}
	}
	return []string{"-f", "-F", "json", "-x", "-t", id}
}

// JobInfo is one job or subjob as `qstat -f` describes it.
type JobInfo struct {
	ID    string // "1234.server", "1234[2].server"
	Name  string // Job_Name
	State string // job_state: Q, H, W, T, M, R, E, S, U, B (array begun), F, X (subjob finished), C (Torque: completed)
	// HasExit tells whether Exit is known (a finished job's Exit_status).
	HasExit bool
	Exit    int    // Exit_status: the script's status; above 256, 256 + the signal that killed it; below 0, PBS's own failure
	Comment string // comment: why a job waits, or how it ended
	// Indices are the subjob indices an array parent stands for
	// (array_indices_remaining, else array_indices_submitted: "1-3").
	Indices string
	// Shard is NETSWEEP_SHARD in the job's Variable_List: the shard a
	// resubmission runs; -1 when unset.
	Shard int
}

// ParseQstatJSON reads the output of PBS Pro's `qstat -f -F json`: the
// jobs sorted by id. A reply without "Jobs" lists none.
func ParseQstatJSON(out []byte) ([]JobInfo, error) {
	var doc struct {
		Jobs map[string]struct {
			Name      string          `json:"Job_Name"`
			State     string          `json:"job_state"`
			Exit      *json.Number    `json:"Exit_status"`
			Comment   string          `json:"comment"`
			Remaining string          `json:"array_indices_remaining"`
			Submitted string          `json:"array_indices_submitted"`
			Vars      json.RawMessage `json:"Variable_List"`
		} `json:"Jobs"`
	}
	d := json.NewDecoder(bytes.NewReader(out))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return nil, fmt.Errorf("pbs: bad qstat -F json output: %w", err)
	}
	var jobs []JobInfo
	for id, j := range doc.Jobs {
		if !idRE.MatchString(id) || j.State == "" {
			return nil, fmt.Errorf("pbs: bad qstat -F json output: job %q with state %q", id, j.State)
		}
		info := JobInfo{ID: id, Name: j.Name, State: j.State, Comment: j.Comment, Indices: j.Remaining, Shard: -1}
		if info.Indices == "" || info.Indices == "-" {
			info.Indices = j.Submitted
		}
		if j.Exit != nil {
			n, err := strconv.Atoi(j.Exit.String())
			if err != nil {
				return nil, fmt.Errorf("pbs: bad Exit_status %q of job %s", j.Exit.String(), id)
			}
			info.HasExit, info.Exit = true, n
		}
		if len(j.Vars) > 0 {
			var vars map[string]any
			if err := json.Unmarshal(j.Vars, &vars); err == nil {
				if s, ok := vars["NETSWEEP_SHARD"].(string); ok {
					info.Shard = shardOf(s)
				}
			}
		}
		jobs = append(jobs, info)
	}
	sort.Slice(jobs, func(a, b int) bool { return jobs[a].ID < jobs[b].ID })
	return jobs, nil
}

// ParseQstatText reads Torque's `qstat -f`: for each job a "Job Id: ID"
// line, then indented "key = value" lines, a long value continued on
// lines indented with a tab.
func ParseQstatText(out string) ([]JobInfo, error) {
	var jobs []JobInfo
	var fields map[string]string
	var id, last string
	flush := func() error {
		if id == "" {
			return nil
		}
		j := JobInfo{ID: id, Name: fields["Job_Name"], State: fields["job_state"], Comment: fields["comment"], Shard: -1}
		if !idRE.MatchString(j.ID) || j.State == "" {
			return fmt.Errorf("pbs: bad qstat -f output: job %q with state %q", j.ID, j.State)
		}
		j.Indices = fields["job_array_request"]
		if e, ok := fields["exit_status"]; ok {
			n, err := strconv.Atoi(e)
			if err != nil {
				return fmt.Errorf("pbs: bad exit_status %q of job %s", e, id)
			}
			j.HasExit, j.Exit = true, n
		}
		for _, kv := range strings.Split(fields["Variable_List"], ",") {
			if v, ok := strings.CutPrefix(kv, "NETSWEEP_SHARD="); ok {
				j.Shard = shardOf(v)
			}
		}
		jobs = append(jobs, j)
		id = ""
		return nil
	}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "Job Id:"):
			if err := flush(); err != nil {
				return nil, err
			}
			id = strings.TrimSpace(strings.TrimPrefix(line, "Job Id:"))
			fields, last = map[string]string{}, ""
		case id == "":
			return nil, fmt.Errorf("pbs: bad qstat -f output: %q before the first Job Id", line)
		case strings.HasPrefix(line, "\t") && last != "":
			fields[last] += strings.TrimSpace(line)
		default:
			k, v, ok := strings.Cut(strings.TrimSpace(line), " = ")
			if !ok {
				return nil, fmt.Errorf("pbs: bad qstat -f line %q: want key = value", line)
			}
			fields[k], last = v, k
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return jobs, nil
}

func shardOf(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// QdelArgs builds qdel's arguments to delete job id (every subjob).
func QdelArgs(id string) []string { return []string{id} }

// Runner runs PBS's commands. The zero value finds them on PATH and
// forwards their stderr to os.Stderr.
type Runner struct {
	// Flavour is "pbspro" ("" too) or "torque": how qstat is read.
	Flavour string
	// Paths of the commands; "" means the plain name, found on PATH.
	Qsub, Qstat, Qdel string
	// Env is added to every command's environment.
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

// Show runs qstat -f for job id; its error matches ErrUnknownJob when
// the server does not know the job.
func (r *Runner) Show(ctx context.Context, id string) ([]JobInfo, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "qstat", r.Qstat, QstatArgs(r.Flavour, id), io.Discard)
	if err != nil {
		// qstat: Unknown Job Id 1234.server (PBS Pro);
		// qstat: Unknown Job Id Error 1234.server (Torque)
		if strings.Contains(err.Error(), "Unknown Job Id") {
			return nil, fmt.Errorf("%w (%w)", err, ErrUnknownJob)
		}
		return nil, err
	}
	var jobs []JobInfo
	if r.Flavour == Torque {
		jobs, err = ParseQstatText(out)
	} else {
		jobs, err = ParseQstatJSON([]byte(out))
	}
	if err == nil && len(jobs) == 0 {
		err = fmt.Errorf("pbs: qstat -f %s listed no job (%w)", id, ErrUnknownJob)
	}
	return jobs, err
}

// Cancel runs qdel for job id.
func (r *Runner) Cancel(ctx context.Context, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	_, err := r.run(ctx, "qdel", r.Qdel, QdelArgs(id), nil)
	return err
}

// run runs one command without a shell. Its stderr goes to fw (nil: to
// r.Stderr, line by line with the prefix "name: "), and the last of it
// into the error when the command fails.
func (r *Runner) run(ctx context.Context, name, path string, args []string, fw io.Writer) (string, error) {
	return schedcmd.Command{Sched: "pbs", Hint: "is PBS installed and on PATH?", Name: name, Path: path,
		Args: args, Env: r.Env, Stderr: r.Stderr, To: fw}.Run(ctx)
}

// AppendJobID appends id to JobsFile(dir), creating dir/slurm as needed.
func AppendJobID(dir, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	return schedcmd.AppendJobID("pbs", JobsFile(dir), id)
}

// ReadJobIDs returns the job ids recorded in JobsFile(dir), oldest first,
// skipping anything that is not a job id; none when there is no such file.
func ReadJobIDs(dir string) ([]string, error) {
	return schedcmd.ReadJobIDs("pbs", JobsFile(dir), idRE)
}
