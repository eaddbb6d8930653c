package discover

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile/provider"
)

// probeSMTP checks a submission server (RFC 6409, RFC 3207, RFC 4954).
func probeSMTP(ctx context.Context, s *session, starttls bool) (string, error) {
	if code, _, err := s.smtpReply(); err != nil {
		return "", err
	} else if code != 220 {
		return "", fmt.Errorf("SMTP greeting %d, want 220", code)
	}
	ext, err := s.ehlo()
	if err != nil {
		return "", err
	}
	if starttls {
		if _, ok := ext["STARTTLS"]; !ok {
			return "", errors.New("SMTP server does not offer STARTTLS")
		}
		if err := s.send("STARTTLS"); err != nil {
			return "", err
		}
		if code, _, err := s.smtpReply(); err != nil {
			return "", err
		} else if code != 220 {
			return "", fmt.Errorf("STARTTLS refused with %d", code)
		}
		if err := s.startTLS(ctx); err != nil {
			return "", err
		}
		if ext, err = s.ehlo(); err != nil {
			return "", err
		}
	}
	_ = s.send("QUIT")
	return smtpAuth(ext)
}

func (s *session) ehlo() (map[string][]string, error) {
	if err := s.send("EHLO " + ehloName); err != nil {
		return nil, err
	}
	code, lines, err := s.smtpReply()
	if err != nil {
		return nil, err
	}
	if code != 250 {
		return nil, fmt.Errorf("EHLO answered %d", code)
	}
	return parseEHLO(lines), nil
}

// smtpReply reads a possibly multi-line reply: "250-…" lines then one
// "250 …" line, all with one code.
func (s *session) smtpReply() (int, []string, error) {
	var lines []string
	code := 0
	for range maxLines {
		l, err := s.line()
		if err != nil {
			return 0, nil, err
		}
		c, text, more, err := parseSMTPLine(l)
		if err != nil {
			return 0, nil, err
		}
		if code != 0 && c != code {
			return 0, nil, errors.New("SMTP reply changes its code between lines")
		}
		code = c
		lines = append(lines, text)
		if !more {
			return code, lines, nil
		}
	}
	return 0, nil, errors.New("SMTP reply too long")
}

// parseSMTPLine splits "250-text" or "250 text" (RFC 5321 §4.2).
func parseSMTPLine(l string) (code int, text string, more bool, err error) {
	if len(l) < 3 || (len(l) > 3 && l[3] != ' ' && l[3] != '-') {
		return 0, "", false, fmt.Errorf("not an SMTP reply: %q", truncate(l, 60))
	}
	for i := range 3 {
		if l[i] < '0' || l[i] > '9' {
			return 0, "", false, fmt.Errorf("not an SMTP reply: %q", truncate(l, 60))
		}
		code = code*10 + int(l[i]-'0')
	}
	if code < 200 || code > 599 {
		return 0, "", false, fmt.Errorf("SMTP reply code %d out of range", code)
	}
	if len(l) > 3 {
		return code, l[4:], l[3] == '-', nil
	}
	return code, "", false, nil
}

// parseEHLO returns the extensions of an EHLO reply, keyword to
// parameters, upper case. The first line is the server's name. The old
// "AUTH=PLAIN LOGIN" form counts as AUTH.
func parseEHLO(lines []string) map[string][]string {
	ext := map[string][]string{}
	for i, l := range lines {
		if i == 0 {
			continue
		}
		f := strings.Fields(strings.ToUpper(l))
		if len(f) == 0 {
			continue
		}
		kw, params := f[0], f[1:]
		if rest, ok := strings.CutPrefix(kw, "AUTH="); ok {
			kw, params = "AUTH", append([]string{rest}, params...)
		}
		ext[kw] = append(ext[kw], params...)
	}
	return ext
}

// smtpAuth picks the method. A submission server without AUTH would take
// mail from anyone or only from its own network; neither suits a profile.
func smtpAuth(ext map[string][]string) (string, error) {
	mechs := map[string]bool{}
	for _, m := range ext["AUTH"] {
		mechs[m] = true
	}
	switch {
	case mechs["PLAIN"], mechs["LOGIN"]:
		return provider.AuthPasswordCleartext, nil
	case mechs["CRAM-MD5"]:
		return provider.AuthPasswordEncrypted, nil
	}
	return "", errors.New("SMTP server offers no password sign-in (AUTH PLAIN, LOGIN or CRAM-MD5)")
}
