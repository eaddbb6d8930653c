package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
	"rsc.io/qr"
)

// qrQuietZone is the blank border, in modules, that scanners need.
const qrQuietZone = 4

// qrSVG draws text as a QR code: dark modules on a white square of its
// own, so it scans in dark mode too. Each row's runs of dark modules become
// one path segment, which keeps the file small.
func qrSVG(text string) ([]byte, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	n := code.Size + 2*qrQuietZone
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, n, n, n*6, n*6)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < code.Size && code.Black(x, y) {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start+qrQuietZone, y+qrQuietZone, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}

// absoluteURL makes an absolute URL on this server for path and query,
// from the scheme and host the request came in with (c.Scheme is
// Server.scheme: X-Forwarded-Proto counts only from a trusted proxy).
func absoluteURL(c echo.Context, path string, query url.Values) string {
	u := url.URL{Scheme: c.Scheme(), Host: c.Request().Host, Path: path, RawQuery: query.Encode()}
	return u.String()
}

// setupQuery is the query of the review page for req, carrying the page
// language when the visitor chose one.
func setupQuery(req accountRequest, lang string) url.Values {
	v, _ := url.ParseQuery(req.query())
	if lang != "" {
		v.Set("lang", lang)
	}
	return v
}

// setupQR serves GET /setup/qr.svg?email=…&type=…: a QR code that opens
// the review page for the same account on another device.
func (s *Server) setupQR(c echo.Context) error {
	req, err := parseAccountRequest(rawForm(c))
	if err != nil {
		return err
	}
	lang, explicit := chooseLanguage(c)
	if !explicit {
		lang = ""
	}
	return sendQR(c, absoluteURL(c, "/setup", setupQuery(req, lang)))
}

// sendQR answers with text as an SVG QR code.
func sendQR(c echo.Context, text string) error {
	svg, err := qrSVG(text)
	if err != nil {
		// Only an absurd Host header makes the URL too long for a code.
		return echo.NewHTTPError(http.StatusBadRequest, "This address is too long for a QR code.").WithInternal(err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(svg)))
	return c.Blob(http.StatusOK, "image/svg+xml", svg)
}
