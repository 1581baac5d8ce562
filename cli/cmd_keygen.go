package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/netsweep/netsweep/remote"
)

var keygenUsage = usageText("keygen")

// keygenOptions are the flags of 'netsweep keygen'.
type keygenOptions struct {
	Name string // the key's file name
	Dir  string // where the key files go
}

func cmdKeygen(args []string, stdout io.Writer) error {
	var o keygenOptions
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Dir, "dir", "", "directory of the key files (default ~/.netsweep/keys)")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", keygenUsage)
	}
	o.Name = fs.Arg(0)
	var err error
	if o.Dir == "" {
		if o.Dir, err = remote.DefaultKeyDir(); err != nil {
			return err
		}
	}
	priv, pub, err := remote.Keygen(o.Dir, o.Name)
	if err != nil {
		return err
	}
	line, err := os.ReadFile(pub)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "private key  %s\npublic key   %s\n\nAdd this line to ~/.ssh/authorized_keys on the cluster's head node:\n\n%s\n", priv, pub, strings.TrimSpace(string(line)))
	fmt.Fprintf(stdout, "Then: netsweep submit SPEC --remote USER@HOST --key %s\n", priv)
	return nil
}
