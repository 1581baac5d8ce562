package cluster

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// TestArrayTasks: the task lists of Grid Engine (qstat) and PBS (qstat
// array_indices_remaining), spaces after commas included.
func TestArrayTasks(t *testing.T) {
	for _, tc := range []struct {
		set  string
		k    int
		want []int
	}{
		{"", 3, nil}, {"2", 3, []int{1}}, {"1-3:1", 3, []int{0, 1, 2}}, {"1-3:1", 2, []int{0, 1}},
		{"4,6-9:2", 10, []int{3, 5, 7}}, {"1, 3-5", 9, []int{0, 2, 3, 4}}, {"x,2", 3, []int{1}}, {"1-9:0", 3, nil}, {"0-2", 5, []int{0, 1}},
	} {
		if got := ArrayTasks(tc.set, tc.k); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ArrayTasks(%q, %d) = %v, want %v", tc.set, tc.k, got, tc.want)
		}
	}
}

// TestUnknownJob: a scheduler's ErrUnknownJob matches its own value and
// cluster.ErrUnknownJob, not another scheduler's.
func TestUnknownJob(t *testing.T) {
	a, b := UnknownJob("no longer known to A"), UnknownJob("no longer known to B")
	wrapped := fmt.Errorf("status of 12: %w", a)
	if !errors.Is(wrapped, a) || !errors.Is(wrapped, ErrUnknownJob) || errors.Is(wrapped, b) {
		t.Errorf("errors.Is of %v: own %v, cluster %v, other %v", wrapped, errors.Is(wrapped, a), errors.Is(wrapped, ErrUnknownJob), errors.Is(wrapped, b))
	}
	if a.Error() != "no longer known to A" {
		t.Errorf("Error() = %q", a.Error())
	}
}
