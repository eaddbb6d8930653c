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

// apiAccount is the settings for one protocol, and where they came from.
type apiAccount struct {
	Type       string    `json:"type"`
	Incoming   apiServer `json:"incoming"`
	Outgoing   apiServer `json:"outgoing"`
	ProfileURL string    `json:"profile_url"`
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
type apiSettings struct {
	Email       string            `json:"email"`
	Provider    string            `json:"provider"`
	Source      string            `json:"source"`
	Signed      bool              `json:"signed"`
	Accounts    []apiAccount      `json:"accounts"`
	Unavailable map[string]string `json:"unavailable,omitempty"`
	Notes       []string          `json:"notes,omitempty"`
}

func newAPIServer(srv profile.Server) apiServer {
	sec := "SSL"
	if srv.STARTTLS {
		sec = "STARTTLS"
	}
	return apiServer{Host: srv.Host, Port: srv.Port, Security: sec, Username: srv.Username, Authentication: string(srv.Auth)}
}

// apiSettings serves GET /api/v1/settings?email=…[&type=…][&name=…]: the
// settings for each protocol (or the one asked for), and why any is
// unavailable. The name is checked as the download checks it, and carried
// into each profile_url.
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
	protos := []profile.Protocol{profile.IMAP, profile.POP}
	if f.Type != "" {
		p, err := profile.ParseProtocol(f.Type)
		if err != nil {
			return err
		}
		protos = []profile.Protocol{p}
	}
	out := apiSettings{Email: addr.String(), Signed: s.signer != nil, Accounts: []apiAccount{}}
	var firstErr error
	for _, p := range protos {
		found, err := s.finder.Find(c.Request().Context(), addr, p)
		if err != nil {
			if pe := site.Classify(err); pe.Status >= 500 || pe.RetryAfter > 0 {
				return err // not about this protocol: about the server, or this client
			}
			if firstErr == nil {
				firstErr = err
			}
			if out.Unavailable == nil {
				out.Unavailable = map[string]string{}
			}
			out.Unavailable[string(p)] = site.UserMessage(err)
			continue
		}
		out.Provider = found.ProviderName()
		out.Source = found.Source()
		out.Notes = found.Notes
		req := accountRequest{Addr: addr, Proto: p, Name: name}
		o := origin(found)
		out.Accounts = append(out.Accounts, apiAccount{
			Type:       string(p),
			Incoming:   newAPIServer(found.Incoming),
			Outgoing:   newAPIServer(found.Outgoing),
			ProfileURL: "/profile?" + req.query(),
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
			firstErr = errors.New("no protocols asked for")
		}
		return firstErr
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, out)
}
