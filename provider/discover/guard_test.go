package discover

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// refusedAddrs are the addresses the issue names, and more special ranges.
var refusedAddrs = []string{
	"127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1",
	"169.254.169.254", "0.0.0.0", "::1", "fd00::1", "::ffff:127.0.0.1",
	"127.0.0.2", "172.31.255.255", "100.127.255.254", "224.0.0.1", "255.255.255.255",
	"192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "240.0.0.1",
	"::", "fe80::1", "fc00::1", "ff02::1", "fec0::1", "2001:db8::1", "3fff::1",
	"::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "::10.0.0.1",
	"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2002:7f00:1::1",
	"2002:c0a8:101::1", "2001::1", "100::1",
}

func TestCheckAddrRefuses(t *testing.T) {
	for _, s := range refusedAddrs {
		a := netip.MustParseAddr(s)
		if r := checkAddr(a, false); r == allowed {
			t.Errorf("checkAddr(%s, false) = allowed, want refused", s)
		}
	}
}

func TestCheckAddrAllows(t *testing.T) {
	for _, s := range []string{"1.1.1.1", "8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4009:81f::200e", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"} {
		if r := checkAddr(netip.MustParseAddr(s), false); r != allowed {
			t.Errorf("checkAddr(%s, false) = %q, want allowed", s, r)
		}
	}
}

func TestCheckAddrLoopbackForTests(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"::1", true},
		{"127.0.0.2", false},
		{"::ffff:127.0.0.1", false},
		{"64:ff9b::7f00:1", false},
		{"10.0.0.1", false},
		{"fd00::1", false},
	}
	for _, tt := range tests {
		if got := checkAddr(netip.MustParseAddr(tt.addr), true) == allowed; got != tt.ok {
			t.Errorf("checkAddr(%s, true) allowed = %v, want %v", tt.addr, got, tt.ok)
		}
	}
}

// TestDialerRefuses dials IP literals and names resolving to refused
// addresses; no connection is attempted, so nothing leaves loopback.
func TestDialerRefuses(t *testing.T) {
	z := newTestDNS(t)
	d := &dialer{res: newResolver(z.addr, time.Second), timeout: time.Second}
	for i, s := range refusedAddrs {
		a := netip.MustParseAddr(s)
		name := fmt.Sprintf("r%d.refused.test", i)
		if a.Is4() {
			z.add(t, name+". A "+s)
		} else {
			z.add(t, name+". AAAA "+s)
		}
		for _, target := range []string{netip.AddrPortFrom(a, 443).String(), name + ":443"} {
			c, err := d.DialContext(context.Background(), "tcp", target)
			if err == nil {
				c.Close()
				t.Errorf("DialContext(%s) succeeded, want refused", target)
				continue
			}
			if !errors.Is(err, ErrRefused) {
				t.Errorf("DialContext(%s) error = %v, want ErrRefused", target, err)
			}
		}
	}
	// One bad address among good ones refuses the name.
	z.add(t, "mixed.test. A 1.1.1.1", "mixed.test. A 10.0.0.1")
	if _, err := d.DialContext(context.Background(), "tcp", "mixed.test:443"); !errors.Is(err, ErrRefused) {
		t.Errorf("DialContext(mixed.test:443) error = %v, want ErrRefused", err)
	}
	for _, target := range []string{"localhost:443", "x.localhost:443", "example.test:22", "example.test:80"} {
		if _, err := d.DialContext(context.Background(), "tcp", target); !errors.Is(err, ErrRefused) {
			t.Errorf("DialContext(%s) error = %v, want ErrRefused", target, err)
		}
	}
}

// TestRedirectRefused follows an autoconfig redirect to names and
// addresses the guard refuses (loopback itself is allowed in tests, so
// the other refused forms stand in for it).
func TestRedirectRefused(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "autoconfig.redir.test")
	e.dns.add(t, "meta.test. A 169.254.169.254", "lan.test. A 192.168.1.1", "ula.test. AAAA fd00::1", "mapped.test. AAAA ::ffff:127.0.0.1")
	targets := []string{
		"https://meta.test/latest/meta-data/",
		"https://lan.test/",
		"https://ula.test/",
		"https://mapped.test/",
		"https://169.254.169.254/",
		"https://[::ffff:127.0.0.1]/",
		"https://127.0.0.2/",
		"http://autoconfig.redir.test/mail/config-v1.1.xml", // not https
		"https://autoconfig.redir.test:8443/x",              // not the https port
	}
	d := e.discoverer(t, e.config())
	for _, target := range targets {
		e.web.handle("autoconfig.redir.test/mail/config-v1.1.xml", http.RedirectHandler(target, http.StatusFound))
		_, err := fetchXML(context.Background(), d.guarded, autoconfigURL("redir.test"))
		t.Logf("redirect to %s: %v", target, err)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("fetch redirected to %s: error = %v, want ErrRefused", target, err)
		}
	}
}

func TestRedirectLimit(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "autoconfig.loop.test")
	e.web.handle("autoconfig.loop.test/mail/config-v1.1.xml", http.RedirectHandler("/r1", http.StatusFound))
	e.web.handle("autoconfig.loop.test/r1", http.RedirectHandler("/r2", http.StatusFound))
	e.web.handle("autoconfig.loop.test/r2", http.RedirectHandler("/r3", http.StatusFound))
	e.web.xml("autoconfig.loop.test/r3", bigXML("loop.test", 0))
	d := e.discoverer(t, e.config())
	if _, err := fetchXML(context.Background(), d.guarded, autoconfigURL("loop.test")); err != nil {
		t.Fatalf("fetch with 3 redirects: error = %v, want success", err)
	}
	e.web.handle("autoconfig.loop.test/r3", http.RedirectHandler("/r4", http.StatusFound))
	e.web.xml("autoconfig.loop.test/r4", bigXML("loop.test", 0))
	_, err := fetchXML(context.Background(), d.guarded, autoconfigURL("loop.test"))
	if err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("fetch with 4 redirects: error = %v, want too many redirects", err)
	}
}

func TestFetchLimits(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "autoconfig.limits.test")
	d := e.discoverer(t, e.config())
	tests := []struct {
		name, ctype, body string
		wantErr           string
	}{
		{"xml", "application/xml", bigXML("limits.test", 0), ""},
		{"text xml", "text/xml; charset=utf-8", bigXML("limits.test", 0), ""},
		{"html", "text/html", bigXML("limits.test", 0), "content type"},
		{"json", "application/json", "{}", "content type"},
		{"none", "", bigXML("limits.test", 0), "content type"},
		{"too big", "application/xml", bigXML("limits.test", 70<<10), "larger than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.web.handle("autoconfig.limits.test/mail/config-v1.1.xml", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header()["Content-Type"] = []string{tt.ctype}
				w.Write([]byte(tt.body))
			}))
			_, err := fetchXML(context.Background(), d.guarded, autoconfigURL("limits.test"))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("fetchXML() error = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("fetchXML() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
