package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/helpdesk"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// tokenLen is the length of a link token: 128 bits in base64url.
const tokenLen = 22

// validToken is a cheap shape check before any database work.
func validToken(t string) bool {
	if len(t) != tokenLen {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// linkByToken finds the link of the :token path parameter. Unknown and
// malformed tokens are 404; the lookup is by hash, so timing tells nothing.
func (s *Server) linkByToken(c echo.Context) (store.Link, error) {
	token := c.Param("token")
	if !validToken(token) {
		return store.Link{}, echo.ErrNotFound
	}
	l, err := helpdesk.DB(c).LinkByTokenHash(c.Request().Context(), store.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return l, echo.ErrNotFound
	}
	return l, err
}

// visitEvent is the audit event of a visitor's request.
func (s *Server) visitEvent(c echo.Context, kind string, linkID int64) store.Event {
	ua := c.Request().UserAgent()
	return store.Event{LinkID: linkID, At: s.now(), Kind: kind, UserAgent: ua, Device: deviceName(ua)}
}

// activeLink is the link of the :token path parameter and the account it
// is for, or a *store.GoneError when it can no longer be used.
func (s *Server) activeLink(c echo.Context) (store.Link, accountRequest, error) {
	l, err := s.linkByToken(c)
	if err != nil {
		return l, accountRequest{}, err
	}
	if st := l.State(s.now()); st != store.LinkActive {
		return l, accountRequest{}, &store.GoneError{State: st}
	}
	// The link holds the account; the visitor may name the device, as on
	// the public pages (an iPad that sends a Mac's User-Agent does).
	req, err := parseAccountRequest(formValues{Email: l.Email, Type: l.Type, Name: l.Name, Device: c.QueryParam("device"), Services: l.Services})
	if err == nil && req.Services == 0 {
		req.Services = profile.ServiceMail // a link made before calendars and contacts: mail only, never the page's default
	}
	return l, req, err
}

// showLinkPage serves GET /l/:token: the review page for the link's
// account, with the same steps per device as the public page.
func (s *Server) showLinkPage(c echo.Context) error {
	l, req, err := s.activeLink(c)
	if err != nil {
		return err
	}
	data := s.page(c, "setup.title")
	view, err := s.setupView(c, req, data.LangParam)
	if err != nil {
		return err
	}
	if err := helpdesk.DB(c).RecordOpen(c.Request().Context(), l.ID, s.visitEvent(c, store.EventOpened, l.ID)); err != nil {
		return err
	}
	view.forLink(c, c.Param("token"), data.LangParam)
	data.Setup = view
	return s.render(c, http.StatusOK, "setup.html", data)
}

// forLink points the review page's links at the helpdesk link instead of
// the public routes, and drops the way to change the address.
func (v *setupView) forLink(c echo.Context, token, lang string) {
	q := url.Values{}
	if lang != "" {
		q.Set("lang", lang)
	}
	base := "/l/" + token
	v.PageURL = site.AbsoluteURL(c, base, q)
	v.SafariURL = template.URL("x-safari-" + v.PageURL) //nolint:gosec // built from a checked token
	v.DownloadURL = base + "/profile"
	if v.IPad != nil {
		v.IPad.DownloadURL = base + "/profile?device=" + deviceParamIOS
	}
	v.Choices = nil // the link is for its one kind of account
	// and for the services the helpdesk chose: listed, not offered.
	if sv := v.Services; sv != nil {
		sv.Choose, sv.Calendar, sv.Contacts = false, sv.CalendarOn, sv.ContactsOn
	}
	v.QRURL = base + "/qr.svg"
	if len(q) > 0 {
		v.QRURL += "?" + q.Encode()
	}
	v.ChangeURL = ""
	v.FromLink = true
	v.downloadsIn(lang)
}

// downloadLinkProfile serves GET /l/:token/profile. The profile is built
// and signed first; the download is counted only when it can be served,
// in one transaction that also refuses a link used up meanwhile.
func (s *Server) downloadLinkProfile(c echo.Context) error {
	l, req, err := s.activeLink(c)
	if err != nil {
		return err
	}
	p, err := s.buildProfile(c, req, requestDevice(c.Request().UserAgent(), req.Device))
	if err != nil {
		if notInstallable(c, err) {
			return s.showNotInstallable(c, err, req, func(v *setupView, lang string) { v.forLink(c, c.Param("token"), lang) })
		}
		return err
	}
	ev := s.visitEvent(c, store.EventDownloaded, l.ID)
	if _, err := helpdesk.DB(c).RecordDownload(c.Request().Context(), l.TokenHash, s.now(), ev); err != nil {
		return err
	}
	if err := sendProfile(c, req.Addr, p.body); err != nil {
		return err
	}
	s.metrics.profilesServed(p.kind, p.signs, p.found).Inc()
	return nil
}

// linkQR serves GET /l/:token/qr.svg: the link's page as a QR code.
func (s *Server) linkQR(c echo.Context) error {
	if _, _, err := s.activeLink(c); err != nil {
		return err
	}
	q := url.Values{}
	if lang, explicit := site.ChooseLanguage(c); explicit {
		q.Set("lang", lang)
	}
	return sendQR(c, site.AbsoluteURL(c, "/l/"+c.Param("token"), q))
}
