package cli

import (
	"runtime/debug"
)

// version is the release; revision is set by the Makefile with -ldflags.
var (
	version  = "0.1.0-dev"
	revision = ""
)

// vcsRevision returns the VCS revision the binary was built from, if known.
func vcsRevision() string {
	if revision != "" {
		return revision
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

func versionString() string { return version + " (" + vcsRevision() + ")" }
