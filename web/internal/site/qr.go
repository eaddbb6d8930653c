package site

import (
	"bytes"
	"fmt"
	"net/url"

	"github.com/labstack/echo/v4"
	"rsc.io/qr"
)

// qrQuietZone is the blank border, in modules, that scanners need.
const qrQuietZone = 4

// QRSVG draws text as a QR code: dark modules on a white square of its
// own, so it scans in dark mode too. Each row's runs of dark modules become
// one path segment, which keeps the file small.
func QRSVG(text string) ([]byte, error) {
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

// AbsoluteURL makes an absolute URL on this server for path and query,
// from the scheme and host the request came in with (c.Scheme is
// Trust.Scheme: X-Forwarded-Proto counts only from a trusted proxy).
func AbsoluteURL(c echo.Context, path string, query url.Values) string {
	u := url.URL{Scheme: c.Scheme(), Host: c.Request().Host, Path: path, RawQuery: query.Encode()}
	return u.String()
}
