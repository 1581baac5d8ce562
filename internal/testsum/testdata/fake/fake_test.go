package fake

import (
	"os"
	"testing"
)

func TestPasses(t *testing.T) {}

func TestSkipsLoudly(t *testing.T) {
	t.Log("looking for a daemon")
	t.Skip("SKIPPING the daemon tests: no daemon here")
}

func TestSub(t *testing.T) {
	t.Run("skipped", func(t *testing.T) { t.Skipf("SKIPPING %s: not today", "this one") })
	t.Run("fails", func(t *testing.T) {
		if os.Getenv("TESTSUM_FAIL") == "1" {
			t.Error("broken on purpose")
		}
	})
}
