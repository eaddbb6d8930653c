package profile

// ExchangeSummary is the account an Exchange ActiveSync payload sets up.
type ExchangeSummary struct {
	Address     string
	Host        string
	UserName    string
	SSL         bool
	OAuth       bool
	HasPassword bool
}

// GoogleSummary is the account a Google account payload sets up.
type GoogleSummary struct {
	Address string
	Name    string
}

// exchangeBools are the com.apple.eas.account keys this program writes
// that must be booleans; Apple's schema types them so.
// https://developer.apple.com/documentation/devicemanagement/exchangeactivesync
var exchangeBools = []string{
	"PreventMove", "PreventAppSheet", "allowMailDrop", "disableMailRecentsSyncing",
	"EnableMail", "EnableContacts", "EnableCalendars", "EnableReminders", "EnableNotes",
	"EnableMailUserOverridable", "EnableContactsUserOverridable", "EnableCalendarsUserOverridable",
	"EnableRemindersUserOverridable", "EnableNotesUserOverridable",
	"SMIMESigningUserOverrideable", "SMIMESigningCertificateUUIDUserOverrideable",
	"SMIMEEncryptByDefaultUserOverrideable", "SMIMEEncryptionCertificateUUIDUserOverrideable",
	"SMIMEEnableEncryptionPerMessageSwitch",
}

func (c checker) exchange(d map[string]any, where string) *ExchangeSummary {
	x := &ExchangeSummary{
		Address:  c.str(d, "EmailAddress", where, false),
		Host:     c.str(d, "Host", where, false),
		UserName: c.str(d, "UserName", where, false),
	}
	for _, k := range exchangeBools {
		c.boolean(d, k, where)
	}
	x.SSL, x.OAuth = c.boolean(d, "SSL", where), c.boolean(d, "OAuth", where)
	if _, ok := d["Password"]; ok {
		x.HasPassword = true
		c.problem("%s: Password is set: anyone with the file can read it", where)
	}
	if !x.SSL {
		c.problem("%s: SSL is not set to true (its default is false)", where)
	}
	return x
}

func (c checker) google(d map[string]any, where string) *GoogleSummary {
	return &GoogleSummary{
		Address: c.str(d, "EmailAddress", where, true),
		Name:    c.str(d, "AccountName", where, false),
	}
}

// DAVSummary is the account a CalDAV or CardDAV payload sets up.
type DAVSummary struct {
	Host         string
	Port         int
	PrincipalURL string
	Username     string
	UseSSL       bool
	HasPassword  bool
}

// dav checks a com.apple.caldav.account (prefix CalDAV) or
// com.apple.carddav.account (CardDAV) payload against Apple's schema.
// https://developer.apple.com/documentation/devicemanagement/caldav
func (c checker) dav(d map[string]any, where, prefix string) *DAVSummary {
	x := &DAVSummary{
		Host:         c.str(d, prefix+"HostName", where, true),
		Port:         c.integer(d, prefix+"Port", where),
		PrincipalURL: c.str(d, prefix+"PrincipalURL", where, false),
		Username:     c.str(d, prefix+"Username", where, false),
		UseSSL:       true, // Apple's default
	}
	c.str(d, prefix+"AccountDescription", where, false)
	if _, ok := d[prefix+"UseSSL"]; ok {
		x.UseSSL = c.boolean(d, prefix+"UseSSL", where)
	}
	if !x.UseSSL {
		c.problem("%s: %sUseSSL is false: the password would travel unprotected", where, prefix)
	}
	if x.Port < 0 || x.Port > 65535 {
		c.problem("%s: %sPort %d is out of range", where, prefix, x.Port)
	}
	if _, ok := d[prefix+"Password"]; ok {
		x.HasPassword = true
		c.problem("%s: %sPassword is set: anyone with the file can read it", where, prefix)
	}
	return x
}
