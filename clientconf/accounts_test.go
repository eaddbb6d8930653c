package clientconf

import (
	"errors"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

// TestAccountsHonest checks what the formats say of providers whose
// profiles are Exchange or Google accounts: autoconfig names the Exchange
// server with OAuth2 only, as Thunderbird's ISPDB does, and the Google
// account in the extension element other clients ignore; PACC and
// Autodiscover, which can say only "password", say nothing.
func TestAccountsHonest(t *testing.T) {
	c := builtin(t)
	for _, domain := range []string{"outlook.com", "office365.com", "gmail.com"} {
		t.Run(domain, func(t *testing.T) {
			e := entry(t, c, domain)
			doc, err := PACC(e)
			var ns *NotServedError
			if !errors.As(err, &ns) || doc != nil {
				t.Errorf("PACC(%s) = %s, %v; want *NotServedError", domain, doc, err)
			}
			addr := profile.Address{Local: "fred", Domain: domain}
			if _, err := Autodiscover(e, addr); domain != "gmail.com" && !errors.Is(err, ErrNotServed) {
				t.Errorf("Autodiscover(%s) error = %v, want ErrNotServed", domain, err)
			}
			ac, err := Autoconfig(e, &addr)
			if err != nil {
				t.Fatalf("Autoconfig(%s) error = %v", domain, err)
			}
			body := string(ac)
			exchange := strings.Contains(body, `<incomingServer type="exchange">`)
			if want := domain != "gmail.com"; exchange != want {
				t.Errorf("Autoconfig(%s) lists an Exchange server: %v, want %v", domain, exchange, want)
			}
			if exchange {
				i := strings.Index(body, `<incomingServer type="exchange">`)
				server := body[i : i+strings.Index(body[i:], "</incomingServer>")]
				if !strings.Contains(server, "<authentication>OAuth2</authentication>") || strings.Contains(server, "password") {
					t.Errorf("Autoconfig(%s) Exchange server = %s, want OAuth2 only", domain, server)
				}
			}
			google := strings.Contains(body, `<accounts xmlns="https://github.com/mailprofile/mailprofile/clientconfig/1" prefer="google imap pop3">`)
			if want := domain == "gmail.com"; google != want {
				t.Errorf("Autoconfig(%s) has the Google extension: %v, want %v\n%s", domain, google, want, body)
			}
		})
	}
}
