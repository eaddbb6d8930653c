package web

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// hintPlatformVersion is the client hint that tells the real macOS
// version: Safari, Chrome and Firefox all freeze the User-Agent at
// 10_15_7, but Chromium browsers send this hint when asked.
// https://wicg.github.io/ua-client-hints/#sec-ch-ua-platform-version
const hintPlatformVersion = "Sec-CH-UA-Platform-Version"

// visitorDevice is requestDevice for the request in c, with the macOS
// version from the client hint where the browser sends one. On a Mac it
// asks for the hint: Accept-CH for the next requests, Critical-CH so that
// Chromium retries this one with it at once. Safari and Firefox ignore
// both; other devices are not asked, so they never pay for a retry.
func visitorDevice(c echo.Context, param string) device {
	r := c.Request()
	dev := requestDevice(r.UserAgent(), param)
	h := c.Response().Header()
	h.Add(echo.HeaderVary, hintPlatformVersion)
	if strings.Contains(r.UserAgent(), "Macintosh") {
		h.Set("Accept-CH", hintPlatformVersion)
		h.Set("Critical-CH", hintPlatformVersion)
	}
	return dev.withPlatformVersion(r.Header.Get(hintPlatformVersion))
}

// withPlatformVersion is d with the macOS major version from the hint's
// value, a structured-field string such as "15.1.0", when d is a Mac
// whose User-Agent did not tell. A malformed value changes nothing.
func (d device) withPlatformVersion(hint string) device {
	if d.Kind != deviceMac || d.MacOS != 0 {
		return d
	}
	v, ok := strings.CutPrefix(hint, `"`)
	if !ok {
		return d
	}
	if v, ok = strings.CutSuffix(v, `"`); !ok {
		return d
	}
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil || n < 10 || n > 99 {
		return d
	}
	d.MacOS = n
	return d
}
