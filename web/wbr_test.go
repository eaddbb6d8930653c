package web

import (
	"strings"
	"testing"
)

func TestBreakable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mail.btinternet.com", "mail.<wbr>btinternet.<wbr>com"},
		{"someone@btinternet.com", "someone@<wbr>btinternet.<wbr>com"},
		{`<b>"x"&y@z`, `&lt;b&gt;&#34;x&#34;&amp;y@<wbr>z`},
		{"plain", "plain"},
		{"", ""},
		{"a.", "a.<wbr>"},
	}
	for _, tt := range tests {
		if got := string(breakable(tt.in)); got != tt.want {
			t.Errorf("breakable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// withoutBreaks is a page without the <wbr> break hints of its host
// names and addresses, for tests that look for them as text.
func withoutBreaks(body string) string { return strings.ReplaceAll(body, "<wbr>", "") }
