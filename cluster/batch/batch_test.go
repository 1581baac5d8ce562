package batch

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/cluster"
	_ "github.com/netsweep/netsweep/cluster/backends" // the scheduler key of a spec
	"github.com/netsweep/netsweep/spec"
)

// fakeScheduler keeps its jobs in memory and lists them from its table.
type fakeScheduler struct {
	states map[string]string // job id → state; absent: unknown
	ids    map[string][]string
	next   int
}

func (f *fakeScheduler) Render(w io.Writer, job cluster.Job) error {
	_, err := fmt.Fprintf(w, "#!/bin/sh\n# %s\n", job.Name)
	return err
}

func (f *fakeScheduler) Submit(_ context.Context, job cluster.Job) (string, error) {
	f.next++
	id := fmt.Sprint(f.next)
	f.states[id] = "PENDING"
	f.ids[job.Dir] = append(f.ids[job.Dir], id)
	return id, nil
}

func (f *fakeScheduler) Jobs(dir string) ([]string, error) { return f.ids[dir], nil }

func (f *fakeScheduler) Status(_ context.Context, id string) ([]cluster.JobStatus, error) {
	st, ok := f.states[id]
	if !ok {
		return nil, fmt.Errorf("job %s: %w", id, cluster.ErrUnknownJob)
	}
	done := st != "PENDING" && st != "RUNNING"
	return []cluster.JobStatus{{ID: id, State: st, Done: done, HasExit: done}}, nil
}

func (f *fakeScheduler) Cancel(_ context.Context, id string) error {
	f.states[id] = "CANCELLED"
	return nil
}

const testSpec = `name = "batch-unit"
seed = 1
repetitions = 4
[network]
generator = "er"
n = 20
mean_degree = 2.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
[cluster]
time = "1:00:00"
ntasks = 2
`

func loadSpec(t testing.TB, text string) *spec.Spec {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := spec.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSubmitCancelStatus(t *testing.T) {
	ctx := context.Background()
	f := &fakeScheduler{states: map[string]string{}, ids: map[string][]string{}}
	s := loadSpec(t, testSpec)
	dir := filepath.Join(t.TempDir(), "camp")
	job, err := Job(s, dir, "my-mpi", true)
	if err != nil || job.Dir != dir || job.Spec != filepath.Join(dir, "spec.toml") || job.Cluster.Binary != "my-mpi" {
		t.Fatalf("Job = %+v, %v", job, err)
	}
	if script, err := Render(f, s, dir, "", 0); err != nil || string(script) != "#!/bin/sh\n# batch-unit\n" {
		t.Errorf("Render = %q, %v", script, err)
	}
	id, err := Submit(ctx, f, s, job)
	if err != nil || id != "1" {
		t.Fatalf("Submit = %q, %v", id, err)
	}
	if b, err := os.ReadFile(job.Spec); err != nil || string(b) != testSpec {
		t.Errorf("the spec copy: %v", err)
	}
	if fi, err := os.Stat(job.Script); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("the script: %v, %v", fi, err)
	}
	if _, err := Submit(ctx, f, s, job); err == nil || !strings.Contains(err.Error(), "already has job 1 PENDING") {
		t.Errorf("a second Submit with job 1 pending: %v", err)
	}
	if lines := Status(ctx, f, dir); len(lines) < 2 || !strings.Contains(strings.Join(lines, "\n"), "job 1: PENDING") {
		t.Errorf("Status = %q", lines)
	}
	var got []string
	n, err := Cancel(ctx, f, dir, func(id, state string) { got = append(got, id+" "+state) })
	if err != nil || n != 1 || !reflect.DeepEqual(got, []string{"1 PENDING"}) {
		t.Errorf("Cancel = %d, %v, %q", n, err, got)
	}
	if n, err := Cancel(ctx, f, dir, nil); n != 0 || err != nil {
		t.Errorf("a second Cancel = %d, %v", n, err)
	}
	if _, err := Cancel(ctx, f, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "has no Slurm jobs") {
		t.Errorf("Cancel without jobs: %v", err)
	}
	other := loadSpec(t, strings.Replace(testSpec, "seed = 1", "seed = 2", 1))
	if _, err := Submit(ctx, f, other, job); err == nil || !strings.Contains(err.Error(), "holds another campaign") {
		t.Errorf("Submit of another campaign: %v", err)
	}
	if c := DirCluster(dir); c.Time == "" {
		t.Errorf("DirCluster = %+v", c)
	}
}
