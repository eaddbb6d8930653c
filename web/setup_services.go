package web

import (
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// servicesView is the review page's choice of calendars and contacts
// beside a mail account: checkboxes in a GET form whose action is the
// download, so the download carries the choice without a script. The
// mail account is always part of it (a hidden field).
type servicesView struct {
	Calendar, Contacts     bool // offered by the provider
	CalendarOn, ContactsOn bool // checked
	// Choose says the page offers the boxes; a helpdesk link's page
	// does not: the link keeps the agent's choice.
	Choose bool
	// CalDAV and CardDAV are the servers, for the settings table.
	CalDAV, CardDAV profile.DAVServer
	Action          string
	// Hidden are the download's other parameters: email, type, name,
	// device.
	Hidden []hiddenField
}

// servicesChoice checks the services req asks for against found's, for
// an account of kind k, and says what the page's download sets up: those
// asked for, or, when none were named, every service the provider offers
// beside the mail account (the boxes are ticked by default). The view is
// nil when there is nothing to choose: no calendars or contacts offered,
// or an Exchange or Google account, which brings its own.
func servicesChoice(req accountRequest, k profile.Protocol, found provider.Settings) (profile.Services, *servicesView, error) {
	if err := found.Offer(req.Services, k); err != nil {
		return 0, nil, err
	}
	offered := found.Services()
	if (k != profile.IMAP && k != profile.POP) || !offered.DAV() {
		return req.Services, nil, nil
	}
	chosen := req.Services
	if chosen == 0 {
		chosen = offered
	}
	return chosen, &servicesView{
		Calendar:   offered.Has(profile.ServiceCalendar),
		Contacts:   offered.Has(profile.ServiceContacts),
		CalendarOn: chosen.Has(profile.ServiceCalendar),
		ContactsOn: chosen.Has(profile.ServiceContacts),
		CalDAV:     found.Calendar,
		CardDAV:    found.Contacts,
		Action:     "/profile",
		Choose:     true,
	}, nil
}

// withHidden fills the form's other fields from the download's request.
func (sv *servicesView) withHidden(chosen accountRequest) *servicesView {
	if sv == nil {
		return nil
	}
	q := chosen.values()
	for _, name := range [...]string{"email", "type", "name", "device"} {
		if v := q.Get(name); v != "" {
			sv.Hidden = append(sv.Hidden, hiddenField{Name: name, Value: v})
		}
	}
	return sv
}
