package helpdesk

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// maxBulkRows bounds one CSV upload.
const (
	maxBulkRows  = 1000
	maxBulkBytes = 1 << 20
)

// csvCell defuses a value for spreadsheets: a cell starting with = + - @
// (or a tab or CR) would run as a formula. The User-Agent is the
// visitor's to choose.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

var auditHeader = []string{"time", "event", "link_id", "email", "actor", "device", "user_agent"}

func auditRecord(e store.Event, l store.Link) []string {
	return []string{e.At.UTC().Format(time.RFC3339), e.Kind, strconv.FormatInt(e.LinkID, 10), csvCell(l.Email),
		csvCell(e.Actor), csvCell(e.Device), csvCell(e.UserAgent)}
}

// sendCSV writes a finished CSV as a download.
func sendCSV(c echo.Context, name string, body []byte) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", body)
}

// LinkAuditCSV serves GET /admin/links/:id/audit.csv.
func (s *Desk) LinkAuditCSV(c echo.Context) error {
	l, events, err := s.linkWithEvents(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(auditHeader)
	for _, e := range events {
		_ = w.Write(auditRecord(e, l))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return sendCSV(c, fmt.Sprintf("link-%d-audit.csv", l.ID), buf.Bytes())
}

// AuditCSV serves GET /admin/audit.csv[?days=N]: the whole audit trail,
// or its last N days.
func (s *Desk) AuditCSV(c echo.Context) error {
	var since time.Time
	if d := c.QueryParam("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 3650 {
			return &site.KeyedError{Status: http.StatusBadRequest, Key: "hd.err_days_export", Message: "days must be a whole number from 1 to 3650"}
		}
		since = s.now().AddDate(0, 0, -n)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(auditHeader)
	err := db(c).AllEvents(c.Request().Context(), since, func(e store.Event, l store.Link) error {
		return w.Write(auditRecord(e, l))
	})
	if err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return sendCSV(c, "audit-"+s.now().UTC().Format("2006-01-02")+".csv", buf.Bytes())
}

// bulkView reports an upload: the problems of a rejected one, or the
// links a good one made, with them as a CSV file to download.
type bulkView struct {
	Problems []string
	Made     []madeLink
	CSV      template.URL
	CSVName  string
}

// madeLink is a link of a good upload, with its address.
type madeLink struct {
	Link store.Link
	URL  string
}

// BulkLinks serves POST /admin/links/bulk: a CSV of email,name,type in,
// a CSV of links out. Any bad row rejects the whole file, reported by line
// number, and nothing is kept.
func (s *Desk) BulkLinks(c echo.Context) error {
	ms := s.messages.ForLang(s.language(c))
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderBulkProblems(c, []string{ms.T("hd.bulk_no_file")})
	}
	if fh.Size > maxBulkBytes {
		return s.renderBulkProblems(c, []string{ms.T("hd.bulk_too_large", "kib", maxBulkBytes>>10)})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	days, downloads := c.FormValue("days"), c.FormValue("downloads")
	if _, err := parseLinkForm(linkForm{Email: "check@example.com", Days: days, Downloads: downloads}); err != nil {
		return s.renderBulkProblems(c, []string{s.fieldMessage(c, err, site.Classify(err))})
	}
	// Staff's uploads look new domains up one after another, under
	// discovery's global bound, not the per-client budget meant for
	// visitors: a file of a hundred customers' domains is legitimate.
	r := c.Request()
	c.SetRequest(r.WithContext(discover.WithClient(r.Context(), "")))
	reqs, problems := s.readBulk(c, ms, io.LimitReader(f, maxBulkBytes), days, downloads)
	if err := r.Context().Err(); err != nil {
		return fmt.Errorf("bulk upload stopped after %d rows: the client went away: %w", len(reqs)+len(problems), err)
	}
	if len(problems) > 0 {
		return s.renderBulkProblems(c, problems)
	}
	a := currentAgent(c)
	now := s.now()
	links := make([]store.Link, len(reqs))
	tokens := make([]string, len(reqs))
	for i, r := range reqs {
		token, hash, err := store.NewToken()
		if err != nil {
			return err
		}
		tokens[i] = token
		links[i] = store.Link{TokenHash: hash, Email: r.Addr.String(), Name: r.Name, Type: string(r.Proto), CreatedBy: a.Name,
			CreatedAt: now, ExpiresAt: now.Add(r.Lifetime), MaxDownloads: r.Downloads}
	}
	created, err := db(c).CreateLinks(c.Request().Context(), links)
	if err != nil {
		return err
	}
	s.log.Info("helpdesk links created in bulk", "user", a.Name, "count", len(created))
	v := &bulkView{CSVName: "links-" + now.UTC().Format("2006-01-02-150405") + ".csv"}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"email", "name", "type", "link", "expires", "downloads"})
	for i, l := range created {
		link := site.AbsoluteURL(c, "/l/"+tokens[i], nil)
		v.Made = append(v.Made, madeLink{Link: l, URL: link})
		_ = w.Write([]string{csvCell(l.Email), csvCell(l.Name), l.Type, link,
			l.ExpiresAt.UTC().Format(time.RFC3339), strconv.Itoa(l.MaxDownloads)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	// The tokens are known only now, so the file travels in the page, as
	// a data: URL the browser saves (download attribute).
	v.CSV = template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())) //nolint:gosec // our own CSV
	data := s.adminPage(c, "hd.bulk_made", "count", len(created))
	data.Data = v
	return s.renderAdmin(c, http.StatusCreated, "admin_bulk.html", data)
}

// readBulk parses and checks every row; problems name the line.
func (s *Desk) readBulk(c echo.Context, ms site.Messages, r io.Reader, days, downloads string) ([]linkRequest, []string) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var (
		reqs     []linkRequest
		problems []string
	)
	ctx := c.Request().Context()
	for ctx.Err() == nil { // each row may look a domain up: stop when the client has gone
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
				err = pe.Err
			}
			problems = append(problems, ms.T("hd.bulk_line", "line", line, "problem", ms.T("hd.bulk_not_csv", "error", err)))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(reqs) == 0 && len(problems) == 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "email") {
			continue // the header row
		}
		if len(rec) > 3 {
			problems = append(problems, ms.T("hd.bulk_line", "line", line, "problem", ms.T("hd.bulk_columns", "n", len(rec))))
			continue
		}
		rec = append(rec, "", "")[:3]
		req, err := s.checkLinkForm(c, linkForm{Email: rec[0], Name: rec[1], Type: strings.ToLower(strings.TrimSpace(rec[2])), Days: days, Downloads: downloads})
		if err != nil {
			pe := site.Classify(err)
			if pe.Status >= 500 {
				problems = append(problems, ms.T("hd.bulk_line", "line", line, "problem", ms.T("hd.bulk_unchecked")))
			} else {
				problems = append(problems, ms.T("hd.bulk_line", "line", line, "problem", s.fieldMessage(c, err, pe)))
			}
			continue
		}
		reqs = append(reqs, req)
		if len(reqs)+len(problems) > maxBulkRows {
			problems = append(problems, ms.T("hd.bulk_line", "line", line, "problem", ms.T("hd.bulk_too_many", "max", maxBulkRows)))
			break
		}
	}
	if len(reqs) == 0 && len(problems) == 0 {
		problems = append(problems, ms.T("hd.bulk_empty"))
	}
	return reqs, problems
}

func (s *Desk) renderBulkProblems(c echo.Context, problems []string) error {
	data := s.adminPage(c, "hd.bulk_rejected")
	data.Data = &bulkView{Problems: problems}
	return s.renderAdmin(c, http.StatusUnprocessableEntity, "admin_bulk.html", data)
}
