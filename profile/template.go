package profile

import (
	"errors"
	"fmt"
	"strings"
)

// An MDM template is the profile of every user of one domain, which a
// device management service fills in per user with its own variables
// (Jamf Pro's $EMAIL, Intune's {{mail}}, …) before it signs and pushes
// it. BuildTemplate makes it from the very profile Build makes, so the two
// cannot drift apart: it builds the profile of a stand-in address and a
// stand-in name, then writes the variables where those stand. Real
// addresses keep their validation: the stand-ins are ordinary valid values
// and a variable never goes through ParseAddress.
//
// The stand-ins are ASCII letters, digits and '-', which the encoder
// writes as they are, so they are found byte for byte. So that no
// operator text that happens to hold one can be mistaken for a user's
// value, the template is built twice, with two different stand-ins: the
// two must come out identical once the variables are in.

// Placeholders are an MDM's variables for the values of one user.
type Placeholders struct {
	// Address is the user's email address, e.g. Jamf Pro's $EMAIL.
	Address string
	// Name is the user's full name, the sender's name in Mail; empty
	// leaves the name out.
	Name string
	// LocalPart is the part of the address before the @; empty when the
	// MDM has no such variable, and a provider whose user names need it
	// is then refused with a *MissingVariableError.
	LocalPart string
}

// MissingVariableError reports a field of the profile that needs the
// part of the address before the @, for which there is no variable.
type MissingVariableError struct {
	// Field is the payload key, e.g. IncomingMailServerUsername.
	Field string
}

func (e *MissingVariableError) Error() string {
	return e.Field + " is the part of the address before the @, and there is no variable for it"
}

// standIn is one pair of stand-in values.
type standIn struct{ local, name string }

var standIns = [2]standIn{
	{local: "mdm-user-7f3q2x", name: "mdm-name-7f3q2x"},
	{local: "mdm-user-k9w4zv", name: "mdm-name-k9w4zv"},
}

// TemplateAddress is the stand-in address of domain: the account passed
// to BuildTemplate is the provider's settings for it. The error is an
// *InputError when domain is no domain name.
func TemplateAddress(domain string) (Address, error) {
	return ParseAddress(standIns[0].local + "@" + domain)
}

// BuildTemplate returns the unsigned profile of acct, built for
// TemplateAddress(domain), with ph's variables in place of the user's
// address, name and local part. Its identifiers are derived from the
// domain, the kind of account and vendor (letters, digits and hyphens),
// so that a new version replaces the old one on devices. Variables are
// written as they are, quotes included, so that the MDM finds them; they
// may not hold <, > or &.
func BuildTemplate(acct Account, ph Placeholders, vendor string, opts Options) ([]byte, error) {
	if err := ph.validate(); err != nil {
		return nil, err
	}
	if !isLabel(vendor) {
		return nil, fmt.Errorf("template vendor %q: want lower-case letters, digits and hyphens", vendor)
	}
	domain := acct.Address.Domain
	if acct.Address.Local != standIns[0].local {
		return nil, errors.New("a template is built from the settings of TemplateAddress")
	}
	if ph.LocalPart == "" {
		if field := localPartField(acct); field != "" {
			return nil, &MissingVariableError{Field: field}
		}
	}
	ids := identifiersFor(opts.IdentifierPrefix+".mdm."+vendor+"."+escapeIdentifier(domain)+"."+string(acct.Protocol), opts.Secret, acct.Protocol, acct.Services)
	var out [len(standIns)]string
	for i, s := range standIns {
		a := s.account(acct, ph.Name != "")
		doc, err := Build(a, opts)
		if err != nil {
			return nil, err
		}
		out[i] = s.fill(doc, deriveIdentifiers(opts.IdentifierPrefix, opts.Secret, a), ids, a.Address.String(), ph)
		if strings.Contains(out[i], s.local) || strings.Contains(out[i], s.name) {
			return nil, errors.New("cannot make a template: a stand-in value is left over")
		}
	}
	if out[0] != out[1] {
		return nil, errors.New("cannot make a template: the profile's texts or the provider's settings contain the text that stands for the user")
	}
	return []byte(out[0]), nil
}

// account is acct for this stand-in: its address, its name when the
// template has one, and the user names the provider's rule gives them.
func (s standIn) account(acct Account, withName bool) Account {
	from := standIns[0].local
	acct.Address.Local = s.local
	acct.Incoming.Username = strings.ReplaceAll(acct.Incoming.Username, from, s.local)
	acct.Outgoing.Username = strings.ReplaceAll(acct.Outgoing.Username, from, s.local)
	acct.Name = ""
	if withName {
		acct.Name = s.name
	}
	return acct
}

// fill writes the template's identifiers and the variables where the
// stand-in's stand. Identifiers go first: they hold the local part. A
// strings.Replacer tries its pairs in order at each position and does not
// scan what it wrote again.
func (s standIn) fill(doc []byte, from, to Identifiers, address string, ph Placeholders) string {
	pairs := []string{
		from.Payload, to.Payload, from.Profile, to.Profile,
		from.PayloadUUID, to.PayloadUUID, from.ProfileUUID, to.ProfileUUID,
		address, ph.Address,
	}
	if ph.LocalPart != "" {
		pairs = append(pairs, s.local, ph.LocalPart)
	}
	if ph.Name != "" {
		pairs = append(pairs, s.name, ph.Name)
	}
	return strings.NewReplacer(pairs...).Replace(string(doc))
}

// localPartField is the payload key of the first user name of acct that
// holds the local part of the address other than within the whole
// address, or "".
func localPartField(acct Account) string {
	if acct.Protocol != IMAP && acct.Protocol != POP {
		return "" // Exchange and Google accounts sign in with the address
	}
	local := acct.Address.Local
	for _, f := range []struct {
		key string
		srv Server
	}{{"IncomingMailServerUsername", acct.Incoming}, {"OutgoingMailServerUsername", acct.Outgoing}} {
		if strings.Contains(strings.ReplaceAll(f.srv.Username, acct.Address.String(), ""), local) {
			return f.key
		}
	}
	return ""
}

// validate checks that each variable can stand in a profile as it is.
func (ph Placeholders) validate() error {
	if ph.Address == "" {
		return errors.New("template: the address variable is required")
	}
	seen := map[string]string{}
	for _, v := range []struct{ what, value string }{{"address", ph.Address}, {"name", ph.Name}, {"local part", ph.LocalPart}} {
		if v.value == "" {
			continue
		}
		if err := checkText(v.value, 200); err != nil {
			return fmt.Errorf("the %s variable %w", v.what, err)
		}
		if strings.ContainsAny(v.value, "<>&") || strings.TrimSpace(v.value) != v.value {
			return fmt.Errorf("the %s variable %q: <, > and & and white space at either end cannot stand in a profile as they are", v.what, v.value)
		}
		if other, ok := seen[v.value]; ok {
			return fmt.Errorf("the %s and %s variables are both %q", other, v.what, v.value)
		}
		seen[v.value] = v.what
	}
	return nil
}

// isLabel reports whether s is lower-case letters, digits and hyphens.
func isLabel(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
