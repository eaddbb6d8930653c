package site

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Render executes the template name of t with data into a buffer and only
// then writes it, so that a template error becomes a clean 500 instead of
// half a page. Pages are never cached (they hold addresses, and the
// helpdesk's tokens); lang, when set, is the page's Content-Language.
func Render(c echo.Context, status int, t *template.Template, name string, data any, lang string) error {
	page, err := Execute(t, name, data)
	if err != nil {
		return err
	}
	return WritePage(c, status, page, lang)
}

// Execute executes the template name of t with data into a new buffer.
func Execute(t *template.Template, name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// WritePage writes a rendered page with the headers Render gives it.
func WritePage(c echo.Context, status int, page []byte, lang string) error {
	SetPageHeaders(c.Response().Header(), len(page), lang)
	return c.HTMLBlob(status, page)
}

// SetPageHeaders sets the headers of a rendered page of size bytes in
// lang ("" for none) but its Content-Type, which WritePage's HTMLBlob sets.
func SetPageHeaders(h http.Header, size int, lang string) {
	h.Set(echo.HeaderCacheControl, "no-store")
	if lang != "" {
		h.Set("Content-Language", lang)
	}
	// With its length known, net/http sends a page of more than 2 KB in
	// one piece instead of chunks.
	h.Set(echo.HeaderContentLength, strconv.Itoa(size))
}
