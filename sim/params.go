package sim

import (
	"fmt"
	"sort"
)

// ParamError reports a bad model parameter. Key is the parameter's name as
// written in a spec ("mean_degree"); the spec package adds the table and the
// line.
type ParamError struct {
	Key    string
	Value  any
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("sim: bad parameter: %s=%v: %s", e.Key, e.Value, e.Reason)
}

func badParam(key string, value any, format string, args ...any) error {
	return &ParamError{Key: key, Value: value, Reason: fmt.Sprintf(format, args...)}
}

// Metric describes one per-run value a process reports.
type Metric struct {
	Name string
	// Lo and Hi bound the metric's default histogram (used for quantiles);
	// Log asks for logarithmically spaced bins, Lo > 0.
	Lo, Hi float64
	Log    bool
}

func sortedKeys[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
