package helpdesk

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
)

// auditPerPage is how many events the audit list shows at once.
const auditPerPage = 50

// auditView is the audit list.
type auditView struct {
	Agent, Query, From, To string
	Errors                 map[string]string
	Entries                []store.AuditEntry
	PrevURL, NextURL       string
	CSVURL                 string
}

// ShowAudit serves GET /admin/audit: every link's events, newest first,
// filtered by agent, customer address and dates (days in the agent's
// time zone, from and to both included), a page at a time.
func (s *Desk) ShowAudit(c echo.Context) error {
	q := c.QueryParams()
	data := s.adminPage(c, "hd.audit_heading")
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	v := &auditView{Agent: trimLen(q.Get("agent"), 100), Query: trimLen(q.Get("q"), 254), From: trimLen(q.Get("from"), 10), To: trimLen(q.Get("to"), 10),
		Errors: map[string]string{}, CSVURL: "/admin/audit.csv"}
	f := store.AuditFilter{Agent: v.Agent, Email: v.Query, Limit: auditPerPage + 1, Offset: (page - 1) * auditPerPage}
	day := func(field, value string) time.Time {
		if value == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", value, data.zone)
		if err != nil {
			v.Errors[field] = data.T("hd.err_date", "value", value)
		}
		return t
	}
	f.From = day("from", v.From)
	if to := day("to", v.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusBadRequest
	} else {
		entries, err := db(c).AuditPage(c.Request().Context(), f)
		if err != nil {
			return err
		}
		if len(entries) > auditPerPage {
			entries = entries[:auditPerPage]
			v.NextURL = v.pageURL(page + 1)
		}
		if page > 1 {
			v.PrevURL = v.pageURL(page - 1)
		}
		v.Entries = entries
	}
	data.Data = v
	return s.renderAdmin(c, status, "admin_audit.html", data)
}

// pageURL is another page of the list with the same filters, as the
// fields show them.
func (v *auditView) pageURL(page int) string {
	q := url.Values{}
	for _, kv := range [...]struct{ k, v string }{{"agent", v.Agent}, {"q", v.Query}, {"from", v.From}, {"to", v.To}} {
		if kv.v != "" {
			q.Set(kv.k, kv.v)
		}
	}
	q.Set("page", strconv.Itoa(page))
	return "/admin/audit?" + q.Encode()
}
