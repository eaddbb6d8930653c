package web

import (
	"html/template"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// setupView is the review page's content.
type setupView struct {
	status int // 200, or 422 for a kind asked for that the device cannot install

	Email string
	// Name is the sender's name the profile carries; empty for an
	// Exchange account, which takes it from the server.
	Name string
	// Kind is the kind of account the page sets up (imap, pop, exchange,
	// google), Protocol its name for people.
	Kind     string
	Protocol string
	// SignsIn says the account signs in on the provider's own page after
	// installing, instead of asking for a password while installing.
	SignsIn bool
	// Installable says the visitor's device installs the profile; when it
	// does not, the page gives the device's own steps instead.
	Installable bool
	Provider    string
	Incoming    serverView
	Outgoing    serverView
	DownloadURL string
	ChangeURL   string
	// Signed reports whether the download is signed: catalog answers
	// are, answers found at run time only when the operator says so.
	Signed bool
	Notes  []string

	// Where the settings came from. Method and Confidence are the
	// provider.Origin values; SourceKey and ConfidenceKey the catalog
	// keys that say them in words; Via is what was asked, shown only
	// for settings found at run time.
	Method        string
	Confidence    string
	SourceKey     string
	ConfidenceKey string
	Via           string
	Discovered    bool
	// SignatureKey is the catalog key saying whether the profile is
	// signed and why.
	SignatureKey string
	// CheckServers asks the person to check the server names before
	// installing, with the settings shown first: the servers were found
	// at run time and no signature vouches for them.
	CheckServers bool

	Device   device
	MacPlace string
	// IOSPlace is where this iPhone's iOS keeps mail accounts (iosPlace);
	// empty when the version is unknown.
	IOSPlace string
	// MinIOS is the first iOS that installs the kind.
	MinIOS int
	// IOSSignsIn says the iPhone and iPad profile signs in on the
	// provider's page: the iPad's kind on a Mac's page, else this one.
	IOSSignsIn bool
	// HandMac and HandIOS name the account type to choose in the Mac's
	// and the iPhone's own list to add this account by hand; empty for
	// mail accounts, which a profile sets up on both.
	HandMac string
	HandIOS string
	// AltProtocol and AltMac offer, on a Mac whose profile is a mail
	// account, the provider's account that signs in on its own page,
	// added in Internet Accounts (Gmail: Google, without an app password).
	AltProtocol string
	AltMac      string
	// IPad is what an iPad gets, which sends a Mac's User-Agent: the
	// page's script shows it on a touch screen. Set on a Mac's page.
	IPad *ipadView
	// Choices are the provider's other kinds of account, to switch to.
	Choices []choiceView
	// PageURL is this page's absolute address, to open it elsewhere.
	PageURL string
	// SafariURL opens PageURL in Safari on iOS 17 and later.
	SafariURL template.URL
	QRURL     string
	// Manual is the settings for other mail apps: IMAP, POP3 and SMTP,
	// those the provider offers.
	Manual []serverView
	// FromLink is set on a helpdesk link's page.
	FromLink bool
	// Services, when set, offers calendars and contacts beside the mail
	// account (setup_services.go).
	Services *servicesView

	deviceView
}

// ipadView is the iPhone and iPad profile on a Mac's page.
type ipadView struct {
	DownloadURL string
	Protocol    string
	SignsIn     bool
}

// choiceView is a link to the review page of another kind of account.
type choiceView struct {
	URL string
	Key string // catalog key describing the kind
	// IOSOnly says the kind installs on iPhone and iPad only.
	IOSOnly bool
}

// serverView is one row group of the settings table. Security and Auth
// are catalog keys.
type serverView struct {
	Kind     string
	Host     string
	Port     int
	Security string
	Username string
	Auth     string
}

// setOrigin says where found came from and whether it is signed.
func (v *setupView) setOrigin(s *Server, found provider.Settings) {
	o := origin(found)
	v.Method, v.Confidence, v.Discovered = string(o.Method), string(o.Confidence), o.Discovered()
	v.SourceKey, v.ConfidenceKey = "origin."+v.Method, "confidence."+v.Confidence
	if _, ok := s.messages["en"][v.SourceKey]; !ok {
		v.SourceKey = "origin.other" // a method newer than the catalog
	}
	if _, ok := s.messages["en"][v.ConfidenceKey]; !ok {
		v.ConfidenceKey = ""
	}
	switch {
	case v.Discovered && v.Signed:
		v.SignatureKey = "sign.discovered"
	case v.Discovered:
		v.SignatureKey, v.CheckServers = "sign.discovered_unsigned", v.Installable
	case v.Signed:
		v.SignatureKey = "sign.catalog"
	default:
		v.SignatureKey = "setup.unsigned"
	}
	if v.Discovered {
		v.Via = o.Via
	}
}

// setChoices links the provider's other kinds of account.
func (v *setupView) setChoices(req accountRequest, offers []offer, lang string) {
	for _, o := range offers {
		if string(o.Kind) == v.Kind {
			continue
		}
		v.Choices = append(v.Choices, choiceView{
			URL:     "/setup?" + setupQuery(req.with(o.Kind, req.Device), lang).Encode(),
			Key:     "choice." + string(o.Kind),
			IOSOnly: !o.Kind.OnMac(),
		})
	}
}

// setHand names the device's own way to add the account, and on a Mac
// the provider's account that signs in on its page, beside a mail
// profile.
func (v *setupView) setHand(o offer, dev device, offers []offer) {
	if dev.onIOS() {
		v.IOSPlace = iosPlace(dev.IOS)
	}
	v.MinIOS, v.IOSSignsIn = o.Kind.MinIOS(), o.Kind.SignsIn()
	v.HandMac = builtInOption(o.Kind, o.Found.Provider, device{Kind: deviceMac})
	v.HandIOS = builtInOption(o.Kind, o.Found.Provider, device{Kind: deviceIOS})
	if dev.Kind != deviceMac || o.Kind.SignsIn() {
		return
	}
	for _, alt := range offers {
		if alt.Kind.SignsIn() {
			v.AltProtocol, v.AltMac = kindName(alt.Kind), builtInOption(alt.Kind, alt.Found.Provider, dev)
			return
		}
	}
}

// setIPad is the profile an iPad on the Mac's page gets: the kind asked
// for, or the provider's preferred on iPhone and iPad, named in the
// download's device parameter so that the Mac's User-Agent does not
// refuse it.
func (v *setupView) setIPad(kinds *kindLookup, req accountRequest) {
	o, err := kinds.choose(req.Proto, device{Kind: deviceIOS})
	if err != nil {
		return
	}
	if o.Found.Offer(req.Services, o.Kind) != nil {
		req.Services = 0 // the iPad's kind has no calendars here: mail only
	}
	v.IPad = &ipadView{
		DownloadURL: "/profile?" + req.with(o.Kind, deviceParamIOS).query(),
		Protocol:    kindName(o.Kind),
		SignsIn:     o.Kind.SignsIn(),
	}
	v.IOSSignsIn = v.IPad.SignsIn
}

// setManual is the settings table for other mail apps: the provider's
// IMAP and POP servers and its SMTP server, where it offers them.
func (v *setupView) setManual(offers []offer) {
	var smtp *profile.Server
	for _, o := range offers {
		if o.Kind == profile.IMAP || o.Kind == profile.POP {
			v.Manual = append(v.Manual, newServerView(kindName(o.Kind), o.Found.Incoming))
			if smtp == nil {
				smtp = &o.Found.Outgoing
			}
		}
	}
	if smtp != nil {
		v.Manual = append(v.Manual, newServerView("SMTP", *smtp))
	}
}

// Tables are the settings tables of the review page: for a device that
// installs the profile, what it installs; for any other, the settings of
// every protocol for setting up a mail app by hand.
func (v *setupView) Tables() []serverView {
	switch {
	case v.Device.Kind == deviceOther:
		return v.manualTables()
	case v.Kind == string(profile.Exchange):
		return []serverView{v.Incoming}
	case v.Kind == string(profile.Google):
		return nil
	}
	return []serverView{v.Incoming, v.Outgoing}
}

func newServerView(kind string, srv profile.Server) serverView {
	return serverView{
		Kind:     kind,
		Host:     srv.Host,
		Port:     srv.Port,
		Security: securityLabel(srv),
		Username: srv.Username,
		Auth:     authLabel(srv.Auth),
	}
}

// securityLabel is the catalog key naming the connection security.
func securityLabel(srv profile.Server) string {
	switch {
	case srv.STARTTLS:
		return "security.starttls"
	case srv.UseSSL:
		return "security.ssl"
	}
	return "security.none"
}

// authLabel is the catalog key naming the authentication as mail apps do.
func authLabel(a profile.Auth) string {
	switch a {
	case profile.AuthPassword:
		return "auth.password"
	case profile.AuthCRAMMD5:
		return "auth.crammd5"
	case profile.AuthNTLM:
		return "auth.ntlm"
	case profile.AuthNone:
		return "auth.none"
	case profile.AuthOAuth:
		return "auth.oauth"
	}
	return string(a)
}

// stepsArgs is what the step templates take: the page, whether the
// account signs in on the provider's page, and the account type to
// choose in the device's own list.
type stepsArgs struct {
	D       *pageData
	SignsIn bool
	Option  string
}

// Steps are the arguments of the profile's iPhone steps.
func (d *pageData) Steps(signsIn bool) stepsArgs { return stepsArgs{D: d, SignsIn: signsIn} }

// HandSteps are the arguments of the steps that add the account by hand,
// choosing option.
func (d *pageData) HandSteps(option string) stepsArgs { return stepsArgs{D: d, Option: option} }

// iosPlace names where iOS keeps mail accounts on version ios, as the
// suffix of the catalog keys hand.ios_open_* (iosAccountsPath in words):
// "18", "14", "12" or "11"; empty when the version is unknown.
func iosPlace(ios int) string {
	switch {
	case ios == 0:
		return ""
	case ios >= 18:
		return "18"
	case ios >= 14:
		return "14"
	case ios >= 12:
		return "12"
	}
	return "11"
}
