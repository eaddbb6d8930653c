package web

import (
	"context"
	"fmt"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// A profile is built in two halves, which the download's handler and its
// fast path (download_fast.go) share: planProfile chooses the kind and
// finds the settings, everything that can refuse the request; makePlanned
// builds and signs, through the profile cache.

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
