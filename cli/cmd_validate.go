package cli

import (
	"flag"
	"io"

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
	if err := s.CheckMemory(); err != nil {
		return err
	}
	if *out == "" {
		*out = s.Output.Dir
	}
	campaign.Describe(stdout, s, *out)
	return nil
}
