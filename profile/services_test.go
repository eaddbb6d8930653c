package profile

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseServices(t *testing.T) {
	tests := []struct {
		in      string
		want    Services
		wantErr string // part of the message; "" for none
	}{
		{in: "", want: 0},
		{in: "  ", want: 0},
		{in: "mail", want: ServiceMail},
		{in: "mail,calendar,contacts", want: AllServices},
		{in: "contacts,MAIL , Calendar", want: AllServices},
		{in: "calendar,calendar", want: ServiceCalendar},
		{in: "mail,,contacts", want: ServiceMail | ServiceContacts},
		{in: "calendar,contacts", want: ServiceCalendar | ServiceContacts},
		{in: ",", wantErr: "choose at least one service"},
		{in: "mail,notes", wantErr: `unknown service "notes": choose from mail, calendar and contacts`},
		{in: "calendars", wantErr: `unknown service "calendars"`},
		{in: "mail;calendar", wantErr: `unknown service "mail;calendar"`},
		{in: strings.Repeat("x", 40), wantErr: `unknown service "xxxxxxxxxxxxxxxx…"`},
		{in: strings.Repeat("mail,", 60), wantErr: "too long"},
	}
	for _, tt := range tests {
		got, err := ParseServices(tt.in)
		if tt.wantErr != "" {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "services" || !strings.Contains(ie.Message, tt.wantErr) {
				t.Errorf("ParseServices(%q) = %v, %v; want an input error for services with %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseServices(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestServicesString(t *testing.T) {
	tests := []struct {
		s     Services
		str   string
		words string
	}{
		{0, "", "mail"},
		{ServiceMail, "mail", "mail"},
		{ServiceContacts | ServiceMail, "mail,contacts", "mail and contacts"},
		{AllServices, "mail,calendar,contacts", "mail, calendars and contacts"},
		{ServiceCalendar | ServiceContacts, "calendar,contacts", "calendars and contacts"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.str {
			t.Errorf("Services(%d).String() = %q, want %q", tt.s, got, tt.str)
		}
		if got := tt.s.words(Texts{}.withDefaults()); got != tt.words {
			t.Errorf("Services(%d).words() = %q, want %q", tt.s, got, tt.words)
		}
		if back, err := ParseServices(tt.str); err != nil || back != tt.s {
			t.Errorf("ParseServices(%q) = %v, %v; want %v", tt.str, back, err, tt.s)
		}
	}
	if !Services(0).Has(ServiceMail) || Services(0).Has(ServiceCalendar) {
		t.Error("the zero value is not mail only")
	}
}

// FuzzParseServices checks the services validator: every error is an
// input error for the field with a short, valid message; what it accepts
// is a set of the three services whose canonical form reads back the same.
func FuzzParseServices(f *testing.F) {
	for _, s := range []string{"", "mail", "mail,calendar,contacts", "calendar,contacts", "MAIL", " mail , contacts ",
		",", "mail,,", "notes", "mail,calendar,contacts,mail", "caldav", "\xff", "mail\x00", "kontakte", "ca\u0301lendar"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseServices(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "services" || !utf8.ValidString(ie.Message) && utf8.ValidString(s) || len(ie.Message) > 200 {
				t.Fatalf("ParseServices(%q) error %v is not a short input error for services", s, err)
			}
			return
		}
		if got&^AllServices != 0 {
			t.Fatalf("ParseServices(%q) = %#x: not a set of the three services", s, uint8(got))
		}
		if back, err := ParseServices(got.String()); err != nil || back != got {
			t.Fatalf("ParseServices(%q) = %v; its String %q reads back as %v, %v", s, got, got.String(), back, err)
		}
	})
}
