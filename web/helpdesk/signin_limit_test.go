package helpdesk

import (
	"fmt"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

func TestSignInSource(t *testing.T) {
	tests := []struct {
		ip, want string
	}{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not an address", "invalid"},
	}
	for _, tt := range tests {
		if got := signInSource(tt.ip); got != tt.want {
			t.Errorf("signInSource(%q) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

// TestSourceLimiter: ten attempts at once, then one a minute; a success
// gives its attempt back.
func TestSourceLimiter(t *testing.T) {
	clk := timetest.NewClock()
	l := newSourceLimiter(clk.Now)
	for i := range sourceBurst {
		if ok, _ := l.take("192.0.2.1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, wait := l.take("192.0.2.1")
	if ok || wait != sourceRefill {
		t.Errorf("attempt %d = %v, wait %v; want refused for %v", sourceBurst+1, ok, wait, sourceRefill)
	}
	if ok, _ := l.take("192.0.2.2"); !ok {
		t.Error("another source was refused")
	}
	l.give("192.0.2.1")
	if ok, _ := l.take("192.0.2.1"); !ok {
		t.Error("an attempt given back was not there")
	}
	clk.Advance(30 * time.Second)
	if ok, wait := l.take("192.0.2.1"); ok || wait != 30*time.Second {
		t.Errorf("after half a minute: %v, wait %v; want refused for 30s", ok, wait)
	}
	clk.Advance(30 * time.Second)
	if ok, _ := l.take("192.0.2.1"); !ok {
		t.Error("after a minute: refused, want one attempt")
	}
}

// TestSourceLimiterBounded: a flood from many addresses does not grow the
// map without end.
func TestSourceLimiterBounded(t *testing.T) {
	l := newSourceLimiter(timetest.Fixed)
	for i := range 3 * maxSourceBuckets {
		l.take(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
	}
	if n := len(l.buckets); n > maxSourceBuckets {
		t.Errorf("%d sources kept, want at most %d", n, maxSourceBuckets)
	}
}

func TestWaitText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "a minute"},
		{59 * time.Second, "a minute"},
		{61 * time.Second, "2 minutes"},
		{15 * time.Minute, "15 minutes"},
		{90 * time.Minute, "90 minutes"},
		{91 * time.Minute, "2 hours"},
		{24 * time.Hour, "24 hours"},
	}
	for _, tt := range tests {
		if got := waitText(newTestDesk(t).messages.ForLang("en"), tt.d); got != tt.want {
			t.Errorf("waitText(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
