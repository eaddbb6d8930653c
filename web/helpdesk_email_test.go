package web

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/mailer"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/helpdesk"
)

// withRelay sends the helpdesk's email through the relay at addr.
func withRelay(addr, password string, r *smtpRelay, timeout time.Duration) func(*Config) {
	return func(c *Config) {
		relay, err := mailer.ParseURL("smtp://mailprofile@"+addr, password)
		if err != nil {
			panic(err)
		}
		cl := &mailer.Client{Relay: relay, Timeout: timeout, LocalName: "mailprofile.test"}
		if r != nil {
			cl.TLS = &tls.Config{RootCAs: r.roots, MinVersion: tls.VersionTLS12}
		}
		c.Helpdesk.Mail = helpdesk.MailConfig{Mailer: cl, From: mail.Address{Name: "Example ISP Helpdesk", Address: "helpdesk@example.com"},
			ReplyTo: &mail.Address{Address: "support@example.com"}}
	}
}

// emailServer is a server with a helpdesk, an agent signed in, and a link
// made for someone@btinternet.com with German as the customer's language.
func emailServer(t *testing.T, mods ...func(*Config)) (testServer, *client, *store.Store, string, string) {
	t.Helper()
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, both(append([]func(*Config){withHelpdesk(st)}, mods...)...))
	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)
	token := b.createLink(url.Values{"email": {"someone@btinternet.com"}, "type": {"imap"}, "customer_lang": {"de"}})
	l, err := st.LinkByTokenHash(context.Background(), store.HashToken(token))
	if err != nil {
		t.Fatal(err)
	}
	return s, b, st, token, fmt.Sprintf("/admin/links/%d", l.ID)
}

// sendEmail posts the link page's email form.
func (b *client) sendEmail(page, to string) *http.Response {
	b.t.Helper()
	rec := b.post(page+"/email", url.Values{"csrf": {b.sessionCSRF()}, "to": {to}, "customer_lang": {"de"}})
	return rec.Result()
}

// TestEmailLink sends a link through a real SMTP server with STARTTLS and
// AUTH, reads the message back with a MIME parser, and checks its
// headers, both parts, the link, the QR code and the language.
func TestEmailLink(t *testing.T) {
	relay := newSMTPRelay(t, false)
	s, b, st, token, page := emailServer(t, withRelay(relay.addr, relay.pass, relay, 10*time.Second))
	link := "http://example.com/l/" + token

	res := b.sendEmail(page, "someone@btinternet.com")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "done=emailed") {
		t.Fatalf("send: %d to %q", res.StatusCode, loc)
	}
	got := relay.messages()
	if len(got) != 1 {
		t.Fatalf("the relay got %d messages, want 1", len(got))
	}
	if relay.from[0] != "helpdesk@example.com" || relay.rcpt[0] != "someone@btinternet.com" {
		t.Errorf("envelope from %q to %q", relay.from[0], relay.rcpt[0])
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0]))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(h.Get("Subject"))
	date, _ := h.Date()
	for _, tt := range []struct{ name, got, want string }{
		{"From", h.Get("From"), `"Example ISP Helpdesk" <helpdesk@example.com>`},
		{"Reply-To", h.Get("Reply-To"), "<support@example.com>"},
		{"To", h.Get("To"), "<someone@btinternet.com>"},
		{"Subject", subject, "Ihre E-Mail auf iPhone, iPad oder Mac einrichten"},
		{"Auto-Submitted", h.Get("Auto-Submitted"), "auto-generated"},
		{"Content-Language", h.Get("Content-Language"), "de"},
		{"Date", date.UTC().Format(time.RFC3339), timetest.Fixed().UTC().Format(time.RFC3339)},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID = %q", id)
	}
	for _, hidden := range []string{"Bcc", "X-Mailer", "List-Unsubscribe"} {
		if h.Get(hidden) != "" {
			t.Errorf("message carries %s", hidden)
		}
	}
	parts := readParts(t, msg.Header.Get("Content-Type"), msg.Body)
	text, html, img, cid := parts["text/plain"], parts["text/html"], parts["image/png"], parts["content-id"]
	mustContain(t, "text part", text, "Guten Tag", "someone@btinternet.com", link, "2026-")
	mustContain(t, "HTML part", html, `lang="de"`, `<a href="`+link+`">`, `src="cid:qr@mailprofile"`, "Guten Tag")
	if cid != "<qr@mailprofile>" {
		t.Errorf("image Content-ID = %q, want <qr@mailprofile>", cid)
	}
	if got := decodeQR(t, []byte(img)); got != link {
		t.Errorf("the QR code in the email = %q, want %q", got, link)
	}
	es, err := st.Events(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	last := es[len(es)-1]
	if last.Kind != store.EventEmailed || last.Actor != testAgent || last.Recipient != "someone@btinternet.com" || !strings.HasPrefix(last.Detail, "250") {
		t.Errorf("audit event = %+v, want emailed by %s to the customer with the relay's 250", last, testAgent)
	}
	if strings.Contains(s.logs.String(), relay.pass) {
		t.Error("the relay's password is in the log")
	}
}

// readParts walks a multipart/related message: its alternative's text
// and HTML (quoted-printable decoded), and the inline image.
func readParts(t *testing.T, contentType string, body io.Reader) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(ct string, r io.Reader)
	walk = func(ct string, r io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("Content-Type %q: %v", ct, err)
		}
		if !strings.HasPrefix(mt, "multipart/") {
			b, _ := io.ReadAll(r)
			out[mt] = string(b)
			return
		}
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pt := p.Header.Get("Content-Type")
			if strings.HasPrefix(pt, "image/") {
				b, err := io.ReadAll(p)
				if err != nil {
					t.Fatal(err)
				}
				raw, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(b)))
				if err != nil {
					t.Fatal(err)
				}
				out["image/png"], out["content-id"] = string(raw), p.Header.Get("Content-ID")
				continue
			}
			walk(pt, p)
		}
	}
	walk(contentType, body)
	for _, want := range []string{"text/plain", "text/html", "image/png"} {
		if out[want] == "" {
			t.Errorf("no %s part", want)
		}
	}
	return out
}

// TestEmailLinkFailures: a relay that refuses, one that hangs and a wrong
// password each give the agent a clear message, an audit event with the
// reason, and a link that still works.
func TestEmailLinkFailures(t *testing.T) {
	refusing := newSMTPRelay(t, false)
	refusing.refuse = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied"}
	good := newSMTPRelay(t, false)
	for _, tt := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{name: "refused", mod: withRelay(refusing.addr, refusing.pass, refusing, 10*time.Second), want: "550 5.7.1 Relaying denied"},
		// The relay never answers; the send gives up after its timeout.
		{name: "hangs", mod: withRelay(hangingRelay(t), "x", nil, 300*time.Millisecond), want: "did not answer in time"},
		{name: "wrong password", mod: withRelay(good.addr, "not the password", good, 10*time.Second), want: "535 5.7.8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, b, st, token, page := emailServer(t, tt.mod)
			res := b.sendEmail(page, "someone@btinternet.com")
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "done=email_failed") {
				t.Fatalf("send: %d to %q, want a redirect saying it failed", res.StatusCode, loc)
			}
			shown := b.get(loc).Body.String()
			mustContain(t, "link page", shown, "The email was not sent", tt.want, "The link still works")
			es, _ := st.Events(context.Background(), 1)
			if last := es[len(es)-1]; last.Kind != store.EventEmailFail || !strings.Contains(last.Detail, tt.want) {
				t.Errorf("audit event = %+v, want email_failed saying %q", last, tt.want)
			}
			if rec := newClient(t, s).get("/l/" + token); rec.Code != http.StatusOK {
				t.Errorf("the link after a failed send: %d, want 200", rec.Code)
			}
			if strings.Contains(s.logs.String(), "not the password") || strings.Contains(s.logs.String(), good.pass) {
				t.Error("a relay password is in the log")
			}
		})
	}
	if n := len(good.messages()); n != 0 {
		t.Errorf("the relay took %d messages with a wrong password", n)
	}
}

// TestEmailLinkLimits: an address gets at most three links a day.
func TestEmailLinkLimits(t *testing.T) {
	relay := newSMTPRelay(t, false)
	_, b, _, _, page := emailServer(t, withRelay(relay.addr, relay.pass, relay, 10*time.Second))
	for i := range 4 {
		loc := b.sendEmail(page, "other@example.org").Header.Get("Location")
		want := "done=emailed"
		if i == 3 {
			want = "done=email_limit"
		}
		if !strings.Contains(loc, want) {
			t.Errorf("send %d: %q, want %s", i+1, loc, want)
		}
	}
	if n := len(relay.messages()); n != 3 {
		t.Errorf("the relay took %d messages, want 3", n)
	}
}
