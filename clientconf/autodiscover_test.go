package clientconf

import (
	"encoding/xml"
	"errors"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/mailprofile/mailprofile/provider"
)

// outlookAnswer is the part of a 2006a response a client reads.
type outlookAnswer struct {
	Response struct {
		Account struct {
			AccountType string
			Action      string
			Protocol    []xmlProtocol
		}
	}
}

func TestAutodiscover(t *testing.T) {
	c := builtin(t)
	tests := []struct {
		email string
		want  []xmlProtocol // Type, Server, Port, LoginName, SPA, Encryption, AuthRequired
	}{
		{email: "Someone@btinternet.com", want: []xmlProtocol{
			{Type: "IMAP", Server: "mail.btinternet.com", Port: 993, LoginName: "Someone@btinternet.com", SPA: "off", Encryption: "SSL", AuthRequired: "on"},
			{Type: "POP3", Server: "mail.btinternet.com", Port: 995, LoginName: "Someone@btinternet.com", SPA: "off", Encryption: "SSL", AuthRequired: "on"},
			{Type: "SMTP", Server: "mail.btinternet.com", Port: 465, LoginName: "Someone@btinternet.com", SPA: "off", Encryption: "SSL", AuthRequired: "on"},
		}},
		{email: "fred@me.com", want: []xmlProtocol{
			{Type: "IMAP", Server: "imap.mail.me.com", Port: 993, LoginName: "fred", SPA: "off", Encryption: "SSL", AuthRequired: "on"},
			{Type: "SMTP", Server: "smtp.mail.me.com", Port: 587, LoginName: "fred@me.com", SPA: "off", Encryption: "TLS", AuthRequired: "on"},
		}},
		// Gmail takes app passwords from profiles; Autodiscover says what
		// the profile says.
		{email: "someone@gmail.com", want: []xmlProtocol{
			{Type: "IMAP", Server: "imap.gmail.com", Port: 993, LoginName: "someone@gmail.com", SPA: "off", Encryption: "SSL", AuthRequired: "on"},
			{Type: "POP3", Server: "pop.gmail.com", Port: 995, LoginName: "someone@gmail.com", SPA: "off", Encryption: "SSL", AuthRequired: "on"},
			{Type: "SMTP", Server: "smtp.gmail.com", Port: 465, LoginName: "someone@gmail.com", SPA: "off", Encryption: "SSL", AuthRequired: "on"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			a := address(t, tt.email)
			doc, err := Autodiscover(entry(t, c, a.Domain), a)
			if err != nil {
				t.Fatal(err)
			}
			var got outlookAnswer
			if err := xml.Unmarshal(doc, &got); err != nil {
				t.Fatal(err)
			}
			acct := got.Response.Account
			if acct.AccountType != "email" || acct.Action != "settings" || len(acct.Protocol) != len(tt.want) {
				t.Fatalf("Autodiscover(%s) account = %+v, want %d protocols", tt.email, acct, len(tt.want))
			}
			for i, w := range tt.want {
				g := acct.Protocol[i]
				if g.Type != w.Type || g.Server != w.Server || g.Port != w.Port || g.LoginName != w.LoginName || g.SPA != w.SPA ||
					g.SSL != "on" || g.Encryption != w.Encryption || g.AuthRequired != w.AuthRequired || g.DomainRequired != "off" {
					t.Errorf("Autodiscover(%s) protocol %d = %+v, want %+v", tt.email, i, g, w)
				}
			}
		})
	}
}

// TestAutodiscoverAuth maps each sign-in a profile can use onto Outlook's
// switches, and leaves out what Outlook cannot be told.
func TestAutodiscoverAuth(t *testing.T) {
	tests := []struct {
		name           string
		pop, imap, out string // authentication of each server
		wantTypes      []string
		wantSPA        string // of the first protocol
		wantSMTPAuth   string
		wantSMTPLogin  string
		wantUsePOPAuth string
		wantNotServed  bool
	}{
		{name: "NTLM is SPA on; POP first as listed", pop: "NTLM", imap: "password-cleartext", out: "password-cleartext",
			wantTypes: []string{"POP3", "IMAP", "SMTP"}, wantSPA: "on", wantSMTPAuth: "on", wantSMTPLogin: "u@a.example", wantUsePOPAuth: "on"},
		{name: "CRAM-MD5 is left out", pop: "password-encrypted", imap: "password-cleartext", out: "password-cleartext",
			wantTypes: []string{"IMAP", "SMTP"}, wantSPA: "off", wantSMTPAuth: "on", wantSMTPLogin: "u@a.example", wantUsePOPAuth: "on"},
		{name: "SMTP without sign-in", pop: "password-cleartext", imap: "password-cleartext", out: "client-IP-address",
			wantTypes: []string{"POP3", "IMAP", "SMTP"}, wantSPA: "off", wantSMTPAuth: "off", wantUsePOPAuth: "off"},
		{name: "OAuth only", pop: "OAuth2", imap: "OAuth2", out: "OAuth2", wantNotServed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := provider.NewCatalog(fstest.MapFS{"a.xml": {Data: []byte(`<clientConfig version="1.1"><emailProvider id="a.example"><domain>a.example</domain>
<incomingServer type="pop3"><hostname>pop.a.example</hostname><port>995</port><socketType>SSL</socketType><authentication>` + tt.pop + `</authentication></incomingServer>
<incomingServer type="imap"><hostname>imap.a.example</hostname><port>993</port><socketType>SSL</socketType><authentication>` + tt.imap + `</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.a.example</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>` + tt.out + `</authentication></outgoingServer>
</emailProvider></clientConfig>`)}})
			if err != nil {
				t.Fatal(err)
			}
			e := entry(t, c, "a.example")
			doc, err := Autodiscover(e, address(t, "u@a.example"))
			if tt.wantNotServed {
				if !errors.Is(err, ErrNotServed) || !errors.Is(AutodiscoverOffered(e), ErrNotServed) {
					t.Errorf("Autodiscover() error = %v, want ErrNotServed", err)
				}
				return
			}
			if err != nil || AutodiscoverOffered(e) != nil {
				t.Fatalf("Autodiscover() error = %v, AutodiscoverOffered() = %v", err, AutodiscoverOffered(e))
			}
			var got outlookAnswer
			if err := xml.Unmarshal(doc, &got); err != nil {
				t.Fatal(err)
			}
			protos := got.Response.Account.Protocol
			var types []string
			for _, p := range protos {
				types = append(types, p.Type)
			}
			if !slices.Equal(types, tt.wantTypes) {
				t.Fatalf("protocols = %q, want %q", types, tt.wantTypes)
			}
			smtp := protos[len(protos)-1]
			if protos[0].SPA != tt.wantSPA || smtp.AuthRequired != tt.wantSMTPAuth || smtp.LoginName != tt.wantSMTPLogin || smtp.UsePOPAuth != tt.wantUsePOPAuth {
				t.Errorf("first SPA %q, SMTP %+v; want SPA %q, AuthRequired %q, LoginName %q, UsePOPAuth %q",
					protos[0].SPA, smtp, tt.wantSPA, tt.wantSMTPAuth, tt.wantSMTPLogin, tt.wantUsePOPAuth)
			}
		})
	}
}

func TestAutodiscoverNotServed(t *testing.T) {
	c := builtin(t)
	for _, d := range []string{"outlook.com", "hotmail.com", "office365.com"} {
		e := entry(t, c, d)
		if _, err := Autodiscover(e, address(t, "someone@"+d)); !errors.Is(err, ErrNotServed) {
			t.Errorf("Autodiscover(someone@%s) error = %v, want ErrNotServed (OAuth only)", d, err)
		}
	}
}
