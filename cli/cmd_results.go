package cli

import (
	"flag"
	"io"
	"strings"

	"github.com/netsweep/netsweep/report"
)

var resultsUsage = usageText("results")

func cmdResults(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("results", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	metrics := fs.String("metrics", "", "comma-separated metrics to show (default: all)")
	stats := fs.String("stats", "mean,sem", "comma-separated statistics: "+strings.Join(report.StatColumns, ","))
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", resultsUsage)
	}
	f, err := report.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	return report.WriteTable(stdout, f, splitList(*metrics), splitList(*stats))
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
