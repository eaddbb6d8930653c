package web

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// showSetupPage renders GET /setup: what will be installed, the download
// button and the steps for the visitor's device. Bad input goes back to
// the form with the message by its field. A kind the device cannot
// install gets the device's own steps instead, with 422 when it was
// asked for by name.
func (s *Server) showSetupPage(c echo.Context) error {
	f := rawForm(c)
	req, err := parseAccountRequest(f)
	if err == nil {
		if waiting, err := s.showLooking(c, req); waiting || err != nil {
			return err // a new domain's lookup runs on: looking.go
		}
		data := s.page(c, "setup.title")
		var view *setupView
		view, err = s.setupView(c, req, data.LangParam)
		if err == nil {
			data.Setup = view
			return s.render(c, view.status, "setup.html", data)
		}
	}
	pe := site.Classify(err)
	if pe.Field == "" || pe.Status >= 500 {
		return err
	}
	data := s.page(c, "form.title")
	data.setFieldError(pe.Field, err, pe.Message)
	s.log.Info("form rejected", "path", "/setup", "status", pe.Status, "field", pe.Field, "request_id", requestID(c))
	return s.render(c, pe.Status, "form.html", data)
}

// setupView builds the review page for req on the visitor's device: the
// kind chosen (kind.go), its settings and download, or, when the device
// cannot install it, the device's own way to add the account.
func (s *Server) setupView(c echo.Context, req accountRequest, lang string) (*setupView, error) {
	ctx := c.Request().Context()
	dev := visitorDevice(c, req.Device)
	kinds := s.kinds(ctx, req.Addr)
	status := http.StatusOK
	o, err := kinds.choose(req.Proto, dev)
	var ni *notInstallableError
	switch {
	case errors.As(err, &ni):
		// Not installable here: the page is the device's own steps, for
		// the kind asked for or the provider's first.
		if req.Proto != profile.Auto {
			status = http.StatusUnprocessableEntity
		}
		if o.Found, err = kinds.find(ni.Kind); err != nil {
			return nil, err
		}
		o.Kind = ni.Kind
	case err != nil:
		return nil, err
	}
	found := o.Found
	if (o.Kind == profile.IMAP || o.Kind == profile.POP) && (found.Incoming.Host == "" || found.Outgoing.Host == "") ||
		o.Kind == profile.Exchange && found.Incoming.Host == "" {
		return nil, errors.New("settings without a host")
	}
	chosen := req.with(o.Kind, req.Device)
	var services *servicesView
	if chosen.Services, services, err = servicesChoice(req, o.Kind, found); err != nil {
		return nil, err
	}
	q := setupQuery(req, lang)
	pageURL := site.AbsoluteURL(c, "/setup", q)
	v := &setupView{
		status:      status,
		Email:       req.Addr.String(),
		Kind:        string(o.Kind),
		Protocol:    kindName(o.Kind),
		SignsIn:     o.Kind.SignsIn(),
		Installable: ni == nil,
		Provider:    found.ProviderName(),
		Notes:       s.notes(c, found),
		DownloadURL: "/profile?" + chosen.query(),
		ChangeURL:   "/?" + q.Encode(),
		Signed:      s.signs(found),
		Device:      dev,
		MacPlace:    dev.macPlace(),
		PageURL:     pageURL,
		SafariURL:   template.URL("x-safari-" + pageURL), //nolint:gosec // built here from the escaped query
		QRURL:       "/setup/qr.svg?" + setupQuery(req.with(req.Proto, ""), lang).Encode(),
		Services:    services.withHidden(chosen),
	}
	if o.Kind != profile.Exchange { // an Exchange account takes the name from the server
		v.Name = req.Name
	}
	switch o.Kind {
	case profile.IMAP, profile.POP:
		v.Incoming = newServerView(kindName(o.Kind), found.Incoming)
		v.Outgoing = newServerView("SMTP", found.Outgoing)
	case profile.Exchange:
		v.Incoming = newServerView("Exchange", found.Incoming)
	}
	v.setOrigin(s, found)
	c.Set(setupCacheableKey, !found.Origin.Discovered()) // setuppage.go
	offers, _, err := kinds.offers()
	if err != nil {
		return nil, err
	}
	v.setChoices(req, offers, lang)
	v.setHand(o, dev, offers)
	if dev.Kind == deviceMac {
		v.setIPad(kinds, req.withServices(chosen.Services))
	}
	if dev.Kind == deviceOther {
		v.setManual(offers)
	}
	v.downloadsIn(lang)
	v.setDevice(s, o.Kind, found)
	return v, nil
}

// notInstallable reports whether err refuses a kind the device cannot
// install, for a visitor who gets a page (not JSON): that page is the
// friendly one with the device's own steps, not an error.
func notInstallable(c echo.Context, err error) bool {
	var ni *notInstallableError
	return errors.As(err, &ni) && !site.WantsJSON(c) && c.Request().Method == http.MethodGet
}

// showNotInstallable answers a download the device cannot install with
// the review page's steps for the device, with 422; edit, when not nil,
// adjusts the page (a helpdesk link's).
func (s *Server) showNotInstallable(c echo.Context, err error, req accountRequest, edit func(*setupView, string)) error {
	s.logError(c, err, site.Classify(err))
	data := s.page(c, "setup.title")
	view, verr := s.setupView(c, req, data.LangParam)
	if verr != nil {
		return verr
	}
	if edit != nil {
		edit(view, data.LangParam)
	}
	data.Setup = view
	return s.render(c, http.StatusUnprocessableEntity, "setup.html", data)
}
