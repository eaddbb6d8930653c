package discover

import (
	"testing"
	"time"
)

// waitFor waits until cond holds, and fails the test if it does not
// within a generous bound: the bound is for a hung test, not a timing
// assertion.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("waited 10s for %s", what)
}
