package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable prints f as an aligned table: the parameters, reps, failed,
// then the chosen statistics of the chosen metrics (all metrics if none),
// and, for a campaign with [precision], the columns of results.csv that
// say each point's precision and whether it met its target
// (PrecisionColumn, MetColumn; NaN where a point has fewer than two
// repetitions).
func WriteTable(w io.Writer, f *File, metrics, stats []string) error {
	if len(metrics) == 0 {
		metrics = f.Metrics
	}
	for _, m := range metrics {
		if !contains(f.Metrics, m) {
			return fmt.Errorf("no metric %q; the campaign has %s", m, strings.Join(f.Metrics, ", "))
		}
	}
	have := f.Stats()
	for _, s := range stats {
		if !contains(have, s) {
			return fmt.Errorf("no statistic %q; choose from %s", s, strings.Join(have, ", "))
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := append(append([]string(nil), f.Params...), "reps", "failed")
	for _, m := range metrics {
		for _, s := range stats {
			header = append(header, m+"_"+s)
		}
	}
	precision := len(f.Points) > 0 && f.Points[0].Precision != nil
	if precision {
		header = append(header, PrecisionColumn, MetColumn)
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for i := range f.Points {
		p := &f.Points[i]
		row := make([]string, 0, len(header))
		for _, k := range f.Params {
			row = append(row, p.ParamString(k))
		}
		row = append(row, fmt.Sprint(p.Reps), fmt.Sprint(p.Failed))
		for _, m := range metrics {
			for _, s := range stats {
				v, err := p.Stat(m, s)
				if err != nil {
					return err
				}
				row = append(row, fmt.Sprintf("%.6g", v))
			}
		}
		if precision {
			if pp := p.Precision; pp != nil {
				row = append(row, fmt.Sprintf("%.6g", float64(pp.Reached)), fmt.Sprint(pp.Met))
			} else {
				row = append(row, "", "")
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}

// Stats returns the names of the statistics that f holds for each metric:
// StatColumns, then those that [output] moments and given add.
func (f *File) Stats() []string {
	have := append([]string(nil), StatColumns...)
	if len(f.Points) > 0 && len(f.Metrics) > 0 {
		m := f.Points[0].Metrics[f.Metrics[0]]
		for _, c := range MomentColumns {
			if _, ok := m[c]; ok {
				have = append(have, c)
			}
		}
		for _, c := range StatColumns {
			if _, ok := m[GivenPrefix+c]; ok {
				have = append(have, GivenPrefix+c)
			}
		}
		for _, c := range MomentColumns {
			if _, ok := m[GivenPrefix+c]; ok {
				have = append(have, GivenPrefix+c)
			}
		}
	}
	return have
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
