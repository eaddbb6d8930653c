package web

import (
	"bytes"
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
func (s *Server) downloadProfile(c echo.Context) error {
	f := rawForm(c)
	req, err := parseAccountRequest(f)
	if err != nil {
		return err
	}
	dev := requestDevice(c.Request().UserAgent(), req.Device)
	// The lang parameter as rawForm read it: site.ChooseLanguage would
	// parse the whole query again, into a map, for that one value.
	lang, _ := site.PickLanguage(f.Lang, c.Request().Header.Get("Accept-Language"))
	p, err := s.buildProfileIn(c, req, dev, lang)
	if err != nil {
		if notInstallable(c, err) {
			return s.showNotInstallable(c, err, req, nil)
		}
		return err
	}
	d := newDownload(req.Addr, p.body)
	if err := sendDownload(c, d, p.body); err != nil {
		return err
	}
	served := s.metrics.profilesServed(p.kind, p.signs, p.found)
	served.Inc()
	s.rememberServed(f, c.Request().UserAgent(), p, d, served)
	return nil
}

// sendProfile writes finished profile bytes as a download.
func sendProfile(c echo.Context, addr profile.Address, body profileBody) error {
	return sendDownload(c, newDownload(addr, body), body)
}

// sendDownload writes body as a download with d's headers. The header
// values are d's own slices, which net/http only reads: the fast path
// sends the same ones again. It does what c.Blob does, for a body in
// parts.
func sendDownload(c echo.Context, d *cachedDownload, body profileBody) error {
	h := c.Response().Header()
	setDownloadSecurityHeaders(h, c.Scheme() == "https") // Server.scheme: TLS here or at a trusted proxy
	h[headerContentDisposition] = d.disposition
	h[headerCacheControl] = noStore
	h[headerContentLength] = d.length // else Echo sends it chunked
	h[headerContentType] = profileContentTypeHeader
	c.Response().WriteHeader(http.StatusOK)
	_, err := body.writeTo(c.Response())
	return err
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
	return s.buildProfileIn(c, req, dev, lang)
}

// buildProfileIn is buildProfile with the texts in lang, the page's
// language (site.ChooseLanguage).
func (s *Server) buildProfileIn(c echo.Context, req accountRequest, dev device, lang string) (builtProfile, error) {
	o, err := s.kinds(c.Request().Context(), req.Addr).choose(req.Proto, dev)
	if err != nil {
		return builtProfile{}, err
	}
	found := o.Found
	if err := found.Offer(req.Services, o.Kind); err != nil {
		return builtProfile{}, err
	}
	acct := found.Account(req.Addr, o.Kind, req.Name)
	acct.Services = req.Services
	p := builtProfile{kind: o.Kind, found: found, signs: s.signs(found), lang: lang}
	if p.signs {
		p.signer = s.signerID()
	}
	// Without the certificate's identity a new certificate could not be
	// told from the old one: such profiles are not cached.
	if s.cache == nil || (p.signs && p.signer == "") {
		var body []byte
		body, err = s.makeProfile(acct, lang, p.signs)
		p.body = wholeBody(body)
		return p, err
	}
	p.key = s.cache.key(acct, found.Origin, p.signer, lang)
	p.body, err = s.cache.get(p.key, func() ([]byte, error) { return s.makeProfile(acct, lang, p.signs) })
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
