package web

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// accountRequest is what the form, the review page, the download and the
// API are asked for: an address, a protocol and an optional name.
type accountRequest site.Account

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

// Bounds on what a page echoes of the query, in bytes. A value over its
// bound is invalid anyway (its error says so) and is dropped, not echoed,
// so that a long query cannot make a page or its links many times its
// size. Each is well above what its field accepts, so a value a little
// too long still comes back to be corrected.
const (
	maxEchoEmail = 1024                   // profile.ParseAddress reads no more
	maxEchoType  = 32                     // "imap", "pop3", and typos of them
	maxEchoName  = 4 * profile.MaxNameLen // up to 4 bytes a character
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
	return formValues{Email: keep(f.Email, maxEchoEmail), Type: keep(f.Type, maxEchoType), Name: keep(f.Name, maxEchoName)}
}

// values is f as query parameters, leaving out the empty ones.
func (f formValues) values() url.Values {
	v := url.Values{}
	for _, kv := range [...]struct{ k, v string }{{"email", f.Email}, {"type", f.Type}, {"name", f.Name}} {
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
	return formValues{Email: fix(f.Email), Type: fix(f.Type), Name: fix(f.Name)}
}

// parseAccountRequest validates the query. Errors are *profile.InputError.
func parseAccountRequest(f formValues) (accountRequest, error) {
	a, err := site.ParseAccount(f.Email, f.Type, f.Name)
	return accountRequest(a), err
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
