package discover

import (
	"net/url"
	"strings"
)

// validHost accepts a lower-case ASCII host name of two or more labels
// (RFC 1123 letters, digits and hyphens), not all-numeric at the end.
// Every name that reaches us from DNS (MX and SRV targets) or is built
// from one passes it before it is asked for, connected to or put in a
// URL; provider.Settings checks again before a name reaches a profile.
func validHost(h string) bool {
	if len(h) > 253 || !strings.Contains(h, ".") {
		return false
	}
	for l := range strings.SplitSeq(h, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return strings.Trim(h[strings.LastIndexByte(h, '.')+1:], "0123456789") != ""
}

// The provider-hosted autoconfig locations, HTTPS only. The draft's
// ?emailaddress= parameter is left off: answers are cached per domain
// and shared between visitors, so they must not depend on one address,
// and the provider's web server has no need to learn it. URLs are built
// as url.URL values, never by pasting strings, so that no name can add
// a path, a query or a fragment.
func autoconfigURL(domain string) string {
	return (&url.URL{Scheme: "https", Host: "autoconfig." + domain, Path: "/mail/config-v1.1.xml"}).String()
}

func wellKnownURL(domain string) string {
	return (&url.URL{Scheme: "https", Host: domain, Path: "/.well-known/autoconfig/mail/config-v1.1.xml"}).String()
}

// ispdbURL is the ISPDB's document for domain: base with domain added
// to its path as one escaped segment.
func ispdbURL(base *url.URL, domain string) string {
	u := *base
	u.Path = base.Path + domain
	u.RawPath = base.EscapedPath() + url.PathEscape(domain)
	return u.String()
}
