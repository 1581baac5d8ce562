// Command testsum reads 'go test -json' from standard input and writes
// what 'go test' writes without -v (a line per package, the output of
// failed tests), followed by every skipped test with the reason it gave,
// so that 'make check' names what it did not test:
//
//	go test -json ./... | go run ./internal/testsum
//
//	ok  	github.com/netsweep/netsweep/cli	41.2s
//	...
//	make check: 3 tests skipped:
//	  cli TestSlurmIntegration: SKIPPING the Slurm integration tests: SLURM_CONF is not set; ...
//
// It exits 1 if a test or a package failed, or if it read no event.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Stdin, os.Stdout))
}

func run(in io.Reader, out io.Writer) int {
	s, err := Summarize(in, out)
	if err != nil {
		fmt.Fprintln(out, "testsum:", err)
		return 1
	}
	if s.Failed || s.Events == 0 {
		return 1
	}
	return 0
}
