package helpdesk

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// A short code lets a customer on the phone reach their link without a
// 22-character token read out: the agent reads codeDigits digits, the
// customer types them at /code, and is sent on to the link. The threat
// model is in the README (Helpdesk, "Short codes"); in short:
//   - Digits only: they read out the same in every language, type on a
//     phone's number pad, and have no look-alikes or case.
//   - 10 digits, about 33 bits, live codeLife and work once. Attempts
//     are counted in the database before a code is looked up, per client
//     source and over all of them (codeLimits), so across every instance
//     at most Global guesses a minute are tried: a given code is guessed
//     with a chance of at most 300 in 10^10 (3 in 10^8) during its life.
//   - The store keeps a keyed hash of the code (the installation's secret
//     is the key), and the link's token sealed with a key derived from the
//     secret and the code: the database alone gives neither.
//   - What a guess would win: the link's page (an address, the servers)
//     and its profile, which holds no password; the customer's download
//     count falls, and the audit trail shows the code's use and device.
const (
	codeDigits = 10
	codeLife   = 10 * time.Minute
)

// codeLimits bound the attempts at typing a code: 5 in 15 minutes from
// one client source (an address, or an IPv6 /64), 30 a minute from all of
// them together.
var codeLimits = store.CodeLimits{PerSource: 5, SourceWindow: 15 * time.Minute, Global: 30, GlobalWindow: time.Minute}

// newCode draws a code of codeDigits decimal digits, uniformly.
func newCode() (string, error) {
	const space = 10_000_000_000 // 10^codeDigits
	const limit = (1<<64 - 1) / space * space
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		if n := binary.BigEndian.Uint64(b[:]); n < limit {
			return fmt.Sprintf("%0*d", codeDigits, n%space), nil
		}
	}
}

// formatCode groups a code as it is read out: 3, 3 and 4 digits.
func formatCode(code string) string {
	if len(code) != codeDigits {
		return code
	}
	return code[:3] + " " + code[3:6] + " " + code[6:]
}

// normalizeCode reads a code as typed: spaces, dashes and dots between the
// digits are dropped; ok is false unless codeDigits ASCII digits remain.
func normalizeCode(typed string) (string, bool) {
	if len(typed) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range typed {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '\t':
		default:
			return "", false
		}
	}
	code := b.String()
	return code, len(code) == codeDigits
}

// codeMAC is the key under which the store finds a code.
func (s *Desk) codeMAC(code string) []byte { return s.key("code-mac", []byte(code)) }

// MakeCode serves POST /admin/links/:id/code: a short code for the link
// this browser made, shown on the link's page for its life.
func (s *Desk) MakeCode(c echo.Context) error {
	l, err := s.linkFromPath(c)
	if err != nil {
		return err
	}
	n, ok := s.recalledLink(c, l)
	if !ok || l.State(s.now()) != store.LinkActive {
		return &site.KeyedError{Status: http.StatusConflict, Key: "hd.err_code_link",
			Message: "A short code can be made only for an active link, in the browser that made it."}
	}
	now := s.now()
	a := currentAgent(c)
	for range 3 { // a live code with the same digits is all but impossible; draw again
		code, err := newCode()
		if err != nil {
			return err
		}
		sealed, err := seal(s.key("code-seal", []byte(code)), []byte(n.Token))
		if err != nil {
			return err
		}
		err = db(c).CreateCode(c.Request().Context(), store.Code{MAC: s.codeMAC(code), LinkID: l.ID, Sealed: sealed,
			CreatedBy: a.Name, CreatedAt: now, ExpiresAt: now.Add(codeLife)})
		if errors.Is(err, store.ErrExists) {
			continue
		}
		if err != nil {
			return err
		}
		n.Code, n.CodeExpiry = code, now.Add(codeLife)
		if err := s.rememberNewLink(c, n); err != nil {
			return err
		}
		s.log.Info("helpdesk short code made", "user", a.Name, "link_id", l.ID)
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/links/%d#phone-code", l.ID))
	}
	return errors.New("helpdesk: no free short code in three draws")
}

// Errors of Redeem; their messages are for the customer (web maps them).
var (
	// ErrBadCode: no such code, or used, or expired; one answer for all.
	ErrBadCode = errors.New("helpdesk: no such short code")
)

// Redeem spends the short code typed by a customer at client address ip
// and returns the link's token;
// e is the audit event of the visit (device, User-Agent). The attempt is
// counted before the code is looked up; past the limits the error is a
// *store.ThrottledError.
func (s *Desk) Redeem(ctx context.Context, st Store, typed, ip string, e store.Event) (string, error) {
	code, ok := normalizeCode(typed)
	if !ok {
		return "", ErrBadCode
	}
	now := s.now()
	if err := st.ReserveCodeAttempt(ctx, signInSource(ip), now, codeLimits); err != nil {
		return "", err
	}
	c, err := st.RedeemCode(ctx, s.codeMAC(code), now, e)
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrBadCode
	}
	if err != nil {
		return "", err
	}
	token, err := unseal(s.key("code-seal", []byte(code)), c.Sealed)
	if err != nil {
		return "", fmt.Errorf("helpdesk: short code's token: %w", err)
	}
	return string(token), nil
}
