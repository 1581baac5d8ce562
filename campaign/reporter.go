package campaign

import "github.com/netsweep/netsweep/mpirun"

// Reporter receives what a running campaign has to tell its user. The
// campaign calls it from the controller's goroutine, one call at a time;
// it must not block for long.
type Reporter interface {
	// Notice is a one-line message for the user: a journal repaired, a
	// directory moved aside, a shard complete.
	Notice(msg string)
	// Start is called once the directory is open, before any work.
	Start(Start)
	// Progress is called after every finished chunk.
	Progress(mpirun.Progress)
}

// Start describes a run about to begin.
type Start struct {
	Dir     string
	Points  int   // parameter points of the spec
	Reps    int   // repetitions per point
	Total   int64 // repetitions of the directory's part of the campaign
	Done    int64 // of them, recorded before this run
	Ranks   int   // ranks (or local workers) that compute
	Runtime string
	// Precision describes [precision] ("final_size sem = 0.005, 50 to
	// 2000 repetitions in blocks of 50"), "" without: Total then grows as
	// the run decides more blocks.
	Precision string
}

// Nop is a Reporter that reports nothing.
type Nop struct{}

func (Nop) Notice(string)            {}
func (Nop) Start(Start)              {}
func (Nop) Progress(mpirun.Progress) {}

func reporterOrNop(r Reporter) Reporter {
	if r == nil {
		return Nop{}
	}
	return r
}
