package sim

import (
	"slices"
	"testing"
)

func TestDegreeMomentsAndHistogram(t *testing.T) {
	var g Graph
	// A star on 4 nodes plus an isolated node: degrees 3,1,1,1,0.
	if err := g.BuildFromEdges(5, []int32{0, 0, 0}, []int32{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	k1, k2 := DegreeMoments(&g)
	if k1 != 6.0/5 || k2 != 12.0/5 {
		t.Errorf("moments = %g, %g; want 1.2, 2.4", k1, k2)
	}
	h := DegreeHistogram(make([]int64, 10), &g)
	if want := []int64{1, 3, 0, 1}; !slices.Equal(h, want) {
		t.Errorf("histogram = %v, want %v", h, want)
	}
	var empty Graph
	if k1, k2 := DegreeMoments(&empty); k1 != 0 || k2 != 0 {
		t.Errorf("empty moments = %g, %g", k1, k2)
	}
	if h := DegreeHistogram(h, &empty); len(h) != 0 {
		t.Errorf("empty histogram = %v", h)
	}
}
