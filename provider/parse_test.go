package provider

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// config wraps emailProvider children in a minimal clientConfig document.
func config(inner string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="example.com">
<domain>example.com</domain>` + inner + `</emailProvider></clientConfig>`)
}

// server returns an incomingServer or outgoingServer element.
func server(elem, typ, host, port, socket, username string, auth ...string) string {
	var b strings.Builder
	b.WriteString(`<` + elem + ` type="` + typ + `"><hostname>` + host + `</hostname><port>` + port +
		`</port><socketType>` + socket + `</socketType><username>` + username + `</username>`)
	for _, a := range auth {
		b.WriteString(`<authentication>` + a + `</authentication>`)
	}
	b.WriteString(`</` + elem + `>`)
	return b.String()
}

func parseOne(t *testing.T, data []byte) *Provider {
	t.Helper()
	ps, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse() error = %v", err)
	}
	if len(ps) != 1 {
		t.Fatalf("Parse() returned %d providers, want 1", len(ps))
	}
	return ps[0]
}

func TestParseFull(t *testing.T) {
	data := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
    <domain>Example.COM</domain>
    <domain> example.net. </domain>
    <domain>example.com</domain>
    <domain>Bücher.example</domain>
    <domain>not a domain</domain>
    <displayName>Example
        Mail</displayName>
    <displayNameShort>Ex</displayNameShort>
    <incomingServer type="imap">
      <hostname>IMAP.Example.com</hostname>
      <port> 993 </port>
      <socketType>SSL</socketType>
      <authentication>OAuth2</authentication>
      <authentication>plain</authentication>
      <authentication>unknown-future-method</authentication>
      <username>%EMAILADDRESS</username>
      <futureElement>ignored</futureElement>
    </incomingServer>
    <incomingServer type="ews"><url>https://example.com/ews</url></incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.example.com</hostname>
      <port>110</port>
      <socketType>bogus</socketType>
      <socketType>STARTTLS</socketType>
      <authentication>secure</authentication>
      <username>%EMAILLOCALPART%.%EMAILDOMAIN%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.com</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <authentication>client-IP-address</authentication>
    </outgoingServer>
    <documentation url="javascript:alert(1)"/>
    <documentation url="https://example.com/help"><descr>Help</descr></documentation>
  </emailProvider>
  <oAuth2>
    <issuer>accounts.example.com</issuer>
    <scope>mail</scope>
    <authURL>https://accounts.example.com/auth</authURL>
    <tokenURL>https://accounts.example.com/token</tokenURL>
  </oAuth2>
  <enable visiturl="https://example.com/settings?a=1&amp;b=2">
    <instruction lang="de">Einschalten</instruction>
    <instruction>Switch IMAP on</instruction>
  </enable>
  <webMail><loginPage url="https://mail.example.com/"/></webMail>
</clientConfig>`)
	got := parseOne(t, data)
	want := &Provider{
		ID:          "example.com",
		DisplayName: "Example Mail",
		ShortName:   "Ex",
		Domains:     []string{"example.com", "example.net", "xn--bcher-kva.example"},
		Incoming: []Server{
			{Type: "imap", Hostname: "imap.example.com", Port: 993, SocketType: "SSL",
				Auth: []string{"OAuth2", "password-cleartext"}, Username: "%EMAILADDRESS%"},
			{Type: "pop3", Hostname: "pop.example.com", Port: 110, SocketType: "STARTTLS",
				Auth: []string{"password-encrypted"}, Username: "%EMAILLOCALPART%.%EMAILDOMAIN%"},
		},
		Outgoing: []Server{
			{Type: "smtp", Hostname: "smtp.example.com", Port: 587, SocketType: "STARTTLS",
				Auth: []string{"client-IP-address"}},
		},
		Enable: &Enable{
			VisitURL: "https://example.com/settings?a=1&b=2",
			Instructions: []Instruction{
				{Lang: "de", Text: "Einschalten"},
				{Text: "Switch IMAP on"},
			},
		},
		DocURL:     "https://example.com/help",
		WebMailURL: "https://mail.example.com/",
		OAuth2: &OAuth2{Issuer: "accounts.example.com", Scope: "mail",
			AuthURL: "https://accounts.example.com/auth", TokenURL: "https://accounts.example.com/token"},
		Warnings: []string{`domain dropped: hostname "not a domain" may only contain letters, digits, dots and hyphens`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse() =\n%+v\nwant\n%+v", got, want)
	}
	if txt := got.Enable.Text("de"); txt != "Einschalten" {
		t.Errorf("Enable.Text(%q) = %q, want %q", "de", txt, "Einschalten")
	}
	if txt := got.Enable.Text("fr"); txt != "Switch IMAP on" {
		t.Errorf("Enable.Text(%q) = %q, want %q", "fr", txt, "Switch IMAP on")
	}
}

func TestParseEnableInsideProvider(t *testing.T) {
	p := parseOne(t, config(`<enable visiturl="https://example.com/x"><instruction>Do it</instruction></enable>
		<webMail><loginPage url="https://webmail.example.com/"/></webMail>`))
	if p.Enable == nil || p.Enable.VisitURL != "https://example.com/x" || p.Enable.Text("") != "Do it" {
		t.Errorf("Parse() Enable = %+v, want visit URL and instruction", p.Enable)
	}
	if p.WebMailURL != "https://webmail.example.com/" {
		t.Errorf("Parse() WebMailURL = %q, want %q", p.WebMailURL, "https://webmail.example.com/")
	}
	if p.ShortName != "example.com" || p.DisplayName != "example.com" {
		t.Errorf("Parse() names = %q, %q, want the id for both", p.DisplayName, p.ShortName)
	}
}

func TestParseDropsInvalidServer(t *testing.T) {
	ok := server("incomingServer", "imap", "imap.example.com", "993", "SSL", "%EMAILADDRESS%", "password-cleartext")
	tests := []struct {
		name   string
		server string
		warn   string
	}{
		{name: "port zero", server: server("incomingServer", "imap", "a.example.com", "0", "SSL", "", "plain"), warn: "port"},
		{name: "port too big", server: server("incomingServer", "imap", "a.example.com", "65536", "SSL", "", "plain"), warn: "port"},
		{name: "port not a number", server: server("incomingServer", "imap", "a.example.com", "99x", "SSL", "", "plain"), warn: "port"},
		{name: "port missing", server: `<incomingServer type="imap"><hostname>a.example.com</hostname><socketType>SSL</socketType><authentication>plain</authentication></incomingServer>`, warn: "port"},
		{name: "hostname with space", server: server("incomingServer", "imap", "imap example.com", "993", "SSL", "", "plain"), warn: "hostname"},
		{name: "hostname with angle bracket", server: server("incomingServer", "imap", "imap.example.com&lt;script&gt;", "993", "SSL", "", "plain"), warn: "hostname"},
		{name: "hostname empty", server: server("incomingServer", "imap", "", "993", "SSL", "", "plain"), warn: "hostname"},
		{name: "hostname one label", server: server("incomingServer", "imap", "localhost", "993", "SSL", "", "plain"), warn: "fully qualified"},
		{name: "hostname empty label", server: server("incomingServer", "imap", "imap..example.com", "993", "SSL", "", "plain"), warn: "empty label"},
		{name: "hostname hyphen label", server: server("incomingServer", "imap", "-imap.example.com", "993", "SSL", "", "plain"), warn: "hyphen"},
		{name: "hostname long label", server: server("incomingServer", "imap", strings.Repeat("a", 64)+".example.com", "993", "SSL", "", "plain"), warn: "63"},
		{name: "hostname whose A-label fails the Bidi Rule", server: server("incomingServer", "imap", "0\u2135.example.com", "993", "SSL", "", "plain"), warn: "hostname"},
		{name: "hostname IP", server: server("incomingServer", "imap", "192.0.2.1", "993", "SSL", "", "plain"), warn: "IP address"},
		{name: "hostname local-part placeholder", server: server("incomingServer", "imap", "%EMAILLOCALPART%.example.com", "993", "SSL", "", "plain"), warn: "hostname"},
		{name: "unknown socketType", server: server("incomingServer", "imap", "a.example.com", "993", "TLS1.3", "", "plain"), warn: "socketType"},
		{name: "no known auth", server: server("incomingServer", "imap", "a.example.com", "993", "SSL", "", "magic"), warn: "authentication"},
		{name: "unsupported placeholder", server: server("incomingServer", "imap", "a.example.com", "993", "SSL", "%REALNAME%", "plain"), warn: "placeholder"},
		{name: "bad outgoing", server: server("outgoingServer", "smtp", "smtp.example.com", "-1", "SSL", "", "plain"), warn: "outgoing server 1 (smtp) dropped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseOne(t, config(tt.server+ok))
			if len(p.Incoming) != 1 || p.Incoming[0].Hostname != "imap.example.com" {
				t.Errorf("Parse() Incoming = %+v, want only the valid server", p.Incoming)
			}
			if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], tt.warn) {
				t.Errorf("Parse() Warnings = %q, want one containing %q", p.Warnings, tt.warn)
			}
		})
	}
}

func TestParseIgnoresUnsupportedTypes(t *testing.T) {
	p := parseOne(t, config(
		server("incomingServer", "jmap", "a.example.com", "443", "SSL", "", "plain")+
			server("incomingServer", "smtp", "a.example.com", "465", "SSL", "", "plain")+
			server("outgoingServer", "imap", "a.example.com", "993", "SSL", "", "plain")))
	if len(p.Incoming)+len(p.Outgoing) != 0 || len(p.Warnings) != 0 {
		t.Errorf("Parse() = %+v, want no servers and no warnings", p)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{name: "empty", data: "", want: "no <clientConfig>"},
		{name: "not XML", data: "hello", want: "no <clientConfig>"},
		{name: "wrong root", data: "<html><body/></html>", want: "root element is <html>"},
		{name: "no emailProvider", data: `<clientConfig version="1.1"></clientConfig>`, want: "no <emailProvider>"},
		{name: "no domain", data: `<clientConfig><emailProvider id="x.com"><displayName>X</displayName></emailProvider></clientConfig>`, want: `"x.com" has no valid <domain>`},
		{name: "only invalid domains", data: `<clientConfig><emailProvider id="x"><domain>not a domain</domain></emailProvider></clientConfig>`, want: "has no valid <domain>"},
		{name: "second provider without domain", data: `<clientConfig><emailProvider><domain>a.com</domain></emailProvider><emailProvider id="b"/></clientConfig>`, want: "emailProvider 2"},
		{name: "truncated", data: `<clientConfig><emailProvider><domain>a.com</domain>`, want: "not valid XML"},
		{name: "mismatched tags", data: `<clientConfig><emailProvider></domain></clientConfig>`, want: "not valid XML"},
		{name: "undefined entity", data: `<clientConfig><emailProvider><domain>&foo;</domain></emailProvider></clientConfig>`, want: "not valid XML"},
		{name: "doctype", data: `<?xml version="1.0"?><!DOCTYPE clientConfig SYSTEM "file:///etc/passwd"><clientConfig/>`, want: "DOCTYPE"},
		{name: "billion laughs", data: billionLaughs, want: "DOCTYPE"},
		{name: "other encoding", data: `<?xml version="1.0" encoding="ISO-8859-1"?><clientConfig/>`, want: "not valid XML"},
		{name: "invalid UTF-8", data: "<clientConfig><emailProvider><domain>a\xff.com</domain></emailProvider></clientConfig>", want: "not valid XML"},
		{name: "too large", data: "<clientConfig>" + strings.Repeat(" ", MaxFileSize) + "</clientConfig>", want: "the limit is 1048576"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := Parse([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) = %v, %v, want error containing %q", truncate(tt.data, 60), ps, err, tt.want)
			}
		})
	}
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<clientConfig><emailProvider><domain>&lol4;</domain></emailProvider></clientConfig>`

func TestParseHostileBodies(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{name: "deep nesting", data: []byte("<clientConfig>" + strings.Repeat("<a>", 20000) + strings.Repeat("</a>", 20000) + "</clientConfig>")},
		{name: "many servers", data: config(strings.Repeat(server("incomingServer", "imap", "a.example.com", "993", "SSL", "", "plain"), 5000))},
		{name: "huge hostname", data: config(server("incomingServer", "imap", strings.Repeat("a.", 100000)+"com", "993", "SSL", "", "plain"))},
		{name: "huge display name", data: config("<displayName>" + strings.Repeat("é", 100000) + "</displayName>")},
		{name: "entity in doctype-free body", data: config("<displayName>&lt;script&gt;</displayName>")},
		{name: "cdata", data: config("<displayName><![CDATA[<b>x</b>]]></displayName>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := Parse(tt.data) // must not panic
			if err != nil {
				return
			}
			for _, p := range ps {
				if n := len([]rune(p.DisplayName)); n > maxNameLen {
					t.Errorf("Parse() DisplayName has %d runes, want at most %d", n, maxNameLen)
				}
				for _, s := range append(p.Incoming, p.Outgoing...) {
					if err := checkHostname(s.Hostname); err != nil {
						t.Errorf("Parse() kept server with bad hostname: %v", err)
					}
				}
			}
		})
	}
}

func TestNotFoundErrorIs(t *testing.T) {
	var err error = &NotFoundError{Domain: "example.org"}
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrOAuthOnly) {
		t.Errorf("errors.Is(%v, ErrNotFound) = false or matches another sentinel", err)
	}
}
