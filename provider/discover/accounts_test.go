package discover

import (
	"context"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// TestMXAccounts checks that a domain whose mail Microsoft 365 or Google
// Workspace hosts gets the Exchange or Google account of the built-in
// catalog's entry, found through its MX on a loopback DNS server, and
// that an autoconfig document with only an Exchange server is an answer.
func TestMXAccounts(t *testing.T) {
	e := newEnv(t)
	e.dns.add(t, "office365-tenant.example. MX 0 office365-tenant-example.mail.protection.outlook.com.")
	e.dns.add(t, "corner-bakery.test. MX 1 aspmx.l.google.com.", "corner-bakery.test. MX 5 alt1.aspmx.l.google.com.")
	e.dns.add(t, "eas.test. MX 10 mx.eas.test.")
	e.dns.host(t, "autoconfig.eas.test")
	e.web.xml("autoconfig.eas.test/mail/config-v1.1.xml", `<clientConfig version="1.1"><emailProvider id="eas.test">
<domain>eas.test</domain><displayName>EAS Test</displayName>
<incomingServer type="exchange"><hostname>mail.eas.test</hostname><port>443</port><socketType>SSL</socketType>
<authentication>OAuth2</authentication><username>%EMAILADDRESS%</username></incomingServer>
</emailProvider></clientConfig>`)
	cat, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cat, e.config())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		email      string
		kind       profile.Protocol
		wantHost   string
		wantMethod provider.Method
		wantKinds  []profile.Protocol
	}{
		{"someone@office365-tenant.example", profile.Exchange, "outlook.office365.com", provider.MethodMX, []profile.Protocol{profile.Exchange}},
		{"owner@corner-bakery.test", profile.Google, "", provider.MethodMX, []profile.Protocol{profile.Google, profile.IMAP, profile.POP}},
		{"someone@eas.test", profile.Exchange, "mail.eas.test", provider.MethodAutoconfig, []profile.Protocol{profile.Exchange}},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			addr, err := profile.ParseAddress(tt.email)
			if err != nil {
				t.Fatal(err)
			}
			s, err := d.Find(context.Background(), addr, tt.kind)
			if err != nil {
				t.Fatalf("Find(%s, %s) error = %v", tt.email, tt.kind, err)
			}
			if s.Incoming.Host != tt.wantHost || s.Origin.Method != tt.wantMethod || !s.Origin.Discovered() {
				t.Errorf("Find(%s, %s) = host %q, origin %+v; want %q by %s", tt.email, tt.kind, s.Incoming.Host, s.Origin, tt.wantHost, tt.wantMethod)
			}
			if got := s.Provider.Kinds(addr); len(got) != len(tt.wantKinds) || got[0] != tt.wantKinds[0] {
				t.Errorf("Kinds() = %v, want %v", got, tt.wantKinds)
			}
		})
	}
}
