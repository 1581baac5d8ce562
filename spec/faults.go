package spec

import (
	"fmt"
	"os"
	"strings"
)

// FaultsEnv names the environment variable that injects failures into
// chosen repetitions, to exercise failure handling end to end (the
// campaign goes on, failures are recorded, replay reproduces them). It
// lists "panic@P/R" or "error@P/R" items, comma-separated, for point P and
// repetition R. It is read when a Runner is made; leave it unset in real
// campaigns.
const FaultsEnv = "NETSWEEP_FAULTS"

type fault struct {
	point, rep int
	panics     bool
}

func parseFaults(s string) (map[[2]int]bool, error) {
	faults := map[[2]int]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var f fault
		kind, at, ok := strings.Cut(item, "@")
		if _, err := fmt.Sscanf(at, "%d/%d", &f.point, &f.rep); !ok || err != nil || (kind != "panic" && kind != "error") {
			return nil, fmt.Errorf("spec: %s: bad item %q; want panic@POINT/REP or error@POINT/REP", FaultsEnv, item)
		}
		faults[[2]int{f.point, f.rep}] = kind == "panic"
	}
	return faults, nil
}

// injectFault fails repetition rep of point if FaultsEnv says so.
func (r *Runner) injectFault(point, rep int) error {
	panics, ok := r.faults[[2]int{point, rep}]
	switch {
	case !ok:
		return nil
	case panics:
		panic(fmt.Sprintf("injected fault (%s) at point %d rep %d", FaultsEnv, point, rep))
	default:
		return fmt.Errorf("injected fault (%s) at point %d rep %d", FaultsEnv, point, rep)
	}
}

func loadFaults() map[[2]int]bool {
	s := os.Getenv(FaultsEnv)
	if s == "" {
		return nil
	}
	f, err := parseFaults(s)
	if err != nil {
		panic(err) // a test's mistake, not a user's
	}
	return f
}
