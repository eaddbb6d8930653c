package clientconf

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/mailprofile/mailprofile/provider"
)

// TestPACCHonest lists which catalog providers PACC may describe: only
// those whose users sign in with their password over implicit TLS on the
// standard ports as the full address, with nothing to do first. OAuth-only
// providers (Outlook.com, Microsoft 365) and those that prefer OAuth and
// take app passwords at most (Gmail, Yahoo, Fastmail) never appear as
// password servers.
func TestPACCHonest(t *testing.T) {
	c := operator(t)
	served := map[string]bool{"btinternet.com": true, "btopenworld.com": true, "talk21.com": true, "example.net": true, "example.org": true}
	for _, d := range c.Domains() {
		doc, err := PACC(entry(t, c, d))
		switch {
		case served[d] && err != nil:
			t.Errorf("PACC(%s) error = %v, want a document", d, err)
		case !served[d] && !errors.Is(err, ErrNotServed):
			t.Errorf("PACC(%s) = %s, %v, want ErrNotServed", d, doc, err)
		}
	}
}

// TestPACCBytes checks the document's shape: compact JSON with sorted
// keys, so that its bytes (and the digest in DNS) depend only on what it
// says; the -03 name submit; hosts for the domain asked.
func TestPACCBytes(t *testing.T) {
	c := operator(t)
	for _, d := range []string{"btinternet.com", "example.net", "example.org"} {
		doc, err := PACC(entry(t, c, d))
		if err != nil {
			t.Fatal(err)
		}
		var generic map[string]any
		if err := json.Unmarshal(doc, &generic); err != nil {
			t.Fatalf("PACC(%s) is not JSON: %v", d, err)
		}
		// encoding/json writes map keys sorted and compact: the same
		// bytes back mean ours were.
		sorted, err := json.Marshal(generic)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sorted, doc) {
			t.Errorf("PACC(%s) = %s\nwant sorted, compact: %s", d, doc, sorted)
		}
		var got struct {
			Authentication struct{ Password bool }
			Protocols      map[string]struct{ Host string }
		}
		if err := json.Unmarshal(doc, &got); err != nil {
			t.Fatal(err)
		}
		if !got.Authentication.Password || got.Protocols["submit"].Host == "" || got.Protocols["imap"].Host == "" {
			t.Errorf("PACC(%s) = %s, want password true, imap and submit", d, doc)
		}
		if _, old := got.Protocols["smtp"]; old {
			t.Errorf("PACC(%s) names submission smtp, as -02 did; -03 calls it submit", d)
		}
	}
	net, _ := PACC(entry(t, c, "example.net"))
	org, _ := PACC(entry(t, c, "example.org"))
	if !bytes.Contains(net, []byte(`"imap":{"host":"imap.example.net"}`)) || !bytes.Contains(org, []byte(`"imap":{"host":"imap.example.org"}`)) {
		t.Errorf("%%EMAILDOMAIN%% hosts: example.net %s, example.org %s", net, org)
	}
	// The implicit-TLS servers are chosen though STARTTLS is listed first,
	// and the plain-text POP3 server is left out.
	if bytes.Contains(org, []byte("pop3")) {
		t.Errorf("PACC(example.org) = %s lists the plain-text POP3 server", org)
	}
}

func TestPACCDigest(t *testing.T) {
	tests := []struct {
		doc  string
		want string
	}{
		// sha256("") and sha256("abc"), from FIPS 180-2, in base64.
		{doc: "", want: "v=UAAC1; a=sha256; d=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		{doc: "abc", want: "v=UAAC1; a=sha256; d=ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
	}
	for _, tt := range tests {
		if got := PACCDigest([]byte(tt.doc)); got != tt.want {
			t.Errorf("PACCDigest(%q) = %q, want %q", tt.doc, got, tt.want)
		}
	}
}

// TestPACCSelection shows, server by server, what PACC may list.
func TestPACCSelection(t *testing.T) {
	const smtp465 = `<outgoingServer type="smtp"><hostname>smtp.a.example</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>`
	imap := func(port, socket, auth, user string) string {
		return `<incomingServer type="imap"><hostname>imap` + port + `.a.example</hostname><port>` + port + `</port><socketType>` + socket +
			`</socketType>` + auth + `<username>` + user + `</username></incomingServer>`
	}
	const password = `<authentication>password-cleartext</authentication>`
	tests := []struct {
		name     string
		servers  string
		wantIMAP string // "" for no document
	}{
		{name: "password over implicit TLS", servers: imap("993", "SSL", password, "%EMAILADDRESS%") + smtp465, wantIMAP: "imap993.a.example"},
		{name: "CRAM-MD5 is a password too", servers: imap("993", "SSL", `<authentication>password-encrypted</authentication>`, "%EMAILADDRESS%") + smtp465, wantIMAP: "imap993.a.example"},
		{name: "the implicit-TLS server after a STARTTLS one", servers: imap("143", "STARTTLS", password, "%EMAILADDRESS%") + imap("993", "SSL", password, "%EMAILADDRESS%") + smtp465,
			wantIMAP: "imap993.a.example"},
		{name: "OAuth first: app passwords at most", servers: imap("993", "SSL", `<authentication>OAuth2</authentication>`+password, "%EMAILADDRESS%") + smtp465},
		{name: "OAuth only", servers: imap("993", "SSL", `<authentication>OAuth2</authentication>`, "%EMAILADDRESS%") + smtp465},
		{name: "local part as user name", servers: imap("993", "SSL", password, "%EMAILLOCALPART%") + smtp465},
		{name: "STARTTLS only", servers: imap("143", "STARTTLS", password, "%EMAILADDRESS%") + smtp465},
		{name: "implicit TLS on another port", servers: imap("1993", "SSL", password, "%EMAILADDRESS%") + smtp465},
		{name: "no submission on 465", servers: imap("993", "SSL", password, "%EMAILADDRESS%")},
		{name: "the user must act first", servers: imap("993", "SSL", password, "%EMAILADDRESS%") + smtp465 + `<enable><instruction>Turn IMAP on.</instruction></enable>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := provider.NewCatalog(fstest.MapFS{"a.xml": {Data: []byte(`<clientConfig version="1.1"><emailProvider id="a.example"><domain>a.example</domain>` +
				tt.servers + `</emailProvider></clientConfig>`)}})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := PACC(entry(t, c, "a.example"))
			if tt.wantIMAP == "" {
				if !errors.Is(err, ErrNotServed) {
					t.Errorf("PACC() = %s, %v, want ErrNotServed", doc, err)
				}
				return
			}
			if err != nil || !bytes.Contains(doc, []byte(`"imap":{"host":"`+tt.wantIMAP+`"}`)) {
				t.Errorf("PACC() = %s, %v, want imap %s", doc, err, tt.wantIMAP)
			}
		})
	}
}
