package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Read reads the results.json in dir.
func Read(dir string) (*File, error) {
	path := filepath.Join(dir, "results.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("could not read results: %w (is %s a campaign's output directory?)", err, dir)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("could not read %s: %w", path, err)
	}
	return &f, nil
}

// Stat returns statistic stat ("mean", "ci95_lo", ...) of metric at point
// p, or NaN where it is undefined.
func (p *Point) Stat(metric, stat string) (float64, error) {
	m, ok := p.Metrics[metric]
	if !ok {
		return 0, fmt.Errorf("no metric %q", metric)
	}
	v, ok := m[stat]
	if !ok {
		return 0, fmt.Errorf("no statistic %q of %s", stat, metric)
	}
	if v == nil {
		return nan, nil
	}
	return float64(*v), nil
}

// ParamFloat returns parameter key of p as a number.
func (p *Point) ParamFloat(key string) (float64, error) {
	switch v := p.Params[key].(type) {
	case float64:
		return v, nil
	case nil:
		return 0, fmt.Errorf("no parameter %q", key)
	default:
		return 0, fmt.Errorf("parameter %s = %v is not a number", key, v)
	}
}

// ParamString returns parameter key of p as text.
func (p *Point) ParamString(key string) string { return formatParam(p.Params[key]) }
