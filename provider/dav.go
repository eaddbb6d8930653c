package provider

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
)

// DAV is one calendar or address book section of a clientConfig file, as
// Thunderbird and the IETF draft (draft-ietf-mailmaint-autoconfig,
// "URL-based protocols") write them beside <emailProvider>:
//
//	<calendar type="caldav">
//	  <url>https://caldav.example.com/</url>
//	  <authentication>http-basic</authentication>
//	  <username>%EMAILADDRESS%</username>
//	</calendar>
//	<addressBook type="carddav">…</addressBook>
//
// The draft's schema spells the second <addressbook>; Thunderbird and
// the draft's sample spell it <addressBook>: both are read. Sections
// inside <emailProvider> are read too, after the root's.
type DAV struct {
	Type string // caldav or carddav
	// URL is the https URL the device starts from; it may hold the
	// %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% placeholders.
	URL string
	// Auth are the file's sign-in methods that are known, canonical:
	// http-basic, http-digest, password-cleartext, password-encrypted,
	// OAuth2. Empty when the file names none: HTTP sign-in with the
	// password, as every CalDAV client does.
	Auth     []string
	Username string // pattern with placeholders; empty means the full address
}

// The types of DAV sections.
const (
	TypeCalDAV  = "caldav"
	TypeCardDAV = "carddav"
)

type xmlDAV struct {
	Type     string   `xml:"type,attr"`
	URL      string   `xml:"url"`
	Auth     []string `xml:"authentication"`
	Username string   `xml:"username"`
}

// davAuthNames maps the spellings of the sample (http-basic), of the
// draft (<authentication system="http">Basic</authentication>) and of
// the mail servers to the canonical values.
var davAuthNames = map[string]string{
	"http-basic":         "http-basic",
	"basic":              "http-basic",
	"http-digest":        "http-digest",
	"digest":             "http-digest",
	"password-cleartext": AuthPasswordCleartext,
	"plain":              AuthPasswordCleartext,
	"password-encrypted": AuthPasswordEncrypted,
	"secure":             AuthPasswordEncrypted,
	"oauth2":             AuthOAuth2,
}

// convertDAVs validates the sections of one type (the element's name) and
// appends the usable ones to list, with a warning for each that is not.
// A section of another type (webdav, ews…) is skipped silently.
func (p *Provider) convertDAVs(list *[]DAV, elem, typ string, xs []xmlDAV) {
	for i, x := range xs {
		if !strings.EqualFold(strings.TrimSpace(x.Type), typ) {
			continue
		}
		d, err := convertDAV(typ, x)
		if err != nil {
			p.warn("%s %d (%s) dropped: %v", elem, i+1, typ, err)
			continue
		}
		*list = append(*list, d)
	}
}

func convertDAV(typ string, x xmlDAV) (DAV, error) {
	d := DAV{Type: typ, URL: strings.TrimSpace(x.URL)}
	if err := checkDAVURL(d.URL); err != nil {
		return DAV{}, err
	}
	for _, a := range x.Auth {
		if v, ok := davAuthNames[strings.ToLower(strings.TrimSpace(a))]; ok {
			d.Auth = append(d.Auth, v)
		}
	}
	if len(x.Auth) > 0 && len(d.Auth) == 0 {
		return DAV{}, errors.New("no known authentication method")
	}
	var err error
	if d.Username, err = usernamePattern(x.Username); err != nil {
		return DAV{}, err
	}
	return d, nil
}

// checkDAVURL accepts an https URL on a host name, with placeholders
// that the example address fills in. A URL without TLS is refused: no
// document or profile of ours sends a password in the clear.
func checkDAVURL(raw string) error {
	if raw == "" {
		return errors.New("no url")
	}
	if len(raw) > 2048 {
		return errors.New("url is longer than 2048 bytes")
	}
	known := strings.NewReplacer("%EMAILADDRESS%", "", "%EMAILLOCALPART%", "", "%EMAILDOMAIN%", "").Replace(raw)
	if ph := placeholderRE.FindString(known); ph != "" {
		return fmt.Errorf("url uses unsupported placeholder %s", truncate(ph, 30))
	}
	_, err := davServer(raw, profile.Address{Local: "user", Domain: "example.com"}, "")
	return err
}

// davServer is the server the URL raw names for addr, with the user name
// pattern filled in. The address fills the placeholders: the domain in
// the host name as it is, every value in the path escaped for a path.
func davServer(raw string, addr profile.Address, userPattern string) (profile.DAVServer, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || !strings.EqualFold(scheme, "https") {
		return profile.DAVServer{}, errors.New("url is not an https URL")
	}
	host, path, _ := strings.Cut(rest, "/")
	host = strings.ReplaceAll(host, "%EMAILDOMAIN%", strings.ToLower(addr.Domain))
	path = strings.NewReplacer(
		"%EMAILADDRESS%", url.PathEscape(addr.String()),
		"%EMAILLOCALPART%", url.PathEscape(addr.Local),
		"%EMAILDOMAIN%", url.PathEscape(addr.Domain),
	).Replace(path)
	full := "https://" + host + "/" + path
	u, err := url.Parse(full)
	if err != nil {
		return profile.DAVServer{}, fmt.Errorf("url is not a valid URL")
	}
	if u.User != nil || u.Fragment != "" {
		return profile.DAVServer{}, errors.New("url has user information or a fragment")
	}
	name := strings.ToLower(u.Hostname())
	if err := checkHostname(name); err != nil {
		return profile.DAVServer{}, fmt.Errorf("url host: %w", err)
	}
	port := 443
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return profile.DAVServer{}, fmt.Errorf("url port %q is not a number from 1 to 65535", truncate(p, 20))
		}
	}
	u.Host = strings.ToLower(u.Host)
	return profile.DAVServer{Host: name, Port: port, PrincipalURL: u.String(), Username: expand(userPattern, addr)}, nil
}

// usableDAV reports whether a profile can sign in to d: with a password,
// which the device sends by HTTP authentication. A section that offers
// only OAuth2 is not.
func usableDAV(d DAV) bool {
	if len(d.Auth) == 0 {
		return true
	}
	for _, a := range d.Auth {
		if a != AuthOAuth2 {
			return true
		}
	}
	return false
}

// davFor is the first usable server of list for addr, or the zero value.
func davFor(list []DAV, addr profile.Address) profile.DAVServer {
	for _, d := range list {
		if !usableDAV(d) {
			continue
		}
		if s, err := davServer(d.URL, addr, d.Username); err == nil {
			return s
		}
	}
	return profile.DAVServer{}
}

// Server is the server d names for addr, placeholders filled in.
func (d DAV) Server(addr profile.Address) (profile.DAVServer, error) {
	return davServer(d.URL, addr, d.Username)
}

// URLIn is d's URL with %EMAILDOMAIN% in the host name filled in with
// domain, as host names of mail servers are for a domain; placeholders in
// the path are left for the client, which knows the address.
func (d DAV) URLIn(domain string) string {
	scheme, rest, ok := strings.Cut(d.URL, "://")
	if !ok {
		return d.URL
	}
	host, path, slash := strings.Cut(rest, "/")
	out := scheme + "://" + strings.ReplaceAll(host, "%EMAILDOMAIN%", strings.ToLower(domain))
	if slash {
		out += "/" + path
	}
	return out
}
