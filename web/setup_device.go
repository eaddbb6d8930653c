package web

import (
	"html/template"
	"regexp"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// deviceView is what the review page says to match what the device will
// show: whether the profile is "Verified", and an app password to create
// before the download.
type deviceView struct {
	// Verified says the device shows the profile as "Verified": it is
	// signed by a chain that devices trust. Otherwise installing adds a
	// warning screen and a second confirmation.
	Verified bool
	// AppPassword says the provider takes only an app password from a
	// mail account, to create before downloading: the device asks for it
	// while installing, and iOS keeps a download only 8 minutes.
	AppPassword bool
	// AppURL is the provider's page for creating it; empty when unknown.
	AppURL string
	// AppNote is the provider's note saying how, taken out of Notes.
	AppNote string
}

// WarningLabel is the catalog key of the label the device shows on a
// profile that is not Verified: "Not Verified" when signed, else "Unsigned".
func (v *setupView) WarningLabel() string {
	if v.Signed {
		return "dev.label_not_verified"
	}
	return "dev.label_unsigned"
}

// setDevice fills the deviceView of v, whose kind is kind and settings
// found, and names the signature text for a signer devices do not trust.
func (v *setupView) setDevice(s *Server, kind profile.Protocol, found provider.Settings) {
	v.Verified = v.Signed && s.signerTrust.Verified(s.now())
	if v.Signed && !v.Verified {
		switch v.SignatureKey {
		case "sign.catalog":
			v.SignatureKey = "dev.sign_catalog_unverified"
		case "sign.discovered":
			v.SignatureKey = "dev.sign_discovered_unverified"
		}
	}
	mail := kind == profile.IMAP || kind == profile.POP
	// A device that installs no profile shows the provider's mail
	// settings whatever the kind (manualTables): they take the app
	// password too.
	if !(mail || v.Device.Kind == deviceOther && len(v.Manual) > 0) || !found.Provider.AppPassword() {
		return
	}
	v.AppPassword = true
	v.AppURL = found.Provider.Enable.VisitURL
	// A mail account's <enable> note comes first (provider.Settings).
	if mail && len(v.Notes) > 0 {
		v.AppNote, v.Notes = v.Notes[0], v.Notes[1:]
	}
}

// manualTables are the settings a device that installs no profile enters
// by hand: those of the kind chosen, not every kind's. For an account
// that signs in on the provider's page, the provider's first mail kind
// with its SMTP server.
func (v *setupView) manualTables() []serverView {
	switch {
	case v.Kind == string(profile.IMAP) || v.Kind == string(profile.POP):
		return []serverView{v.Incoming, v.Outgoing}
	case len(v.Manual) > 2:
		return []serverView{v.Manual[0], v.Manual[len(v.Manual)-1]}
	}
	return v.Manual
}

// webAddress finds http and https addresses in a note, up to a space or
// a closing bracket; a final full stop or comma is the sentence's.
var webAddress = regexp.MustCompile(`https?://[^\s<>"()]+[^\s<>"().,;:]`)

// Linked is text, escaped, with its web addresses as links, so that a
// provider's note can be followed with a tap. The links wrap anywhere
// (class url): an address must not widen a phone's page.
func (d *pageData) Linked(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range webAddress.FindAllStringIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		u := template.HTMLEscapeString(text[m[0]:m[1]])
		b.WriteString(`<a class="url" href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String()) //nolint:gosec // every part escaped above
}
