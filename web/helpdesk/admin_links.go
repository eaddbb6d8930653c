package helpdesk

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// LinksPerPage is how many links the list shows at once.
const LinksPerPage = 50

// linkForm is the new-link form as typed.
type linkForm struct {
	Email     string
	Name      string
	Type      string
	Days      string
	Downloads string
	Lang      string // the customer's language, for the message
	// Services are the form's services fields joined with commas; empty
	// is mail only.
	Services string
}

// display is f fit to show again in a page, which declares UTF-8.
func (f linkForm) display() linkForm {
	fix := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	return linkForm{Email: fix(f.Email), Name: fix(f.Name), Type: fix(f.Type), Days: fix(f.Days), Downloads: fix(f.Downloads), Lang: f.Lang,
		Services: fix(f.Services)}
}

// linkRequest is a validated new-link form.
type linkRequest struct {
	site.Account
	Lifetime  time.Duration
	Downloads int
	Services  profile.Services
}

// parseLinkForm validates the form; errors are *profile.InputError.
func parseLinkForm(f linkForm) (linkRequest, error) {
	req, err := site.ParseAccount(f.Email, f.Type, f.Name)
	if err != nil {
		return linkRequest{}, err
	}
	days, err := boundedInt(f.Days, DefaultLinkDays, 1, maxLinkDays, "days", "the link must last between 1 and %d days")
	if err != nil {
		return linkRequest{}, err
	}
	downloads, err := boundedInt(f.Downloads, DefaultLinkDownloads, 1, maxLinkDownloads, "downloads", "allow between 1 and %d downloads")
	if err != nil {
		return linkRequest{}, err
	}
	svc, err := profile.ParseServices(f.Services)
	if err != nil {
		return linkRequest{}, err
	}
	return linkRequest{Account: req, Lifetime: time.Duration(days) * 24 * time.Hour, Downloads: downloads, Services: svc}, nil
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

// ShowLinks serves GET /admin: the new-link form and the links, searched
// by address, agent and state.
func (s *Desk) ShowLinks(c echo.Context) error {
	return s.renderLinks(c, http.StatusOK, linkForm{Type: "imap", Days: strconv.Itoa(DefaultLinkDays), Downloads: strconv.Itoa(DefaultLinkDownloads),
		Lang: s.language(c)}, nil)
}

func (s *Desk) renderLinks(c echo.Context, status int, form linkForm, errs map[string]string) error {
	q := c.QueryParams()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	now := s.now()
	f := store.LinkFilter{Email: trimLen(q.Get("q"), 254), CreatedBy: trimLen(q.Get("agent"), 100), Now: now, Limit: LinksPerPage + 1, Offset: (page - 1) * LinksPerPage}
	if st := q.Get("state"); st != "" {
		state, err := store.ParseLinkState(st)
		if err != nil {
			return &site.KeyedError{Status: http.StatusBadRequest, Key: "hd.err_state", Message: "Unknown state: choose active, expired, revoked or used up."}
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
	if len(links) > LinksPerPage {
		links = links[:LinksPerPage]
		v.NextURL = pageURL(f, v.State, page+1)
	}
	if page > 1 {
		v.PrevURL = pageURL(f, v.State, page-1)
	}
	for _, l := range links {
		v.Links = append(v.Links, linkRow{Link: l, State: l.State(now).String()})
	}
	data := s.adminPage(c, "hd.links_heading")
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

// CreateLink serves POST /admin/links: the link is made, its token kept
// for this browser (newlink.go), and the answer is a redirect to the
// link's page, so that a reload makes no second link.
func (s *Desk) CreateLink(c echo.Context) error {
	form := linkForm{Email: postField(c, "email"), Name: postField(c, "name"), Type: postField(c, "type"),
		Days: postField(c, "days"), Downloads: postField(c, "downloads"), Lang: customerLang(postField(c, "customer_lang"), s.language(c)),
		Services: strings.Join(c.Request().PostForm["services"], ",")}
	req, err := s.checkLinkForm(c, form)
	if err != nil {
		pe := site.Classify(err)
		if pe.Field == "" || pe.Status >= 500 {
			return err
		}
		return s.renderLinks(c, pe.Status, form, map[string]string{pe.Field: s.fieldMessage(c, err, pe)})
	}
	a := currentAgent(c)
	token, hash, err := store.NewToken()
	if err != nil {
		return err
	}
	now := s.now()
	l, err := db(c).CreateLink(c.Request().Context(), store.Link{
		TokenHash: hash, Email: req.Addr.String(), Name: req.Name, Type: string(req.Proto), CreatedBy: a.Name,
		CreatedAt: now, ExpiresAt: now.Add(req.Lifetime), MaxDownloads: req.Downloads, Services: req.Services.String(),
	})
	if err != nil {
		return err
	}
	s.log.Info("helpdesk link created", "user", a.Name, "link_id", l.ID)
	if err := s.rememberNewLink(c, newLink{ID: l.ID, Token: token, Lang: form.Lang}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/links/%d", l.ID))
}

// customerLang is lang when the catalogs have it, else def.
func customerLang(lang, def string) string {
	if _, ok := site.LanguageNames[lang]; ok {
		return lang
	}
	return def
}

// fieldMessage is the message by a form field for err, in the agent's
// language.
func (s *Desk) fieldMessage(c echo.Context, err error, pe site.PublicError) string {
	ms := s.messages.ForLang(s.language(c))
	switch pe.Field {
	case "days":
		return ms.T("hd.err_days", "max", maxLinkDays)
	case "downloads":
		return ms.T("hd.err_downloads", "max", maxLinkDownloads)
	}
	fe := site.LocalError(ms, err, pe.Message, pe.Field)
	if fe.Detail != "" {
		return fe.Text + " (" + fe.Detail + ")"
	}
	return fe.Text
}

// checkLinkForm validates the form and that a profile can be made for the
// address, so an agent never sends a link that cannot work. No type (a
// bulk row's empty column) is the provider's preferred kind on iPhone and
// iPad, where a link is mostly opened; the link keeps the kind chosen.
func (s *Desk) checkLinkForm(c echo.Context, form linkForm) (linkRequest, error) {
	req, err := parseLinkForm(form)
	if err != nil {
		return req, err
	}
	kind, err := s.chooseKind(c.Request().Context(), req.Addr, req.Proto)
	if err != nil {
		return req, err
	}
	req.Proto = kind
	if req.Services != 0 && s.finder != nil {
		// A link for calendars the provider does not offer would fail
		// in the customer's hands: refuse it now.
		found, err := s.finder.Find(c.Request().Context(), req.Addr, kind)
		if err != nil {
			return req, err
		}
		if err := found.Offer(req.Services, kind); err != nil {
			return req, err
		}
	}
	return req, nil
}

// mailtoURL builds an RFC 6068 mailto: URL. Spaces must be %20 there, not
// the + of form encoding.
func mailtoURL(to, subject, body string) string {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	return "mailto:" + esc(to) + "?subject=" + esc(subject) + "&body=" + esc(body)
}

func (s *Desk) linkFromPath(c echo.Context) (store.Link, error) {
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
func (s *Desk) linkWithEvents(c echo.Context) (store.Link, []store.Event, error) {
	l, err := s.linkFromPath(c)
	if err != nil {
		return l, nil, err
	}
	events, err := db(c).Events(c.Request().Context(), l.ID)
	return l, events, err
}

// RevokeLink serves POST /admin/links/:id/revoke.
func (s *Desk) RevokeLink(c echo.Context) error {
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
