package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/netsweep/netsweep/report"
)

var exportUsage = usageText("export")

func cmdExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "", "csv or parquet")
	raw := fs.Bool("raw", false, "every repetition's raw values (raw.parquet) with their points' parameters")
	out := fs.String("o", "", "output file (- for standard output)")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 || (*format != "csv" && *format != "parquet") {
		return usagef("%s", exportUsage)
	}
	dir := fs.Arg(0)
	f, err := report.Read(dir)
	if err != nil {
		return err
	}
	t := report.ResultsTable(f)
	name := "results"
	if *raw {
		r, err := report.ReadRaw(filepath.Join(dir, "raw.parquet"))
		if err != nil {
			return fmt.Errorf("%w (raw values are kept only with [output] raw in the spec)", err)
		}
		if t, err = report.RawExportTable(f, r); err != nil {
			return err
		}
		name = "raw"
	}
	data, err := t.Encode(*format)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if *out == "" {
		*out = filepath.Join(dir, "export-"+name+"."+*format)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("could not write the export: %w", err)
	}
	fmt.Fprintf(stderr, "netsweep: wrote %s (%d rows)\n", *out, len(t.Rows))
	return nil
}
