package helpdesk

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// detailView is a link's page: its state and audit trail (the part the
// page's script refreshes, #live), the settings and the provider's
// caveats, and, in the browser that made the link, what to send.
type detailView struct {
	Link     store.Link
	State    string
	Events   []store.Event
	Active   bool
	New      *newView
	Settings *settingsView
	LiveURL  string
}

// newView is what to send the customer: known only in the browser that
// made the link (newlink.go).
type newView struct {
	URL       string
	QR        template.URL
	MailTo    template.URL
	Message   string
	Lang      string
	Languages []langChoice
	// Code is the short code to read out, while it lives.
	Code        string
	CodeURL     string
	CodeMinutes int
	CanSend     bool
}

// settingsView is what the customer's device will be set up with, and
// the provider's caveats (app passwords, IMAP to switch on).
type settingsView struct {
	Provider string
	Notes    []string
	Servers  []serverRow
}

// serverRow is one server; Security is a catalog key.
type serverRow struct {
	Kind     string
	Host     string
	Port     int
	Security string
	Username string
}

// ShowLink serves GET /admin/links/:id.
func (s *Desk) ShowLink(c echo.Context) error {
	l, events, err := s.linkWithEvents(c)
	if err != nil {
		return err
	}
	now := s.now()
	st := l.State(now)
	data := s.adminPage(c, "hd.link_for", "email", l.Email)
	v := &detailView{Link: l, State: st.String(), Events: events, Active: st == store.LinkActive,
		LiveURL: fmt.Sprintf("/admin/links/%d", l.ID)}
	if n, ok := s.recalledLink(c, l); ok && v.Active {
		lang := customerLang(c.QueryParam("customer_lang"), n.Lang)
		v.New = s.newView(c, data, l, n, lang)
	}
	v.Settings = s.settings(c, l)
	data.Data = v
	if key := "hd.done_" + c.QueryParam("done"); data.msgs.Has(key) {
		data.Flash = data.T(key, "to", trimLen(c.QueryParam("to"), 254), "why", trimLen(c.QueryParam("why"), 300))
	}
	return s.renderAdmin(c, http.StatusOK, "admin_link.html", data)
}

func (s *Desk) newView(c echo.Context, p *adminPage, l store.Link, n newLink, lang string) *newView {
	link := site.AbsoluteURL(c, "/l/"+n.Token, nil)
	v := &newView{URL: link, Lang: lang, CanSend: s.mailer != nil}
	if svg, err := site.QRSVG(link); err == nil { // fails only for an absurd Host header
		v.QR = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)) //nolint:gosec // our own SVG
	}
	for _, tag := range site.Languages {
		code := tag.String()
		v.Languages = append(v.Languages, langChoice{Code: code, Name: site.LanguageNames[code], Current: code == lang})
	}
	subject, body := s.message(lang, l, link, p.zone)
	v.Message = body
	v.MailTo = template.URL(mailtoURL(l.Email, subject, body)) //nolint:gosec // escaped in mailtoURL
	if n.Code != "" && s.now().Before(n.CodeExpiry) {
		v.Code = formatCode(n.Code)
		v.CodeURL = site.AbsoluteURL(c, "/code", nil)
		v.CodeMinutes = int(codeLife / time.Minute)
	}
	return v
}

// message is the subject and text of the message to the customer, in
// lang, with the expiry in the agent's time zone.
func (s *Desk) message(lang string, l store.Link, link string, zone *time.Location) (subject, body string) {
	ms := s.messages.ForLang(lang)
	// Exchange and Google accounts install on iPhone and iPad only, and
	// take no password: the provider's own page signs the person in.
	devices, signin := "hd.msg_devices_all", "hd.msg_signin_password"
	if l.Type == store.TypeExchange || l.Type == store.TypeGoogle {
		devices, signin = "hd.msg_devices_ios", "hd.msg_signin_oauth"
	}
	return ms.T("hd.msg_subject"), ms.T("hd.msg_body", "email", l.Email, "link", link,
		"expiry", localTime(l.ExpiresAt, zone), "downloads", strconv.Itoa(l.MaxDownloads),
		"devices", ms.T(devices), "signin", ms.T(signin))
}

// settings are the settings the link's profile holds; nil when they
// cannot be found at the moment (the page works without them).
func (s *Desk) settings(c echo.Context, l store.Link) *settingsView {
	addr, err := profile.ParseAddress(l.Email)
	if err != nil {
		return nil
	}
	proto, err := profile.ParseProtocol(l.Type)
	if err != nil {
		return nil
	}
	found, err := s.finder.Find(c.Request().Context(), addr, proto)
	if err != nil {
		return nil
	}
	kind := "IMAP"
	if proto == profile.POP {
		kind = "POP3"
	}
	return &settingsView{Provider: found.ProviderName(), Notes: site.Notes(s.messages.ForLang(s.language(c)), found),
		Servers: []serverRow{serverRowOf(kind, found.Incoming), serverRowOf("SMTP", found.Outgoing)}}
}

func serverRowOf(kind string, srv profile.Server) serverRow {
	sec := "security.none"
	switch {
	case srv.STARTTLS:
		sec = "security.starttls"
	case srv.UseSSL:
		sec = "security.ssl"
	}
	return serverRow{Kind: kind, Host: srv.Host, Port: srv.Port, Security: sec, Username: srv.Username}
}
