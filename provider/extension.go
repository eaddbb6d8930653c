package provider

import (
	"slices"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
)

// ExtensionNS is the XML namespace of mailprofile's extension to
// clientConfig: one element in an <emailProvider>, which Thunderbird's
// reader ignores, as the format's must-ignore rule asks of every client
// (draft-ietf-mailmaint-autoconfig, "XML validation"):
//
//	<accounts xmlns="https://github.com/mailprofile/mailprofile/clientconfig/1" prefer="google imap pop3">
//	  <google/>
//	</accounts>
//
// <google/> says the provider's addresses are Google accounts (Gmail,
// Google Workspace), which Apple's Google account payload sets up;
// clientConfig has no server type for it. prefer lists the kinds of
// account in the provider's order of preference, by their clientConfig
// names: exchange, google, imap, pop3. Kinds it leaves out follow in the
// usual order (profile.Kinds); a kind the provider does not offer is
// skipped. Exchange needs no extension: a type="exchange" incomingServer
// with OAuth2, as Thunderbird's ISPDB has for Microsoft 365, is one.
const ExtensionNS = "https://github.com/mailprofile/mailprofile/clientconfig/1"

type xmlAccounts struct {
	Prefer string    `xml:"prefer,attr"`
	Google *struct{} `xml:"google"`
}

// kindNames maps the extension's names of kinds to profile's.
var kindNames = map[string]profile.Protocol{
	"exchange": profile.Exchange, "google": profile.Google, "imap": profile.IMAP, "pop3": profile.POP,
}

// KindName is the clientConfig name of a kind: exchange, google, imap or
// pop3.
func KindName(k profile.Protocol) string {
	if k == profile.POP {
		return "pop3"
	}
	return string(k)
}

// convertAccounts reads the extension element into p.
func (p *Provider) convertAccounts(xa *xmlAccounts) {
	if xa == nil {
		return
	}
	p.Google = xa.Google != nil
	for _, w := range strings.Fields(xa.Prefer) {
		k, ok := kindNames[strings.ToLower(w)]
		switch {
		case !ok:
			p.warn("accounts: unknown kind %q in prefer ignored", truncate(w, 20))
		case !slices.Contains(p.Prefer, k):
			p.Prefer = append(p.Prefer, k)
		}
	}
}

// Preference is the provider's order of preference of every kind of
// account: its extension's prefer list, then the rest in profile.Kinds
// order (Exchange and Google, which need no app password, before IMAP
// before POP). Whether it offers a kind is Settings' answer.
func (p *Provider) Preference() []profile.Protocol {
	out := slices.Clone(p.Prefer)
	for _, k := range profile.Kinds {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// Kinds are the kinds of account the provider offers for addr, in its
// order of preference: those Settings answers without an error.
func (p *Provider) Kinds(addr profile.Address) []profile.Protocol {
	var out []profile.Protocol
	for _, k := range p.Preference() {
		if _, err := p.Settings(addr, k); err == nil {
			out = append(out, k)
		}
	}
	return out
}
