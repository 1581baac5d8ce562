package cli

import "os"

// heapFloorBytes is the heap that Main's collector counts before any of
// the run's own: a []byte that is allocated once, never written, so never
// in memory (its pages are the system's fresh, untouched ones), and never
// scanned (it holds no pointers).
//
// Go's collector runs whenever the heap has grown by GOGC % (100) over
// what the last collection kept, and from 4 MiB: a campaign of short
// repetitions, whose workers keep 5 to 10 MB, collects every few MB
// allocated, 3 times in the 0.12 s of BENCHMARKS.md's short campaign,
// 3 to 4 % of its CPU time. With the floor counted, a collection comes
// only after 16 MiB more than that: once, at most, on that campaign. A
// campaign whose networks keep hundreds of MB collects as before, and
// the most garbage the floor lets through before a collection is 16 MiB
// more (BENCHMARKS.md, "The heap floor").
const heapFloorBytes = 16 << 20

var heapFloor []byte

// setHeapFloor allocates the floor, unless GOGC or GOMEMLIMIT is set: the
// user's own choice of when to collect stands.
func setHeapFloor() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	heapFloor = make([]byte, heapFloorBytes)
}
