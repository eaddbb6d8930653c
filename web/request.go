package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// accountRequest is what the form, the review page, the download and the
// API are asked for: an address, a kind of account (profile.Auto for the
// provider's preferred kind on the device), an optional name, and the
// device when the visitor named it.
type accountRequest struct {
	Addr   profile.Address
	Proto  profile.Protocol
	Name   string
	Device string // "", deviceParamIOS or deviceParamMac
	// Services are the services asked for; the zero value (none named)
	// is mail only, except on the review page, which offers every
	// service the provider has (setup_services.go).
	Services profile.Services
}

// formValues are the raw values as typed, kept to refill the form.
type formValues struct {
	Email  string
	Type   string
	Name   string
	Device string
	// Lang is the lang parameter, which the profile's texts follow.
	Lang string
	// Services are the services parameters joined with commas: a form's
	// checkboxes send one parameter for each box.
	Services string
}

func rawForm(c echo.Context) formValues {
	if f, ok := fastForm(c.QueryString()); ok {
		return f // the same values, without a map
	}
	q := c.QueryParams()
	return formValues{Email: q.Get("email"), Type: q.Get("type"), Name: q.Get("name"), Device: q.Get("device"), Lang: q.Get("lang"),
		Services: strings.Join(q["services"], ",")}
}

// The values of the device parameter, which override the User-Agent.
const (
	deviceParamIOS = "ios"
	deviceParamMac = "macos"
)

// parseDevice reads the device parameter. Errors are *profile.InputError.
func parseDevice(s string) (string, error) {
	switch s {
	case "", deviceParamIOS, deviceParamMac:
		return s, nil
	}
	if len(s) > 16 {
		s = s[:16] + "…"
	}
	return "", &profile.InputError{Field: "device", Message: fmt.Sprintf("unknown device %q: choose ios or macos", s)}
}

// Bounds on what a page echoes of the query, in bytes. A value over its
// bound is invalid anyway (its error says so) and is dropped, not echoed,
// so that a long query cannot make a page or its links many times its
// size. Each is well above what its field accepts, so a value a little
// too long still comes back to be corrected.
const (
	maxEchoEmail    = 1024                   // profile.ParseAddress reads no more
	maxEchoType     = 32                     // "imap", "exchange", and typos of them
	maxEchoName     = 4 * profile.MaxNameLen // up to 4 bytes a character
	maxEchoDevice   = 16                     // "ios", "macos"
	maxEchoServices = 64                     // "mail,calendar,contacts"
)

// echoable is f with each value over its bound dropped: what pages refill
// the form with and carry in links rebuilt from the query.
func (f formValues) echoable() formValues {
	keep := func(s string, max int) string {
		if len(s) > max {
			return ""
		}
		return s
	}
	return formValues{Email: keep(f.Email, maxEchoEmail), Type: keep(f.Type, maxEchoType), Name: keep(f.Name, maxEchoName),
		Device: keep(f.Device, maxEchoDevice), Services: keep(f.Services, maxEchoServices)}
}

// values is f as query parameters, leaving out the empty ones.
func (f formValues) values() url.Values {
	v := url.Values{}
	for _, kv := range [...]struct{ k, v string }{{"email", f.Email}, {"type", f.Type}, {"name", f.Name}, {"device", f.Device}, {"services", f.Services}} {
		if kv.v != "" {
			v.Set(kv.k, kv.v)
		}
	}
	return v
}

// display is f fit to show again in a page: within the echo bounds, and
// valid UTF-8, since the page declares it: bytes that are not become
// U+FFFD. (Some browsers let an invalid lead byte swallow the quote that
// ends an attribute.)
func (f formValues) display() formValues {
	f = f.echoable()
	fix := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	return formValues{Email: fix(f.Email), Type: fix(f.Type), Name: fix(f.Name), Device: fix(f.Device), Services: fix(f.Services)}
}

// parseAccountRequest validates the query. Errors are *profile.InputError.
func parseAccountRequest(f formValues) (accountRequest, error) {
	a, err := site.ParseAccount(f.Email, f.Type, f.Name)
	if err != nil {
		return accountRequest{}, err
	}
	device, err := parseDevice(f.Device)
	if err != nil {
		return accountRequest{}, err
	}
	svc, err := profile.ParseServices(f.Services)
	if err != nil {
		return accountRequest{}, err
	}
	return accountRequest{Addr: a.Addr, Proto: a.Proto, Name: a.Name, Device: device, Services: svc}, nil
}

// query is the canonical query string for r, used in links between pages:
// the type only when one was chosen, the device and services only when
// named.
func (r accountRequest) query() string { return r.values().Encode() }

// values are r's query parameters, as query encodes them.
func (r accountRequest) values() url.Values {
	v := url.Values{}
	v.Set("email", r.Addr.String())
	if r.Proto != profile.Auto {
		v.Set("type", string(r.Proto))
	}
	if r.Name != "" {
		v.Set("name", r.Name)
	}
	if r.Device != "" {
		v.Set("device", r.Device)
	}
	if r.Services != 0 {
		v.Set("services", r.Services.String())
	}
	return v
}

// with is r asking for kind k, on the device dev names ("" for none).
func (r accountRequest) with(k profile.Protocol, dev string) accountRequest {
	r.Proto, r.Device = k, dev
	return r
}

// withServices is r asking for the services svc.
func (r accountRequest) withServices(svc profile.Services) accountRequest {
	r.Services = svc
	return r
}
