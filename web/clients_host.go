package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/clientconf"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// The documents asked for by host name: the domain is the Host's.

// autoconfig serves Thunderbird's clientConfig v1.1 at
// autoconfig.<domain>/mail/config-v1.1.xml, and at
// /.well-known/autoconfig/mail/config-v1.1.xml on that host or on
// <domain> itself. With ?emailaddress= the user names are filled in for
// that address (validated; nothing else of the request is repeated);
// without it, as K-9/Thunderbird for Android and KMail ask, they keep the
// %EMAILADDRESS% placeholders the client fills in.
func (s *Server) autoconfig(c echo.Context) error {
	domain, ok := hostDomain(c.Request().Host, "autoconfig.", c.Path() == autoconfigWellKnown)
	if !ok {
		return docError(http.StatusNotFound, "", "No settings are published for this host.", nil)
	}
	e, err := s.clientEntry(domain, "")
	if err != nil {
		return err
	}
	var addr *profile.Address
	cache := cachePublic
	if v := queryFold(c, "emailaddress"); v != "" {
		a, err := profile.ParseAddress(v)
		if err != nil {
			return err
		}
		addr, cache = &a, cachePrivate
	}
	doc, err := clientconf.Autoconfig(e, addr)
	if err != nil {
		return docError(http.StatusNotFound, "", "No settings are published for this domain.", err)
	}
	return sendDocument(c, http.StatusOK, clientconf.AutoconfigContentType, cache, doc)
}

// writeAutoconfigError answers in plain text: clientConfig has no error
// document, and clients look only at the status.
func writeAutoconfigError(c echo.Context, pe site.PublicError, _ error) error {
	return c.String(pe.Status, pe.Message+"\n")
}

// pacc serves the PACC document at
// ua-auto-config.<domain>/.well-known/user-agent-configuration.json: the
// bytes whose digest `mailprofile dns` prints for the _ua-auto-config TXT
// record.
func (s *Server) pacc(c echo.Context) error {
	domain, ok := hostDomain(c.Request().Host, "ua-auto-config.", false)
	if !ok {
		return docError(http.StatusNotFound, "", "No settings are published for this host.", nil)
	}
	e, err := s.clientEntry(domain, "")
	if err != nil {
		return err
	}
	doc, err := clientconf.PACC(e)
	if err != nil {
		return docError(http.StatusNotFound, "", "No settings are published for this domain.", err)
	}
	return sendDocument(c, http.StatusOK, clientconf.PACCContentType, cachePublic, doc)
}

// writePACCError answers in the JSON shape of the API's errors.
func writePACCError(c echo.Context, pe site.PublicError, _ error) error {
	return c.JSON(pe.Status, map[string]any{"error": map[string]any{"status": pe.Status, "message": pe.Message}})
}
