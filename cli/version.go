package cli

import "github.com/netsweep/netsweep/report"

// version is the release; revision is set by the Makefile with -ldflags.
var (
	version  = "0.1.0-dev"
	revision = ""
)

// vcsRevision is the revision the binary was built from.
func vcsRevision() string { return report.Revision(revision) }

func versionString() string { return version + " (" + vcsRevision() + ")" }
