package profile

import (
	"strings"
	"testing"
)

// TestParseNameTrims: white space around a name goes, a name of white
// space only is no name, and line breaks and U+FEFF are refused wherever
// they are, with the message of the other control characters.
func TestParseNameTrims(t *testing.T) {
	const control = "the name contains a control character or line break"
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{name: "spaces around", in: "  Some One  ", want: "Some One"},
		{name: "tabs around", in: "\tSome One\t", want: "Some One"},
		{name: "no-break and ideographic spaces around", in: "\u00a0\u3000李小龙\u2003", want: "李小龙"},
		{name: "inner spaces kept", in: "Some  One", want: "Some  One"},
		{name: "only spaces", in: "   ", want: ""},
		{name: "only a tab", in: "\t", want: ""},
		{name: "only ideographic space", in: "\u3000", want: ""},
		{name: "100 characters inside spaces", in: "  " + strings.Repeat("é", MaxNameLen) + "  ", want: strings.Repeat("é", MaxNameLen)},
		{name: "line separator inside", in: "Some\u2028One", wantErr: control},
		{name: "line separator at the end", in: "Some One\u2028", wantErr: control},
		{name: "paragraph separator inside", in: "Some\u2029One", wantErr: control},
		{name: "paragraph separator alone", in: "\u2029", wantErr: control},
		{name: "BOM at the start", in: "\ufeffSome One", wantErr: control},
		{name: "BOM inside", in: "Some\ufeffOne", wantErr: control},
		{name: "LF at the end", in: "Some One\n", wantErr: control},
		{name: "CR at the start", in: "\rSome One", wantErr: control},
		{name: "NEL", in: "Some\u0085One", wantErr: control},
		{name: "101 characters", in: strings.Repeat("x", MaxNameLen+1), wantErr: "the name is 101 characters long; the limit is 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseName(tt.in)
			if tt.wantErr != "" {
				ie, ok := err.(*InputError)
				if !ok || ie.Field != "name" || ie.Message != tt.wantErr {
					t.Errorf("ParseName(%q) = %q, %v; want name error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestBuildRefusesUnparsedName: Build takes only what ParseName returns.
func TestBuildRefusesUnparsedName(t *testing.T) {
	for _, name := range []string{" Some One", "Some One\t", "Some\u2028One", "\ufeffSome One"} {
		acct := btAccount(t, "someone@btinternet.com", IMAP, name)
		if _, err := Build(acct, testOptions); err == nil || !strings.Contains(err.Error(), "invalid account name") {
			t.Errorf("Build() with name %q = %v, want an invalid account name error", name, err)
		}
	}
}
