package mailer

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Message is an email of a plain-text and an HTML part, which say the
// same, and images the HTML shows inline (cid: URLs). Nothing else goes
// in: no tracking, no hidden text, no remote content.
type Message struct {
	From    mail.Address
	ReplyTo *mail.Address // nil: none
	To      mail.Address
	Subject string
	// Lang is the language of the text (Content-Language).
	Lang   string
	Date   time.Time
	Text   string
	HTML   string
	Inline []Inline
}

// Inline is an image the HTML part shows as cid:ContentID.
type Inline struct {
	ContentID   string // without the angle brackets
	ContentType string // e.g. image/png
	Name        string
	Data        []byte
}

// Bytes is the message as sent: CRLF line ends, quoted-printable UTF-8
// text, base64 images, and a Message-ID under the sender's domain. It
// carries Auto-Submitted: auto-generated (RFC 3834), so that
// auto-responders stay quiet.
func (m Message) Bytes() ([]byte, error) {
	if m.From.Address == "" || m.To.Address == "" || m.Date.IsZero() {
		return nil, errors.New("mailer: a message needs From, To and Date")
	}
	for _, s := range []string{m.From.Address, m.To.Address, m.Lang} {
		if strings.ContainsAny(s, "\r\n") {
			return nil, errors.New("mailer: line break in a header")
		}
	}
	id, err := messageID(m.From.Address)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	h := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	h("From", m.From.String())
	if m.ReplyTo != nil {
		h("Reply-To", m.ReplyTo.String())
	}
	h("To", m.To.String())
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", m.Date.Format(time.RFC1123Z))
	h("Message-ID", id)
	h("MIME-Version", "1.0")
	h("Auto-Submitted", "auto-generated")
	if m.Lang != "" {
		h("Content-Language", m.Lang)
	}
	related := multipart.NewWriter(&b)
	h("Content-Type", mime.FormatMediaType("multipart/related", map[string]string{"boundary": related.Boundary(), "type": "multipart/alternative"}))
	b.WriteString("\r\n")

	var alt bytes.Buffer
	altw := multipart.NewWriter(&alt)
	for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := altw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(crlf(p.body))); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := altw.Close(); err != nil {
		return nil, err
	}
	w, err := related.CreatePart(textproto.MIMEHeader{"Content-Type": {mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": altw.Boundary()})}})
	if err != nil {
		return nil, err
	}
	w.Write(alt.Bytes())
	for _, in := range m.Inline {
		w, err := related.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(in.ContentType, map[string]string{"name": in.Name})},
			"Content-Transfer-Encoding": {"base64"},
			"Content-ID":                {"<" + in.ContentID + ">"},
			"Content-Disposition":       {mime.FormatMediaType("inline", map[string]string{"filename": in.Name})},
		})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(in.Data)
		for len(enc) > 76 {
			w.Write([]byte(enc[:76] + "\r\n"))
			enc = enc[76:]
		}
		w.Write([]byte(enc + "\r\n"))
	}
	if err := related.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// crlf makes every line end CRLF, as SMTP wants.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// messageID is a new Message-ID under the domain of from.
func messageID(from string) (string, error) {
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">", nil
}
