package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/web/internal/site"
)

// langLink is one entry of the language switcher.
type langLink struct {
	Code    string
	Name    string
	URL     string
	Current bool
}

// languageLinks are links to the current page in every language. They
// carry the page's own parameters only (email, type, name), the first
// value of each and within the echo bounds (formValues.echoable): the
// rest of the query is not echoed, three times over, into every page.
func languageLinks(c echo.Context, current string) []langLink {
	r := c.Request()
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		p = "/" // never a link to another host
	}
	f := rawForm(c).echoable()
	links := make([]langLink, 0, len(site.Languages))
	for _, tag := range site.Languages {
		code := tag.String()
		q := f.values()
		q.Set("lang", code)
		links = append(links, langLink{Code: code, Name: site.LanguageNames[code], URL: p + "?" + q.Encode(), Current: code == current})
	}
	return links
}
