package clientconf

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/mailprofile/mailprofile/provider"
)

// PACCContentType is the media type of the PACC document.
const PACCContentType = "application/json"

// The standard ports of implicit TLS, the only ones PACC can express: the
// document has no port or security field (draft-ietf-mailmaint-pacc).
var paccPorts = map[string]int{"imap": 993, "pop3": 995, "smtp": 465}

// paccShortNameMax is the draft's limit on info.provider.shortName.
const paccShortNameMax = 20

// The PACC document's shapes. Every struct lists its fields in the
// order of their JSON names, so that encoding/json writes sorted keys:
// the bytes, and the digest in DNS, change only when the content does.
type paccDoc struct {
	Authentication paccAuth      `json:"authentication"`
	Info           paccInfo      `json:"info"`
	Protocols      paccProtocols `json:"protocols"`
}

type paccAuth struct {
	Password bool `json:"password"`
}

type paccInfo struct {
	Help     *paccHelp    `json:"help,omitempty"`
	Provider paccProvider `json:"provider"`
}

type paccHelp struct {
	Documentation string `json:"documentation"`
}

type paccProvider struct {
	Name      string `json:"name"`
	ShortName string `json:"shortName,omitempty"`
}

type paccProtocols struct {
	IMAP   *paccHost `json:"imap,omitempty"`
	POP3   *paccHost `json:"pop3,omitempty"`
	Submit *paccHost `json:"submit,omitempty"` // "smtp" before -03
}

type paccHost struct {
	Host string `json:"host"`
}

// PACC returns e's PACC document (draft-ietf-mailmaint-pacc, -03 and
// later): compact JSON with sorted keys, for the ua-auto-config.<domain>
// host, whose bytes the _ua-auto-config TXT record's digest covers.
//
// PACC can only say that the full address and its password sign in over
// implicit TLS on ports 993, 995 and 465. So it lists, of each of IMAP,
// POP3 and SMTP, the first server that is like that and whose first
// sign-in method is a password: a provider that prefers OAuth
// (Gmail, Fastmail) may take passwords only as app passwords, which PACC
// cannot say, and an OAuth-only one (Outlook.com, Microsoft 365) takes
// none. A provider whose <enable> block asks the user to act first is
// left out for the same reason, and OAuth is never advertised: we cannot
// vouch that an issuer supports the open public-client profile PACC
// requires. With no incoming server or no submission server left, the
// answer is a *NotServedError.
func PACC(e Entry) ([]byte, error) {
	p := e.Provider
	if p.Enable != nil {
		return nil, &NotServedError{Format: "pacc", Reason: "the provider asks users to act before password sign-in works (<enable>)"}
	}
	doc := paccDoc{
		Authentication: paccAuth{Password: true},
		Info:           paccInfo{Provider: paccProvider{Name: p.DisplayName}},
		Protocols: paccProtocols{
			IMAP:   paccServer(p.Incoming, "imap", e.Domain),
			POP3:   paccServer(p.Incoming, "pop3", e.Domain),
			Submit: paccServer(p.Outgoing, "smtp", e.Domain),
		},
	}
	if doc.Protocols.IMAP == nil && doc.Protocols.POP3 == nil || doc.Protocols.Submit == nil {
		return nil, &NotServedError{Format: "pacc", Reason: "no IMAP or POP3 server and SMTP server on port 993, 995 or 465 with implicit TLS, " +
			"password sign-in first and the full address as user name"}
	}
	if utf8.RuneCountInString(p.ShortName) <= paccShortNameMax {
		doc.Info.Provider.ShortName = p.ShortName
	}
	if strings.HasPrefix(p.DocURL, "https://") {
		doc.Info.Help = &paccHelp{Documentation: p.DocURL}
	}
	return marshalJSON(doc), nil
}

// paccServer is the first server of type typ in list, if PACC can
// describe it.
func paccServer(list []provider.Server, typ, domain string) *paccHost {
	for _, s := range list {
		if s.Type != typ {
			continue
		}
		host, ok := hostIn(s, domain)
		if ok && s.SocketType == provider.SocketSSL && s.Port == paccPorts[typ] &&
			(s.Username == "%EMAILADDRESS%" || s.Username == "") &&
			len(s.Auth) > 0 && (s.Auth[0] == provider.AuthPasswordCleartext || s.Auth[0] == provider.AuthPasswordEncrypted) {
			return &paccHost{Host: host}
		}
	}
	return nil
}

// PACCDigest is the value of the _ua-auto-config TXT record for the
// document doc, exactly as served: "v=UAAC1; a=sha256; d=" and the
// standard base64 of its SHA-256.
func PACCDigest(doc []byte) string {
	sum := sha256.Sum256(doc)
	return "v=UAAC1; a=sha256; d=" + base64.StdEncoding.EncodeToString(sum[:])
}
