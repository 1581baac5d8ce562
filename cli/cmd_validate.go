package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/spec"
)

func cmdValidate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "campaign directory (default: [output] dir of the spec)")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", usageText("validate"))
	}
	s, err := spec.Load(fs.Arg(0))
	if err != nil {
		return err
	}
	if *out == "" {
		*out = s.Output.Dir
	}
	design := "a single point"
	if len(s.Params) > 0 {
		design = strings.Join(s.Params, " × ")
	}
	fmt.Fprintf(stdout, "%s: ok\n", s.Path)
	fmt.Fprintf(stdout, "  points       %d (%s)\n", len(s.Points), design)
	fmt.Fprintf(stdout, "  repetitions  %d per point\n", s.Repetitions)
	fmt.Fprintf(stdout, "  runs         %d\n", s.Runs())
	for _, note := range s.Notes {
		fmt.Fprintf(stdout, "  network      %s\n", note)
	}
	fmt.Fprintf(stdout, "  metrics      %s\n", strings.Join(s.Layout().Metrics, ", "))
	fmt.Fprintf(stdout, "  memory       %s per worker for the largest network\n", campaign.FormatBytes(s.MemoryBytes()))
	fmt.Fprintf(stdout, "  output       %s\n", *out)
	if done, total, ok, err := campaign.Already(*out, s); err != nil {
		fmt.Fprintf(stdout, "  journal      %v\n", err)
	} else if ok {
		fmt.Fprintf(stdout, "  journal      %d of %d runs already done there; %d to run\n", done, total, total-done)
	}
	return nil
}
