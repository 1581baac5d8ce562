package cluster

import (
	"io"
	"testing"
)

func TestRegister(t *testing.T) {
	// Leave the registry as the examples expect it.
	mu.Lock()
	saved, savedOrder := map[string]Factory{}, append([]string(nil), order...)
	for k, v := range registry {
		saved[k] = v
	}
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		registry, order = saved, savedOrder
		mu.Unlock()
	})
	f := Factory{New: func(*Config, io.Writer) (Backend, error) { return nil, nil }}
	Register("test-backend", f)
	if _, ok := Lookup("test-backend"); !ok {
		t.Fatal("Lookup after Register: not found")
	}
	for name, f := range map[string]Factory{"test-backend": f, "test-no-new": {}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", name)
				}
			}()
			Register(name, f)
		}()
	}
	if _, err := Open(&Config{}, "nonesuch", io.Discard); err == nil {
		t.Error("Open of an unregistered backend: no error")
	}
}

func TestActive(t *testing.T) {
	jobs := []JobStatus{{ID: "1", Done: true}, {ID: "2"}, {ID: "3"}}
	if j, ok := Active(jobs); !ok || j.ID != "2" {
		t.Errorf("Active = %v, %v; want job 2", j, ok)
	}
	if _, ok := Active(jobs[:1]); ok {
		t.Error("Active of finished jobs")
	}
}

// TestRunBudget: the --budget of each run is the job's budget, or its
// share for each of K array shards, in a form 'run --budget' reads back.
func TestRunBudget(t *testing.T) {
	for _, tc := range []struct {
		budget float64
		shards int
		want   string
	}{
		{0, 0, ""},
		{0, 4, ""},
		{500, 0, "500h"},
		{500, 4, "125h"},
		{1, 3, "0.3333333333333333h"},
		{2.5e-7, 0, "2.5e-07h"},
	} {
		j := Job{Budget: tc.budget, Cluster: Config{ArrayShards: tc.shards}}
		if got := j.RunBudget(); got != tc.want {
			t.Errorf("Budget %v, %d shards: RunBudget = %q, want %q", tc.budget, tc.shards, got, tc.want)
		}
	}
}
