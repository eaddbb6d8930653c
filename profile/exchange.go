package profile

// exchangePayload is one com.apple.eas.account payload: Exchange
// ActiveSync signed in with OAuth and no password, as Microsoft's own
// Intune email profile for iOS sets it up. Every key is written, each
// from Apple's schema (spec/apple/com.apple.eas.account.yaml), so that
// the account is as free as one the person adds by hand and the profile
// says so even where Apple's default agrees:
//
//   - SSL and OAuth on, no Password; OAuthSignInURL unset, so the device
//     finds Microsoft's sign-in itself (iOS 14 and later upgrade such
//     accounts at Microsoft's cloud to its OAuth 2.0 service).
//   - Mail, Contacts, Calendars, Reminders and Notes on, each one the
//     person may switch off (Enable*UserOverridable), as on the screen
//     that adds an account by hand.
//   - Messages may be moved to other accounts and answered from them
//     (PreventMove false), other apps may send from the account
//     (PreventAppSheet false), its addresses join Recents
//     (disableMailRecentsSyncing false), and Mail Drop is allowed.
//   - S/MIME stays off, but the person may turn signing and encryption by
//     default on, pick their certificates, and gets the per-message
//     encryption switch: Apple's defaults lock all of these.
//
// MailNumberOfPastDaysToSync is left to the device (a week), as by hand.
// https://developer.apple.com/documentation/devicemanagement/exchangeactivesync
type exchangePayload struct {
	EmailAddress                                   string `plist:"EmailAddress"`
	EnableCalendars                                bool   `plist:"EnableCalendars"`
	EnableCalendarsUserOverridable                 bool   `plist:"EnableCalendarsUserOverridable"`
	EnableContacts                                 bool   `plist:"EnableContacts"`
	EnableContactsUserOverridable                  bool   `plist:"EnableContactsUserOverridable"`
	EnableMail                                     bool   `plist:"EnableMail"`
	EnableMailUserOverridable                      bool   `plist:"EnableMailUserOverridable"`
	EnableNotes                                    bool   `plist:"EnableNotes"`
	EnableNotesUserOverridable                     bool   `plist:"EnableNotesUserOverridable"`
	EnableReminders                                bool   `plist:"EnableReminders"`
	EnableRemindersUserOverridable                 bool   `plist:"EnableRemindersUserOverridable"`
	Host                                           string `plist:"Host"`
	OAuth                                          bool   `plist:"OAuth"`
	PayloadDescription                             string `plist:"PayloadDescription,omitempty"`
	PayloadDisplayName                             string `plist:"PayloadDisplayName"`
	PayloadIdentifier                              string `plist:"PayloadIdentifier"`
	PayloadOrganization                            string `plist:"PayloadOrganization,omitempty"`
	PayloadType                                    string `plist:"PayloadType"`
	PayloadUUID                                    string `plist:"PayloadUUID"`
	PayloadVersion                                 int    `plist:"PayloadVersion"`
	PreventAppSheet                                bool   `plist:"PreventAppSheet"`
	PreventMove                                    bool   `plist:"PreventMove"`
	SMIMEEnableEncryptionPerMessageSwitch          bool   `plist:"SMIMEEnableEncryptionPerMessageSwitch"`
	SMIMEEncryptByDefaultUserOverrideable          bool   `plist:"SMIMEEncryptByDefaultUserOverrideable"`
	SMIMEEncryptionCertificateUUIDUserOverrideable bool   `plist:"SMIMEEncryptionCertificateUUIDUserOverrideable"`
	SMIMESigningCertificateUUIDUserOverrideable    bool   `plist:"SMIMESigningCertificateUUIDUserOverrideable"`
	SMIMESigningUserOverrideable                   bool   `plist:"SMIMESigningUserOverrideable"`
	SSL                                            bool   `plist:"SSL"`
	UserName                                       string `plist:"UserName"`
	AllowMailDrop                                  bool   `plist:"allowMailDrop"`
	DisableMailRecentsSyncing                      bool   `plist:"disableMailRecentsSyncing"`
}

// newExchangePayload is the payload for an Exchange account; the common
// keys are the caller's.
func newExchangePayload(acct Account) exchangePayload {
	email := acct.Address.String()
	return exchangePayload{
		EmailAddress: email,
		Host:         acct.Incoming.Host,
		UserName:     email,
		SSL:          true,
		OAuth:        true,

		EnableMail: true, EnableMailUserOverridable: true,
		EnableContacts: true, EnableContactsUserOverridable: true,
		EnableCalendars: true, EnableCalendarsUserOverridable: true,
		EnableReminders: true, EnableRemindersUserOverridable: true,
		EnableNotes: true, EnableNotesUserOverridable: true,

		PreventMove:               false,
		PreventAppSheet:           false,
		DisableMailRecentsSyncing: false,
		AllowMailDrop:             true,

		SMIMESigningUserOverrideable:                   true,
		SMIMESigningCertificateUUIDUserOverrideable:    true,
		SMIMEEncryptByDefaultUserOverrideable:          true,
		SMIMEEncryptionCertificateUUIDUserOverrideable: true,
		SMIMEEnableEncryptionPerMessageSwitch:          true,

		PayloadType:    "com.apple.eas.account",
		PayloadVersion: 1,
	}
}

// encodeTo writes the payload; the keys are in the order plist sorts them.
func (p exchangePayload) encodeTo(e *encoder) {
	e.open("dict")
	e.str("EmailAddress", p.EmailAddress)
	e.boolean("EnableCalendars", p.EnableCalendars)
	e.boolean("EnableCalendarsUserOverridable", p.EnableCalendarsUserOverridable)
	e.boolean("EnableContacts", p.EnableContacts)
	e.boolean("EnableContactsUserOverridable", p.EnableContactsUserOverridable)
	e.boolean("EnableMail", p.EnableMail)
	e.boolean("EnableMailUserOverridable", p.EnableMailUserOverridable)
	e.boolean("EnableNotes", p.EnableNotes)
	e.boolean("EnableNotesUserOverridable", p.EnableNotesUserOverridable)
	e.boolean("EnableReminders", p.EnableReminders)
	e.boolean("EnableRemindersUserOverridable", p.EnableRemindersUserOverridable)
	e.str("Host", p.Host)
	e.boolean("OAuth", p.OAuth)
	e.optStr("PayloadDescription", p.PayloadDescription)
	e.str("PayloadDisplayName", p.PayloadDisplayName)
	e.str("PayloadIdentifier", p.PayloadIdentifier)
	e.optStr("PayloadOrganization", p.PayloadOrganization)
	e.str("PayloadType", p.PayloadType)
	e.str("PayloadUUID", p.PayloadUUID)
	e.integer("PayloadVersion", p.PayloadVersion)
	e.boolean("PreventAppSheet", p.PreventAppSheet)
	e.boolean("PreventMove", p.PreventMove)
	e.boolean("SMIMEEnableEncryptionPerMessageSwitch", p.SMIMEEnableEncryptionPerMessageSwitch)
	e.boolean("SMIMEEncryptByDefaultUserOverrideable", p.SMIMEEncryptByDefaultUserOverrideable)
	e.boolean("SMIMEEncryptionCertificateUUIDUserOverrideable", p.SMIMEEncryptionCertificateUUIDUserOverrideable)
	e.boolean("SMIMESigningCertificateUUIDUserOverrideable", p.SMIMESigningCertificateUUIDUserOverrideable)
	e.boolean("SMIMESigningUserOverrideable", p.SMIMESigningUserOverrideable)
	e.boolean("SSL", p.SSL)
	e.str("UserName", p.UserName)
	e.boolean("allowMailDrop", p.AllowMailDrop)
	e.boolean("disableMailRecentsSyncing", p.DisableMailRecentsSyncing)
	e.close("dict")
}
