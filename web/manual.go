package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// The manual route, for a domain nothing is known or found for: the
// visitor types the incoming and outgoing server (host, port, security),
// prefilled from what discovery found or from the usual names, and gets
// the same profile, never signed (a signature is the operator vouching
// for the servers inside) and labelled so on the page. The typed servers
// pass the catalog's rules (provider.Manual); nothing is fetched from
// them. A catalog domain goes to its review page instead: the operator's
// settings are known, and typed ones must not stand in for them on the
// operator's site.

// manualForm is the manual route's server fields, as typed.
type manualForm struct {
	InHost, InPort, InSecurity    string
	OutHost, OutPort, OutSecurity string
}

// maxEchoManual bounds what the page echoes of a field, in bytes, as
// maxEchoEmail does for the address: more than any host name in
// U-labels.
const maxEchoManual = 1024

func readManualForm(c echo.Context) manualForm {
	q := c.QueryParams()
	get := func(k string) string {
		v := strings.ToValidUTF8(q.Get(k), "\uFFFD")
		if len(v) > maxEchoManual {
			return ""
		}
		return v
	}
	return manualForm{InHost: get("in_host"), InPort: get("in_port"), InSecurity: get("in_security"),
		OutHost: get("out_host"), OutPort: get("out_port"), OutSecurity: get("out_security")}
}

func (f manualForm) empty() bool { return f == manualForm{} }

// servers reads the ports; the rest is provider.Manual's to check.
func (f manualForm) servers() (in, out provider.ManualServer, err error) {
	port := func(field, s string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 65535 {
			return 0, &profile.InputError{Field: field, Message: "the port must be a number from 1 to 65535"}
		}
		return n, nil
	}
	in = provider.ManualServer{Host: f.InHost, Security: f.InSecurity}
	out = provider.ManualServer{Host: f.OutHost, Security: f.OutSecurity}
	if in.Port, err = port("in_port", f.InPort); err != nil {
		return in, out, err
	}
	out.Port, err = port("out_port", f.OutPort)
	return in, out, err
}

func fromManual(m provider.ManualServer) (host, port, security string) {
	return m.Host, strconv.Itoa(m.Port), m.Security
}

// manualKind is the kind the manual route sets up: IMAP unless POP was
// chosen.
func manualKind(p profile.Protocol) profile.Protocol {
	if p == profile.Auto {
		return profile.IMAP
	}
	return p
}

// showManual serves GET /manual: the form for the servers.
func (s *Server) showManual(c echo.Context) error {
	req, err := parseAccountRequest(rawForm(c))
	if err != nil {
		return err
	}
	data := s.page(c, "manual.title")
	if s.inCatalog(req.Addr.Domain) {
		return c.Redirect(http.StatusSeeOther, "/setup?"+setupQuery(req, data.LangParam).Encode())
	}
	f := readManualForm(c)
	discovered := false
	if f.empty() {
		f, discovered = s.manualStart(c.Request().Context(), req)
	}
	return s.renderManual(c, http.StatusOK, data, req, f, discovered, nil)
}

// manualStart is what the form starts from: the servers discovery
// found, when it finds them within the wait, else the usual names.
func (s *Server) manualStart(ctx context.Context, req accountRequest) (manualForm, bool) {
	kind := manualKind(req.Proto)
	in, out := provider.ManualGuess(req.Addr, kind)
	discovered := false
	if kind == profile.IMAP || kind == profile.POP {
		ctx, cancel := context.WithTimeout(ctx, s.looking.wait)
		found, err := s.finder.Find(ctx, req.Addr, kind)
		cancel()
		if err == nil && found.Incoming.Host != "" && found.Outgoing.Host != "" {
			in, out = provider.ManualFrom(found)
			discovered = true
		}
	}
	var f manualForm
	f.InHost, f.InPort, f.InSecurity = fromManual(in)
	f.OutHost, f.OutPort, f.OutSecurity = fromManual(out)
	return f, discovered
}

// downloadManual serves GET /manual/profile: the unsigned profile of the
// typed servers, or the form again with the error by its field.
func (s *Server) downloadManual(c echo.Context) error {
	req, err := parseAccountRequest(rawForm(c))
	if err != nil {
		return err
	}
	if s.inCatalog(req.Addr.Domain) {
		return c.Redirect(http.StatusSeeOther, "/setup?"+setupQuery(req, s.page(c, "").LangParam).Encode())
	}
	f := readManualForm(c)
	kind := manualKind(req.Proto)
	in, out, err := f.servers()
	var found provider.Settings
	if err == nil {
		found, err = provider.Manual(req.Addr, kind, in, out)
	}
	var ie *profile.InputError
	if errors.As(err, &ie) && !site.WantsJSON(c) {
		return s.renderManual(c, http.StatusBadRequest, s.page(c, "manual.title"), req, f, false, ie)
	}
	if err != nil {
		return err
	}
	// Never signed; its texts in the page's language.
	lang, _ := site.ChooseLanguage(c)
	body, err := s.makeProfile(found.Account(req.Addr, kind, req.Name), lang, false)
	if err != nil {
		return err
	}
	if err := sendProfile(c, req.Addr, wholeBody(body)); err != nil {
		return err
	}
	s.metrics.profilesServed(kind, false, found).Inc()
	return nil
}
