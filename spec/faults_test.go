package spec

import (
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	f, err := parseFaults("panic@1/2, error@0/7,delay=5ms")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.at) != 2 || !f.at[[2]int{1, 2}] || f.at[[2]int{0, 7}] || f.delay != 5*time.Millisecond {
		t.Errorf("parsed %+v", f)
	}
	if err := f.inject(3, 3); err != nil {
		t.Errorf("repetition 3 of point 3 failed: %v", err)
	}
	if err := f.inject(0, 7); err == nil || !strings.Contains(err.Error(), "point 0 rep 7") {
		t.Errorf("repetition 7 of point 0: %v, want an injected error", err)
	}
	for _, bad := range []string{"panic@1", "crash@1/2", "delay=soon", "delay=-1s"} {
		if _, err := parseFaults(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%q: %v, want an error naming it", bad, err)
		}
	}
}
