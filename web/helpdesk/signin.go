package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// The sign-in form's answers. The same for a name no account has, a wrong
// password and a throttled name, so they do not tell which names exist.
// They are catalog keys.
const (
	msgWrong     = "hd.signin_wrong"
	msgBadName   = "hd.signin_bad_name"
	msgLongPass  = "hd.signin_long_password"
	msgBusy      = "hd.signin_busy"
	msgThrottled = "hd.signin_throttled"
)

// busyRetryAfter is the Retry-After of a sign-in refused because the
// hashing queue is full: it drains in well under a second.
const busyRetryAfter = time.Second

// Login serves POST /admin/login. In order: the form's CSRF token; the
// name and password, checked before anything touches the database; the
// source's attempts in this instance (sourceLimiter); a place in the
// hashing queue (hashGate); the attempt counted in the database
// (store.ReserveSignIn) before the password is checked; then the check,
// in a hashing slot, against the account's hash or, for a name no account
// has, a dummy one of the same cost. Only the form's POST body is read,
// never the query string.
func (s *Desk) Login(c echo.Context) error {
	ck, err := c.Cookie(s.cookieName(c, loginCSRFCookie))
	if err != nil || !tokensEqual(postField(c, csrfField), ck.Value) {
		return &site.KeyedError{Status: http.StatusForbidden, Key: "hd.err_login_form", Message: "The sign-in form has expired. Reload the page and try again."}
	}
	name := strings.TrimSpace(postField(c, "name"))
	password := postField(c, "password")
	if store.ValidateUserName(name) != nil {
		s.metrics.SignInFailed("bad_name")
		return s.renderLogin(c, http.StatusBadRequest, name, msgBadName)
	}
	if utf8.RuneCountInString(password) > store.MaxPasswordLen {
		s.metrics.SignInFailed("bad_password")
		return s.renderLogin(c, http.StatusBadRequest, name, msgLongPass)
	}

	ip := c.RealIP()
	src := signInSource(ip)
	if ok, wait := s.signIns.take(src); !ok {
		s.metrics.RateLimited("sign_in")
		s.metrics.SignInFailed("throttled")
		return s.throttled(c, name, wait)
	}
	if !s.hashes.admit() {
		s.signIns.give(src)
		s.metrics.RateLimited("sign_in_busy")
		s.metrics.SignInFailed("busy")
		setRetryAfter(c, busyRetryAfter)
		return s.renderLogin(c, http.StatusServiceUnavailable, name, msgBusy)
	}
	defer s.hashes.leave()

	ctx := c.Request().Context()
	now := s.now()
	var te *store.ThrottledError
	switch err := db(c).ReserveSignIn(ctx, name, src, now, s.helpdesk.SignInLimits); {
	case errors.As(err, &te):
		s.metrics.RateLimited("sign_in")
		s.metrics.SignInFailed("throttled")
		s.log.Info("helpdesk sign-in throttled", "user", name, "remote_ip", ip, "until", te.Until.UTC().Format(time.RFC3339))
		return s.throttled(c, name, te.Until.Sub(now))
	case err != nil:
		s.signIns.give(src)
		return err
	}
	u, err := db(c).User(ctx, name)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.release(c, name, src)
		return err
	}
	hash := u.PasswordHash
	if !known {
		hash = ""
	}
	res, err := s.checkPassword(ctx, hash, password)
	if err != nil {
		s.release(c, name, src)
		if errors.Is(err, errCheckFailed) {
			return err
		}
		// The client left while waiting: no one reads the answer.
		s.metrics.SignInFailed("busy")
		setRetryAfter(c, busyRetryAfter)
		return s.renderLogin(c, http.StatusServiceUnavailable, name, msgBusy)
	}
	if !known || !res.ok {
		reason := "wrong_password"
		if !known {
			reason = "unknown_user"
		}
		s.metrics.SignInFailed(reason)
		s.log.Info("helpdesk sign-in failed", "reason", strings.ReplaceAll(reason, "_", " "), "user", name, "remote_ip", ip)
		return s.renderLogin(c, http.StatusUnauthorized, name, msgWrong)
	}
	return s.signedIn(c, u, src, res.rehash)
}

// checkResult is the outcome of a password check.
type checkResult struct {
	ok     bool
	rehash string // a hash of the password with today's parameters, when the old one needs it
}

// errCheckFailed wraps an error of the check itself (a malformed stored
// hash), as opposed to the wait for a slot.
var errCheckFailed = errors.New("web: password check failed")

// checkPassword checks password against hash ("" for a name no account
// has: the dummy hash) in a hashing slot, counting the check. When the
// password is right and hash was made with older parameters, it also
// hashes the password anew in the same slot.
func (s *Desk) checkPassword(ctx context.Context, hash, password string) (checkResult, error) {
	var (
		res      checkResult
		checkErr error
	)
	memory := max(store.CheckMemory(hash), store.HashMemory())
	err := s.hashes.run(ctx, memory, func() {
		// The dummy hash is made by the first sign-in of any name, so that
		// making it does not single out the first name without an account.
		h, err := dummyHash()
		if err != nil {
			checkErr = err
			return
		}
		if hash != "" {
			h = hash
		}
		s.metrics.PasswordChecked()
		res.ok, checkErr = store.CheckPassword(h, password)
		if checkErr != nil || !res.ok || hash == "" || !store.NeedsRehash(hash) {
			return
		}
		if nh, err := store.HashPassword(password); err == nil {
			res.rehash = nh
		}
	})
	if err != nil {
		return res, err
	}
	if checkErr != nil {
		return res, fmt.Errorf("%w: %w", errCheckFailed, checkErr)
	}
	res.ok = res.ok && hash != ""
	return res, nil
}

// signedIn finishes a sign-in whose password was right: the attempt is
// recorded as a success (the source's attempts start again, and it is
// trusted), the hash upgraded when it was old, and a session made.
func (s *Desk) signedIn(c echo.Context, u store.User, src, rehash string) error {
	ctx := c.Request().Context()
	now := s.now()
	if err := db(c).SignInSucceeded(ctx, u.Name, src, now); err != nil {
		return err
	}
	s.signIns.give(src)
	if rehash != "" {
		if ok, err := db(c).UpgradePasswordHash(ctx, u.Name, u.PasswordHash, rehash); err != nil {
			s.log.Warn("helpdesk password hash not upgraded", "user", u.Name, "error", err)
		} else if ok {
			s.log.Info("helpdesk password hash upgraded to today's parameters", "user", u.Name)
		}
	}
	token, hash, err := store.NewToken()
	if err != nil {
		return err
	}
	csrf, _, err := store.NewToken()
	if err != nil {
		return err
	}
	se := store.Session{IDHash: hash, UserName: u.Name, CSRFToken: csrf, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.helpdesk.SessionMax)}
	if err := db(c).CreateSession(ctx, se); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, token, s.helpdesk.SessionMax)
	s.clearCookie(c, loginCSRFCookie)
	s.log.Info("helpdesk sign-in", "user", u.Name, "remote_ip", c.RealIP())
	return c.Redirect(http.StatusSeeOther, safeNext(postField(c, "next")))
}

// release gives back an attempt whose password was not checked, even when
// the client has gone.
func (s *Desk) release(c echo.Context, name, src string) {
	s.signIns.give(src)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 5*time.Second)
	defer cancel()
	if err := db(c).ReleaseSignIn(ctx, name, src); err != nil {
		s.log.Warn("sign-in attempt not given back", "error", err)
	}
}

// throttled answers a throttled sign-in: 429, retry after wait.
func (s *Desk) throttled(c echo.Context, name string, wait time.Duration) error {
	setRetryAfter(c, wait)
	ms := s.messages.ForLang(s.language(c))
	return s.renderLogin(c, http.StatusTooManyRequests, name, msgThrottled, "wait", waitText(ms, wait))
}

// setRetryAfter sets Retry-After to d in whole seconds, rounded up, at
// least one (RFC 9110 §10.2.3: delay-seconds).
func setRetryAfter(c echo.Context, d time.Duration) {
	c.Response().Header().Set("Retry-After", strconv.FormatInt(retrySeconds(d), 10))
}

func retrySeconds(d time.Duration) int64 { return max(int64(math.Ceil(d.Seconds())), 1) }

// waitText says d in words in the language of ms, rounded up: "a
// minute", "12 minutes", "24 hours".
func waitText(ms site.Messages, d time.Duration) string {
	m := (retrySeconds(d) + 59) / 60
	switch {
	case m <= 1:
		return ms.T("hd.wait_minute")
	case m <= 90:
		return ms.T("hd.wait_minutes", "n", m)
	}
	return ms.T("hd.wait_hours", "n", (m+59)/60)
}

// dummyHash is a hash, with today's parameters, of a random password, to
// check against when no account has the name: the check then costs the
// same as a real one.
var dummyHash = sync.OnceValues(func() (string, error) {
	pw, _, err := store.NewToken()
	if err != nil {
		return "", err
	}
	return store.HashPassword(pw)
})
