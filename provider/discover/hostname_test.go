package discover

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

func TestValidHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{host: "mail.example.com", want: true},
		{host: "xn--mller-kva.example", want: true},
		{host: "a-b.c1", want: true},
		{host: "mx.a/b?x=1&y=2#.com", want: false},
		{host: "mx.example.com/path", want: false},
		{host: "mx.example.com:25", want: false},
		{host: "user@mx.example.com", want: false},
		{host: "mx.example.com%2f", want: false},
		{host: `mx\.example.com`, want: false},
		{host: "mx example.com", want: false},
		{host: "MX.EXAMPLE.COM", want: false}, // callers lower-case first
		{host: "localhost", want: false},
		{host: "-a.example.com", want: false},
		{host: "a..example.com", want: false},
		{host: "1.2.3.4", want: false},
		{host: strings.Repeat("a", 64) + ".com", want: false},
		{host: "", want: false},
	}
	for _, tt := range tests {
		if got := validHost(tt.host); got != tt.want {
			t.Errorf("validHost(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestISPDBURL(t *testing.T) {
	tests := []struct {
		base, domain, want string
	}{
		{base: "https://autoconfig.thunderbird.net/v1.1/", domain: "example.com", want: "https://autoconfig.thunderbird.net/v1.1/example.com"},
		{base: "http://10.0.0.5:8080/ispdb/", domain: "example.com", want: "http://10.0.0.5:8080/ispdb/example.com"},
		{base: "https://mirror.test", domain: "example.com", want: "https://mirror.test/example.com"},
		{base: "https://mirror.test/my%20db/", domain: "example.com", want: "https://mirror.test/my%20db/example.com"},
		// Never reached (names are checked first), but never a new path,
		// query or fragment either.
		{base: "https://mirror.test/v1.1/", domain: "a/b?x=1&y=2#.com", want: "https://mirror.test/v1.1/a%2Fb%3Fx=1&y=2%23.com"},
	}
	for _, tt := range tests {
		base, err := url.Parse(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		if got := ispdbURL(base, tt.domain); got != tt.want {
			t.Errorf("ispdbURL(%q, %q) = %q, want %q", tt.base, tt.domain, got, tt.want)
		}
	}
}

// FuzzISPDBURL: whatever the domain, the URL keeps the mirror's host,
// gets no query or fragment, and its path is the base's plus the domain.
func FuzzISPDBURL(f *testing.F) {
	for _, s := range []string{"example.com", "a/b?x=1&y=2#.com", "%2e%2e/", "..", "a b", "?", "#", "\x00"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://mirror.test/v1.1/")
	f.Fuzz(func(t *testing.T, domain string) {
		raw := ispdbURL(base, domain)
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("ispdbURL(%q) = %q, which does not parse: %v", domain, raw, err)
		}
		if u.Host != base.Host || u.RawQuery != "" || u.Fragment != "" || u.Path != base.Path+domain {
			t.Errorf("ispdbURL(%q) = %q: host %q, path %q, query %q, fragment %q", domain, raw, u.Host, u.Path, u.RawQuery, u.Fragment)
		}
	})
}

// TestMXTargetNotAHost is the review's finding: an MX target of
// mx.a/b?x=1&y=2#.com made the server ask the operator's ISPDB mirror
// for /ispdb/a/b?x=1&y=2. The target is now refused as a host name, so
// the mirror only ever sees the domain itself.
func TestMXTargetNotAHost(t *testing.T) {
	const target = "mx.a/b?x=1&y=2#.com."
	mxRR := &dns.MX{Hdr: dns.RR_Header{Name: "weird.test.", Rrtype: dns.TypeMX, Class: dns.ClassINET, Ttl: 60}, Preference: 10, Mx: target}
	zone := dnstest.Handler(t)
	server := dnstest.ServeHandler(t, dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		if q := r.Question[0]; q.Qtype == dns.TypeMX && strings.EqualFold(q.Name, "weird.test.") {
			m := new(dns.Msg)
			m.SetReply(r)
			m.Answer = []dns.RR{mxRR}
			_ = w.WriteMsg(m)
			return
		}
		zone.ServeDNS(w, r)
	}))
	m := newMirror(t)
	d, err := New(nil, Config{DNSServer: server, ISPDBURL: m.url, StepTimeout: 2 * time.Second, Budget: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Discover(context.Background(), "weird.test")
	if err != nil {
		t.Fatal(err)
	}
	logSteps(t, res)
	if got := m.requests(); len(got) != 1 || got[0] != "/ispdb/weird.test" {
		t.Errorf("the ISPDB mirror was asked for %q, want only [/ispdb/weird.test]", got)
	}
	if st, ok := findStep(res, "mx", "weird.test"); !ok || st.Outcome != OutcomeFailed || !strings.Contains(st.Detail, "not a host name") {
		t.Errorf("mx step = %+v, want failed: not a host name", st)
	}
}

// TestDialerRefusesNonHosts: a name that is not a host name (from a
// redirect, say) is refused before it is asked for.
func TestDialerRefusesNonHosts(t *testing.T) {
	z := newTestDNS(t)
	d := &dialer{res: newResolver(z.addr, time.Second), timeout: time.Second}
	for _, host := range []string{"a_b.example.test", "a%2fb.example.test", "exa mple.test", "a..b.test"} {
		_, err := d.DialContext(context.Background(), "tcp", net.JoinHostPort(host, "443"))
		if !errors.Is(err, ErrRefused) {
			t.Errorf("DialContext(%q) error = %v, want ErrRefused", host, err)
		}
	}
	if n := z.queries.Load(); n != 0 {
		t.Errorf("refused names made %d DNS queries, want 0", n)
	}
}

// TestISPDBURLSetting: the domain is added to the ISPDB URL's path, so a
// query, a fragment or a user in it is refused rather than misread.
func TestISPDBURLSetting(t *testing.T) {
	for _, u := range []string{"https://mirror.test/v1.1/?domain=", "https://mirror.test/v1.1/#x", "https://user@mirror.test/v1.1/"} {
		if err := (Config{ISPDBURL: u}).Validate(); err == nil {
			t.Errorf("Config{ISPDBURL: %q}.Validate() = nil, want an error", u)
		}
	}
	if err := (Config{ISPDBURL: DefaultISPDBURL}).Validate(); err != nil {
		t.Errorf("Config{ISPDBURL: %q}.Validate() = %v, want nil", DefaultISPDBURL, err)
	}
}
