package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
)

const linksPerPage = 50

// linkForm is the new-link form as typed.
type linkForm struct {
	Email     string
	Name      string
	Type      string
	Days      string
	Downloads string
}

// display is f fit to show again in a page, which declares UTF-8.
func (f linkForm) display() linkForm {
	fix := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	return linkForm{Email: fix(f.Email), Name: fix(f.Name), Type: fix(f.Type), Days: fix(f.Days), Downloads: fix(f.Downloads)}
}

// linkRequest is a validated new-link form.
type linkRequest struct {
	accountRequest
	Lifetime  time.Duration
	Downloads int
}

// parseLinkForm validates the form; errors are *profile.InputError.
func parseLinkForm(f linkForm) (linkRequest, error) {
	req, err := parseAccountRequest(formValues{Email: f.Email, Type: f.Type, Name: f.Name})
	if err != nil {
		return linkRequest{}, err
	}
	days, err := boundedInt(f.Days, defaultLinkDays, 1, maxLinkDays, "days", "the link must last between 1 and %d days")
	if err != nil {
		return linkRequest{}, err
	}
	downloads, err := boundedInt(f.Downloads, defaultLinkDownloads, 1, maxLinkDownloads, "downloads", "allow between 1 and %d downloads")
	if err != nil {
		return linkRequest{}, err
	}
	return linkRequest{accountRequest: req, Lifetime: time.Duration(days) * 24 * time.Hour, Downloads: downloads}, nil
}

func boundedInt(s string, def, lo, hi int, field, msg string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &profile.InputError{Field: field, Message: fmt.Sprintf(msg, hi)}
	}
	return n, nil
}

// linksView is the list page.
type linksView struct {
	Form    linkForm
	Errors  map[string]string
	Links   []linkRow
	Query   string
	Agent   string
	State   string
	States  []string
	Page    int
	PrevURL string
	NextURL string
	Days    int
	MaxDays int
	MaxDL   int
}

type linkRow struct {
	store.Link
	State string
}

// showLinks serves GET /admin: the new-link form and the links, searched
// by address, agent and state.
func (s *Server) showLinks(c echo.Context) error {
	return s.renderLinks(c, http.StatusOK, linkForm{Type: "imap", Days: strconv.Itoa(defaultLinkDays), Downloads: strconv.Itoa(defaultLinkDownloads)}, nil)
}

func (s *Server) renderLinks(c echo.Context, status int, form linkForm, errs map[string]string) error {
	q := c.QueryParams()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	now := s.now()
	f := store.LinkFilter{Email: trimLen(q.Get("q"), 254), CreatedBy: trimLen(q.Get("agent"), 100), Now: now, Limit: linksPerPage + 1, Offset: (page - 1) * linksPerPage}
	if st := q.Get("state"); st != "" {
		state, err := store.ParseLinkState(st)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "Unknown state: choose active, expired, revoked or used up.")
		}
		f.State = state
	}
	links, err := db(c).Links(c.Request().Context(), f)
	if err != nil {
		return err
	}
	v := &linksView{Form: form.display(), Errors: errs, Query: f.Email, Agent: f.CreatedBy, State: q.Get("state"), Page: page,
		States:  []string{store.LinkActive.String(), store.LinkExpired.String(), store.LinkRevoked.String(), store.LinkUsedUp.String()},
		MaxDays: maxLinkDays, MaxDL: maxLinkDownloads}
	if len(links) > linksPerPage {
		links = links[:linksPerPage]
		v.NextURL = pageURL(f, v.State, page+1)
	}
	if page > 1 {
		v.PrevURL = pageURL(f, v.State, page-1)
	}
	for _, l := range links {
		v.Links = append(v.Links, linkRow{Link: l, State: l.State(now).String()})
	}
	data := s.adminPage(c, "Profile links")
	data.Data = v
	return s.renderAdmin(c, status, "admin_links.html", data)
}

// pageURL is the address of another page of the links shown with filter
// f: its search values as the search fields show them (trimmed and
// bounded), never the raw query.
func pageURL(f store.LinkFilter, state string, page int) string {
	v := url.Values{}
	for _, kv := range [...]struct{ k, v string }{{"q", f.Email}, {"agent", f.CreatedBy}, {"state", state}} {
		if kv.v != "" {
			v.Set(kv.k, kv.v)
		}
	}
	v.Set("page", strconv.Itoa(page))
	return "/admin?" + v.Encode()
}

// trimLen trims s, cuts it to at most n bytes and makes it valid UTF-8,
// to be shown again in a page.
func trimLen(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// createdView is the page shown once after a link is made: the only time
// its token is known, since the store keeps only a hash.
type createdView struct {
	Link    store.Link
	URL     string
	QR      template.URL
	MailTo  template.URL
	Message string
}

// createLink serves POST /admin/links.
func (s *Server) createLink(c echo.Context) error {
	form := linkForm{Email: c.FormValue("email"), Name: c.FormValue("name"), Type: c.FormValue("type"),
		Days: c.FormValue("days"), Downloads: c.FormValue("downloads")}
	req, err := s.checkLinkForm(c, form)
	if err != nil {
		pe := classify(err)
		if pe.Field == "" || pe.Status >= 500 {
			return err
		}
		return s.renderLinks(c, pe.Status, form, map[string]string{pe.Field: sentence(pe.Message)})
	}
	a := currentAgent(c)
	token, hash, err := store.NewToken()
	if err != nil {
		return err
	}
	now := s.now()
	l, err := db(c).CreateLink(c.Request().Context(), store.Link{
		TokenHash: hash, Email: req.Addr.String(), Name: req.Name, Type: string(req.Proto), CreatedBy: a.Name,
		CreatedAt: now, ExpiresAt: now.Add(req.Lifetime), MaxDownloads: req.Downloads,
	})
	if err != nil {
		return err
	}
	s.log.Info("helpdesk link created", "user", a.Name, "link_id", l.ID)
	v, err := s.createdView(c, l, token)
	if err != nil {
		return err
	}
	data := s.adminPage(c, "Link created")
	data.Data = v
	return s.renderAdmin(c, http.StatusCreated, "admin_created.html", data)
}

// checkLinkForm validates the form and that a profile can be made for the
// address, so an agent never sends a link that cannot work. No type (a
// bulk row's empty column) is the provider's preferred kind on iPhone and
// iPad, where a link is mostly opened; the link keeps the kind chosen.
func (s *Server) checkLinkForm(c echo.Context, form linkForm) (linkRequest, error) {
	req, err := parseLinkForm(form)
	if err != nil {
		return req, err
	}
	o, err := s.kinds(c.Request().Context(), req.Addr).choose(req.Proto, device{Kind: deviceIOS})
	if err != nil {
		return req, err
	}
	req.Proto = o.Kind
	return req, nil
}

func (s *Server) createdView(c echo.Context, l store.Link, token string) (*createdView, error) {
	link := absoluteURL(c, "/l/"+token, nil)
	var qrURI template.URL
	if svg, err := qrSVG(link); err == nil { // fails only for an absurd Host header
		qrURI = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)) //nolint:gosec // our own SVG
	}
	msg := fmt.Sprintf("Hello,\n\nto set up your mail account %s on your iPhone, iPad or Mac, open this link on the device in Safari and follow the steps:\n\n%s\n\nThe link works until %s and can be used %d times. You will be asked for your mail password while installing; we never ask for it.\n",
		l.Email, link, l.ExpiresAt.UTC().Format("2 January 2006 15:04 MST"), l.MaxDownloads)
	return &createdView{
		Link:    l,
		URL:     link,
		QR:      qrURI,
		MailTo:  template.URL(mailtoURL(l.Email, "Set up your mail on your iPhone, iPad or Mac", msg)), //nolint:gosec // escaped in mailtoURL
		Message: msg,
	}, nil
}

// mailtoURL builds an RFC 6068 mailto: URL. Spaces must be %20 there, not
// the + of form encoding.
func mailtoURL(to, subject, body string) string {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	return "mailto:" + esc(to) + "?subject=" + esc(subject) + "&body=" + esc(body)
}

// detailView is a link's page.
type detailView struct {
	Link   store.Link
	State  string
	Events []store.Event
	Active bool
}

func (s *Server) linkFromPath(c echo.Context) (store.Link, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return store.Link{}, echo.ErrNotFound
	}
	l, err := db(c).LinkByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return l, echo.ErrNotFound
	}
	return l, err
}

// linkWithEvents is the link of the :id path parameter and its audit
// trail.
func (s *Server) linkWithEvents(c echo.Context) (store.Link, []store.Event, error) {
	l, err := s.linkFromPath(c)
	if err != nil {
		return l, nil, err
	}
	events, err := db(c).Events(c.Request().Context(), l.ID)
	return l, events, err
}

// showLink serves GET /admin/links/:id: the link and its audit trail.
func (s *Server) showLink(c echo.Context) error {
	l, events, err := s.linkWithEvents(c)
	if err != nil {
		return err
	}
	st := l.State(s.now())
	data := s.adminPage(c, "Link for "+l.Email)
	data.Data = &detailView{Link: l, State: st.String(), Events: events, Active: st == store.LinkActive}
	data.Flash = c.QueryParam("done")
	return s.renderAdmin(c, http.StatusOK, "admin_link.html", data)
}

// revokeLink serves POST /admin/links/:id/revoke.
func (s *Server) revokeLink(c echo.Context) error {
	l, err := s.linkFromPath(c)
	if err != nil {
		return err
	}
	a := currentAgent(c)
	if err := db(c).Revoke(c.Request().Context(), l.ID, a.Name, s.now()); err != nil && !errors.Is(err, store.ErrGone) {
		return err
	}
	s.log.Info("helpdesk link revoked", "user", a.Name, "link_id", l.ID)
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/links/%d?done=revoked", l.ID))
}
