package provider

import (
	"context"

	"github.com/mailprofile/mailprofile/profile"
)

// Find returns the settings for addr and proto from the catalog: the
// provider of the address's domain, mapped onto an Apple mail payload.
// The errors are those of Lookup and Provider.Settings, all fit to show
// the user.
func (c *Catalog) Find(_ context.Context, addr profile.Address, proto profile.Protocol) (Settings, error) {
	p, err := c.Lookup(addr.Domain)
	if err != nil {
		return Settings{}, err
	}
	return p.Settings(addr, proto)
}

// ProviderName is the provider's display name.
func (s Settings) ProviderName() string {
	if s.Provider == nil {
		return ""
	}
	if s.Provider.DisplayName != "" {
		return s.Provider.DisplayName
	}
	return s.Provider.ID
}

// Source says where the settings came from, e.g. "built-in catalog
// (btinternet.com.xml)".
func (s Settings) Source() string {
	if s.Provider == nil {
		return ""
	}
	return s.Provider.Source
}

// Account is the account these settings describe, for profile.Build.
func (s Settings) Account(addr profile.Address, proto profile.Protocol, name string) profile.Account {
	return profile.Account{
		Address:  addr,
		Name:     name,
		Protocol: proto,
		Incoming: s.Incoming,
		Outgoing: s.Outgoing,
		Provider: s.ProviderName(),
		Calendar: s.Calendar,
		Contacts: s.Contacts,
	}
}

// Services are what a profile can set up with these settings: mail, and
// beside a mail account the calendars and contacts the provider offers.
func (s Settings) Services() profile.Services {
	out := profile.ServiceMail
	if s.Calendar.Host != "" {
		out |= profile.ServiceCalendar
	}
	if s.Contacts.Host != "" {
		out |= profile.ServiceContacts
	}
	return out
}
