package report

import "runtime/debug"

// Revision returns the VCS revision of the running binary: override when
// not "" (set at link time), else the one the go command recorded, else
// "unknown"; Provenance.Revision.
func Revision(override string) string {
	if override != "" {
		return override
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
