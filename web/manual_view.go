package web

import (
	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// manualPage is the manual route's page.
type manualPage struct {
	*pageData
	Email, Domain, Kind string
	// Discovered says the servers were prefilled from discovery, not
	// guessed.
	Discovered bool
	// Hidden are the request's values the form carries along.
	Hidden    []hiddenField
	In, Out   manualServerView
	TypeError *site.FieldError
}

// hiddenField is a form's hidden input (the manual form, the review
// page's services form).
type hiddenField struct{ Name, Value string }

// manualServerView is one server's fields.
type manualServerView struct {
	*pageData
	Prefix, LegendKey        string
	Host, Port, Security     string
	HostErr, PortErr, SecErr *site.FieldError
}

// manualErrorKeys are the catalog texts of the fields' errors.
var manualErrorKeys = map[string]string{
	"in_host": "manual.err_host", "out_host": "manual.err_host",
	"in_port": "manual.err_port", "out_port": "manual.err_port",
	"in_security": "manual.err_security", "out_security": "manual.err_security",
	"type": "manual.err_type",
}

func (s *Server) renderManual(c echo.Context, status int, data *pageData, req accountRequest, f manualForm, discovered bool, ie *profile.InputError) error {
	p := &manualPage{pageData: data, Email: req.Addr.String(), Domain: req.Addr.Domain, Kind: string(manualKind(req.Proto)), Discovered: discovered}
	p.Hidden = append(p.Hidden, hiddenField{"email", req.Addr.String()})
	for _, h := range []hiddenField{{"name", req.Name}, {"device", req.Device}, {"lang", data.LangParam}} {
		if h.Value != "" {
			p.Hidden = append(p.Hidden, h)
		}
	}
	fieldErr := func(field string) *site.FieldError {
		if ie == nil || ie.Field != field {
			return nil
		}
		return &site.FieldError{Text: data.T(manualErrorKeys[field]), Detail: site.Sentence(ie.Message)}
	}
	p.In = manualServerView{pageData: data, Prefix: "in", LegendKey: "manual.incoming", Host: f.InHost, Port: f.InPort, Security: f.InSecurity,
		HostErr: fieldErr("in_host"), PortErr: fieldErr("in_port"), SecErr: fieldErr("in_security")}
	p.Out = manualServerView{pageData: data, Prefix: "out", LegendKey: "manual.outgoing", Host: f.OutHost, Port: f.OutPort, Security: f.OutSecurity,
		HostErr: fieldErr("out_host"), PortErr: fieldErr("out_port"), SecErr: fieldErr("out_security")}
	p.TypeError = fieldErr("type")
	if ie != nil {
		s.log.Info("form rejected", "path", "/manual/profile", "status", status, "field", ie.Field, "request_id", requestID(c))
	}
	return s.renderPage(c, status, "manual.html", data, p)
}
