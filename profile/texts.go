package profile

// Texts are the words of a profile that the device shows, in one
// language: the caller (web, from its message catalogs) chooses them, so
// this package stays free of languages. Each is a template in which
// {provider}, {email} and {organization} are replaced, and {kind} (IMAP,
// POP) in MailPayloadName. An empty text is the English default.
// Identifiers never depend on them: a profile in another language
// replaces the installed one.
type Texts struct {
	// DisplayName is the top-level PayloadDisplayName, the profile's
	// name in Settings.
	DisplayName string
	// Description is the top-level PayloadDescription of a mail account.
	Description string
	// SignInDescription is the PayloadDescription of Exchange and Google
	// profiles, whose password is never typed while installing.
	SignInDescription string
	// MailPayloadName is the PayloadDisplayName of the mail payload, the
	// line under "Mail Account" in the profile's details.
	MailPayloadName string
	// GooglePayloadName is the PayloadDisplayName of the Google payload.
	GooglePayloadName string
	// AccountDescription is the account's name in Mail: a mail account's
	// EmailAccountDescription, a Google account's AccountDescription and
	// an Exchange account's PayloadDisplayName.
	AccountDescription string
	// ServicesDescription is the top-level PayloadDescription of a
	// profile with calendars or contacts, in which {services} is
	// replaced too, by the words below: "mail, calendars and contacts".
	ServicesDescription string
	// CalendarPayloadName and ContactsPayloadName are the
	// PayloadDisplayNames of the CalDAV and CardDAV payloads.
	CalendarPayloadName string
	ContactsPayloadName string
	// WordMail, WordCalendars and WordContacts name the services in
	// {services}, joined by commas and WordAnd before the last.
	WordMail, WordCalendars, WordContacts, WordAnd string
}

// The English texts, used for every text left empty.
const (
	DefaultMailPayloadName     = "{email} ({kind})"
	DefaultGooglePayloadName   = "{email} (Google)"
	DefaultAccountDescription  = "{email}"
	DefaultCalendarPayloadName = "{email} (Calendars)"
	DefaultContactsPayloadName = "{email} (Contacts)"
)

// withDefaults is t with every empty text set to its English default.
// It is written out field by field: a table of pointers to the fields
// made the copy escape, an allocation for every profile.
func (t Texts) withDefaults() Texts {
	setDefault(&t.DisplayName, DefaultDisplayName)
	setDefault(&t.Description, DefaultDescription)
	setDefault(&t.SignInDescription, DefaultSignInDescription)
	setDefault(&t.MailPayloadName, DefaultMailPayloadName)
	setDefault(&t.GooglePayloadName, DefaultGooglePayloadName)
	setDefault(&t.AccountDescription, DefaultAccountDescription)
	setDefault(&t.ServicesDescription, DefaultServicesDescription)
	setDefault(&t.CalendarPayloadName, DefaultCalendarPayloadName)
	setDefault(&t.ContactsPayloadName, DefaultContactsPayloadName)
	setDefault(&t.WordMail, "mail")
	setDefault(&t.WordCalendars, "calendars")
	setDefault(&t.WordContacts, "contacts")
	setDefault(&t.WordAnd, "and")
	return t
}

func setDefault(v *string, def string) {
	if *v == "" {
		*v = def
	}
}

// fields names each text, for Validate and for a cache key.
func (t Texts) fields() []struct{ name, v string } {
	return []struct{ name, v string }{
		{"display name", t.DisplayName}, {"description", t.Description},
		{"sign-in description", t.SignInDescription}, {"mail payload name", t.MailPayloadName},
		{"Google payload name", t.GooglePayloadName}, {"account description", t.AccountDescription},
		{"services description", t.ServicesDescription}, {"calendar payload name", t.CalendarPayloadName},
		{"contacts payload name", t.ContactsPayloadName}, {"word for mail", t.WordMail},
		{"word for calendars", t.WordCalendars}, {"word for contacts", t.WordContacts}, {"word and", t.WordAnd},
	}
}

// DefaultTexts are the English texts, every one set.
func DefaultTexts() Texts { return Texts{}.withDefaults() }
