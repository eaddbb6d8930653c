package web

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
)

// requestID is the ID the RequestID middleware gave this request.
func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// logPath is the path as it may be logged: link tokens and Autodiscover
// v2's address are cut out. The query string is never logged, since it
// holds addresses.
func logPath(p string) string {
	if v2, ok := v2LogPath(p); ok {
		return v2
	}
	if strings.HasPrefix(p, "/l/") {
		rest := strings.TrimPrefix(p, "/l/")
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return "/l/{token}" + rest[i:]
		}
		return "/l/{token}"
	}
	if len(p) > 200 {
		return p[:200] + "…"
	}
	return p
}

// logRequests writes one access log line per request: method, path,
// status, size, duration, request ID and client address.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // write the response now, so its status is logged
		}
		res := c.Response()
		s.logAccess(c.Request(), res.Status, res.Size, start, requestID(c), "")
		return nil
	}
}

// assignRequestID gives each request its ID (see requestIDOf) in the
// X-Request-Id response header, where requestID reads it.
func (s *Server) assignRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header()[headerRequestID] = []string{s.requestIDOf(c.Request())}
		return next(c)
	}
}

// requestIDOf is a request's ID: the one a trusted proxy gave it, so that
// its log and ours name the request alike, or a new one. An ID from any
// other peer, or one that is not a short token, is not taken: it lands in
// every log line of the request.
func (s *Server) requestIDOf(r *http.Request) string {
	if id := r.Header.Get(headerRequestID); id != "" && validRequestID(id) && s.trust.FromTrustedProxy(r) {
		return id
	}
	return newRequestID()
}

// validRequestID accepts 1 to 64 letters, digits and . _ : - (UUIDs,
// nginx's $request_id, AWS trace IDs).
func validRequestID(id string) bool {
	if len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return id != ""
}

// newRequestID returns a request ID: 128 random bits in hex. It names a
// request in the logs, so it need not be secret, only unique.
func newRequestID() string {
	var b [32]byte
	hex.Encode(b[:16], binary.BigEndian.AppendUint64(nil, mrand.Uint64()))
	hex.Encode(b[16:], binary.BigEndian.AppendUint64(nil, mrand.Uint64()))
	return string(b[:])
}

// recoverPanics turns a panic in a handler into a 500 with the stack in
// the log, so one bad request cannot take the server down.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = s.recovered(v, requestID(c))
			}
		}()
		return next(c)
	}
}

// recovered is the error a handler that panicked with v answers: a 500.
// It logs the panic with the stack (call it in the deferred function, on
// the panicking goroutine's stack) under the request ID id.
// http.ErrAbortHandler, net/http's way to abort a response, panics on.
func (s *Server) recovered(v any, id string) error {
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.log.Error("panic in handler", "panic", fmt.Sprint(v), "stack", string(debug.Stack()), "request_id", id)
	return echo.NewHTTPError(http.StatusInternalServerError).WithInternal(fmt.Errorf("panic: %v", v))
}

// contentSecurityPolicy allows only the server's own styles, images and
// scripts, no inline code, and no framing.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries; HSTS when the
// visitor came over HTTPS, directly or through a trusted proxy.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setSecurityHeaders(c.Response().Header(), s.trust.SecureRequest(c))
		return next(c)
	}
}

// The security headers' values, made once and shared by every response:
// net/http only reads them, and Set or Add replace or copy a value.
var (
	securityHeaderValues = [...]struct {
		name  string
		value []string
	}{
		{"Content-Security-Policy", []string{contentSecurityPolicy}},
		{"X-Content-Type-Options", nosniff},
		{"X-Frame-Options", []string{"DENY"}},
		// The query holds addresses: never send it on to another site.
		{"Referrer-Policy", noReferrer},
		{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), interest-cohort=()"}},
		{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	}
	hsts       = []string{"max-age=63072000; includeSubDomains"}
	nosniff    = []string{"nosniff"}
	noReferrer = []string{"no-referrer"}
)

// setSecurityHeaders puts the security headers in h; HSTS only when the
// request was secure.
func setSecurityHeaders(h http.Header, tls bool) {
	for _, kv := range securityHeaderValues {
		h[kv.name] = kv.value
	}
	if tls {
		h["Strict-Transport-Security"] = hsts
	}
}

// A profile download is not a document: nothing in it loads, runs or is
// framed, so its policy allows nothing at all, and the headers that only
// shape documents (X-Frame-Options, which frame-ancestors supersedes,
// Permissions-Policy, Cross-Origin-Opener-Policy) are left off. That is
// about 280 bytes less per download, which at typical address lengths
// lets an ECDSA-signed profile and its headers leave in one 4 KiB write
// of net/http's connection buffer instead of two (docs/performance.md).
var (
	downloadCSP          = []string{"default-src 'none'; frame-ancestors 'none'; sandbox"}
	documentOnlyHeaders  = [...]string{"X-Frame-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy"}
	downloadHeaderValues = [...]struct {
		name  string
		value []string
	}{
		{"Content-Security-Policy", downloadCSP},
		{"X-Content-Type-Options", nosniff},
		{"Referrer-Policy", noReferrer},
	}
)

// setDownloadSecurityHeaders puts a download's security headers in h,
// replacing the document ones setSecurityHeaders put there; HSTS only
// when the request was secure.
func setDownloadSecurityHeaders(h http.Header, tls bool) {
	for _, name := range documentOnlyHeaders {
		delete(h, name)
	}
	for _, kv := range downloadHeaderValues {
		h[kv.name] = kv.value
	}
	if tls {
		h["Strict-Transport-Security"] = hsts
	}
}

// newRateLimits returns the store of per-client token buckets, or nil
// when s.rate is zero (no limit).
func (s *Server) newRateLimits() *middleware.RateLimiterMemoryStore {
	if s.rate == 0 {
		return nil
	}
	burst := s.burst
	if burst < 1 {
		burst = 1
	}
	return middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate:      rate.Limit(s.rate),
		Burst:     burst,
		ExpiresIn: 3 * time.Minute,
	})
}

// rateLimiter limits each client address to s.rate requests per second on
// average, with bursts of s.burst, and answers 429 with Retry-After. The
// buckets (s.limits) are the ones the fast path draws from too.
func (s *Server) rateLimiter() echo.MiddlewareFunc {
	if s.limits == nil {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	retryAfter := strconv.Itoa(int(math.Ceil(1 / s.rate)))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: s.limits,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			return c.RealIP(), nil
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			s.metrics.RateLimited("requests")
			c.Response().Header().Set("Retry-After", retryAfter)
			return echo.NewHTTPError(http.StatusTooManyRequests, "Too many requests from your address. Please wait a moment and try again.")
		},
		ErrorHandler: func(c echo.Context, err error) error {
			return echo.NewHTTPError(http.StatusForbidden).WithInternal(err)
		},
	})
}
