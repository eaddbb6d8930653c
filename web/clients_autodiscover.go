package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/clientconf"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// Outlook's Autodiscover: the domain is the address's, so these answer on
// any host (autodiscover.<domain>, <domain>, or the server's own name,
// which the _autodiscover._tcp SRV record names).

// autodiscover answers a POX request (POST) with the 2006a response for
// the address in it. The body is read no further than 8 KiB and parsed
// without DTDs or entities; only the validated address reaches the
// answer.
func (s *Server) autodiscover(c echo.Context) error {
	if c.Request().ContentLength > clientconf.MaxAutodiscoverRequest {
		return docError(http.StatusRequestEntityTooLarge, clientconf.ErrorCodeInvalidRequest, "The request is too large.", clientconf.ErrRequestTooLarge)
	}
	req, err := clientconf.ReadAutodiscoverRequest(c.Request().Body)
	switch {
	case errors.Is(err, clientconf.ErrRequestTooLarge):
		return docError(http.StatusRequestEntityTooLarge, clientconf.ErrorCodeInvalidRequest, "The request is too large.", err)
	case err != nil: // not a request we parse, or a body the client never finished
		return docError(http.StatusBadRequest, clientconf.ErrorCodeInvalidRequest, "Invalid Request", err)
	case !req.Outlook():
		return docError(http.StatusNotFound, clientconf.ErrorCodeSchemaNotOffered, "The requested schema version is not supported.", nil)
	}
	addr, err := profile.ParseAddress(req.EMailAddress)
	if err != nil {
		return docError(http.StatusBadRequest, clientconf.ErrorCodeInvalidRequest, "The email address is not valid.", err)
	}
	e, err := s.clientEntry(addr.Domain, clientconf.ErrorCodeNotFound)
	if err != nil {
		return err
	}
	doc, err := clientconf.Autodiscover(e, addr)
	if err != nil {
		return docError(http.StatusNotFound, clientconf.ErrorCodeNoConfiguration, "No settings are published for this address.", err)
	}
	return sendDocument(c, http.StatusOK, clientconf.AutodiscoverContentType, cachePrivate, doc)
}

// writeAutodiscoverError answers with Autodiscover's error document.
func writeAutodiscoverError(c echo.Context, pe site.PublicError, err error) error {
	code := formatCode(err)
	if code == "" {
		code = clientconf.ErrorCodeInternal // a rate limit or a server error
		if pe.Status == http.StatusNotFound {
			code = clientconf.ErrorCodeNotFound
		}
	}
	body := clientconf.AutodiscoverError(code, pe.Message)
	return c.Blob(pe.Status, clientconf.AutodiscoverContentType, body)
}

// autodiscoverV2 answers the JSON form new Outlook and iOS ask first,
// GET /autodiscover/autodiscover.json/v1.0/{email}?Protocol=… (or
// ?Email=…&Protocol=…): for AutodiscoverV1, the URL of the POX document
// for the address's domain; for Microsoft's other protocols a 404, for
// unknown ones a 400, both in Microsoft's shape.
func (s *Server) autodiscoverV2(c echo.Context) error {
	switch clientconf.ClassifyV2Protocol(queryFold(c, "Protocol")) {
	case clientconf.V2Invalid:
		return docError(http.StatusBadRequest, "InvalidProtocol", "The given protocol value is invalid. Supported values are 'AutodiscoverV1'.", nil)
	case clientconf.V2NotServed:
		return docError(http.StatusNotFound, "ProtocolNotSupported", "The given protocol is not offered. Supported values are 'AutodiscoverV1'.", nil)
	}
	email := queryFold(c, "Email")
	if c.Param("email") != "" {
		email = pathEmail(c)
	}
	addr, err := profile.ParseAddress(email)
	if err != nil {
		return docError(http.StatusBadRequest, "InvalidUser", "The given email address is not valid.", err)
	}
	e, err := s.clientEntry(addr.Domain, "UserNotFound")
	if err != nil {
		return err
	}
	if err := clientconf.AutodiscoverOffered(e); err != nil {
		return docError(http.StatusNotFound, "UserNotFound", "No settings are published for this address or domain.", err)
	}
	return sendDocument(c, http.StatusOK, clientconf.AutodiscoverV2ContentType, cachePrivate, clientconf.AutodiscoverV2(addr.Domain))
}

// writeAutodiscoverV2Error answers {"ErrorCode":…,"ErrorMessage":…}.
func writeAutodiscoverV2Error(c echo.Context, pe site.PublicError, err error) error {
	code := formatCode(err)
	if code == "" {
		code = strings.ReplaceAll(http.StatusText(pe.Status), " ", "") // TooManyRequests, InternalServerError
	}
	return c.Blob(pe.Status, clientconf.AutodiscoverV2ContentType, clientconf.AutodiscoverV2Error(code, pe.Message))
}

// queryFold is the query value named name, or else the first, by sorted
// name, whose name is name in another case: clients write Email and email.
func queryFold(c echo.Context, name string) string {
	q := c.QueryParams()
	if v, ok := q[name]; ok && len(v) > 0 {
		return v[0]
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.EqualFold(k, name) && len(q[k]) > 0 {
			return q[k][0]
		}
	}
	return ""
}

// pathEmail is the {email} path segment, unescaped once: Echo routes on
// the escaped path when the request escaped it unusually (%40 for @).
func pathEmail(c echo.Context) string {
	p := c.Param("email")
	if c.Request().URL.RawPath == "" {
		return p
	}
	if u, err := url.PathUnescape(p); err == nil {
		return u
	}
	return p
}

// v2LogPath is p with the address of an Autodiscover v2 path cut out, as
// logs must not hold addresses; ok is false for other paths.
func v2LogPath(p string) (string, bool) {
	const prefix = autodiscoverV2Path + "/"
	if len(p) < len(prefix) || !strings.EqualFold(p[:len(prefix)], prefix) {
		return "", false
	}
	return p[:len(prefix)] + "{address}", true
}
