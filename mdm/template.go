package mdm

import (
	"errors"
	"fmt"

	"github.com/mailprofile/mailprofile/profile"
)

// MissingVariableError refuses a template that needs a variable the
// vendor lacks: a silently wrong template would set up accounts that
// cannot sign in. Its message is fit to show the operator.
type MissingVariableError struct {
	Vendor   string // the vendor's name, e.g. "Jamf Pro"
	Provider string // the provider's name, e.g. "Web.de"
	Field    string // the payload key that cannot be filled
}

func (e *MissingVariableError) Error() string {
	return fmt.Sprintf("%s cannot fill %s: %s signs in with the part of the address before the @, and %s has no variable for it",
		e.Vendor, e.Field, e.Provider, e.Vendor)
}

// Template returns the unsigned profile of acct, the provider's
// settings for profile.TemplateAddress of the domain, with v's variables
// where each user's values go. Its identifiers depend on the domain, the
// kind and the vendor only, so that a new upload replaces the old
// profile on devices. A vendor without a variable the provider needs
// gives a *MissingVariableError.
func Template(acct profile.Account, v Vendor, opts profile.Options) ([]byte, error) {
	doc, err := profile.BuildTemplate(acct, v.Variables, v.ID, opts)
	var mv *profile.MissingVariableError
	if errors.As(err, &mv) {
		return nil, &MissingVariableError{Vendor: v.Name, Provider: acct.Provider, Field: mv.Field}
	}
	return doc, err
}

// FileName is the template's file name, e.g.
// "btinternet.com-imap-jamf-pro.mobileconfig".
func FileName(domain string, kind profile.Protocol, v Vendor) string {
	return domain + "-" + string(kind) + "-" + v.ID + ".mobileconfig"
}
