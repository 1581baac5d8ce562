package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/netsweep/netsweep/sim"
)

// cmdModels lists the generators and models a spec can name, with the keys
// each reads: the reference of [network] and [process].
func cmdModels(stdout io.Writer) error {
	fmt.Fprintln(stdout, "[network] generators:")
	for _, name := range sim.GeneratorNames() {
		keys, _ := sim.GeneratorKeys(name)
		fmt.Fprintf(stdout, "  %-14s %s\n  %-14s keys: %s\n", name, sim.GeneratorDoc(name), "", strings.Join(keys, ", "))
	}
	fmt.Fprintln(stdout, "\n[process] models:")
	for _, name := range sim.ProcessNames() {
		keys, _ := sim.ProcessKeys(name)
		fmt.Fprintf(stdout, "  %-16s %s\n  %-16s keys: %s\n", name, sim.ProcessDoc(name), "", strings.Join(keys, ", "))
	}
	fmt.Fprintf(stdout, "\n[process] interventions:\n  %s\n", sim.InterventionDoc)
	return nil
}
