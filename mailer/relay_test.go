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
