package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Operator branding: the logo and the accent colour are served by the
// server itself (/brand/logo, /brand.css), since the Content-Security-Policy
// allows neither inline styles nor images from other hosts.

var (
	accentPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	phonePattern  = regexp.MustCompile(`^\+?[0-9][0-9 ()./-]{2,30}$`)
)

// maxLogoSize bounds the logo, which every page loads.
const maxLogoSize = 256 << 10

// logoTypes are the image types a logo may have.
var logoTypes = map[string]bool{"image/svg+xml": true, "image/png": true, "image/jpeg": true, "image/webp": true, "image/gif": true}

// validateBranding checks the branding settings of c.
func (c Config) validateBranding() error {
	if c.AccentColor != "" && !accentPattern.MatchString(c.AccentColor) {
		return fmt.Errorf("web: accent colour %q: want #rrggbb, as in #0a58ca", c.AccentColor)
	}
	if c.SupportURL != "" {
		u, err := url.Parse(c.SupportURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "mailto") || (u.Scheme != "mailto" && u.Host == "") {
			return fmt.Errorf("web: support URL %q: want an absolute https://, http:// or mailto: URL", c.SupportURL)
		}
	}
	if c.SupportPhone != "" && !phonePattern.MatchString(c.SupportPhone) {
		return fmt.Errorf("web: support phone %q: use digits, spaces and + ( ) - . / only", c.SupportPhone)
	}
	if len(c.Logo) > 0 {
		if len(c.Logo) > maxLogoSize {
			return fmt.Errorf("web: logo is %d bytes; the limit is %d", len(c.Logo), maxLogoSize)
		}
		if !logoTypes[logoType(c.Logo)] {
			return errors.New("web: logo must be an SVG, PNG, JPEG, WebP or GIF image")
		}
	}
	return nil
}

// logoType sniffs the image type; SVG is text, so it is recognised by its
// root element.
func logoType(b []byte) string {
	ct := http.DetectContentType(b)
	if strings.HasPrefix(ct, "text/xml") || strings.HasPrefix(ct, "text/plain") {
		head := b[:min(len(b), 1024)]
		if strings.Contains(string(head), "<svg") {
			return "image/svg+xml"
		}
	}
	return ct
}

// brand is the operator's branding, ready to serve.
type brand struct {
	service  string // as configured; empty means the catalog's default
	logo     []byte
	logoType string
	logoURL  string
	css      []byte
	cssURL   string
	supportURL,
	phone,
	phoneHref string
}

func newBrand(cfg Config) *brand {
	b := &brand{service: cfg.ServiceName, supportURL: cfg.SupportURL, phone: cfg.SupportPhone}
	if cfg.SupportPhone != "" {
		b.phoneHref = "tel:" + strings.Map(func(r rune) rune {
			if r == '+' || (r >= '0' && r <= '9') {
				return r
			}
			return -1
		}, cfg.SupportPhone)
	}
	if len(cfg.Logo) > 0 {
		b.logo, b.logoType = cfg.Logo, logoType(cfg.Logo)
		b.logoURL = "/brand/logo?v=" + shortHash(cfg.Logo)
	}
	if cfg.AccentColor != "" {
		b.css = accentCSS(cfg.AccentColor)
		b.cssURL = "/brand.css?v=" + shortHash(b.css)
	}
	return b
}

func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// Page backgrounds of static/style.css, which the accent must stand out
// from.
var (
	lightBackground = rgb{0xff, 0xff, 0xff}
	darkBackground  = rgb{0x11, 0x11, 0x13}
)

// accentCSS overrides the accent colour. The colour is darkened for the
// light theme and lightened for the dark one until links reach a 4.5:1
// contrast with the page (WCAG 2.1 AA), and button text is black or white,
// whichever reads better on it.
func accentCSS(hexColour string) []byte {
	c := parseRGB(hexColour)
	light := adjustForContrast(c, lightBackground, rgb{0, 0, 0})
	dark := adjustForContrast(c, darkBackground, rgb{0xff, 0xff, 0xff})
	return fmt.Appendf(nil, ":root{--accent:%s;--accent-fg:%s}\n@media (prefers-color-scheme: dark){:root{--accent:%s;--accent-fg:%s}}\n",
		light, textOn(light), dark, textOn(dark))
}

type rgb [3]uint8

func parseRGB(s string) rgb {
	v, _ := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	return rgb{uint8(v >> 16), uint8(v >> 8), uint8(v)}
}

func (c rgb) String() string { return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2]) }

// luminance is WCAG 2.1's relative luminance.
func (c rgb) luminance() float64 {
	var l [3]float64
	for i, v := range c {
		s := float64(v) / 255
		if s <= 0.03928 {
			l[i] = s / 12.92
		} else {
			l[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// adjustForContrast mixes c towards toward in small steps until it has a
// 4.5:1 contrast with bg.
func adjustForContrast(c, bg, toward rgb) rgb {
	for step := 0; step <= 20 && contrast(c, bg) < 4.5; step++ {
		for i := range c {
			c[i] = uint8(math.Round(float64(c[i]) + (float64(toward[i])-float64(c[i]))*0.1))
		}
	}
	return c
}

// textOn picks white or near-black text for a button of colour c.
func textOn(c rgb) rgb {
	white, black := rgb{0xff, 0xff, 0xff}, rgb{0x0b, 0x12, 0x20}
	if contrast(c, white) >= contrast(c, black) {
		return white
	}
	return black
}

// brandCSS serves GET /brand.css.
func (s *Server) brandCSS(c echo.Context) error {
	if s.brand.css == nil {
		return echo.ErrNotFound
	}
	cacheAsset(c)
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", s.brand.css)
}

// brandLogo serves GET /brand/logo.
func (s *Server) brandLogo(c echo.Context) error {
	if s.brand.logo == nil {
		return echo.ErrNotFound
	}
	cacheAsset(c)
	return c.Blob(http.StatusOK, s.brand.logoType, s.brand.logo)
}

// cacheAsset lets a versioned asset be cached for good.
func cacheAsset(c echo.Context) {
	cc := "public, max-age=3600"
	if c.QueryParam("v") != "" {
		cc = "public, max-age=31536000, immutable"
	}
	c.Response().Header().Set(echo.HeaderCacheControl, cc)
}
