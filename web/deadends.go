package web

import (
	"errors"
	"html/template"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// A visitor whose domain is unknown is not left at "No settings are
// known": the page offers the catalog domain the typed one is most likely
// a typo of, as a link that keeps the rest of the form (never a silent
// correction), and the manual route (manual.go) for a domain that is
// simply new to us.

// domainLister is a catalog that can list its domains; *provider.Catalog
// satisfies it.
type domainLister interface{ Domains() []string }

// knownDomains is the catalog's domains, for suggestions: the operator's
// catalog when there is one, else the finder's own when it can list them.
func knownDomains(cfg Config) []string {
	if l, ok := cfg.Catalog.(domainLister); ok {
		return l.Domains()
	}
	if l, ok := cfg.Finder.(domainLister); ok {
		return l.Domains()
	}
	return nil
}

// deadEndView is the way on from an unknown domain, below the form's
// error.
type deadEndView struct {
	// SuggestLink is the "Did you mean" link, escaped here; empty when
	// no catalog domain is close.
	SuggestLink template.HTML
	ManualURL   string
}

// noteNotFound remembers, for DeadEnd, the domain err says is unknown.
func (d *pageData) noteNotFound(err error) {
	var nf *provider.NotFoundError
	if errors.As(err, &nf) {
		d.notFound = nf.Domain
	}
}

// DeadEnd is the way on from the form's "no settings are known" error,
// or nil when there is no such error.
func (d *pageData) DeadEnd() *deadEndView {
	at := strings.LastIndexByte(d.Form.Email, '@')
	if d.notFound == "" || at < 0 {
		return nil
	}
	v := &deadEndView{ManualURL: "/manual?" + d.formLink(d.Form.Email)}
	if s := provider.Suggest(d.notFound, d.known); s != "" {
		email := d.Form.Email[:at+1] + s
		v.SuggestLink = template.HTML(`<a href="` + template.HTMLEscapeString("/setup?"+d.formLink(email)) + `">` + //nolint:gosec // both escaped here
			template.HTMLEscapeString(email) + `</a>`)
	}
	return v
}

// formLink is the form's values as a query, with email in place of the
// typed address and the language the visitor chose.
func (d *pageData) formLink(email string) string {
	f := d.Form
	f.Email = email
	v := f.values()
	if d.LangParam != "" {
		v.Set("lang", d.LangParam)
	}
	return v.Encode()
}

// withLang is v with the visitor's chosen language, for a link.
func withLang(v url.Values, lang string) url.Values {
	if lang != "" {
		v.Set("lang", lang)
	}
	return v
}

// renderPage renders a page whose template takes page, a struct that
// embeds data, as render does for data alone.
func (s *Server) renderPage(c echo.Context, status int, name string, data *pageData, page any) error {
	c.Response().Header().Add(echo.HeaderVary, "Accept-Language, User-Agent")
	return site.Render(c, status, s.pages, name, page, data.Lang)
}
