package spec

import (
	"strings"
	"testing"
)

// TestInterventionMemory checks that each point that immunises nodes adds
// a copy of its network to a worker's memory estimate, and that
// immunise = 0 adds none.
func TestInterventionMemory(t *testing.T) {
	var net int64
	parse := func(text string) int64 {
		t.Helper()
		s, err := Parse("m.toml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		net = s.Point(0).Network.MemoryBytes()
		return s.MemoryBytes()
	}
	base := strings.Replace(good, "network.mean_degree = { start = 1.0, stop = 3.0, num = 3 }", "", 1)
	plain := parse(base)
	zero := parse(strings.Replace(base, "gamma = 1.0", "gamma = 1.0\nimmunise = 0.0", 1))
	imm := parse(strings.Replace(base, "gamma = 1.0", "gamma = 1.0\nimmunise = 0.2", 1))
	if zero != plain {
		t.Errorf("immunise = 0: %d bytes, without the key %d", zero, plain)
	}
	// Two points (beta = 0.1, 0.2) share a network: each immunising
	// point adds a copy.
	if imm-plain != 2*net {
		t.Errorf("immunise = 0.2: %d bytes, without %d: want two copies of the %d-byte network more", imm, plain, net)
	}
}
