package provider

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
)

// MaxFileSize is the largest clientConfig file Parse accepts. The biggest
// ISPDB file is about 6 KiB.
const MaxFileSize = 1 << 20

// Display names longer than this are cut; the draft standard says MUST<=60.
const maxNameLen = 60

// The XML shapes of clientConfig v1.1. encoding/xml ignores elements not
// named here, which is the format's must-ignore rule.
type xmlConfig struct {
	Providers []xmlProvider `xml:"emailProvider"`
	// The calendar and address book sections (dav.go), for every
	// provider of the file.
	Calendars     []xmlDAV    `xml:"calendar"`
	AddressBooks  []xmlDAV    `xml:"addressBook"`
	AddressBooks2 []xmlDAV    `xml:"addressbook"` // the draft schema's spelling
	OAuth2        *xmlOAuth2  `xml:"oAuth2"`
	Enable        *xmlEnable  `xml:"enable"`  // ISPDB files put it here or in emailProvider
	WebMail       *xmlWebMail `xml:"webMail"` // likewise
}

type xmlProvider struct {
	ID          string      `xml:"id,attr"`
	Domains     []string    `xml:"domain"`
	DisplayName string      `xml:"displayName"`
	ShortName   string      `xml:"displayShortName"`
	ShortName2  string      `xml:"displayNameShort"` // misspelling in nili.ca.xml
	Incoming    []xmlServer `xml:"incomingServer"`
	Outgoing    []xmlServer `xml:"outgoingServer"`
	Docs        []xmlLink   `xml:"documentation"`
	OldDocs     []xmlLink   `xml:"instruction"` // older form of <documentation>
	Enable      *xmlEnable  `xml:"enable"`
	WebMail     *xmlWebMail `xml:"webMail"`
	// Calendar and address book sections placed inside the provider,
	// which some operators do; read after the root's.
	Calendars     []xmlDAV `xml:"calendar"`
	AddressBooks  []xmlDAV `xml:"addressBook"`
	AddressBooks2 []xmlDAV `xml:"addressbook"`
	// Accounts is mailprofile's extension (extension.go), matched by
	// its namespace only.
	Accounts *xmlAccounts `xml:"https://github.com/mailprofile/mailprofile/clientconfig/1 accounts"`
}

type xmlServer struct {
	Type       string   `xml:"type,attr"`
	Hostname   string   `xml:"hostname"`
	Port       string   `xml:"port"`
	SocketType []string `xml:"socketType"`
	Auth       []string `xml:"authentication"`
	Username   string   `xml:"username"`
}

type xmlLink struct {
	URL string `xml:"url,attr"`
}

type xmlEnable struct {
	VisitURL     string `xml:"visiturl,attr"`
	Instructions []struct {
		Lang string `xml:"lang,attr"`
		Text string `xml:",chardata"`
	} `xml:"instruction"`
}

type xmlWebMail struct {
	LoginPage xmlLink `xml:"loginPage"`
}

type xmlOAuth2 struct {
	Issuer   string `xml:"issuer"`
	Scope    string `xml:"scope"`
	AuthURL  string `xml:"authURL"`
	TokenURL string `xml:"tokenURL"`
}

// Parse reads a clientConfig v1.1 document. Each server is validated on its
// own: an invalid one is dropped and described in the Provider's Warnings,
// and the rest of the file is kept. A document that is not well-formed XML,
// is larger than MaxFileSize, has a DOCTYPE, or has no <emailProvider> or an
// <emailProvider> without a usable <domain> is an error.
func Parse(data []byte) ([]*Provider, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file is %d bytes; the limit is %d", len(data), MaxFileSize)
	}
	cfg, err := decode(data)
	if err != nil {
		return nil, err
	}
	if len(cfg.Providers) == 0 {
		return nil, errors.New("no <emailProvider> element")
	}
	var out []*Provider
	for i, xp := range cfg.Providers {
		p, err := convertProvider(xp, cfg)
		if err != nil {
			return nil, fmt.Errorf("emailProvider %d: %w", i+1, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// decode unmarshals the root element, refusing DTDs. encoding/xml never
// expands external or custom entities, but a DOCTYPE has no business in
// these files and rejecting it gives a clearer message than an
// undefined-entity error further down.
func decode(data []byte) (*xmlConfig, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, errors.New("no <clientConfig> element")
		}
		if err != nil {
			return nil, fmt.Errorf("not valid XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, errors.New("DOCTYPE and other <!...> declarations are not allowed")
		case xml.StartElement:
			if t.Name.Local != "clientConfig" {
				return nil, fmt.Errorf("root element is <%s>, not <clientConfig>", truncate(t.Name.Local, 40))
			}
			var cfg xmlConfig
			if err := d.DecodeElement(&cfg, &t); err != nil {
				return nil, fmt.Errorf("not valid XML: %w", err)
			}
			return &cfg, nil
		}
	}
}

func convertProvider(xp xmlProvider, cfg *xmlConfig) (*Provider, error) {
	p := &Provider{ID: clean(xp.ID, 253)}
	seen := map[string]bool{}
	for _, d := range xp.Domains {
		dom := normaliseHost(d)
		if err := checkHostname(dom); err != nil {
			p.warn("domain dropped: %v", err)
			continue
		}
		if !seen[dom] {
			seen[dom] = true
			p.Domains = append(p.Domains, dom)
		}
	}
	if len(p.Domains) == 0 {
		return nil, fmt.Errorf("emailProvider %q has no valid <domain>", p.ID)
	}
	if p.ID == "" {
		p.ID = p.Domains[0]
	}
	p.DisplayName = p.name(xp.DisplayName)
	if p.DisplayName == "" {
		p.DisplayName = p.ID
	}
	p.ShortName = p.name(xp.ShortName)
	if p.ShortName == "" {
		p.ShortName = p.name(xp.ShortName2)
	}
	if p.ShortName == "" {
		p.ShortName = p.DisplayName
	}
	for i, xs := range xp.Incoming {
		if strings.EqualFold(strings.TrimSpace(xs.Type), "exchange") {
			p.addServer(&p.Exchange, "incoming", i, xs, "exchange")
			continue
		}
		p.addServer(&p.Incoming, "incoming", i, xs, "imap", "pop3")
	}
	p.convertAccounts(xp.Accounts)
	for i, xs := range xp.Outgoing {
		p.addServer(&p.Outgoing, "outgoing", i, xs, "smtp")
	}
	// slices.Concat, not append: the root's slices are shared by every
	// provider of the file and must not be written to.
	p.convertDAVs(&p.CalDAV, "calendar", TypeCalDAV, slices.Concat(cfg.Calendars, xp.Calendars))
	p.convertDAVs(&p.CardDAV, "addressBook", TypeCardDAV, slices.Concat(cfg.AddressBooks, cfg.AddressBooks2, xp.AddressBooks, xp.AddressBooks2))
	for _, l := range append(xp.Docs, xp.OldDocs...) {
		if u := webURL(l.URL); u != "" {
			p.DocURL = u
			break
		}
	}
	enable := xp.Enable
	if enable == nil {
		enable = cfg.Enable
	}
	p.Enable = convertEnable(enable)
	web := xp.WebMail
	if web == nil {
		web = cfg.WebMail
	}
	if web != nil {
		p.WebMailURL = webURL(web.LoginPage.URL)
	}
	if o := cfg.OAuth2; o != nil {
		p.OAuth2 = &OAuth2{
			Issuer:   clean(o.Issuer, 253),
			Scope:    clean(o.Scope, 1000),
			AuthURL:  webURL(o.AuthURL),
			TokenURL: webURL(o.TokenURL),
		}
	}
	return p, nil
}

// addServer validates xs and appends it to list, or records why not. A
// server of a type we do not support (ews, owa, graph, jmap…) is skipped
// silently: that is not a defect of the file.
func (p *Provider) addServer(list *[]Server, dir string, i int, xs xmlServer, types ...string) {
	typ := strings.ToLower(strings.TrimSpace(xs.Type))
	supported := false
	for _, t := range types {
		supported = supported || typ == t
	}
	if !supported {
		return
	}
	s, err := convertServer(typ, xs)
	if err != nil {
		p.warn("%s server %d (%s) dropped: %v", dir, i+1, typ, err)
		return
	}
	*list = append(*list, s)
}

// name cleans a display name. A few ISPDB files use %EMAILDOMAIN% as the
// name; the provider's ID stands in for it, since one Provider serves every
// address of its domains.
func (p *Provider) name(s string) string {
	s = strings.ReplaceAll(s, "%EMAILDOMAIN%", p.ID)
	return clean(s, maxNameLen)
}

func (p *Provider) warn(format string, args ...any) {
	p.Warnings = append(p.Warnings, fmt.Sprintf(format, args...))
}

func convertEnable(xe *xmlEnable) *Enable {
	if xe == nil {
		return nil
	}
	e := &Enable{VisitURL: webURL(xe.VisitURL)}
	for _, in := range xe.Instructions {
		if t := clean(in.Text, 1000); t != "" {
			e.Instructions = append(e.Instructions, Instruction{Lang: clean(in.Lang, 8), Text: t})
		}
	}
	if e.VisitURL == "" && len(e.Instructions) == 0 {
		return nil
	}
	return e
}

// webURL returns s if it is an absolute http or https URL, else "". The UI
// turns these into links, so javascript: and the like must not get through.
func webURL(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2048 {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}

// clean collapses runs of white space (XML text is often indented across
// lines) and cuts the result to at most max runes.
func clean(s string, max int) string {
	return truncate(strings.Join(strings.Fields(s), " "), max)
}

func truncate(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max])
}
