package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// profileContentType makes Safari hand the file to the profile installer.
const profileContentType = "application/x-apple-aspen-config"

// downloadProfile serves GET /profile: the configuration profile of the
// kind asked for, or of the provider's preferred kind for the visitor's
// device, signed when the operator vouches for its servers. A kind the
// device cannot install is a 422 (kind.go).
// Everything is built and signed in memory before a header is written, so
// a failure yields a clean error response, never half a profile.
// serveFirst (download_fast.go) answers most first downloads before Echo
// with the same steps: parseDownload, buildProfileIn's two halves and
// sendBuilt.
func (s *Server) downloadProfile(c echo.Context) error {
	r := c.Request()
	f := rawForm(c)
	dl, err := parseDownload(f, r.UserAgent(), profileLang(f, r))
	if err != nil {
		return err
	}
	p, err := s.buildProfileIn(r.Context(), dl.req, dl.dev, dl.lang)
	if err != nil {
		if notInstallable(c, err) {
			return s.showNotInstallable(c, err, dl.req, nil)
		}
		return err
	}
	setDownloadSecurityHeaders(c.Response().Header(), c.Scheme() == "https") // Server.scheme: TLS here or at a trusted proxy
	_, err = s.sendBuilt(c.Response(), dl, p)
	return err
}

// profileDownload is a valid GET /profile: the query as read, the
// request it makes, the device and the language of the texts.
type profileDownload struct {
	f    formValues
	ua   string // the User-Agent, on which the kind may depend
	req  accountRequest
	dev  device
	lang string
}

// parseDownload validates a download's query f, asked with the
// User-Agent ua for texts in lang. Errors are *profile.InputError.
func parseDownload(f formValues, ua, lang string) (profileDownload, error) {
	req, err := parseAccountRequest(f)
	if err != nil {
		return profileDownload{}, err
	}
	return profileDownload{f: f, ua: ua, req: req, dev: requestDevice(ua, req.Device), lang: lang}, nil
}

// profileLang is the language of a download's texts: the lang parameter
// as f holds it, else the browser's. (site.ChooseLanguage would parse the
// whole query again, into a map, for that one value.)
func profileLang(f formValues, r *http.Request) string {
	lang, _ := site.PickLanguage(f.Lang, r.Header.Get("Accept-Language"))
	return lang
}

// sendBuilt writes p, the profile for dl, to w as a download (the
// security headers are set already), counts it and lets the fast path
// answer the same request again. n is the body's bytes written.
func (s *Server) sendBuilt(w http.ResponseWriter, dl profileDownload, p builtProfile) (n int, err error) {
	d := newDownload(dl.req.Addr, p.body)
	if n, err = writeDownload(w, d, p.body); err != nil {
		return n, err
	}
	served := s.metrics.profilesServed(p.kind, p.signs, p.found)
	served.Inc()
	s.rememberServed(dl.f, dl.ua, p, d, served)
	return n, nil
}

// sendProfile writes finished profile bytes as a download.
func sendProfile(c echo.Context, addr profile.Address, body profileBody) error {
	setDownloadSecurityHeaders(c.Response().Header(), c.Scheme() == "https")
	_, err := writeDownload(c.Response(), newDownload(addr, body), body)
	return err
}

// writeDownload writes body as a download with d's headers; the
// security headers are set already. The header values are d's own
// slices, which net/http only reads: the fast path sends the same ones
// again. It does what c.Blob does, for a body in parts.
func writeDownload(w http.ResponseWriter, d *cachedDownload, body profileBody) (int, error) {
	h := w.Header()
	h[headerContentDisposition] = d.disposition
	h[headerCacheControl] = noStore
	h[headerContentLength] = d.length // else net/http sends it chunked
	h[headerContentType] = profileContentTypeHeader
	w.WriteHeader(http.StatusOK)
	return body.writeTo(w)
}

// newDownload prepares the headers of a download of body for addr. Both
// values are cut from one string and held in the struct itself, so a
// download's headers cost two allocations, and the same struct becomes
// the cache's prepared download (rememberServed).
func newDownload(addr profile.Address, body profileBody) *cachedDownload {
	var buf [320]byte                                      // a usual file name fits
	b := strconv.AppendInt(buf[:0], int64(body.len()), 10) // the whole, chain included
	n := len(b)
	both := string(appendContentDisposition(b, addr))
	d := &cachedDownload{values: [2]string{both[:n], both[n:]}}
	// Full slice expressions: a header appended to must not write over
	// its neighbour.
	d.length, d.disposition = d.values[0:1:1], d.values[1:2:2]
	return d
}

// contentDisposition is the Content-Disposition of a download for addr.
func contentDisposition(addr profile.Address) string {
	var buf [256]byte
	return string(appendContentDisposition(buf[:0], addr))
}

// appendContentDisposition appends the Content-Disposition that makes
// the download a file named after addr. It writes what
// mime.FormatMediaType("attachment", {"filename": name}) would, for the
// names profile.FileName makes (a–z, 0–9 and ".-_@+"): quoted when the
// name holds an @, a tspecial, and never an escape.
// TestContentDisposition holds the two together.
func appendContentDisposition(b []byte, addr profile.Address) []byte {
	const head = "attachment; filename="
	b = append(b, head+`"`...)
	start := len(b)
	b = profile.AppendFileName(b, addr)
	if bytes.IndexByte(b[start:], '@') >= 0 {
		return append(b, '"')
	}
	copy(b[start-1:], b[start:]) // no quote needed
	return b[:len(b)-1]
}

// signs reports whether the profile for found is signed. A signature is
// the operator vouching for the servers inside: catalog answers are
// signed, answers found at run time only when the operator turned on
// SignDiscovered. The review page and the API say the same through this.
func (s *Server) signs(found provider.Settings) bool {
	return s.signer != nil && (!found.Origin.Discovered() || s.signDiscovered)
}

// origin is where found came from, with the catalog's zero value filled
// in, so pages and the API always name a method and a confidence.
func origin(found provider.Settings) provider.Origin {
	o := found.Origin
	if o.Method == "" {
		o.Method = provider.MethodCatalog
	}
	if o.Confidence == "" {
		o.Confidence = provider.ConfidenceHigh
	}
	if o.Via == "" && !o.Discovered() {
		o.Via = found.Source()
	}
	return o
}
