// Package provider is the catalog of mail provider settings: it reads
// Thunderbird clientConfig v1.1 files (the ISPDB format), answers which
// provider serves a domain, and maps a provider's servers onto what an
// Apple account payload can express: com.apple.mail.managed for IMAP and
// POP, com.apple.eas.account for a type="exchange" server that signs in
// with OAuth, com.apple.google-oauth for a provider marked with the
// Google extension (extension.go).
//
// The package is pure: it reads files only through the fs.FS values it is
// given, does no network I/O and does not log. Format reference:
// https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
package provider

import "github.com/mailprofile/mailprofile/profile"

// Provider is one <emailProvider> of a clientConfig file. A Provider held by
// a Catalog is shared between requests and must not be modified.
type Provider struct {
	ID          string
	DisplayName string
	ShortName   string
	// Domains are the lower-case domains the file lists. A later catalog
	// source may take some of them over; Catalog.Lookup has the last word.
	Domains  []string
	Incoming []Server // imap and pop3, in the file's order of preference
	Outgoing []Server // smtp, in the file's order of preference
	// Exchange are the file's type="exchange" incoming servers
	// (ActiveSync), in its order: an Exchange account's host.
	Exchange []Server
	// CalDAV and CardDAV are the file's <calendar type="caldav"> and
	// <addressBook type="carddav"> sections (dav.go), in its order: the
	// calendars and contacts a profile can add to a mail account.
	CalDAV  []DAV
	CardDAV []DAV
	// Google is set by the extension's <google/>: the provider's
	// addresses are Google accounts, which Apple's Google account
	// payload sets up.
	Google bool
	// Prefer is the extension's order of preference of account kinds;
	// empty when the file gives none (see Preference).
	Prefer []profile.Protocol
	// Enable is set when the user must act before IMAP/POP works, such as
	// switching on IMAP or creating an app password. The UI shows it.
	Enable *Enable
	DocURL string // first http(s) <documentation> link, informational
	// WebMailURL is the webmail login page, informational.
	WebMailURL string
	// OAuth2 is the file's root <oAuth2> block. A profile cannot use it;
	// it is kept so that operators can see why a server was skipped.
	OAuth2 *OAuth2
	// Source names where the entry came from: "built-in catalog (name.xml)"
	// or the operator's file name. Parse leaves it empty.
	Source string
	// Warnings describe servers and domains dropped as invalid while
	// parsing; the rest of the entry is usable.
	Warnings []string
}

// Server is one incoming or outgoing server as the file describes it, after
// validation and normalisation.
type Server struct {
	Type       string   // imap, pop3, smtp or exchange
	Hostname   string   // lower-case, no trailing dot; may contain %EMAILDOMAIN%
	Port       int      // 1–65535
	SocketType string   // SSL, STARTTLS or plain
	Auth       []string // canonical clientConfig values, in order of preference
	Username   string   // pattern with %EMAILADDRESS%-style placeholders
}

// Secure reports whether the connection is encrypted: implicit TLS or a
// mandatory STARTTLS upgrade.
func (s Server) Secure() bool { return s.SocketType == SocketSSL || s.SocketType == SocketSTARTTLS }

// Socket types of clientConfig v1.1.
const (
	SocketSSL      = "SSL"      // implicit TLS from the first byte
	SocketSTARTTLS = "STARTTLS" // plain connect, mandatory upgrade
	SocketPlain    = "plain"    // no encryption; never offered
)

// Enable is the <enable> block: a page to visit and what to do there.
type Enable struct {
	VisitURL     string // http(s) only; empty if the file had none or a bad one
	Instructions []Instruction
}

// Instruction is one <instruction> of an <enable> block.
type Instruction struct {
	Lang string // ISO 639-1 code; empty means the default (English)
	Text string
}

// Text returns the instruction in lang, else the default-language one, else
// the first; "" when there is none.
func (e *Enable) Text(lang string) string {
	if e == nil || len(e.Instructions) == 0 {
		return ""
	}
	def := ""
	for _, in := range e.Instructions {
		if lang != "" && in.Lang == lang {
			return in.Text
		}
		if def == "" && (in.Lang == "" || in.Lang == "en") {
			def = in.Text
		}
	}
	if def != "" {
		return def
	}
	return e.Instructions[0].Text
}

// OAuth2 is the root <oAuth2> block of a clientConfig file.
type OAuth2 struct {
	Issuer   string
	Scope    string
	AuthURL  string
	TokenURL string
}
