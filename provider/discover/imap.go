package discover

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile/provider"
)

// probeIMAP checks an IMAP server (RFC 9051, RFC 3501) and returns the
// authentication method it offers.
func probeIMAP(ctx context.Context, s *session, starttls bool) (string, error) {
	greeting, err := s.line()
	if err != nil {
		return "", err
	}
	if !hasPrefixFold(greeting, "* OK") && !hasPrefixFold(greeting, "* PREAUTH") {
		return "", fmt.Errorf("not an IMAP greeting: %q", truncate(greeting, 60))
	}
	caps, err := s.imapCapability("a1")
	if err != nil {
		return "", err
	}
	if starttls {
		if !caps["STARTTLS"] {
			return "", errors.New("IMAP server does not offer STARTTLS")
		}
		if err := s.send("a2 STARTTLS"); err != nil {
			return "", err
		}
		if st, err := s.imapTagged("a2"); err != nil {
			return "", err
		} else if st != "OK" {
			return "", fmt.Errorf("STARTTLS refused: %s", st)
		}
		if err := s.startTLS(ctx); err != nil {
			return "", err
		}
		if caps, err = s.imapCapability("a3"); err != nil {
			return "", err
		}
	}
	if !caps["IMAP4REV1"] && !caps["IMAP4REV2"] {
		return "", errors.New("server does not announce IMAP4rev1 or IMAP4rev2")
	}
	_ = s.send("a9 LOGOUT")
	return imapAuth(caps)
}

// imapCapability sends CAPABILITY and returns the capabilities, upper
// case.
func (s *session) imapCapability(tag string) (map[string]bool, error) {
	if err := s.send(tag + " CAPABILITY"); err != nil {
		return nil, err
	}
	var lines []string
	for range maxLines {
		l, err := s.line()
		if err != nil {
			return nil, err
		}
		if st, ok := imapStatus(l, tag); ok {
			if st != "OK" {
				return nil, fmt.Errorf("CAPABILITY failed: %s", st)
			}
			return parseIMAPCaps(lines), nil
		}
		lines = append(lines, l)
	}
	return nil, errors.New("CAPABILITY reply too long")
}

// imapTagged reads up to the tagged reply and returns its status.
func (s *session) imapTagged(tag string) (string, error) {
	for range maxLines {
		l, err := s.line()
		if err != nil {
			return "", err
		}
		if st, ok := imapStatus(l, tag); ok {
			return st, nil
		}
	}
	return "", errors.New("reply too long")
}

// imapStatus returns the status word of line if it is the tagged reply
// for tag.
func imapStatus(line, tag string) (string, bool) {
	rest, ok := strings.CutPrefix(line, tag+" ")
	if !ok {
		return "", false
	}
	st, _, _ := strings.Cut(rest, " ")
	return strings.ToUpper(st), true
}

// parseIMAPCaps reads untagged CAPABILITY lines.
func parseIMAPCaps(lines []string) map[string]bool {
	caps := map[string]bool{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != "*" || !strings.EqualFold(f[1], "CAPABILITY") {
			continue
		}
		for _, c := range f[2:] {
			caps[strings.ToUpper(c)] = true
		}
	}
	return caps
}

// imapAuth picks the method a profile should use. LOGIN works unless
// LOGINDISABLED; otherwise a SASL mechanism must do.
func imapAuth(caps map[string]bool) (string, error) {
	switch {
	case !caps["LOGINDISABLED"], caps["AUTH=PLAIN"], caps["AUTH=LOGIN"]:
		return provider.AuthPasswordCleartext, nil
	case caps["AUTH=CRAM-MD5"]:
		return provider.AuthPasswordEncrypted, nil
	}
	return "", errors.New("IMAP server offers no password sign-in")
}
