package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// apiServer is one server in the API's answer.
type apiServer struct {
	Host           string `json:"host"`
	Port           int    `json:"port"`
	Security       string `json:"security"` // "SSL" or "STARTTLS"
	Username       string `json:"username"`
	Authentication string `json:"authentication"` // Apple's EmailAuth* value
}

// apiAccount is the settings for one kind of account, and where they
// came from. A mail account (imap, pop) has both servers, an Exchange
// account its ActiveSync server as incoming (authentication "OAuth"), a
// Google account neither.
type apiAccount struct {
	Type     string     `json:"type"`
	Incoming *apiServer `json:"incoming,omitempty"`
	Outgoing *apiServer `json:"outgoing,omitempty"`
	// Services are what a profile of this kind can set up ("mail",
	// "calendar", "contacts"); Calendar and Contacts the CalDAV and
	// CardDAV servers, when offered.
	Services   []string           `json:"services"`
	Calendar   *profile.DAVServer `json:"calendar,omitempty"`
	Contacts   *profile.DAVServer `json:"contacts,omitempty"`
	ProfileURL string             `json:"profile_url"`
	// Devices are where the profile installs: "ios" (iPhone and iPad),
	// "macos".
	Devices []string `json:"devices"`
	Notes   []string `json:"notes,omitempty"`
	// Source says where the settings came from, for people.
	Source string `json:"source"`
	// Method and Confidence are how the settings were found and how far
	// they can be trusted; Via is what was asked (a URL, an MX host, a
	// DNS name).
	Method     provider.Method     `json:"method"`
	Confidence provider.Confidence `json:"confidence"`
	Via        string              `json:"via,omitempty"`
	// Signed reports whether this account's profile is signed: settings
	// found at run time are not, unless the operator vouches for them.
	Signed bool `json:"signed"`
}

// apiSettings is the body of GET /api/v1/settings. Source is that of the
// last account; Signed reports whether every account's profile is signed.
// Preferred is the kind a /profile without a type gives the device that
// asked (its User-Agent, or the device parameter); empty when no kind
// installs there.
type apiSettings struct {
	Email       string            `json:"email"`
	Provider    string            `json:"provider"`
	Source      string            `json:"source"`
	Signed      bool              `json:"signed"`
	Preferred   string            `json:"preferred,omitempty"`
	Accounts    []apiAccount      `json:"accounts"`
	Unavailable map[string]string `json:"unavailable,omitempty"`
	Notes       []string          `json:"notes,omitempty"`
}

func newAPIServer(srv profile.Server) *apiServer {
	if srv.Host == "" {
		return nil
	}
	sec := "SSL"
	if srv.STARTTLS {
		sec = "STARTTLS"
	}
	return &apiServer{Host: srv.Host, Port: srv.Port, Security: sec, Username: srv.Username, Authentication: string(srv.Auth)}
}

func newAPIDAV(srv profile.DAVServer) *profile.DAVServer {
	if srv.Host == "" {
		return nil
	}
	return &srv
}

// apiDevices are where a profile of kind k installs.
func apiDevices(k profile.Protocol) []string {
	if k.OnMac() {
		return []string{deviceParamIOS, deviceParamMac}
	}
	return []string{deviceParamIOS}
}

// apiSettings serves GET /api/v1/settings?email=…[&type=…][&name=…][&device=…][&services=…]:
// the settings of each kind of account the provider offers, in its order
// of preference (or of the one asked for), and why IMAP or POP is
// unavailable. The name and services are checked as the download checks
// them, and carried into each profile_url; a kind without the services
// asked for is unavailable.
func (s *Server) apiSettings(c echo.Context) error {
	f := rawForm(c)
	addr, err := profile.ParseAddress(f.Email)
	if err != nil {
		return err
	}
	name, err := profile.ParseName(f.Name)
	if err != nil {
		return err
	}
	asked, err := profile.ParseProtocol(f.Type)
	if err != nil {
		return err
	}
	deviceParam, err := parseDevice(f.Device)
	if err != nil {
		return err
	}
	services, err := profile.ParseServices(f.Services)
	if err != nil {
		return err
	}
	kinds := s.kinds(c.Request().Context(), addr)
	list := []profile.Protocol{asked}
	if asked == profile.Auto {
		if list, err = kinds.preference(); err != nil {
			return err
		}
	}
	out := apiSettings{Email: addr.String(), Signed: s.signer != nil, Accounts: []apiAccount{}}
	var firstErr error
	for _, k := range list {
		found, err := kinds.find(k)
		if err == nil {
			err = found.Offer(services, k) // the services asked for, carried in profile_url
		}
		if err != nil {
			if final(err) {
				return err // not about this kind: about the address, the server, or this client
			}
			// The services asked for, when refused, say more than
			// a kind the provider has not.
			if firstErr == nil || errors.Is(err, provider.ErrNoService) && !errors.Is(firstErr, provider.ErrNoService) {
				firstErr = err
			}
			if asked == profile.Auto && k.SignsIn() {
				continue // not every provider has one: no news
			}
			if out.Unavailable == nil {
				out.Unavailable = map[string]string{}
			}
			out.Unavailable[string(k)] = site.UserMessage(err)
			continue
		}
		out.Provider = found.ProviderName()
		out.Source = found.Source()
		out.Notes = found.Notes
		req := accountRequest{Addr: addr, Proto: k, Name: name, Services: services}
		o := origin(found)
		out.Accounts = append(out.Accounts, apiAccount{
			Type:       string(k),
			Incoming:   newAPIServer(found.Incoming),
			Outgoing:   newAPIServer(found.Outgoing),
			Services:   found.Services().Names(),
			Calendar:   newAPIDAV(found.Calendar),
			Contacts:   newAPIDAV(found.Contacts),
			ProfileURL: "/profile?" + req.query(),
			Devices:    apiDevices(k),
			Notes:      found.Notes,
			Source:     found.Source(),
			Method:     o.Method,
			Confidence: o.Confidence,
			Via:        o.Via,
			Signed:     s.signs(found),
		})
		out.Signed = out.Signed && s.signs(found)
	}
	if len(out.Accounts) == 0 {
		if firstErr == nil {
			firstErr = errors.New("no kinds asked for")
		}
		return firstErr
	}
	if o, err := kinds.choose(profile.Auto, requestDevice(c.Request().UserAgent(), deviceParam)); err == nil {
		out.Preferred = string(o.Kind)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, out)
}
