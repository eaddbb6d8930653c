package mdm

import (
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
)

// Vendor is one device management service and its variables for a
// user's values. The names are case-sensitive; each comes from the
// vendor's documentation, cited beside it.
type Vendor struct {
	// ID is the --vendor value and part of the template's identifiers:
	// lower-case letters, digits and hyphens.
	ID string
	// Name is the product's name, for messages and pages.
	Name string
	// Variables are what the MDM replaces per user. An empty LocalPart
	// means the vendor has none, and a provider whose user name is the
	// part of the address before the @ is refused for it.
	Variables profile.Placeholders
}

// Generic is the ID of the vendor whose variables the operator names.
const Generic = "generic"

// vendors are the services with documented variables, in the order the
// helpdesk lists them.
var vendors = []Vendor{
	{
		// https://learn.jamf.com/r/en-US/jamf-pro-documentation-current/Computer_Configuration_Profiles
		// (Payload Variables: "$VARIABLE ... Payload variables are
		// case-sensitive"): $EMAIL, $FULLNAME. $USERNAME is not the local
		// part: on a user-level profile it is "the username of the user
		// logging in to the computer", the Mac's account name.
		ID: "jamf-pro", Name: "Jamf Pro",
		Variables: profile.Placeholders{Address: "$EMAIL", Name: "$FULLNAME"},
	},
	{
		// https://docs.jamf.com/jamf-school/documentation/Payload_Variables.html
		// (user variables): %Email%, %FullName%, %ShortName% ("the
		// user's short name", %Username% is its alias).
		ID: "jamf-school", Name: "Jamf School",
		Variables: profile.Placeholders{Address: "%Email%", Name: "%FullName%", LocalPart: "%ShortName%"},
	},
	{
		// https://learn.microsoft.com/en-us/intune/intune-service/configuration/custom-settings-ios
		// (tokens of custom profiles): {{mail}}, {{partialupn}} (the
		// user principal name before the @), {{userprincipalname}}. The
		// account is the mail address, not the UPN, so
		// {{userprincipalname}} is not used.
		ID: "intune", Name: "Microsoft Intune",
		Variables: profile.Placeholders{Address: "{{mail}}", LocalPart: "{{partialupn}}"},
	},
	{
		// https://support.kandji.io/kb/global-variables; the keys are
		// those of Kandji's own example,
		// https://github.com/kandji-inc/support/blob/main/Global%20Variables/GlobalVariablesExample.sh:
		// EMAIL, EMAIL_PREFIX, FULL_NAME, written $NAME in a profile.
		ID: "kandji", Name: "Kandji",
		Variables: profile.Placeholders{Address: "$EMAIL", Name: "$FULL_NAME", LocalPart: "$EMAIL_PREFIX"},
	},
	{
		// Workspace ONE UEM lookup values (Omnissa documentation,
		// "Lookup Values"; list as in
		// https://gist.github.com/synic/fc7a219f229ef1df7748b8564a2fbcf1):
		// {EmailAddress} "User Email Address", {EmailUserName} "User
		// Email User Name", {FirstName}, {LastName}. {EmailDomain} is
		// not needed: the template is for one domain.
		ID: "workspace-one", Name: "Workspace ONE",
		Variables: profile.Placeholders{Address: "{EmailAddress}", Name: "{FirstName} {LastName}", LocalPart: "{EmailUserName}"},
	},
	{
		// https://support.addigy.com/hc/en-us/articles/49233526494739-Using-End-User-Attributes-as-Variables-in-MDM-Profiles:
		// {{.User "field_id"}} with emails_primary and display_name.
		// No field holds the part of the address before the @.
		ID: "addigy", Name: "Addigy",
		Variables: profile.Placeholders{Address: `{{.User "emails_primary"}}`, Name: `{{.User "display_name"}}`},
	},
}

// Vendors returns the vendors with documented variables, without the
// generic one.
func Vendors() []Vendor { return append([]Vendor(nil), vendors...) }

// IDs are the accepted vendor IDs, the generic one last.
func IDs() []string {
	ids := make([]string, 0, len(vendors)+1)
	for _, v := range vendors {
		ids = append(ids, v.ID)
	}
	return append(ids, Generic)
}

// Lookup returns the vendor with this ID. For Generic, the variables are
// ph, which must name at least the address; the others are ignored.
func Lookup(id string, ph profile.Placeholders) (Vendor, error) {
	if id == Generic {
		if ph.Address == "" {
			return Vendor{}, &profile.InputError{Field: "address-variable", Message: "the generic vendor needs the variable your MDM writes for the user's address"}
		}
		return Vendor{ID: Generic, Name: "your MDM", Variables: ph}, nil
	}
	for _, v := range vendors {
		if v.ID == id {
			return v, nil
		}
	}
	if len(id) > 32 {
		id = id[:32] + "…"
	}
	return Vendor{}, &profile.InputError{Field: "vendor", Message: fmt.Sprintf("unknown vendor %q: choose %s", id, strings.Join(IDs(), ", "))}
}
