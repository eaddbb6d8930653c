package discover

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile/provider"
)

// probePOP checks a POP3 server (RFC 1939, RFC 2449, RFC 2595).
func probePOP(ctx context.Context, s *session, starttls bool) (string, error) {
	greeting, err := s.line()
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(greeting, "+OK") {
		return "", fmt.Errorf("not a POP3 greeting: %q", truncate(greeting, 60))
	}
	caps, err := s.popCapa()
	if err != nil {
		return "", err
	}
	if starttls {
		if !caps["STLS"] {
			return "", errors.New("POP3 server does not offer STLS")
		}
		if err := s.send("STLS"); err != nil {
			return "", err
		}
		l, err := s.line()
		if err != nil {
			return "", err
		}
		if !strings.HasPrefix(l, "+OK") {
			return "", fmt.Errorf("STLS refused: %q", truncate(l, 60))
		}
		if err := s.startTLS(ctx); err != nil {
			return "", err
		}
		if caps, err = s.popCapa(); err != nil {
			return "", err
		}
	}
	_ = s.send("QUIT")
	return popAuth(caps)
}

// popCapa sends CAPA and returns the capabilities, upper case; SASL
// mechanisms appear as "SASL PLAIN" and so on. A server without CAPA
// gives an empty set.
func (s *session) popCapa() (map[string]bool, error) {
	if err := s.send("CAPA"); err != nil {
		return nil, err
	}
	l, err := s.line()
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(l, "+OK") {
		return map[string]bool{}, nil
	}
	var lines []string
	for range maxLines {
		l, err := s.line()
		if err != nil {
			return nil, err
		}
		if l == "." {
			return parsePOPCapa(lines), nil
		}
		lines = append(lines, l)
	}
	return nil, errors.New("CAPA reply too long")
}

func parsePOPCapa(lines []string) map[string]bool {
	caps := map[string]bool{}
	for _, l := range lines {
		f := strings.Fields(strings.ToUpper(l))
		if len(f) == 0 {
			continue
		}
		caps[f[0]] = true
		if f[0] == "SASL" {
			for _, m := range f[1:] {
				caps["SASL "+m] = true
			}
		}
	}
	return caps
}

// popAuth picks the method: USER/PASS is POP3's own and assumed when the
// server lists no capabilities.
func popAuth(caps map[string]bool) (string, error) {
	switch {
	case len(caps) == 0, caps["USER"], caps["SASL PLAIN"], caps["SASL LOGIN"]:
		return provider.AuthPasswordCleartext, nil
	case caps["SASL CRAM-MD5"]:
		return provider.AuthPasswordEncrypted, nil
	}
	return "", errors.New("POP3 server offers no password sign-in")
}
