package sim

import (
	"fmt"
	"maps"
	"math"
)

// MaxNodes is the largest number of nodes a Graph can hold.
const MaxNodes = math.MaxInt32 - 1

// Generator fills a caller-owned graph with one random network. A
// Generator holds no mutable state, so one may serve many goroutines, each
// with its own Graph and Rand; all scratch space lives in the Graph.
type Generator interface {
	Generate(dst *Graph, r *Rand) error
}

// NetworkSettings is a [network] table after any sweep: the generator's
// name and the values of the keys it reads.
type NetworkSettings struct {
	Generator string
	Params    Params
}

// N returns the number of nodes, or 0 if n is not set.
func (s NetworkSettings) N() int {
	n, _ := s.Params["n"].(int64)
	return int(n)
}

// New validates s and returns its generator.
func (s NetworkSettings) New() (Generator, error) {
	m, ok := generators[s.Generator]
	if !ok {
		return nil, badParam("generator", s.Generator, "unknown generator; choose one of %v", GeneratorNames())
	}
	if n := s.N(); n < 1 {
		return nil, badParam("n", n, "need at least 1 node")
	} else if n > MaxNodes {
		return nil, badParam("n", n, "at most %d nodes fit int32 node ids", MaxNodes)
	}
	if _, err := s.NewMetrics(); err != nil {
		return nil, err
	}
	return m.New(s.modelParams())
}

// modelParams returns the params the generator reads itself: all but
// metrics.
func (s NetworkSettings) modelParams() Params {
	if _, ok := s.Params["metrics"]; !ok {
		return s.Params
	}
	p := maps.Clone(s.Params)
	delete(p, "metrics")
	return p
}

// MemoryBytes estimates the memory of one graph generated from s, scratch
// space included. It assumes s is valid.
func (s NetworkSettings) MemoryBytes() int64 {
	m, ok := generators[s.Generator]
	if !ok || m.Bytes == nil {
		return 0
	}
	return m.Bytes(s.modelParams())
}

func (s NetworkSettings) String() string {
	return fmt.Sprintf("%s(n=%d)", s.Generator, s.N())
}

// Resolve lets s's generator read what its keys name outside the spec
// (GeneratorModel.Resolve), setting keys of s.Params in place, relative
// paths taken from dir. It returns the generator's note, and does nothing
// for a generator without Resolve.
func (s NetworkSettings) Resolve(dir string) (string, error) {
	m, ok := generators[s.Generator]
	if !ok || m.Resolve == nil {
		return "", nil
	}
	return m.Resolve(s.Params, dir)
}

// Locators returns the keys of s's generator that only locate an input
// (GeneratorModel.Locators), which identities leave out.
func (s NetworkSettings) Locators() []string {
	return append([]string(nil), generators[s.Generator].Locators...)
}
