package helpdesk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"rsc.io/qr"

	"github.com/mailprofile/mailprofile/mailer"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// MailConfig is how the helpdesk sends links by email.
type MailConfig struct {
	Mailer  Mailer
	From    mail.Address
	ReplyTo *mail.Address // nil: none
	// Timeout bounds one send (the Mailer's own bound may be shorter).
	Timeout time.Duration
}

// emailLimits: an agent sends at most 30 links an hour, and an address
// gets at most 3 a day, failed sends included, so that the helpdesk
// cannot be turned into a source of mail to strangers.
var emailLimits = store.EmailLimits{PerAgent: 30, AgentWindow: time.Hour, PerRecipient: 3, RecipientWindow: 24 * time.Hour}

// EmailLink serves POST /admin/links/:id/email: the link, made in this
// browser, sent through the operator's relay to the customer's address
// or another one the agent typed, in the customer's language. The send
// is in the audit trail with the relay's answer; a refusal or a time-out
// leaves the link as it was.
func (s *Desk) EmailLink(c echo.Context) error {
	l, err := s.linkFromPath(c)
	if err != nil {
		return err
	}
	n, ok := s.recalledLink(c, l)
	if s.mailer == nil || !ok || l.State(s.now()) != store.LinkActive {
		return &site.KeyedError{Status: http.StatusConflict, Key: "hd.err_email_link",
			Message: "A link can be sent by email only when the server has a relay, while it is active, from the browser that made it."}
	}
	back := func(done string, extra url.Values) error {
		q := url.Values{"done": {done}}
		for k, v := range extra {
			q[k] = v
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/links/%d?%s", l.ID, q.Encode()))
	}
	to, err := profile.ParseAddress(strings.TrimSpace(postField(c, "to")))
	if err != nil {
		return back("email_bad_address", nil)
	}
	lang := customerLang(postField(c, "customer_lang"), n.Lang)
	a := currentAgent(c)
	ctx := c.Request().Context()
	id, err := db(c).BeginEmail(ctx, l.ID, a.Name, to.String(), s.now(), emailLimits)
	var te *store.ThrottledError
	if errors.As(err, &te) {
		return back("email_limit", nil)
	}
	if err != nil {
		return err
	}
	msg, err := s.composeEmail(c, l, n, lang, to)
	if err == nil {
		var reply string
		reply, err = s.send(ctx, to.String(), msg)
		if err == nil {
			s.finishEmail(ctx, c, id, true, reply)
			s.log.Info("helpdesk link sent by email", "user", a.Name, "link_id", l.ID, "reply", reply)
			return back("emailed", url.Values{"to": {to.String()}})
		}
	}
	detail := "not sent: " + err.Error()
	var me *mailer.Error
	if errors.As(err, &me) {
		detail = me.Message
	}
	s.finishEmail(ctx, c, id, false, detail)
	s.log.Warn("helpdesk email not sent", "user", a.Name, "link_id", l.ID, "error", err)
	return back("email_failed", url.Values{"why": {detail}})
}

// send hands msg to the relay within the configured time.
func (s *Desk) send(ctx context.Context, to string, msg []byte) (string, error) {
	if t := s.helpdesk.Mail.Timeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	return s.mailer.Send(ctx, s.helpdesk.Mail.From.Address, []string{to}, msg)
}

// finishEmail records the relay's answer, even when the agent has gone.
func (s *Desk) finishEmail(ctx context.Context, c echo.Context, id int64, sent bool, detail string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := db(c).FinishEmail(ctx, id, sent, detail); err != nil {
		s.log.Error("helpdesk email not recorded", "event_id", id, "error", err)
	}
}

// qrContentID names the QR code the HTML part shows.
const qrContentID = "qr@mailprofile"

// composeEmail is the message to the customer: the same text as the page
// shows, as plain text and as HTML, with the link's QR code inline.
func (s *Desk) composeEmail(c echo.Context, l store.Link, n newLink, lang string, to profile.Address) ([]byte, error) {
	link := site.AbsoluteURL(c, "/l/"+n.Token, nil)
	subject, body := s.message(lang, l, link, s.zone(c))
	code, err := qr.Encode(link, qr.M)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	code.Scale = 6
	ms := s.messages.ForLang(lang)
	var html bytes.Buffer
	if err := emailHTML.Execute(&html, map[string]any{"Lang": lang, "Paragraphs": strings.Split(body, "\n\n"), "Link": link,
		"QRAlt": ms.T("hd.qr_alt"), "QRText": ms.T("hd.msg_qr"), "CID": template.URL("cid:" + qrContentID)}); err != nil { //nolint:gosec // a constant
		return nil, err
	}
	m := mailer.Message{From: s.helpdesk.Mail.From, ReplyTo: s.helpdesk.Mail.ReplyTo, To: mail.Address{Address: to.String()},
		Subject: subject, Lang: lang, Date: s.now(), Text: body, HTML: html.String(),
		Inline: []mailer.Inline{{ContentID: qrContentID, ContentType: "image/png", Name: "qr.png", Data: code.PNG()}}}
	return m.Bytes()
}

// emailHTML says what the text says: its paragraphs, the link a link,
// and the QR code.
var emailHTML = template.Must(template.New("email").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"></head>
<body>
{{range .Paragraphs}}{{if eq . $.Link}}<p><a href="{{.}}">{{.}}</a></p>{{else}}<p>{{.}}</p>{{end}}
{{end}}<p>{{.QRText}}</p>
<p><img src="{{.CID}}" alt="{{.QRAlt}}" width="228" height="228"></p>
</body></html>
`))
