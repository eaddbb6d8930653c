package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
)

//go:embed templates/*.html
var templateFiles embed.FS

func parseTemplates() (*template.Template, error) {
	t, err := template.New("").Funcs(template.FuncMap{"sentence": sentence}).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	return t, nil
}

// pageData is what every page template gets.
type pageData struct {
	Lang    string
	Title   string
	Service string
	Asset   string
	Form    formValues
	Errors  map[string]string
	Error   *publicError
	BackURL string
	Setup   *setupView
}

func (s *Server) page(_ echo.Context, title string) *pageData {
	return &pageData{Lang: "en", Title: title, Service: s.service, Asset: s.assetTag, Errors: map[string]string{}}
}

// render executes a template into a buffer and only then writes it, so a
// template error becomes a clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data *pageData) error {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// showForm serves GET /: the address form, refilled from the query.
func (s *Server) showForm(c echo.Context) error {
	data := s.page(c, "Set up your mail")
	data.Form = rawForm(c)
	if data.Form.Type == "" {
		data.Form.Type = string(profile.IMAP)
	}
	return s.render(c, http.StatusOK, "form.html", data)
}

// showSetup serves GET /setup: what will be installed, and the download
// button. Bad input goes back to the form with the message by its field.
func (s *Server) showSetup(c echo.Context) error {
	f := rawForm(c)
	req, err := parseAccountRequest(f)
	if err == nil {
		var view *setupView
		view, err = s.setupView(c, req)
		if err == nil {
			data := s.page(c, "Check your settings")
			data.Setup = view
			return s.render(c, http.StatusOK, "setup.html", data)
		}
	}
	pe := classify(err)
	if pe.Field == "" {
		return err
	}
	if pe.Status >= 500 {
		return err
	}
	data := s.page(c, "Set up your mail")
	data.Form = f
	data.Errors[pe.Field] = pe.Message
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
	Signed      bool
	Notes       []string
}

// serverView is one row group of the settings table.
type serverView struct {
	Kind     string
	Host     string
	Port     int
	Security string
	Username string
	Auth     string
}

func (s *Server) setupView(c echo.Context, req accountRequest) (*setupView, error) {
	found, err := s.finder.Find(c.Request().Context(), req.Addr, req.Proto)
	if err != nil {
		return nil, err
	}
	if found.Incoming.Host == "" || found.Outgoing.Host == "" {
		return nil, errors.New("settings without a host")
	}
	q := req.query()
	kind := "IMAP"
	if req.Proto == profile.POP {
		kind = "POP3"
	}
	return &setupView{
		Email:       req.Addr.String(),
		Name:        req.Name,
		Protocol:    kind,
		Provider:    found.ProviderName(),
		Incoming:    newServerView(kind, found.Incoming),
		Outgoing:    newServerView("SMTP", found.Outgoing),
		DownloadURL: "/profile?" + q,
		ChangeURL:   "/?" + q,
		Signed:      s.signer != nil,
		Notes:       found.Notes,
	}, nil
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

// securityLabel names the connection security as mail apps do.
func securityLabel(srv profile.Server) string {
	switch {
	case srv.STARTTLS:
		return "STARTTLS"
	case srv.UseSSL:
		return "SSL/TLS"
	}
	return "None"
}

// authLabel names the authentication as mail apps do.
func authLabel(a profile.Auth) string {
	switch a {
	case profile.AuthPassword:
		return "Password (normal)"
	case profile.AuthCRAMMD5:
		return "Encrypted password (CRAM-MD5)"
	case profile.AuthNTLM:
		return "NTLM"
	case profile.AuthNone:
		return "None"
	}
	return string(a)
}

// formQuery encodes raw form values to refill the form.
func formQuery(f formValues) string {
	v := url.Values{}
	v.Set("email", f.Email)
	if f.Type != "" {
		v.Set("type", f.Type)
	}
	if f.Name != "" {
		v.Set("name", f.Name)
	}
	return v.Encode()
}

// sentence capitalises the first letter of a message and ends it with a
// full stop, so lowercase error messages read as sentences on a page.
func sentence(s string) string {
	if s == "" {
		return s
	}
	first, _, _ := strings.Cut(s, " ")
	if first == strings.ToLower(first) { // leave names such as iCloud alone
		r, n := utf8.DecodeRuneInString(s)
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	if !strings.ContainsAny(s[len(s)-1:], ".!?") {
		s += "."
	}
	return s
}
