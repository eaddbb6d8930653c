package web

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

//go:embed templates/*.html
var templateFiles embed.FS

func parseTemplates() (*template.Template, error) {
	t, err := template.New("").Funcs(template.FuncMap{"sentence": site.Sentence, "wbr": breakable}).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	return t, nil
}

// pageData is what every page template gets. Texts come from its T and
// TH methods, in the page's language.
type pageData struct {
	Lang    string
	Title   string
	Service string
	Asset   string
	Form    formValues
	Errors  map[string]string
	Error   *site.PublicError
	BackURL string
	Setup   *setupView
	// LangParam is the language the visitor chose with ?lang=, which
	// links and the form carry along; empty when it came from the browser.
	LangParam string
	Languages []langLink
	HomeURL   string
	Brand     brandView

	// Refresh, when set, is the content of a meta refresh: a page that
	// waits for a lookup reloads itself (looking.go).
	Refresh string

	msgs        site.Messages
	fieldErrors map[string]site.FieldError
	known       []string // catalog domains, for DeadEnd (deadends.go)
	notFound    string   // the unknown domain of the form's error
}

// brandView is the operator's branding as a page shows it.
type brandView struct {
	LogoURL, CSSURL, SupportURL, Phone string
	// PhoneHref is a tel: link of digits and "+" only.
	PhoneHref template.URL
}

// page starts the data for a page. title is a catalog key, or a text
// used as it is.
func (s *Server) page(c echo.Context, title string) *pageData {
	lang, explicit := site.ChooseLanguage(c)
	ms := s.messages.ForLang(lang)
	d := &pageData{
		Lang:      lang,
		Title:     title,
		Asset:     s.assetTag,
		Form:      rawForm(c).display(),
		Errors:    map[string]string{},
		Languages: languageLinks(c, lang),
		HomeURL:   "/",
		msgs:      ms,
		known:     s.known,
		Brand: brandView{
			LogoURL: s.brand.logoURL, CSSURL: s.brand.cssURL,
			SupportURL: s.brand.supportURL, Phone: s.brand.phone, PhoneHref: template.URL(s.brand.phoneHref), //nolint:gosec // digits and + only
		},
	}
	if k, err := profile.ParseProtocol(d.Form.Type); err == nil {
		d.Form.Type = string(k) // "POP3" checks the POP choice
	}
	if ms.Has(title) {
		d.Title = ms.T(title)
	}
	d.Service = s.brand.service
	if d.Service == "" {
		d.Service = ms.T("service.default")
	}
	if explicit {
		d.LangParam = lang
		d.HomeURL = "/?lang=" + lang
	}
	return d
}

// T is the plain-text message key in the page's language.
func (d *pageData) T(key string, args ...any) string { return d.msgs.T(key, args...) }

// TH is the markup message key in the page's language.
func (d *pageData) TH(key string, args ...any) template.HTML { return d.msgs.TH(key, args...) }

// PageTitle is the <title> text: the page's own, or the error's.
func (d *pageData) PageTitle() string {
	if e := d.Error; e != nil && e.Field == "" {
		return d.errorHeading()
	}
	return d.Title
}

func (d *pageData) errorHeading() string {
	switch {
	case d.Error.Key != "":
		return d.T(d.Error.Key + ".title")
	case d.Error.Status >= 500:
		return d.T("error.server")
	case d.Error.Status == http.StatusNotFound:
		return d.T("error.not_found")
	case d.Error.Status == http.StatusTooManyRequests:
		return d.T("error.too_many")
	}
	return d.T("error.other")
}

// ErrorMessage is the public message of a page-level error, in the page's
// language where the catalog has it.
func (d *pageData) ErrorMessage() site.FieldError {
	e := d.Error
	switch {
	case e.Key != "":
		return site.FieldError{Text: d.T(e.Key + ".text")}
	case e.Status >= 500:
		return site.FieldError{Text: d.T("error.server_text")}
	case e.Status == http.StatusNotFound:
		return site.FieldError{Text: d.T("error.not_found_text")}
	}
	return site.PageError(d.msgs, e.Status, e.Message)
}

// FieldError is the error for a form field, if any: set by showSetup, or
// carried by a failed download rendered as the form.
func (d *pageData) FieldError(field string) *site.FieldError {
	if fe, ok := d.fieldErrors[field]; ok {
		return &fe
	}
	if e := d.Error; e != nil && e.Field == field {
		fe := site.LocalError(d.msgs, nil, e.Message, field)
		return &fe
	}
	return nil
}

// setFieldError puts err, whose public message is msg, by its field.
func (d *pageData) setFieldError(field string, err error, msg string) {
	d.Errors[field] = msg
	if d.fieldErrors == nil {
		d.fieldErrors = map[string]site.FieldError{}
	}
	d.fieldErrors[field] = site.LocalError(d.msgs, err, msg, field)
	d.noteNotFound(err)
}

// render executes a template into a buffer and only then writes it, so a
// template error becomes a clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data *pageData) error {
	c.Response().Header().Add(echo.HeaderVary, varyPage)
	return site.Render(c, status, s.pages, name, data, data.Lang)
}

const varyPage = "Accept-Language, User-Agent"

// showForm serves GET /: the address form, refilled from the query. The
// form without a query is the same page for everyone who reads the same
// language, so it is rendered once and then served from formPages.
func (s *Server) showForm(c echo.Context) error {
	key, shared := formPageKey(c)
	if shared {
		if page, lang, ok := s.formPages.get(key); ok {
			c.Response().Header().Add(echo.HeaderVary, varyPage)
			return site.WritePage(c, http.StatusOK, page, lang)
		}
	}
	data := s.page(c, "form.title")
	if !shared {
		return s.render(c, http.StatusOK, "form.html", data)
	}
	page, err := site.Execute(s.pages, "form.html", data)
	if err != nil {
		return err
	}
	s.formPages.put(key, page, data.Lang)
	c.Response().Header().Add(echo.HeaderVary, varyPage)
	return site.WritePage(c, http.StatusOK, page, data.Lang)
}

// formQuery encodes raw form values to refill the form, within the echo
// bounds.
func formQuery(f formValues) string {
	return f.echoable().values().Encode()
}

// BackLink is the error page's way back to the form, in the same language.
func (d *pageData) BackLink() string {
	back := d.BackURL
	if back == "" {
		back = "/"
	}
	if d.LangParam == "" {
		return back
	}
	if strings.Contains(back, "?") {
		return back + "&lang=" + d.LangParam
	}
	return back + "?lang=" + d.LangParam
}
