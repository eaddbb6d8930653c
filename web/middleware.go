package web

import (
	"fmt"
	"log/slog"
	"math"
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

// logPath is the path as it may be logged: link tokens are cut out. The
// query string is never logged, since it holds addresses.
func logPath(p string) string {
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
		r := c.Request()
		if !s.log.Enabled(r.Context(), slog.LevelInfo) {
			return nil // gathering the fields costs more than the rest of a cached download
		}
		res := c.Response()
		s.log.Info("request",
			"method", r.Method,
			"path", logPath(r.URL.Path),
			"status", res.Status,
			"bytes", res.Size,
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"request_id", requestID(c),
			"remote_ip", c.RealIP(),
		)
		return nil
	}
}

// recoverPanics turns a panic in a handler into a 500 with the stack in
// the log, so one bad request cannot take the server down.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic in handler", "panic", fmt.Sprint(r), "stack", string(debug.Stack()), "request_id", requestID(c))
				err = echo.NewHTTPError(http.StatusInternalServerError).WithInternal(fmt.Errorf("panic: %v", r))
			}
		}()
		return next(c)
	}
}

// contentSecurityPolicy allows only the server's own styles, images and
// scripts, no inline code, and no framing.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// The query holds addresses: never send it on to another site.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if c.IsTLS() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return next(c)
	}
}

// rateLimiter limits each client address to s.rate requests per second on
// average, with bursts of s.burst, and answers 429 with Retry-After.
func (s *Server) rateLimiter() echo.MiddlewareFunc {
	if s.rate == 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	burst := s.burst
	if burst < 1 {
		burst = 1
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate:      rate.Limit(s.rate),
		Burst:     burst,
		ExpiresIn: 3 * time.Minute,
	})
	retryAfter := strconv.Itoa(int(math.Ceil(1 / s.rate)))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: store,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			return c.RealIP(), nil
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			s.metrics.rateLimited("requests")
			c.Response().Header().Set("Retry-After", retryAfter)
			return echo.NewHTTPError(http.StatusTooManyRequests, "Too many requests from your address. Please wait a moment and try again.")
		},
		ErrorHandler: func(c echo.Context, err error) error {
			return echo.NewHTTPError(http.StatusForbidden).WithInternal(err)
		},
	})
}
