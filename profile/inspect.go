package profile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"howett.net/plist"
)

// Summary describes a parsed configuration profile.
type Summary struct {
	Identifier   string
	UUID         string
	DisplayName  string
	Organization string
	Scope        string
	Format       string // "xml" or "binary"
	Payloads     []PayloadSummary
	// Problems are the ways the profile breaks Apple's rules for the keys
	// this program writes; empty for a good profile.
	Problems []string
}

// PayloadSummary describes one payload of a profile.
type PayloadSummary struct {
	Type       string
	Identifier string
	UUID       string
	Mail       *MailSummary     // for com.apple.mail.managed
	Exchange   *ExchangeSummary // for com.apple.eas.account
	Google     *GoogleSummary   // for com.apple.google-oauth
	CalDAV     *DAVSummary      // for com.apple.caldav.account
	CardDAV    *DAVSummary      // for com.apple.carddav.account
}

// MailSummary is the account a mail payload sets up.
type MailSummary struct {
	AccountType string
	Address     string
	Incoming    Server
	Outgoing    Server
	HasPassword bool
}

// mailRequired and the type checks below follow Apple's schema:
// https://developer.apple.com/documentation/devicemanagement/mail
var mailRequired = []string{
	"EmailAccountType", "IncomingMailServerHostName", "IncomingMailServerAuthentication",
	"OutgoingMailServerHostName", "OutgoingMailServerAuthentication",
}

var validAuth = []string{string(AuthNone), string(AuthPassword), string(AuthCRAMMD5), string(AuthNTLM), string(AuthHTTPMD5)}

// Parse reads an unsigned profile (XML or binary plist) and checks it. It
// returns an error when the bytes are not a property list with a
// dictionary at the root; rule violations are listed in Summary.Problems.
func Parse(data []byte) (*Summary, error) {
	trimmed := bytes.TrimLeft(data, "\xef\xbb\xbf \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, errors.New("empty file")
	case !bytes.HasPrefix(trimmed, []byte("<")) && !bytes.HasPrefix(data, []byte("bplist00")):
		// Devices read XML and binary plists; the old text formats are
		// not profiles, and parsing them is slow on hostile input.
		return nil, errors.New("not an XML or binary property list")
	}
	var root map[string]any
	format, err := plist.Unmarshal(data, &root)
	if err != nil {
		return nil, fmt.Errorf("not a property list with a dictionary at its root: %w", err)
	}
	if root == nil {
		return nil, errors.New("empty property list")
	}
	s := &Summary{Format: "xml"}
	if format == plist.BinaryFormat {
		s.Format = "binary"
	}
	c := checker{s: s}
	s.Identifier = c.str(root, "PayloadIdentifier", "profile", true)
	s.UUID = c.str(root, "PayloadUUID", "profile", true)
	s.DisplayName = c.str(root, "PayloadDisplayName", "profile", false)
	s.Organization = c.str(root, "PayloadOrganization", "profile", false)
	s.Scope = c.str(root, "PayloadScope", "profile", false)
	if t := c.str(root, "PayloadType", "profile", true); t != "Configuration" {
		c.problem("profile: PayloadType is %q, want Configuration", t)
	}
	c.version(root, "profile")
	if s.Scope != "" && s.Scope != "User" && s.Scope != "System" {
		c.problem("profile: PayloadScope %q is neither User nor System", s.Scope)
	}
	content, ok := root["PayloadContent"].([]any)
	if !ok {
		c.problem("profile: PayloadContent is missing or not an array")
	}
	seen := map[string]bool{}
	for i, item := range content {
		where := fmt.Sprintf("payload %d", i+1)
		d, ok := item.(map[string]any)
		if !ok {
			c.problem("%s: not a dictionary", where)
			continue
		}
		p := PayloadSummary{
			Type:       c.str(d, "PayloadType", where, true),
			Identifier: c.str(d, "PayloadIdentifier", where, true),
			UUID:       c.str(d, "PayloadUUID", where, true),
		}
		c.version(d, where)
		if seen[p.Identifier] {
			c.problem("%s: PayloadIdentifier %q is not unique in the profile", where, p.Identifier)
		}
		seen[p.Identifier] = true
		switch p.Type {
		case "com.apple.mail.managed":
			p.Mail = c.mail(d, where)
		case "com.apple.eas.account":
			p.Exchange = c.exchange(d, where)
		case "com.apple.google-oauth":
			p.Google = c.google(d, where)
		case calDAVType:
			p.CalDAV = c.dav(d, where, "CalDAV")
		case cardDAVType:
			p.CardDAV = c.dav(d, where, "CardDAV")
		}
		s.Payloads = append(s.Payloads, p)
	}
	return s, nil
}

type checker struct{ s *Summary }

func (c checker) problem(format string, args ...any) {
	c.s.Problems = append(c.s.Problems, fmt.Sprintf(format, args...))
}

func (c checker) str(d map[string]any, key, where string, required bool) string {
	v, ok := d[key]
	if !ok {
		if required {
			c.problem("%s: required key %s is missing", where, key)
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		c.problem("%s: %s is %T, want a string", where, key, v)
		return ""
	}
	if required && s == "" {
		c.problem("%s: required key %s is empty", where, key)
	}
	return s
}

func (c checker) integer(d map[string]any, key, where string) int {
	v, ok := d[key]
	if !ok {
		return 0
	}
	switch n := v.(type) {
	case uint64:
		return int(min(n, 1<<31))
	case int64:
		return int(max(min(n, 1<<31), -1))
	}
	c.problem("%s: %s is %T, want an integer", where, key, v)
	return 0
}

func (c checker) boolean(d map[string]any, key, where string) bool {
	v, ok := d[key]
	if !ok {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		c.problem("%s: %s is %T, want a boolean", where, key, v)
	}
	return b
}

func (c checker) version(d map[string]any, where string) {
	if _, ok := d["PayloadVersion"]; !ok {
		c.problem("%s: required key PayloadVersion is missing", where)
		return
	}
	if v := c.integer(d, "PayloadVersion", where); v != 1 {
		c.problem("%s: PayloadVersion is %d, want 1", where, v)
	}
}

func (c checker) mail(d map[string]any, where string) *MailSummary {
	for _, k := range mailRequired {
		c.str(d, k, where, true)
	}
	m := &MailSummary{
		AccountType: c.str(d, "EmailAccountType", where, false),
		Address:     c.str(d, "EmailAddress", where, false),
	}
	if m.AccountType != "EmailTypeIMAP" && m.AccountType != "EmailTypePOP" {
		c.problem("%s: EmailAccountType %q is not EmailTypeIMAP or EmailTypePOP", where, m.AccountType)
	}
	for _, dir := range []struct {
		prefix string
		srv    *Server
	}{{"Incoming", &m.Incoming}, {"Outgoing", &m.Outgoing}} {
		dir.srv.Host = c.str(d, dir.prefix+"MailServerHostName", where, false)
		dir.srv.Port = c.integer(d, dir.prefix+"MailServerPortNumber", where)
		dir.srv.UseSSL = c.boolean(d, dir.prefix+"MailServerUseSSL", where)
		dir.srv.Username = c.str(d, dir.prefix+"MailServerUsername", where, false)
		dir.srv.Auth = Auth(c.str(d, dir.prefix+"MailServerAuthentication", where, false))
		if _, ok := d[dir.prefix+"MailServerUseSSL"]; !ok {
			c.problem("%s: %sMailServerUseSSL is not set (its default is false)", where, dir.prefix)
		}
		if dir.srv.Port < 0 || dir.srv.Port > 65535 {
			c.problem("%s: %sMailServerPortNumber %d is out of range", where, dir.prefix, dir.srv.Port)
		}
		if !slices.Contains(validAuth, string(dir.srv.Auth)) {
			c.problem("%s: %sMailServerAuthentication %q is not an EmailAuth value", where, dir.prefix, dir.srv.Auth)
		}
	}
	c.boolean(d, "OutgoingPasswordSameAsIncomingPassword", where)
	for _, k := range []string{"IncomingPassword", "OutgoingPassword"} {
		if _, ok := d[k]; ok {
			m.HasPassword = true
			c.problem("%s: %s is set: anyone with the file can read it", where, k)
		}
	}
	return m
}
