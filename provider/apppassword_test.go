package provider

import (
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

func TestAppPassword(t *testing.T) {
	c, err := NewCatalog(Builtin())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		email string
		want  bool
	}{
		{email: "someone@gmail.com", want: true},
		{email: "someone@yahoo.com", want: true},
		{email: "someone@icloud.com", want: true},
		{email: "someone@fastmail.com", want: true},
		{email: "someone@btinternet.com", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			addr, err := profile.ParseAddress(tt.email)
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.Find(t.Context(), addr, profile.IMAP)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Provider.AppPassword(); got != tt.want {
				t.Errorf("AppPassword(%s) = %v, want %v", tt.email, got, tt.want)
			}
		})
	}
	if (*Provider)(nil).AppPassword() {
		t.Error("AppPassword(nil) = true, want false")
	}
}
