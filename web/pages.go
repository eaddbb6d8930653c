package web

import (
	"embed"
	"errors"
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
	t, err := template.New("").Funcs(template.FuncMap{"sentence": site.Sentence}).ParseFS(templateFiles, "templates/*.html")
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

	msgs        site.Messages
	fieldErrors map[string]site.FieldError
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
		Brand: brandView{
			LogoURL: s.brand.logoURL, CSSURL: s.brand.cssURL,
			SupportURL: s.brand.supportURL, Phone: s.brand.phone, PhoneHref: template.URL(s.brand.phoneHref), //nolint:gosec // digits and + only
		},
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
	case d.Lang == "en":
		return site.FieldError{Text: site.Sentence(e.Message)}
	}
	return site.FieldError{Text: d.T("error.other_text"), Detail: site.Sentence(e.Message)}
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
}

// render executes a template into a buffer and only then writes it, so a
// template error becomes a clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data *pageData) error {
	c.Response().Header().Add(echo.HeaderVary, "Accept-Language, User-Agent")
	return site.Render(c, status, s.pages, name, data, data.Lang)
}

// showForm serves GET /: the address form, refilled from the query.
func (s *Server) showForm(c echo.Context) error {
	data := s.page(c, "form.title")
	if data.Form.Type == "" {
		data.Form.Type = string(profile.IMAP)
	}
	return s.render(c, http.StatusOK, "form.html", data)
}

// showSetup serves GET /setup: what will be installed, the download
// button and the steps for the visitor's device. Bad input goes back to
// the form with the message by its field.
func (s *Server) showSetup(c echo.Context) error {
	f := rawForm(c)
	req, err := parseAccountRequest(f)
	if err == nil {
		data := s.page(c, "setup.title")
		var view *setupView
		view, err = s.setupView(c, req, data.LangParam)
		if err == nil {
			data.Setup = view
			return s.render(c, http.StatusOK, "setup.html", data)
		}
	}
	pe := site.Classify(err)
	if pe.Field == "" || pe.Status >= 500 {
		return err
	}
	data := s.page(c, "form.title")
	data.setFieldError(pe.Field, err, pe.Message)
	s.log.Info("form rejected", "path", "/setup", "status", pe.Status, "field", pe.Field, "request_id", requestID(c))
	return s.render(c, pe.Status, "form.html", data)
}

// setupView is the review page's content.
type setupView struct {
	Email       string
	Name        string
	Protocol    string
	Provider    string
	Incoming    serverView
	Outgoing    serverView
	DownloadURL string
	ChangeURL   string
	// Signed reports whether the download is signed: catalog answers
	// are, answers found at run time only when the operator says so.
	Signed bool
	Notes  []string

	// Where the settings came from. Method and Confidence are the
	// provider.Origin values; SourceKey and ConfidenceKey the catalog
	// keys that say them in words; Via is what was asked, shown only
	// for settings found at run time.
	Method        string
	Confidence    string
	SourceKey     string
	ConfidenceKey string
	Via           string
	Discovered    bool
	// SignatureKey is the catalog key saying whether the profile is
	// signed and why.
	SignatureKey string
	// CheckServers asks the person to check the server names before
	// installing, with the settings shown first: the servers were found
	// at run time and no signature vouches for them.
	CheckServers bool

	Device   device
	MacPlace string
	// PageURL is this page's absolute address, to open it elsewhere.
	PageURL string
	// SafariURL opens PageURL in Safari on iOS 17 and later.
	SafariURL template.URL
	QRURL     string
	// Manual is the settings for other mail apps: IMAP, POP3 and SMTP,
	// those the provider offers.
	Manual []serverView
	// FromLink is set on a helpdesk link's page.
	FromLink bool
}

// serverView is one row group of the settings table. Security and Auth
// are catalog keys.
type serverView struct {
	Kind     string
	Host     string
	Port     int
	Security string
	Username string
	Auth     string
}

func (s *Server) setupView(c echo.Context, req accountRequest, lang string) (*setupView, error) {
	ctx := c.Request().Context()
	found, err := s.finder.Find(ctx, req.Addr, req.Proto)
	if err != nil {
		return nil, err
	}
	if found.Incoming.Host == "" || found.Outgoing.Host == "" {
		return nil, errors.New("settings without a host")
	}
	q := setupQuery(req, lang)
	kind := protocolName(req.Proto)
	dev := detectDevice(c.Request().UserAgent())
	pageURL := site.AbsoluteURL(c, "/setup", q)
	v := &setupView{
		Email:       req.Addr.String(),
		Name:        req.Name,
		Protocol:    kind,
		Provider:    found.ProviderName(),
		Incoming:    newServerView(kind, found.Incoming),
		Outgoing:    newServerView("SMTP", found.Outgoing),
		DownloadURL: "/profile?" + req.query(),
		ChangeURL:   "/?" + q.Encode(),
		Signed:      s.signs(found),
		Notes:       found.Notes,
		Device:      dev,
		MacPlace:    dev.macPlace(),
		PageURL:     pageURL,
		SafariURL:   template.URL("x-safari-" + pageURL), //nolint:gosec // built here from the escaped query
		QRURL:       "/setup/qr.svg?" + q.Encode(),
	}
	o := origin(found)
	v.Method, v.Confidence, v.Discovered = string(o.Method), string(o.Confidence), o.Discovered()
	v.SourceKey, v.ConfidenceKey = "origin."+v.Method, "confidence."+v.Confidence
	if _, ok := s.messages["en"][v.SourceKey]; !ok {
		v.SourceKey = "origin.other" // a method newer than the catalog
	}
	if _, ok := s.messages["en"][v.ConfidenceKey]; !ok {
		v.ConfidenceKey = ""
	}
	switch {
	case v.Discovered && v.Signed:
		v.SignatureKey = "sign.discovered"
	case v.Discovered:
		v.SignatureKey, v.CheckServers = "sign.discovered_unsigned", true
	case v.Signed:
		v.SignatureKey = "sign.catalog"
	default:
		v.SignatureKey = "setup.unsigned"
	}
	if v.Discovered {
		v.Via = o.Via
	}
	if dev.Kind == deviceOther {
		for _, p := range []profile.Protocol{profile.IMAP, profile.POP} {
			if p == req.Proto {
				v.Manual = append(v.Manual, v.Incoming)
				continue
			}
			if other, err := s.finder.Find(ctx, req.Addr, p); err == nil {
				v.Manual = append(v.Manual, newServerView(protocolName(p), other.Incoming))
			}
		}
		v.Manual = append(v.Manual, v.Outgoing)
	}
	return v, nil
}

func protocolName(p profile.Protocol) string {
	if p == profile.POP {
		return "POP3"
	}
	return "IMAP"
}

func newServerView(kind string, srv profile.Server) serverView {
	return serverView{
		Kind:     kind,
		Host:     srv.Host,
		Port:     srv.Port,
		Security: securityLabel(srv),
		Username: srv.Username,
		Auth:     authLabel(srv.Auth),
	}
}

// securityLabel is the catalog key naming the connection security.
func securityLabel(srv profile.Server) string {
	switch {
	case srv.STARTTLS:
		return "security.starttls"
	case srv.UseSSL:
		return "security.ssl"
	}
	return "security.none"
}

// authLabel is the catalog key naming the authentication as mail apps do.
func authLabel(a profile.Auth) string {
	switch a {
	case profile.AuthPassword:
		return "auth.password"
	case profile.AuthCRAMMD5:
		return "auth.crammd5"
	case profile.AuthNTLM:
		return "auth.ntlm"
	case profile.AuthNone:
		return "auth.none"
	}
	return string(a)
}

// formQuery encodes raw form values to refill the form, within the echo
// bounds.
func formQuery(f formValues) string {
	return f.echoable().values().Encode()
}

// Tables are the settings tables of the review page: for a device that
// installs the profile, what it installs; for any other, the settings of
// every protocol for setting up a mail app by hand.
func (v *setupView) Tables() []serverView {
	if v.Device.Kind == deviceOther {
		return v.Manual
	}
	return []serverView{v.Incoming, v.Outgoing}
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
