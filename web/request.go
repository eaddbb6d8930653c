package web

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
)

// accountRequest is what the form, the review page, the download and the
// API are asked for: an address, a protocol and an optional name.
type accountRequest struct {
	Addr  profile.Address
	Proto profile.Protocol
	Name  string
}

// formValues are the raw values as typed, kept to refill the form.
type formValues struct {
	Email string
	Type  string
	Name  string
}

func rawForm(c echo.Context) formValues {
	if f, ok := fastForm(c.QueryString()); ok {
		return f // the same values, without a map
	}
	q := c.QueryParams()
	return formValues{Email: q.Get("email"), Type: q.Get("type"), Name: q.Get("name")}
}

// display is f fit to show again in a page, which declares UTF-8: bytes
// that are not valid UTF-8 become U+FFFD. (Some browsers let an invalid
// lead byte swallow the quote that ends an attribute.)
func (f formValues) display() formValues {
	fix := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	return formValues{Email: fix(f.Email), Type: fix(f.Type), Name: fix(f.Name)}
}

// parseAccountRequest validates the query. Errors are *profile.InputError.
func parseAccountRequest(f formValues) (accountRequest, error) {
	addr, err := profile.ParseAddress(f.Email)
	if err != nil {
		return accountRequest{}, err
	}
	proto, err := profile.ParseProtocol(f.Type)
	if err != nil {
		return accountRequest{}, err
	}
	name, err := profile.ParseName(f.Name)
	if err != nil {
		return accountRequest{}, err
	}
	return accountRequest{Addr: addr, Proto: proto, Name: name}, nil
}

// query is the canonical query string for r, used in links between pages.
func (r accountRequest) query() string {
	v := url.Values{}
	v.Set("email", r.Addr.String())
	v.Set("type", string(r.Proto))
	if r.Name != "" {
		v.Set("name", r.Name)
	}
	return v.Encode()
}
