package site

import (
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

// badInputs make every message of profile's address and name parsers.
var badInputs = []struct{ email, name string }{
	{email: strings.Repeat("a", 2000) + "@example.com"},
	{email: ""},
	{email: "a\xffb@example.com"},
	{email: "a\nb@example.com"},
	{email: "a\u200bb@example.com"},
	{email: "Fred <fred@example.com>"},
	{email: "fred.example.com"},
	{email: strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "com"},
	{email: "@example.com"},
	{email: strings.Repeat("a", 65) + "@example.com"},
	{email: ".fred@example.com"},
	{email: "fréd@example.com"},
	{email: "a@b@example.com"},
	{email: "fr,ed@example.com"},
	{email: `"fred@example.com`},
	{email: `"fred\"@example.com`},
	{email: `"fr"ed"@example.com`},
	{email: "\"fréd\"@example.com"},
	{email: "fred@"},
	{email: "fred@[192.0.2.1]"},
	{email: "fred@192.0.2.1"},
	{email: "fred@" + strings.Repeat("b", 300) + ".com"},
	{email: "fred@exa mple.com"},
	{email: "fred@" + strings.Repeat(strings.Repeat("b", 50)+".", 5) + "com"},
	{email: "fred@localhost"},
	{email: "fred@example..com"},
	{email: "fred@" + strings.Repeat("b", 64) + ".com"},
	{email: "fred@-example.com"},
	{email: "fred@exa_mple.com"},
	{name: "Fr\xffed"},
	{name: strings.Repeat("a", 101)},
	{name: "Fr\ned"},
}

// TestLocalErrorComplete: every message of a bad address or name is in
// German and French, with no English beside it.
func TestLocalErrorComplete(t *testing.T) {
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, in := range badInputs {
		field, perr := "email", error(nil)
		if in.name != "" {
			field = "name"
			_, perr = profile.ParseName(in.name)
		} else {
			_, perr = profile.ParseAddress(in.email)
		}
		ie, ok := perr.(*profile.InputError)
		if !ok {
			t.Errorf("Parse(%q, %q) = %v, want an *InputError", in.email, in.name, perr)
			continue
		}
		seen[ie.Message] = true
		if en := LocalError(cat.ForLang("en"), perr, ie.Message, field); en.Text != Sentence(ie.Message) || en.Detail != "" {
			t.Errorf("LocalError(en, %q) = %+v, want the message itself", ie.Message, en)
		}
		for _, lang := range []string{"de", "fr"} {
			got := LocalError(cat.ForLang(lang), perr, ie.Message, field)
			if got.Detail != "" || got.Text == Sentence(ie.Message) || got.Text == cat.ForLang(lang).T("err.field."+field) {
				t.Errorf("LocalError(%s, %q) = %+v, want a translation without English", lang, ie.Message, got)
			}
		}
	}
	// Some messages are a second line of defence that the checks before
	// them leave unreachable; the rest must all be made.
	if len(seen) < 30 {
		t.Errorf("the inputs made %d different messages, want 30 or more: %q", len(seen), keys(seen))
	}
}

// TestLocalErrorValues: the values in a message come through.
func TestLocalErrorValues(t *testing.T) {
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	_, perr := profile.ParseAddress("fred@localhost")
	if got := LocalError(cat.ForLang("de"), perr, perr.(*profile.InputError).Message, "email"); got.Text != `"localhost" ist kein vollständiger Domainname: Es fehlt ein Punkt, wie in example.com.` {
		t.Errorf("LocalError(de, fred@localhost) = %q", got.Text)
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
