package clientconf

import (
	"encoding/xml"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// AutodiscoverContentType is the media type of Autodiscover POX answers.
const AutodiscoverContentType = "text/xml; charset=utf-8"

// The namespaces of Outlook's Autodiscover POX protocol ([MS-OXDSCLI]).
const (
	autodiscoverNS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	// OutlookSchema is the response schema an Outlook request asks for
	// (AcceptableResponseSchema), the only one served.
	OutlookSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

// Autodiscover error codes ([MS-OXDSCLI], ErrorCode): the address is
// unknown; it is known but has no configuration to offer; the request is
// invalid; the response schema is not offered; the server failed.
const (
	ErrorCodeNotFound         = "500"
	ErrorCodeNoConfiguration  = "501"
	ErrorCodeInvalidRequest   = "600"
	ErrorCodeSchemaNotOffered = "601"
	ErrorCodeInternal         = "603"
)

type xmlAutodiscover struct {
	XMLName  xml.Name `xml:"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006 Autodiscover"`
	Response any
}

type xmlOutlookResponse struct {
	XMLName xml.Name   `xml:"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a Response"`
	Account xmlAccount `xml:"Account"`
}

type xmlAccount struct {
	AccountType string        `xml:"AccountType"`
	Action      string        `xml:"Action"`
	Protocols   []xmlProtocol `xml:"Protocol"`
}

// xmlProtocol is one Protocol block, its elements in the order of the
// schema's reference ([MS-OXDSCLI], "Protocol (POX)").
type xmlProtocol struct {
	Type           string `xml:"Type"`
	Server         string `xml:"Server"`
	Port           int    `xml:"Port"`
	LoginName      string `xml:"LoginName,omitempty"`
	DomainRequired string `xml:"DomainRequired"`
	SPA            string `xml:"SPA"`
	SSL            string `xml:"SSL"`
	// Encryption supersedes SSL for the clients that know it, and tells
	// STARTTLS (TLS) from implicit TLS (SSL), which SSL alone cannot.
	Encryption   string `xml:"Encryption"`
	AuthRequired string `xml:"AuthRequired"`
	UsePOPAuth   string `xml:"UsePOPAuth,omitempty"`
	SMTPLast     string `xml:"SMTPLast,omitempty"`
}

type xmlErrorResponse struct {
	XMLName xml.Name `xml:"Response"`
	Error   xmlError `xml:"Error"`
}

type xmlError struct {
	ErrorCode string   `xml:"ErrorCode"`
	Message   string   `xml:"Message"`
	DebugData struct{} `xml:"DebugData"`
}

// Autodiscover returns the 2006a response for addr: IMAP, POP3 and SMTP
// Protocol blocks, each with the server a profile for addr would use
// (provider.Provider.Settings), incoming ones in the provider's order of
// preference. The user name is LoginName, filled in; SPA is off for
// password sign-in and on for NTLM; SSL is on and Encryption says SSL or
// TLS (STARTTLS). Servers a profile signs in to with CRAM-MD5 are left
// out, since Outlook cannot be told to use it. A provider with no such
// incoming server or no SMTP server (OAuth sign-in only, say) is a
// *NotServedError.
func Autodiscover(e Entry, addr profile.Address) ([]byte, error) {
	protos, err := outlookProtocols(e.Provider, addr)
	if err != nil {
		return nil, err
	}
	return marshalXML(xmlAutodiscover{Response: xmlOutlookResponse{Account: xmlAccount{
		AccountType: "email",
		Action:      "settings",
		Protocols:   protos,
	}}})
}

// AutodiscoverOffered reports whether Autodiscover can describe e for
// its domain's addresses: nil, or the *NotServedError Autodiscover gives.
func AutodiscoverOffered(e Entry) error {
	_, err := outlookProtocols(e.Provider, profile.Address{Local: "postmaster", Domain: e.Domain})
	return err
}

// AutodiscoverError returns Autodiscover's error document with one of
// the ErrorCode constants and a message. The message must not come from
// the request.
func AutodiscoverError(code, message string) []byte {
	doc, err := marshalXML(xmlAutodiscover{Response: xmlErrorResponse{Error: xmlError{ErrorCode: code, Message: message}}})
	if err != nil { // only for types encoding/xml cannot marshal, which these are not
		return []byte(xml.Header)
	}
	return doc
}

func outlookProtocols(p *provider.Provider, addr profile.Address) ([]xmlProtocol, error) {
	var incoming []xmlProtocol
	var smtp *xmlProtocol
	for _, proto := range incomingOrder(p) {
		s, err := p.Settings(addr, proto)
		if err != nil {
			continue
		}
		if in, ok := outlookProtocol(s.Incoming, protocolType(proto)); ok {
			incoming = append(incoming, in)
		}
		if out, ok := outlookProtocol(s.Outgoing, "SMTP"); ok {
			smtp = &out
		}
	}
	if len(incoming) == 0 || smtp == nil {
		return nil, &NotServedError{Format: "autodiscover", Reason: "no IMAP or POP3 server and SMTP server with TLS and password or NTLM sign-in"}
	}
	smtp.UsePOPAuth, smtp.SMTPLast = "off", "off"
	if smtp.LoginName == incoming[0].LoginName {
		smtp.UsePOPAuth = "on" // the same name and password as incoming
	}
	return append(incoming, *smtp), nil
}

// incomingOrder is IMAP and POP in the order the provider lists them.
func incomingOrder(p *provider.Provider) []profile.Protocol {
	for _, s := range p.Incoming {
		if s.Type == "pop3" {
			return []profile.Protocol{profile.POP, profile.IMAP}
		}
		if s.Type == "imap" {
			break
		}
	}
	return []profile.Protocol{profile.IMAP, profile.POP}
}

func protocolType(p profile.Protocol) string {
	if p == profile.POP {
		return "POP3"
	}
	return "IMAP"
}

// outlookProtocol is srv as a Protocol block, if Outlook can sign in to
// it as a profile would.
func outlookProtocol(srv profile.Server, typ string) (xmlProtocol, bool) {
	p := xmlProtocol{Type: typ, Server: srv.Host, Port: srv.Port, DomainRequired: "off", SPA: "off", SSL: "on", Encryption: "SSL", AuthRequired: "on", LoginName: srv.Username}
	if srv.STARTTLS {
		p.Encryption = "TLS"
	}
	switch srv.Auth {
	case profile.AuthPassword:
	case profile.AuthNTLM:
		p.SPA = "on"
	case profile.AuthNone:
		p.AuthRequired, p.LoginName = "off", ""
	default:
		return xmlProtocol{}, false
	}
	return p, true
}
