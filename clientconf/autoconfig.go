package clientconf

import (
	"bytes"
	"encoding/xml"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// AutoconfigContentType is the media type of an autoconfig document; the
// draft names text/xml.
const AutoconfigContentType = "text/xml; charset=utf-8"

// The shapes of clientConfig v1.1, in the element order of the IETF
// draft's examples (draft-ietf-mailmaint-autoconfig; its RELAX NG schema
// accepts any order, Thunderbird's reader too).
type xmlClientConfig struct {
	XMLName  xml.Name         `xml:"clientConfig"`
	Version  string           `xml:"version,attr"`
	Provider xmlEmailProvider `xml:"emailProvider"`
	// Sections are the root-level server sections, each naming its own
	// element in XMLName: <calendar type="caldav"> and <addressBook
	// type="carddav"> go here when the catalog carries them.
	Sections []xmlServer
	OAuth2   *xmlOAuth2 `xml:"oAuth2,omitempty"`
}

type xmlEmailProvider struct {
	ID          string      `xml:"id,attr"`
	Domains     []string    `xml:"domain"`
	DisplayName string      `xml:"displayName"`
	ShortName   string      `xml:"displayShortName,omitempty"`
	Incoming    []xmlServer `xml:"incomingServer"`
	Outgoing    []xmlServer `xml:"outgoingServer"`
	Docs        *xmlURL     `xml:"documentation,omitempty"`
	Enable      *xmlEnable  `xml:"enable,omitempty"`
	WebMail     *xmlWebMail `xml:"webMail,omitempty"`
	// Accounts is mailprofile's extension (provider.ExtensionNS), which
	// other clients ignore: the Google account and the order of
	// preference of kinds, so that another mailprofile reading this
	// document offers what a profile from here would.
	Accounts *xmlAccounts `xml:",omitempty"`
}

type xmlAccounts struct {
	XMLName xml.Name  `xml:"https://github.com/mailprofile/mailprofile/clientconfig/1 accounts"`
	Prefer  string    `xml:"prefer,attr,omitempty"`
	Google  *struct{} `xml:"google,omitempty"`
}

// xmlServer is a server section. XMLName is left empty for incoming and
// outgoing servers, whose field names the element; root-level sections
// set it. URL-based sections (CalDAV, CardDAV) use URL instead of
// Hostname, Port and SocketType.
type xmlServer struct {
	XMLName    xml.Name
	Type       string   `xml:"type,attr"`
	URL        string   `xml:"url,omitempty"`
	Hostname   string   `xml:"hostname,omitempty"`
	Port       int      `xml:"port,omitempty"`
	SocketType string   `xml:"socketType,omitempty"`
	Auth       []string `xml:"authentication"`
	Username   string   `xml:"username,omitempty"`
}

type xmlURL struct {
	URL string `xml:"url,attr"`
}

type xmlEnable struct {
	VisitURL     string           `xml:"visiturl,attr,omitempty"`
	Instructions []xmlInstruction `xml:"instruction"`
}

type xmlInstruction struct {
	Lang string `xml:"lang,attr,omitempty"`
	Text string `xml:",chardata"`
}

type xmlWebMail struct {
	LoginPage xmlURL `xml:"loginPage"`
}

type xmlOAuth2 struct {
	Issuer   string `xml:"issuer"`
	Scope    string `xml:"scope"`
	AuthURL  string `xml:"authURL"`
	TokenURL string `xml:"tokenURL"`
}

// Autoconfig returns e's clientConfig v1.1 document. With addr nil the
// user names keep their %EMAILADDRESS%-style placeholders, which the
// client fills in (K-9/Thunderbird for Android and KMail ask without an
// address); with addr they are filled in, and so is %EMAILDOMAIN% in host
// names, with addr's domain, as Thunderbird would. Without addr, host
// names take e.Domain.
//
// Every encrypted server is listed, in the file's order, with all its
// sign-in methods, OAuth2 included: the client takes the first it can
// use. The provider's CalDAV and CardDAV servers follow <emailProvider>
// as <calendar> and <addressBook> sections (autoconfig_dav.go). Type="exchange" servers follow the IMAP and POP ones, as in
// Thunderbird's ISPDB, and the extension element carries the Google
// account and the preference of kinds (provider.ExtensionNS). Servers
// without TLS are left out. A provider with neither an encrypted incoming
// and outgoing server nor an encrypted Exchange server is a
// *NotServedError.
func Autoconfig(e Entry, addr *profile.Address) ([]byte, error) {
	p := e.Provider
	domain := e.Domain
	if addr != nil {
		domain = addr.Domain
	}
	doc := xmlClientConfig{Version: "1.1", Provider: xmlEmailProvider{
		ID:          p.ID,
		Domains:     e.domains(),
		DisplayName: p.DisplayName,
		ShortName:   p.ShortName,
	}}
	xp := &doc.Provider
	xp.Incoming = autoconfigServers(p.Incoming, domain, addr)
	xp.Outgoing = autoconfigServers(p.Outgoing, domain, addr)
	exchange := autoconfigServers(p.Exchange, domain, addr)
	if (len(xp.Incoming) == 0 || len(xp.Outgoing) == 0) && len(exchange) == 0 {
		return nil, &NotServedError{Format: "autoconfig", Reason: "no encrypted incoming and outgoing server"}
	}
	xp.Incoming = append(xp.Incoming, exchange...)
	if p.Google || len(p.Prefer) > 0 {
		xp.Accounts = &xmlAccounts{}
		if p.Google {
			xp.Accounts.Google = &struct{}{}
		}
		names := make([]string, len(p.Prefer))
		for i, k := range p.Prefer {
			names[i] = provider.KindName(k)
		}
		xp.Accounts.Prefer = strings.Join(names, " ")
	}
	if p.DocURL != "" {
		xp.Docs = &xmlURL{URL: p.DocURL}
	}
	if en := p.Enable; en != nil {
		xp.Enable = &xmlEnable{VisitURL: en.VisitURL}
		for _, in := range en.Instructions {
			xp.Enable.Instructions = append(xp.Enable.Instructions, xmlInstruction{Lang: in.Lang, Text: in.Text})
		}
	}
	if p.WebMailURL != "" {
		xp.WebMail = &xmlWebMail{LoginPage: xmlURL{URL: p.WebMailURL}}
	}
	doc.Sections = append(autoconfigDAVs("calendar", p.CalDAV, domain, addr), autoconfigDAVs("addressBook", p.CardDAV, domain, addr)...)
	if o := p.OAuth2; o != nil {
		doc.OAuth2 = &xmlOAuth2{Issuer: o.Issuer, Scope: o.Scope, AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	}
	return marshalXML(doc)
}

// autoconfigServers are the encrypted servers of list as a client should
// see them for domain, and for addr when it is given.
func autoconfigServers(list []provider.Server, domain string, addr *profile.Address) []xmlServer {
	var out []xmlServer
	for _, s := range list {
		host, ok := hostIn(s, domain)
		if !s.Secure() || !ok {
			continue
		}
		user := s.Username
		if addr != nil {
			user = s.UsernameFor(*addr)
		} else if user == "" {
			user = "%EMAILADDRESS%" // what an empty pattern means; say it
		}
		out = append(out, xmlServer{
			Type:       s.Type,
			Hostname:   host,
			Port:       s.Port,
			SocketType: s.SocketType,
			Auth:       s.Auth,
			Username:   user,
		})
	}
	return out
}

// marshalXML writes doc after the XML declaration, indented, ending in a
// newline. The draft asks for UTF-8 without a byte order mark.
func marshalXML(doc any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
