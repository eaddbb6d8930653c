package discover

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mailprofile/mailprofile/provider"
)

func TestMX(t *testing.T) {
	e := newEnv(t)
	// Catalog hit for the MX host's registrable domain.
	e.dns.add(t, "cat.test. MX 10 mx1.mail.hosted.test.", "cat.test. MX 5 mx0.mail.hosted.test.")
	// ISPDB hit for the MX host minus its first label.
	e.dns.add(t, "db.test. MX 10 in.mx.dbhost.test.")
	// autoconfig hit at autoconfig.<registrable domain>.
	e.dns.add(t, "ac2.test. MX 10 mx.achost.test.")
	e.dns.host(t, "autoconfig.achost.test")
	e.web.xml("autoconfig.achost.test/mail/config-v1.1.xml", clientConfig("achost.test", "imap.achost.test"))
	// MX in the domain itself: skipped.
	e.dns.add(t, "self.test. MX 10 mx.self.test.")

	url, _ := ispdbServer(t, e, map[string]string{"mx.dbhost.test": clientConfig("mx.dbhost.test", "imap.dbhost.test")})
	cat, err := provider.NewCatalog(fstest.MapFS{"hosted.xml": {Data: []byte(clientConfig("hosted.test", "imap.hosted.test"))}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.config()
	cfg.ISPDBURL = url
	d, err := New(cat, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		domain, wantHost, wantVia string
	}{
		{"cat.test", "imap.hosted.test", "MX mx0.mail.hosted.test"},
		{"db.test", "imap.dbhost.test", "MX in.mx.dbhost.test: " + url + "mx.dbhost.test"},
		{"ac2.test", "imap.achost.test", "MX mx.achost.test: https://autoconfig.achost.test/"},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			res, _ := d.Discover(context.Background(), tt.domain)
			logSteps(t, res)
			if !res.Found() {
				t.Fatalf("Discover(%s) found nothing", tt.domain)
			}
			if res.Origin.Method != provider.MethodMX || res.Origin.Confidence != provider.ConfidenceMedium || !strings.HasPrefix(res.Origin.Via, tt.wantVia) {
				t.Errorf("Discover(%s).Origin = %+v, want mx, medium, via %q", tt.domain, res.Origin, tt.wantVia)
			}
			if h := res.Provider.Incoming[0].Hostname; h != tt.wantHost {
				t.Errorf("Discover(%s) incoming = %s, want %s", tt.domain, h, tt.wantHost)
			}
		})
	}
	// The catalog's shared entry keeps its label.
	if p, _ := cat.Lookup("hosted.test"); strings.Contains(p.Source, "mail exchanger") {
		t.Errorf("catalog entry Source = %q: the MX step modified a shared provider", p.Source)
	}
	res, _ := d.Discover(context.Background(), "self.test")
	logSteps(t, res)
	if st, ok := findStep(res, "mx", "mx.self.test"); !ok || st.Outcome != OutcomeSkipped {
		t.Errorf("Discover(self.test) mx step = %+v, want skipped", st)
	}
}

func TestMXDomains(t *testing.T) {
	tests := []struct {
		host, domain string
		want         []string
	}{
		{"example-com.mail.protection.outlook.com", "example.com", []string{"mail.protection.outlook.com", "outlook.com"}},
		{"aspmx.l.google.com", "example.com", []string{"l.google.com", "google.com"}},
		{"in1-smtp.messagingengine.com", "example.com", []string{"messagingengine.com"}},
		{"mx.example.co.uk", "example.co.uk", nil},
		{"mx.mail.example.com", "example.com", nil},
		{"mx.sub.example.com", "sub.example.com", []string{"example.com"}},
		{"mail.bt.lon5.cpcloud.co.uk", "btinternet.com", []string{"bt.lon5.cpcloud.co.uk", "cpcloud.co.uk"}},
		{"co.uk", "example.com", nil},
	}
	for _, tt := range tests {
		got := mxDomains(tt.host, tt.domain)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("mxDomains(%q, %q) = %q, want %q", tt.host, tt.domain, got, tt.want)
		}
	}
}
