package clientconf

import (
	"errors"

	"github.com/mailprofile/mailprofile/provider"
)

// Entry is what every document is made from: one provider of the
// operator's catalog and the domain the document is asked for. Documents
// are only ever made for catalog entries, never for settings found at run
// time: a document is the operator vouching for the servers in it.
type Entry struct {
	Provider *provider.Provider
	// Domain is the domain asked for, lower-case in A-labels: the
	// autoconfig host's or the address's. It fills in %EMAILDOMAIN% in
	// host names when no address is given.
	Domain string
	// Domains are the provider's domains that the catalog still maps to
	// it (provider.Catalog.DomainsOf); nil means Provider.Domains.
	Domains []string
}

func (e Entry) domains() []string {
	if e.Domains != nil {
		return e.Domains
	}
	return e.Provider.Domains
}

// ErrNotServed is the sentinel of NotServedError, for errors.Is.
var ErrNotServed = errors.New("the provider's settings cannot be expressed in this format")

// NotServedError reports that a catalog entry has nothing a format can
// carry honestly: no encrypted server, OAuth sign-in only, a user name
// PACC cannot express. Its message is fit for the operator; clients get
// only the format's plain "not found".
type NotServedError struct {
	Format string // autoconfig, autodiscover, pacc
	Reason string
}

func (e *NotServedError) Error() string { return e.Format + ": " + e.Reason }

// Is makes errors.Is(err, ErrNotServed) true.
func (e *NotServedError) Is(target error) bool { return target == ErrNotServed }

// hostIn is s's host name for domain, and whether it is a valid host name
// (a long domain in %EMAILDOMAIN% can make it too long).
func hostIn(s provider.Server, domain string) (string, bool) {
	h := s.HostFor(domain)
	return h, provider.CheckHostname(h) == nil
}
