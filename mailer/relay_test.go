package mailer

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name, url, password string
		want                Relay
		wantErr             string
	}{
		{name: "STARTTLS, default port", url: "smtp://helpdesk:s3cret@mail.example.com", want: Relay{Host: "mail.example.com", Port: "587", User: "helpdesk", password: "s3cret"}},
		{name: "implicit TLS", url: "smtps://helpdesk@mail.example.com", password: "from a file", want: Relay{Implicit: true, Host: "mail.example.com", Port: "465", User: "helpdesk", password: "from a file"}},
		{name: "port and encoded user", url: "smtp://help%40example.com:p%2Fw@[::1]:2525", want: Relay{Host: "::1", Port: "2525", User: "help@example.com", password: "p/w"}},
		{name: "the file's password wins", url: "smtp://u:old@h", password: "new", want: Relay{Host: "h", Port: "587", User: "u", password: "new"}},
		{name: "an empty port is the default", url: "smtp://u:pw@h:", want: Relay{Host: "h", Port: "587", User: "u", password: "pw"}},
		{name: "a port out of range", url: "smtp://u:pw-in-url@h:70000", wantErr: "1 to 65535"},
		{name: "plain SMTP is refused", url: "http://u:pw-in-url@h", wantErr: "want smtp://"},
		{name: "no user", url: "smtp://mail.example.com", wantErr: "no user"},
		{name: "no password", url: "smtp://u@h", wantErr: "no password"},
		{name: "no host", url: "smtp://u:pw-in-url@", wantErr: "no host"},
		{name: "a query", url: "smtp://u:pw-in-url@h?x=1", wantErr: "no query"},
		{name: "broken escape", url: "smtp://u:pw-in-url%zz@h", wantErr: "percent-encoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseURL(tt.url, tt.password)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseURL(%q) = %v, want an error saying %q", tt.url, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "pw-in-url") {
					t.Errorf("ParseURL(%q) error %q shows the password", tt.url, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseURL(%q) = %+v, %v, want %+v", tt.url, got, err, tt.want)
			}
			if strings.Contains(got.String(), got.password) {
				t.Errorf("String() = %q shows the password", got.String())
			}
		})
	}
}

// FuzzParseURL: no error shows the password, wherever the rest of the
// URL goes wrong, and a relay parsed has every part.
func FuzzParseURL(f *testing.F) {
	for _, in := range [][3]string{{"smtp", "u", "h"}, {"smtps", "u", "h:465"}, {"smtp", "u", "[::1]:25"}, {"http", "", ""}, {"smtp", "u@x", "h/x?y"}, {"::p", "", "[0]:"}} {
		f.Add(in[0], in[1], in[2])
	}
	const secret = "Zq9-secret-Zq9"
	f.Fuzz(func(t *testing.T, scheme, user, host string) {
		raw := scheme + "://" + user + ":" + secret + "@" + host
		r, err := ParseURL(raw, "")
		if err != nil {
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("ParseURL(%q) error %q shows the password", raw, err)
			}
			return
		}
		if r.Host == "" || r.Port == "" || r.User == "" || r.password == "" {
			t.Fatalf("ParseURL(%q) = %+v, missing a part", raw, r)
		}
	})
}
