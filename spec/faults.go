package spec

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// FaultsEnv names the environment variable that injects failures into
// chosen repetitions, to exercise failure handling end to end (the
// campaign goes on, failures are recorded, replay reproduces them). It
// lists comma-separated items: "panic@P/R" or "error@P/R" fail
// repetition R of point P; "delay=D" (a Go duration) makes every
// repetition wait D before it runs, so that a test can act while a
// campaign is still under way however fast the machine. It is read when a
// Runner is made; leave it unset in real campaigns.
const FaultsEnv = "NETSWEEP_FAULTS"

// faults are the failures FaultsEnv asks for.
type faults struct {
	at    map[[2]int]bool // {point, rep}: true to panic, false to fail
	delay time.Duration   // before every repetition
}

func parseFaults(s string) (*faults, error) {
	f := &faults{at: map[[2]int]bool{}}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if d, ok := strings.CutPrefix(item, "delay="); ok {
			delay, err := time.ParseDuration(d)
			if err != nil || delay < 0 {
				return nil, fmt.Errorf("spec: %s: bad item %q; want delay=DURATION, such as delay=5ms", FaultsEnv, item)
			}
			f.delay = delay
			continue
		}
		var point, rep int
		kind, at, ok := strings.Cut(item, "@")
		if _, err := fmt.Sscanf(at, "%d/%d", &point, &rep); !ok || err != nil || (kind != "panic" && kind != "error") {
			return nil, fmt.Errorf("spec: %s: bad item %q; want panic@POINT/REP, error@POINT/REP or delay=DURATION", FaultsEnv, item)
		}
		f.at[[2]int{point, rep}] = kind == "panic"
	}
	return f, nil
}

// inject waits and fails repetition rep of point as FaultsEnv says.
func (f *faults) inject(point, rep int) error {
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	panics, ok := f.at[[2]int{point, rep}]
	switch {
	case !ok:
		return nil
	case panics:
		panic(fmt.Sprintf("injected fault (%s) at point %d rep %d", FaultsEnv, point, rep))
	default:
		return fmt.Errorf("injected fault (%s) at point %d rep %d", FaultsEnv, point, rep)
	}
}

func loadFaults() *faults {
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
