package web

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz answers as long as the process serves HTTP. ServeHTTP answers
// GET /healthz itself with serveHealthz; this route is for what Echo
// routes (HEAD, an unusually escaped path).
func (s *Server) healthz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.String(http.StatusOK, healthzBody)
}

const healthzBody = "ok\n"

var (
	textPlainHeader  = []string{echo.MIMETextPlainCharsetUTF8}
	healthzLenHeader = []string{strconv.Itoa(len(healthzBody))}
)

// serveHealthz answers GET /healthz before the router, as the fast path
// answers a cached download: a load balancer asks every few seconds, and
// the Echo chain cost more than a cached profile (issue 16). The answer,
// its headers, its metrics series and its log line are the ones the
// route gives; TestHealthzFastPath holds the two alike.
func (s *Server) serveHealthz(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := s.requestIDOf(r)
	h := w.Header()
	setSecurityHeaders(h, s.trust.Secure(r))
	h[headerRequestID] = []string{id}
	h[headerContentType] = textPlainHeader
	h[headerCacheControl] = noStore
	h[headerContentLength] = healthzLenHeader
	w.WriteHeader(http.StatusOK)
	n, _ := io.WriteString(w, healthzBody)
	s.metrics.healthz.Observe(time.Since(start).Seconds())
	s.logAccess(r, http.StatusOK, int64(n), start, id, "")
}

// readyz answers 200 when the server can serve profiles, else 503 with the
// reason (for a load balancer or an operator, not for visitors).
func (s *Server) readyz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			return c.String(http.StatusServiceUnavailable, "not ready: "+err.Error()+"\n")
		}
	}
	return c.String(http.StatusOK, "ready\n")
}
