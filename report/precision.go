package report

import (
	"strconv"

	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/spec"
)

// Columns of results.csv with [precision] only, after the metrics' (a
// spec without [precision] keeps its columns, and its bytes): the
// precision a point reached, in the target's units (sem or rel_ci95, of
// its worst watched metric), and whether it met the target.
const (
	PrecisionColumn = "precision"
	MetColumn       = "precision_met"
)

func precisionHeader(s *spec.Spec) []string {
	if s.Precision == nil {
		return nil
	}
	return []string{PrecisionColumn, MetColumn}
}

func precisionCells(s *spec.Spec, sum *reduce.Summary) []string {
	pr := s.Precision
	if pr == nil {
		return nil
	}
	return []string{FormatFloat(pr.Reached(sum)), strconv.FormatBool(pr.Met(sum))}
}

// PointPrecision is a point's precision in results.json, with [precision].
type PointPrecision struct {
	Kind    string  `json:"kind"` // sem or rel_ci95
	Target  float64 `json:"target"`
	Reached number  `json:"reached"` // null where not known (fewer than two repetitions)
	Met     bool    `json:"met"`
}

func pointPrecision(s *spec.Spec, sum *reduce.Summary) *PointPrecision {
	pr := s.Precision
	if pr == nil {
		return nil
	}
	return &PointPrecision{Kind: pr.Kind, Target: pr.Target, Reached: number(pr.Reached(sum)), Met: pr.Met(sum)}
}
