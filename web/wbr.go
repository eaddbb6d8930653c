package web

import (
	"html/template"
	"strings"
)

// breakable is s, escaped, with a <wbr> after every dot and @, so that a
// long host name or address wraps there on a small screen
// ("mail.btinternet.<wbr>com") instead of in the middle of a word or not
// at all. The template func "wbr".
func breakable(s string) template.HTML {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for {
		i := strings.IndexAny(s, ".@")
		if i < 0 {
			b.WriteString(template.HTMLEscapeString(s))
			return template.HTML(b.String()) //nolint:gosec // escaped above; <wbr> is ours
		}
		b.WriteString(template.HTMLEscapeString(s[:i+1]))
		b.WriteString("<wbr>")
		s = s[i+1:]
	}
}
