package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/netsweep/netsweep/report"
)

var plotUsage = usageText("plot")

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func cmdPlot(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o report.PlotOptions
	var where multiFlag
	var out, hist string
	var logX, logY bool
	fs.StringVar(&o.X, "x", "", "parameter on the x axis")
	fs.StringVar(&o.Y, "y", "", "metric on the y axis")
	fs.StringVar(&o.Series, "series", "", "parameter with one line per value")
	fs.StringVar(&o.Title, "title", "", "title")
	fs.Var(&where, "where", "PARAM=VALUE: keep only points with this value (repeatable)")
	fs.StringVar(&out, "o", "", "output file (.png, .svg or .pdf)")
	fs.StringVar(&hist, "hist", "", "metric whose distribution to draw")
	fs.BoolVar(&logX, "logx", false, "log x axis")
	fs.StringVar(&o.Stat, "stat", "", "statistic of the metric to draw instead of its mean (binder, q50, given_mean, ...)")
	fs.BoolVar(&logY, "logy", false, "log y axis (--hist)")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 || out == "" ||
		hist == "" && (o.X == "" || o.Y == "") || hist != "" && (o.X != "" || o.Y != "" || o.Series != "") {
		return usagef("%s", plotUsage)
	}
	o.Where = map[string]string{}
	for _, w := range where {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return usagef("--where %s: want PARAM=VALUE", w)
		}
		o.Where[k] = v
	}
	f, err := report.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	if o.Title == "" {
		o.Title = f.Name
	}
	if hist != "" {
		err = report.PlotHist(f, report.HistOptions{Metric: hist, Where: o.Where, LogX: logX, LogY: logY, Title: o.Title}, out)
	} else {
		o.LogX = logX
		err = report.Plot(f, o, out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "netsweep: wrote %s\n", out)
	return nil
}
