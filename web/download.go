package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"

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

// builtProfile is a finished profile and what it was made from.
type builtProfile struct {
	body   profileBody // shared when cached: never modified
	kind   profile.Protocol
	found  provider.Settings
	signs  bool
	signer string   // the signing certificate's fingerprint when signs
	lang   string   // the language of its texts
	key    cacheKey // its key in the profile cache, when cached
	cached bool
}

// buildProfile chooses the kind of account for req on dev, finds its
// settings, builds the plist and signs it when the operator vouches for
// its servers (see signs). A profile built before for the same inputs
// comes from the cache.
func (s *Server) buildProfile(c echo.Context, req accountRequest, dev device) (builtProfile, error) {
	lang, _ := site.ChooseLanguage(c) // the profile's texts are in the page's language
	return s.buildProfileIn(c.Request().Context(), req, dev, lang)
}

// buildProfileIn is buildProfile with the texts in lang, the page's
// language (site.ChooseLanguage).
func (s *Server) buildProfileIn(ctx context.Context, req accountRequest, dev device, lang string) (builtProfile, error) {
	p, acct, err := s.planProfile(s.kinds(ctx, req.Addr), req, dev, lang)
	if err != nil {
		return builtProfile{}, err
	}
	return s.makePlanned(p, acct)
}

// planProfile is the first half of buildProfileIn, with the settings
// from l: the kind, the settings and the account, everything but the
// bytes. Its errors are the request's (a kind not offered or not
// installable, services the provider lacks, the settings' errors).
func (s *Server) planProfile(l *kindLookup, req accountRequest, dev device, lang string) (builtProfile, profile.Account, error) {
	o, err := l.choose(req.Proto, dev)
	if err != nil {
		return builtProfile{}, profile.Account{}, err
	}
	found := o.Found
	if err := found.Offer(req.Services, o.Kind); err != nil {
		return builtProfile{}, profile.Account{}, err
	}
	acct := found.Account(req.Addr, o.Kind, req.Name)
	acct.Services = req.Services
	p := builtProfile{kind: o.Kind, found: found, signs: s.signs(found), lang: lang}
	if p.signs {
		p.signer = s.signerID()
	}
	return p, acct, nil
}

// makePlanned is the second half of buildProfileIn: p's bytes for acct,
// from the profile cache or built and signed (through it, so that
// concurrent requests for one profile sign it once).
func (s *Server) makePlanned(p builtProfile, acct profile.Account) (builtProfile, error) {
	var err error
	// Without the certificate's identity a new certificate could not be
	// told from the old one: such profiles are not cached.
	if s.cache == nil || (p.signs && p.signer == "") {
		var body []byte
		body, err = s.makeProfile(acct, p.lang, p.signs)
		p.body = wholeBody(body)
		return p, err
	}
	p.key = s.cache.key(acct, p.found.Origin, p.signer, p.lang)
	lang, signs := p.lang, p.signs // not p itself: the closure would move it to the heap
	p.body, err = s.cache.get(p.key, func() ([]byte, error) { return s.makeProfile(acct, lang, signs) })
	p.cached = err == nil
	return p, err
}

// makeProfile builds the plist for acct, with its texts in lang, and
// signs it when signs is set.
func (s *Server) makeProfile(acct profile.Account, lang string, signs bool) ([]byte, error) {
	opts := s.optionsFor(lang)
	if !signs {
		doc, err := profile.Build(acct, opts)
		if err != nil {
			return nil, fmt.Errorf("build profile: %w", err)
		}
		return doc, nil // the same content type: the device shows it as unsigned
	}
	// The signature holds a copy of the plist, so its buffer goes back to
	// the pool: a few KB less garbage per signed download.
	buf := plistBuffers.Get().(*[]byte)
	defer plistBuffers.Put(buf)
	doc, err := profile.AppendBuild((*buf)[:0], acct, opts)
	if err != nil {
		return nil, fmt.Errorf("build profile: %w", err)
	}
	if cap(doc) <= maxPooledPlist {
		*buf = doc
	}
	signed, err := s.signer.Sign(doc)
	if err != nil {
		return nil, fmt.Errorf("sign profile: %w", err)
	}
	return signed, nil
}

// plistBuffers holds buffers for plists that are signed and dropped.
var plistBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledPlist bounds the buffers kept, so one profile with a very long
// name cannot pin a large buffer.
const maxPooledPlist = 16 << 10

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
