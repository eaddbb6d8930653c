package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/web/internal/site"
)

// handleError is the one place errors become responses.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	pe := site.Classify(err)
	s.logError(c, err, pe)
	if pe.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(pe.RetryAfter))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(pe.Status)
		return
	}
	if site.WantsJSON(c) {
		body := map[string]any{"error": map[string]any{"status": pe.Status, "message": pe.Message}}
		if pe.Field != "" {
			body["error"].(map[string]any)["field"] = pe.Field
		}
		_ = c.JSON(pe.Status, body)
		return
	}
	if p := c.Request().URL.Path; p == "/admin" || strings.HasPrefix(p, "/admin/") {
		if err := s.desk.RenderError(c, pe); err == nil {
			return
		}
	}
	s.renderErrorPage(c, err, pe)
}

// logError logs err, classified as pe: server errors as errors, refused
// requests but for 404s (bots ask for everything) as information.
func (s *Server) logError(c echo.Context, err error, pe site.PublicError) {
	attrs := []any{"status", pe.Status, "path", logPath(c.Request().URL.Path), "request_id", requestID(c), "error", err.Error()}
	switch {
	case pe.Status >= 500 && pe.RetryAfter == 0: // a 503 with Retry-After is a bound doing its job
		s.log.Error("request failed", attrs...)
	case pe.Status != http.StatusNotFound:
		s.log.Info("request rejected", attrs...)
	}
}

func (s *Server) renderErrorPage(c echo.Context, err error, pe site.PublicError) {
	var buf bytes.Buffer
	data := s.page(c, http.StatusText(pe.Status))
	data.Error = &pe
	if pe.Field != "" {
		data.setFieldError(pe.Field, err, pe.Message) // in the visitor's language
	}
	data.BackURL = "/"
	if f := rawForm(c); f.Email != "" {
		data.BackURL = "/?" + formQuery(f)
	}
	if err := s.pages.ExecuteTemplate(&buf, "error.html", data); err != nil {
		s.log.Error("render error page", "error", err)
		_ = c.String(pe.Status, pe.Message)
		return
	}
	_ = c.HTMLBlob(pe.Status, buf.Bytes())
}
