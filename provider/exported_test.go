package provider

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/mailprofile/mailprofile/profile"
)

func TestDomainsOf(t *testing.T) {
	override := fstest.MapFS{"talk21.xml": {Data: []byte(`<clientConfig version="1.1"><emailProvider id="talk21.com"><domain>talk21.com</domain>
<incomingServer type="imap"><hostname>imap.talk21.com</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>`)}}
	c, err := NewCatalog(Builtin(), override)
	if err != nil {
		t.Fatal(err)
	}
	bt, err := c.Lookup("btinternet.com")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.DomainsOf(bt), []string{"btinternet.com", "btopenworld.com"}; !slices.Equal(got, want) {
		t.Errorf("DomainsOf(BT) = %q, want %q (talk21.com is the operator's now)", got, want)
	}
	talk21, _ := c.Lookup("talk21.com")
	if got, want := c.DomainsOf(talk21), []string{"talk21.com"}; !slices.Equal(got, want) {
		t.Errorf("DomainsOf(talk21) = %q, want %q", got, want)
	}
}

func TestServerFor(t *testing.T) {
	addr := profile.Address{Local: "Fred.Smith", Domain: "example.net"}
	tests := []struct {
		name         string
		srv          Server
		domain       string
		wantHost     string
		wantUsername string
	}{
		{name: "plain names", srv: Server{Hostname: "mail.example.com", Username: "%EMAILADDRESS%"}, domain: "example.net",
			wantHost: "mail.example.com", wantUsername: "Fred.Smith@example.net"},
		{name: "placeholders", srv: Server{Hostname: "mail.%EMAILDOMAIN%", Username: "%EMAILLOCALPART%+%EMAILDOMAIN%"}, domain: "example.net",
			wantHost: "mail.example.net", wantUsername: "Fred.Smith+example.net"},
		{name: "empty pattern is the address", srv: Server{Hostname: "mail.example.com"}, domain: "example.net",
			wantHost: "mail.example.com", wantUsername: "Fred.Smith@example.net"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.srv.HostFor(tt.domain); got != tt.wantHost {
				t.Errorf("HostFor(%q) = %q, want %q", tt.domain, got, tt.wantHost)
			}
			if got := tt.srv.UsernameFor(addr); got != tt.wantUsername {
				t.Errorf("UsernameFor(%s) = %q, want %q", addr, got, tt.wantUsername)
			}
		})
	}
}

func TestCheckHostname(t *testing.T) {
	for h, ok := range map[string]bool{"mail.example.net": true, "localhost": false, "10.0.0.1": false, "a_b.example": false, "": false} {
		if err := CheckHostname(h); (err == nil) != ok {
			t.Errorf("CheckHostname(%q) = %v, want ok %v", h, err, ok)
		}
	}
}
