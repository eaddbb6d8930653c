package helpdesk

import (
	"strings"
	"testing"
)

// TestSafeNextBounded: the post-sign-in target is echoed into the sign-in
// page, so a long one falls back to /admin.
func TestSafeNextBounded(t *testing.T) {
	long := "/admin?q=" + strings.Repeat("a", 40<<10)
	for _, tt := range []struct{ next, want string }{
		{"/admin/links/7", "/admin/links/7"},
		{long, "/admin"},
		{"/admin?q=" + strings.Repeat("a", maxNextLen-9), "/admin?q=" + strings.Repeat("a", maxNextLen-9)},
		{"//evil.example/admin", "/admin"},
	} {
		if got := safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%.40q…) = %.40q…, want %.40q…", tt.next, got, tt.want)
		}
	}
}
