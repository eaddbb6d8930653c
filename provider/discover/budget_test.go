package discover

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
)

func TestDestination(t *testing.T) {
	tests := []struct {
		addr, want string
	}{
		{addr: "203.0.114.7", want: "203.0.114.7/32"},
		{addr: "::ffff:203.0.114.7", want: "203.0.114.7/32"}, // the same host, the same budget
		{addr: "2001:db9:1:2:3:4:5:6", want: "2001:db9:1:2::/64"},
		{addr: "2001:db9:1:2:ffff::1", want: "2001:db9:1:2::/64"},
	}
	for _, tt := range tests {
		if got := destination(netip.MustParseAddr(tt.addr)); got.String() != tt.want {
			t.Errorf("destination(%s) = %s, want %s", tt.addr, got, tt.want)
		}
	}
}

// TestClosedPortTriedOnce: when every guessed name points at one address
// whose mail ports are closed, each port is connected to once in a
// lookup; the other names for it are not tried there again.
func TestClosedPortTriedOnce(t *testing.T) {
	e := newEnv(t)
	// Six distinct closed ports: each listener stays open until all six
	// are taken, since a port closed at once may be handed out again to
	// the next, and two mail ports on one socket count as one.
	var open []net.Listener
	for _, p := range []int{993, 143, 995, 110, 465, 587} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, ln)
		e.ports[p] = ln.Addr().(*net.TCPAddr).Port
	}
	for _, ln := range open {
		ln.Close() // closed from now on
	}
	e.dns.host(t, "closed.test", "imap.closed.test", "mail.closed.test", "pop3.closed.test", "pop.closed.test", "smtp.closed.test")
	d := e.discoverer(t, e.config())
	res, _ := d.Discover(context.Background(), "closed.test")
	logSteps(t, res)
	connects, skipped := map[string]int{}, 0
	for _, s := range res.Steps {
		if s.Source != "probe" {
			continue
		}
		_, port, _ := strings.Cut(strings.Fields(s.Target)[0], ":")
		switch {
		case strings.Contains(s.Detail, "not tried again"):
			skipped++
		case strings.Contains(s.Detail, "connection refused"):
			connects[port]++
		}
	}
	for port, n := range connects {
		if n != 1 {
			t.Errorf("port %s was connected to %d times, want once", port, n)
		}
	}
	if len(connects) != 6 || skipped == 0 {
		t.Errorf("%d ports tried, %d names skipped; want 6 ports, and the other names skipped", len(connects), skipped)
	}
}
