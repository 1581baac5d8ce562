package cli

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/spec"
)

var replayUsage = usageText("replay")

func cmdReplay(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	point := fs.Int("point", -1, "parameter point index")
	rep := fs.Int("rep", -1, "repetition index")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 || *point < 0 || *rep < 0 {
		return usagef("%s", replayUsage)
	}
	s, err := spec.Load(filepath.Join(fs.Arg(0), campaign.SpecFile))
	if err != nil {
		return err
	}
	if *point >= s.NumPoints() || *rep >= s.Repetitions {
		return usagef("--point %d --rep %d: the campaign has points 0..%d and repetitions 0..%d", *point, *rep, s.NumPoints()-1, s.Repetitions-1)
	}
	fmt.Fprintf(stdout, "%s, repetition %d\n", s.PointLabel(*point), *rep)
	netSeed, procSeed := s.PointSeeds(*point, *rep)
	fmt.Fprintf(stdout, "  network seed %d, process seed %d\n", netSeed, procSeed)
	out := make([]float64, len(s.Metrics))
	if err := s.NewRunner().Run(*point, *rep, out); err != nil {
		return fmt.Errorf("repetition %d of point %d failed: %w", *rep, *point, err)
	}
	for i, m := range s.Metrics {
		fmt.Fprintf(stdout, "  %-16s %v\n", m.Name, out[i])
	}
	return nil
}
