package web

import (
	"mime"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

// TestContentDisposition holds contentDisposition to what
// mime.FormatMediaType writes for the same file name.
func TestContentDisposition(t *testing.T) {
	inputs := []string{
		"someone@btinternet.com", "Some.One+tag@BTInternet.com", `"john doe"@example.com`,
		`"a\"b"@example.com`, `"x;filename=evil.exe"@example.com`, "user@bücher.example",
		"!#$%&'*+-/=?^_`{|}~@example.com", "a@b.co", `"@"@example.com`, `"."@example.com`,
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + ".com",
	}
	for _, in := range inputs {
		addr, err := profile.ParseAddress(in)
		if err != nil {
			t.Fatalf("ParseAddress(%q): %v", in, err)
		}
		want := mime.FormatMediaType("attachment", map[string]string{"filename": profile.FileName(addr)})
		if got := contentDisposition(addr); got != want {
			t.Errorf("contentDisposition(%q) = %q, want %q", in, got, want)
		}
	}
}
