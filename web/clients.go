package web

import (
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/clientconf"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// Catalog is the operator's catalog, which the documents for other mail
// clients come from; *provider.Catalog satisfies it. It is never the
// discovering Finder: these documents are the operator vouching for the
// servers in them, so a domain only discovered at run time gets none.
type Catalog interface {
	Lookup(domain string) (*provider.Provider, error)
	DomainsOf(p *provider.Provider) []string
}

// The paths other mail clients ask. Autodiscover's are listed in every
// spelling clients use, since routes are case-sensitive.
const (
	autoconfigPath      = "/mail/config-v1.1.xml"
	autoconfigWellKnown = "/.well-known/autoconfig/mail/config-v1.1.xml"
	paccPath            = "/.well-known/user-agent-configuration.json"
	autodiscoverV2Path  = "/autodiscover/autodiscover.json"
)

var autodiscoverPaths = []string{"/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml", "/AutoDiscover/AutoDiscover.xml"}

// boundsOwnBody reports whether the route at path reads its body through
// a tighter limit of its own, so that the server-wide 64 KiB limit need
// not answer first, in HTML: Autodiscover answers every refusal in XML.
func boundsOwnBody(path string) bool { return slices.Contains(autodiscoverPaths, path) }

// Cache-Control of the documents: one that names an address is the
// asker's alone; the others are the same for everyone, for an hour (as
// long as the DNS records that point at them).
const (
	cachePublic  = "public, max-age=3600"
	cachePrivate = "no-store"
)

// clientRoutes declares the routes of the documents other mail clients
// ask for, when the server has a catalog. Each answers its errors in its
// own format's shape, rate limits included.
func (s *Server) clientRoutes(e *echo.Echo, limit echo.MiddlewareFunc) {
	if s.catalog == nil {
		return
	}
	autoconfig := []echo.MiddlewareFunc{s.inShape(writeAutoconfigError), limit}
	e.GET(autoconfigPath, s.autoconfig, autoconfig...)
	e.GET(autoconfigWellKnown, s.autoconfig, autoconfig...)
	autodiscover := []echo.MiddlewareFunc{s.inShape(writeAutodiscoverError), limit}
	for _, p := range autodiscoverPaths {
		e.POST(p, s.autodiscover, autodiscover...)
	}
	v2 := []echo.MiddlewareFunc{s.inShape(writeAutodiscoverV2Error), limit}
	for _, p := range []string{autodiscoverV2Path, "/Autodiscover/Autodiscover.json"} {
		e.GET(p, s.autodiscoverV2, v2...)
		e.GET(p+"/v1.0/:email", s.autodiscoverV2, v2...)
	}
	e.GET(paccPath, s.pacc, s.inShape(writePACCError), limit)
}

// hostDomain is the domain a document is asked for by the Host header:
// what follows prefix ("autoconfig.", "ua-auto-config."), or with bare
// the host itself. ok is false for a Host that is no such host name; the
// catalog then decides whether the domain is one of the operator's.
func hostDomain(host, prefix string, bare bool) (string, bool) {
	h := strings.ToLower(host)
	if hp, _, err := net.SplitHostPort(h); err == nil {
		h = hp
	}
	h = strings.TrimSuffix(h, ".")
	if d, cut := strings.CutPrefix(h, prefix); cut {
		h = d
	} else if !bare {
		return "", false
	}
	return h, provider.CheckHostname(h) == nil
}

// clientEntry is the catalog's entry for domain, or a 404 that names
// nothing of the request.
func (s *Server) clientEntry(domain string, code string) (clientconf.Entry, error) {
	p, err := s.catalog.Lookup(domain)
	if err != nil {
		return clientconf.Entry{}, docError(http.StatusNotFound, code, "No settings are published for this address or domain.", err)
	}
	return clientconf.Entry{Provider: p, Domain: domain, Domains: s.catalog.DomainsOf(p)}, nil
}

// formatError is an error answered in a client document's own shape: an
// *echo.HTTPError, which classify reads for the status and the public
// message, and the format's own error code.
type formatError struct {
	code string
	http *echo.HTTPError
}

func (e *formatError) Error() string { return e.http.Error() }
func (e *formatError) Unwrap() error { return e.http }

// docError makes a formatError; the message must not come from the
// request. The cause is kept as text, for the log: unwrapped, a catalog
// miss or an address error would make classify show its own message,
// which can name the domain asked.
func docError(status int, code, message string, cause error) error {
	he := echo.NewHTTPError(status, message)
	if cause != nil {
		he = he.WithInternal(errors.New(cause.Error()))
	}
	return &formatError{code: code, http: he}
}

// formatCode is err's format code, or "" when it has none.
func formatCode(err error) string {
	var fe *formatError
	if errors.As(err, &fe) {
		return fe.code
	}
	return ""
}

// shapeWriter writes an error response in one format's shape, from the
// classified error and the error itself (for formatCode).
type shapeWriter func(c echo.Context, pe site.PublicError, err error) error

// inShape answers the errors of a route, its rate limit's included, in
// write's shape instead of the pages' HTML: a client that asked for XML
// or JSON gets XML or JSON. The status and the log line are as for every
// other error.
func (s *Server) inShape(write shapeWriter) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			cc := &errorCatcher{Context: c}
			err := next(cc)
			if err == nil {
				err = cc.err
			}
			if err == nil || c.Response().Committed {
				return err
			}
			pe := site.Classify(err)
			s.logError(c, err, pe)
			c.Response().Header().Set(echo.HeaderCacheControl, cachePrivate)
			return write(c, pe, err)
		}
	}
}

// errorCatcher keeps the error a middleware hands to Context.Error, as
// Echo's rate limiter does, instead of rendering it at once.
type errorCatcher struct {
	echo.Context
	err error
}

func (c *errorCatcher) Error(err error) {
	if c.err == nil {
		c.err = err
	}
}

// sendDocument writes a document with its length, so that it leaves in
// one piece rather than chunked.
func sendDocument(c echo.Context, status int, contentType, cache string, body []byte) error {
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, cache)
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Blob(status, contentType, body)
}
