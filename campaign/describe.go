package campaign

import (
	"fmt"
	"io"
	"strings"

	"github.com/netsweep/netsweep/spec"
)

// Describe writes what 'netsweep validate' says of a valid spec s: the
// size of its campaign, its networks from files, its metrics, the memory of
// a worker, and, where dir already holds the campaign's journal, how many
// of its runs are done there.
func Describe(w io.Writer, s *spec.Spec, dir string) {
	design := "a single point"
	if len(s.Params) > 0 {
		design = strings.Join(s.Params, " × ")
	}
	fmt.Fprintf(w, "%s: ok\n", s.Path)
	fmt.Fprintf(w, "  points       %d (%s)\n", s.NumPoints(), design)
	if pr := s.Precision; pr != nil {
		fmt.Fprintf(w, "  repetitions  %d to %d per point, in blocks of %d, to %v\n", pr.Min, pr.Max, pr.Block, pr)
		fmt.Fprintf(w, "  runs         %d to %d\n", int64(pr.First())*int64(s.NumPoints()), s.Runs())
	} else {
		fmt.Fprintf(w, "  repetitions  %d per point\n", s.Repetitions)
		fmt.Fprintf(w, "  runs         %d\n", s.Runs())
	}
	for _, note := range s.Notes {
		label := "network"
		if rest, ok := strings.CutPrefix(note, "process: "); ok {
			label, note = "process", rest
		}
		fmt.Fprintf(w, "  %-12s %s\n", label, note)
	}
	fmt.Fprintf(w, "  metrics      %s\n", strings.Join(s.Layout().Metrics, ", "))
	fmt.Fprintf(w, "  memory       %s per worker for the largest network\n", FormatBytes(s.MemoryBytes()))
	fmt.Fprintf(w, "  output       %s\n", dir)
	if done, total, ok, err := Already(dir, s); err != nil {
		fmt.Fprintf(w, "  journal      %v\n", err)
	} else if ok {
		fmt.Fprintf(w, "  journal      %d of %d runs already done there; %d to run\n", done, total, total-done)
	}
}
