package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/web/internal/site"
)

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
	lang, explicit := site.ChooseLanguage(c)
	if !explicit {
		lang = ""
	}
	return sendQR(c, site.AbsoluteURL(c, "/setup", setupQuery(req, lang)))
}

// sendQR answers with text as an SVG QR code.
func sendQR(c echo.Context, text string) error {
	svg, err := site.QRSVG(text)
	if err != nil {
		// Only an absurd Host header makes the URL too long for a code.
		return echo.NewHTTPError(http.StatusBadRequest, "This address is too long for a QR code.").WithInternal(err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(svg)))
	return c.Blob(http.StatusOK, "image/svg+xml", svg)
}
