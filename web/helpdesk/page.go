package helpdesk

import (
	"html/template"
	"net/http"
	"regexp"
	"time"
	_ "time/tzdata" // the agent's time zone, wherever the server runs

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/web/internal/site"
)

// adminPage is what the helpdesk templates get. Texts come from T and
// TH, in the agent's language, from the catalogs the public pages use.
type adminPage struct {
	Lang    string
	Title   string
	Service string
	Asset   string
	Agent   string
	CSRF    string
	Flash   string
	Error   string
	Next    string
	Name    string
	// Here is the page's own path and query, where the language form
	// comes back to.
	Here      string
	Languages []langChoice
	Data      any

	msgs site.Messages
	zone *time.Location
}

// langChoice is one language of the helpdesk's language form.
type langChoice struct {
	Code, Name string
	Current    bool
}

// adminPage starts a helpdesk page whose title is the catalog key title.
func (s *Desk) adminPage(c echo.Context, title string, args ...any) *adminPage {
	a := currentAgent(c)
	lang := s.language(c)
	ms := s.messages.ForLang(lang)
	p := &adminPage{Lang: ms.Lang(), Title: ms.T(title, args...), Service: s.service, Asset: s.assetTag, Agent: a.Name, CSRF: a.CSRF,
		Here: safeNext(c.Request().URL.Path), msgs: ms, zone: s.zone(c)}
	for _, tag := range site.Languages {
		code := tag.String()
		p.Languages = append(p.Languages, langChoice{Code: code, Name: site.LanguageNames[code], Current: code == p.Lang})
	}
	return p
}

// T is the plain-text message key in the page's language.
func (p *adminPage) T(key string, args ...any) string { return p.msgs.T(key, args...) }

// TH is the markup message key in the page's language.
func (p *adminPage) TH(key string, args ...any) template.HTML { return p.msgs.TH(key, args...) }

// PageTitle is the <title>: the page's, "Helpdesk", and the operator's
// service name when there is one.
func (p *adminPage) PageTitle() string {
	t := p.Title + " · " + p.T("hd.helpdesk")
	if p.Service != "" {
		t += " · " + p.Service
	}
	return t
}

// Time shows t in the agent's time zone, with UTC on hover and the
// instant for machines.
func (p *adminPage) Time(t time.Time) template.HTML {
	if t.IsZero() {
		return ""
	}
	return template.HTML(`<time datetime="` + t.UTC().Format(time.RFC3339) + `" title="` + t.UTC().Format(utcLayout) + `">` + //nolint:gosec // digits and zone names
		template.HTMLEscapeString(localTime(t, p.zone)) + `</time>`)
}

// Zone is the name of the agent's time zone, as the browser gave it.
func (p *adminPage) Zone() string { return p.zone.String() }

// utcLayout is how a time reads in UTC; localTime names the zone too.
const utcLayout = "2006-01-02 15:04 UTC"

// localTime is t in zone, with the zone's abbreviation (or offset).
func localTime(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("2006-01-02 15:04 MST")
}

// zoneCookie holds the agent's time zone, set by static/helpdesk.js from
// the browser's Intl API; not HttpOnly, and checked before use.
const zoneCookie = "mp_tz"

var zoneName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$`)

// zone is the agent's time zone from the cookie, or UTC.
func (s *Desk) zone(c echo.Context) *time.Location {
	ck, err := c.Cookie(zoneCookie)
	if err != nil || len(ck.Value) > 64 || !zoneName.MatchString(ck.Value) {
		return time.UTC
	}
	loc, err := time.LoadLocation(ck.Value)
	if err != nil {
		return time.UTC
	}
	return loc
}

// language is the language of a helpdesk page: the agent's remembered
// choice, else the browser's (site.ChooseLanguage: ?lang=, then
// Accept-Language).
func (s *Desk) language(c echo.Context) string {
	if a := currentAgent(c); a.Lang != "" {
		return a.Lang
	}
	lang, _ := site.ChooseLanguage(c)
	return lang
}

// SetLanguage serves POST /admin/language: the agent's choice of
// language, remembered in the store; "" goes back to the browser's.
func (s *Desk) SetLanguage(c echo.Context) error {
	lang := postField(c, "lang")
	if _, ok := site.LanguageNames[lang]; !ok && lang != "" {
		return &site.KeyedError{Status: http.StatusBadRequest, Key: "hd.err_language", Message: "Unknown language."}
	}
	a := currentAgent(c)
	if err := db(c).SetAgentLanguage(c.Request().Context(), a.Name, lang, s.now()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(postField(c, "next")))
}

// RenderError shows an error of a helpdesk page in the helpdesk's layout
// and the agent's language; web's error handler calls it for /admin.
func (s *Desk) RenderError(c echo.Context, pe site.PublicError) error {
	p := s.adminPage(c, "hd.error_title")
	switch {
	case pe.Key != "" && p.msgs.Has(pe.Key+".title"):
		p.Title, p.Error = p.T(pe.Key+".title"), p.T(pe.Key+".text")
	case pe.Status >= 500:
		p.Title, p.Error = p.T("error.server"), p.T("error.server_text")
	case pe.Status == http.StatusNotFound:
		p.Title, p.Error = p.T("error.not_found"), p.T("error.not_found_text")
	default:
		p.Error = site.Sentence(pe.Message)
	}
	return s.renderAdmin(c, pe.Status, "admin_error.html", p)
}
