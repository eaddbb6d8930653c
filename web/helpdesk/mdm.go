package helpdesk

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/mdm"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// mdmForm is the /admin/mdm page: the choices and what the agent typed.
type mdmForm struct {
	Vendors []mdm.Vendor
	Vendor  string
	Domain  string
	Type    string
	// The generic vendor's variables.
	AddressVariable, NameVariable, LocalPartVariable string
	Error                                            string
}

// ShowMDM serves GET /admin/mdm: the form for an MDM template.
func (s *Desk) ShowMDM(c echo.Context) error {
	return s.renderMDM(c, http.StatusOK, mdmForm{Vendor: "jamf-pro", Type: string(profile.IMAP)})
}

func (s *Desk) renderMDM(c echo.Context, status int, f mdmForm) error {
	p := s.adminPage(c, "hd.mdm_title")
	f.Vendors = mdm.Vendors()
	p.Data = f
	return s.renderAdmin(c, status, "admin_mdm.html", p)
}

// DownloadMDM serves POST /admin/mdm: the unsigned template of a domain
// of the catalog, for a vendor, as a download. A bad choice shows the
// form again with the reason; the MDM signs what it pushes.
func (s *Desk) DownloadMDM(c echo.Context) error {
	f := mdmForm{
		Vendor: postField(c, "vendor"), Domain: postField(c, "domain"), Type: postField(c, "type"),
		AddressVariable: postField(c, "address_variable"), NameVariable: postField(c, "name_variable"), LocalPartVariable: postField(c, "local_part_variable"),
	}
	doc, name, err := s.mdmTemplate(c, f)
	if err != nil {
		var ke *site.KeyedError
		if !errors.As(err, &ke) {
			return err
		}
		f.Error = ke.Message
		return s.renderMDM(c, ke.Status, f)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(doc)))
	return c.Blob(http.StatusOK, "application/x-apple-aspen-config", doc)
}

// mdmTemplate builds the template f asks for, or a *site.KeyedError
// whose message, in the agent's language, says what to change.
func (s *Desk) mdmTemplate(c echo.Context, f mdmForm) ([]byte, string, error) {
	ms := s.messages.ForLang(s.language(c))
	refuse := func(status int, key string, args ...any) error {
		return &site.KeyedError{Status: status, Key: key, Message: ms.T(key, args...)}
	}
	v, err := mdm.Lookup(f.Vendor, profile.Placeholders{Address: f.AddressVariable, Name: f.NameVariable, LocalPart: f.LocalPartVariable})
	if err != nil {
		var ie *profile.InputError
		if errors.As(err, &ie) && ie.Field == "address-variable" {
			return nil, "", refuse(http.StatusBadRequest, "hd.mdm_err_address_variable")
		}
		return nil, "", refuse(http.StatusBadRequest, "hd.mdm_err_vendor")
	}
	kind, err := profile.ParseProtocol(f.Type)
	if err != nil || kind == profile.Auto {
		return nil, "", refuse(http.StatusBadRequest, "hd.mdm_err_type")
	}
	addr, err := profile.TemplateAddress(f.Domain)
	if err != nil {
		return nil, "", refuse(http.StatusBadRequest, "hd.mdm_err_domain")
	}
	found, err := s.finder.Find(c.Request().Context(), addr, kind)
	switch {
	case errors.Is(err, provider.ErrNotFound):
		return nil, "", refuse(http.StatusNotFound, "hd.mdm_err_unknown_domain", "domain", addr.Domain)
	case err != nil:
		if pe := site.Classify(err); pe.Status < 500 {
			return nil, "", &site.KeyedError{Status: pe.Status, Message: pe.Message}
		}
		return nil, "", err
	case found.Origin.Discovered():
		// A template goes to every device of a company: only settings
		// the operator vouches for, as cmd's mdm.
		return nil, "", refuse(http.StatusUnprocessableEntity, "hd.mdm_err_discovered", "domain", addr.Domain)
	}
	doc, err := mdm.Template(found.Account(addr, kind, ""), v, s.profile)
	var mv *mdm.MissingVariableError
	switch {
	case errors.As(err, &mv):
		return nil, "", refuse(http.StatusUnprocessableEntity, "hd.mdm_err_missing", "vendor", mv.Vendor, "field", mv.Field, "provider", mv.Provider)
	case err != nil && v.ID == mdm.Generic:
		// The operator's variables: the reason names the one to change.
		return nil, "", &site.KeyedError{Status: http.StatusBadRequest, Message: err.Error()}
	case err != nil:
		return nil, "", err
	}
	return doc, mdm.FileName(addr.Domain, kind, v), nil
}
