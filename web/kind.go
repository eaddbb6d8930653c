package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// An address's provider may offer several kinds of account (IMAP, POP,
// Exchange, Google); the catalog orders them by the provider's
// preference. A request either names a kind or leaves it to us: then it
// gets the first kind in that order that the visitor's device installs.
// A kind the device cannot install is refused with 422 and the ways that
// do work (notInstallableError), never served as a profile that fails.

// offer is one kind of account the provider offers for an address.
type offer struct {
	Kind  profile.Protocol
	Found provider.Settings
}

// kindLookup finds an address's settings kind by kind, each at most once
// per request.
type kindLookup struct {
	finder Finder
	ctx    context.Context
	addr   profile.Address
	done   [4]kindResult // by index in profile.Kinds
}

type kindResult struct {
	asked bool
	found provider.Settings
	err   error
}

func (s *Server) kinds(ctx context.Context, addr profile.Address) *kindLookup {
	return &kindLookup{finder: s.finder, ctx: ctx, addr: addr}
}

// find is the settings of kind k.
func (l *kindLookup) find(k profile.Protocol) (provider.Settings, error) {
	i := slices.Index(profile.Kinds, k)
	if i < 0 || i >= len(l.done) {
		return l.finder.Find(l.ctx, l.addr, k) // a kind newer than this table
	}
	if r := &l.done[i]; r.asked {
		return r.found, r.err
	}
	found, err := l.finder.Find(l.ctx, l.addr, k)
	l.done[i] = kindResult{true, found, err}
	return found, err
}

// final reports whether err is about the address or the request as a
// whole, not about one kind: an unknown domain, a busy server, a failure.
func final(err error) bool {
	if errors.Is(err, provider.ErrNotFound) {
		return true
	}
	pe := site.Classify(err)
	return pe.Status >= 500 || pe.RetryAfter > 0 || pe.Status == 429
}

// preference is every kind in the provider's order of preference. It
// finds kinds in the usual order until one is offered, which names the
// provider; an error that is final, or (nothing offered) the IMAP
// refusal, which says best why, ends it.
func (l *kindLookup) preference() ([]profile.Protocol, error) {
	var refusal error
	for _, k := range profile.Kinds {
		found, err := l.find(k)
		switch {
		case err == nil:
			if found.Provider == nil {
				return profile.Kinds, nil
			}
			return found.Provider.Preference(), nil
		case final(err):
			return nil, err
		case k == profile.IMAP || refusal == nil:
			refusal = err
		}
	}
	return nil, refusal
}

// offers are the kinds the provider offers, in its order of preference,
// and why each other kind is not offered.
func (l *kindLookup) offers() ([]offer, map[profile.Protocol]error, error) {
	order, err := l.preference()
	if err != nil {
		return nil, nil, err
	}
	var out []offer
	refused := map[profile.Protocol]error{}
	for _, k := range order {
		found, err := l.find(k)
		switch {
		case err == nil:
			out = append(out, offer{k, found})
		case final(err):
			return nil, nil, err
		default:
			refused[k] = err
		}
	}
	return out, refused, nil
}

// choose is the kind of account for want on dev: want itself, when the
// provider offers it and dev installs it, or with profile.Auto the
// provider's first offered kind that dev installs. The errors are the
// provider's for a kind it does not offer, and *notInstallableError.
func (l *kindLookup) choose(want profile.Protocol, dev device) (offer, error) {
	if want != profile.Auto {
		found, err := l.find(want)
		if err != nil {
			return offer{}, err
		}
		if !dev.installs(want) {
			return offer{}, l.notInstallable(want, false, dev, found)
		}
		return offer{want, found}, nil
	}
	order, err := l.preference()
	if err != nil {
		return offer{}, err
	}
	var first *offer
	for _, k := range order {
		found, err := l.find(k)
		if err != nil {
			if final(err) {
				return offer{}, err
			}
			continue
		}
		if dev.installs(k) {
			return offer{k, found}, nil
		}
		if first == nil {
			first = &offer{k, found}
		}
	}
	if first == nil { // unreachable: preference found an offered kind
		return offer{}, errors.New("no kind of account offered")
	}
	return offer{}, l.notInstallable(first.Kind, true, dev, first.Found)
}

// notInstallable is the refusal of kind k on dev, with what works there.
func (l *kindLookup) notInstallable(k profile.Protocol, auto bool, dev device, found provider.Settings) error {
	e := &notInstallableError{Kind: k, Auto: auto, Device: dev, Provider: found.ProviderName(), Option: builtInOption(k, found.Provider, dev)}
	if offers, _, err := l.offers(); err == nil {
		for _, o := range offers {
			if dev.installs(o.Kind) {
				e.Instead = append(e.Instead, o.Kind)
			}
		}
	}
	return e
}

// notInstallableError refuses a kind of account the visitor's device
// cannot install: Exchange and Google on a Mac, or on an iPhone too old
// for them. It is a 422 that says what works instead: the device's own
// way to add the account (Option), and the kinds that do install.
type notInstallableError struct {
	Kind profile.Protocol
	// Auto says no kind was asked for, and none the provider offers
	// installs on the device.
	Auto     bool
	Device   device
	Provider string
	// Option is the account type to choose in the device's own list
	// (Outlook.com, Microsoft Exchange, Google).
	Option  string
	Instead []profile.Protocol
}

// Public is what the visitor is told: 422, about the kind asked for.
func (e *notInstallableError) Public() site.PublicError {
	return site.PublicError{Status: http.StatusUnprocessableEntity, Message: e.Error(), Field: "type"}
}

// chooseLinkKind is the kind of a helpdesk link's account, chosen as for
// an iPhone or iPad, where links are mostly opened (helpdesk.Options).
func (s *Server) chooseLinkKind(ctx context.Context, addr profile.Address, kind profile.Protocol) (profile.Protocol, error) {
	o, err := s.kinds(ctx, addr).choose(kind, device{Kind: deviceIOS})
	return o.Kind, err
}

func (e *notInstallableError) Error() string {
	var b strings.Builder
	where, settings := "a Mac", "System Settings > Internet Accounts > Add Account"
	if e.Device.onIOS() {
		where = fmt.Sprintf("an iPhone or iPad with iOS %d", e.Device.IOS)
		settings = iosAccountsPath(e.Device.IOS) + " > Add Account"
	}
	fmt.Fprintf(&b, "a configuration profile cannot set up %s %s account on %s", article(kindName(e.Kind)), kindName(e.Kind), where)
	if !e.Device.onIOS() {
		b.WriteString(" (Apple's profile for it works on iPhone and iPad only)")
	} else {
		fmt.Fprintf(&b, " (it needs iOS %d or later)", e.Kind.MinIOS())
	}
	fmt.Fprintf(&b, ": add %s in %s > %s", e.Provider, settings, e.Option)
	if len(e.Instead) > 0 {
		names := make([]string, len(e.Instead))
		for i, k := range e.Instead {
			names[i] = kindName(k) + " (type " + string(k) + ")"
		}
		fmt.Fprintf(&b, ", or choose %s", strings.Join(names, " or "))
	}
	return b.String()
}

func article(s string) string {
	if s != "" && strings.ContainsRune("AEIOU", rune(s[0])) {
		return "an"
	}
	return "a"
}

// kindName is the kind's name as people know it.
func kindName(k profile.Protocol) string {
	switch k {
	case profile.POP:
		return "POP3"
	case profile.Exchange:
		return "Microsoft Exchange"
	case profile.Google:
		return "Google"
	}
	return "IMAP"
}

// builtInOption is the account type to choose from the device's own list
// to add an account of kind k by hand: Google for Google accounts;
// Microsoft Exchange for Exchange accounts, but Outlook.com on an iPhone
// or iPad for Outlook.com's own (those of the provider that serves
// outlook.com), since iOS lists it apart and a Mac does not. Empty for
// mail accounts, which a profile sets up everywhere.
func builtInOption(k profile.Protocol, p *provider.Provider, dev device) string {
	switch k {
	case profile.Google:
		return "Google"
	case profile.Exchange:
		if dev.Kind != deviceMac && p != nil && slices.Contains(p.Domains, "outlook.com") {
			return "Outlook.com"
		}
		return "Microsoft Exchange"
	}
	return ""
}

// iosAccountsPath is where iOS keeps mail accounts: Settings > Apps >
// Mail > Mail Accounts on iOS 18 and later, Settings > Mail > Accounts on
// 14 to 17, Settings > Passwords & Accounts on 12 and 13, Settings >
// Accounts & Passwords on 11. For an unknown version, the newest.
func iosAccountsPath(ios int) string {
	switch iosPlace(ios) {
	case "14":
		return "Settings > Mail > Accounts"
	case "12":
		return "Settings > Passwords & Accounts"
	case "11":
		return "Settings > Accounts & Passwords"
	}
	return "Settings > Apps > Mail > Mail Accounts"
}

// ChooseKind is the kind of account a profile for addr gets on a device
// named as the device parameter is ("ios", "macos", or "" for any): want
// when the provider offers it and the device installs it, or with
// profile.Auto the provider's preferred kind there; and its settings. The
// errors are those /profile answers with. `mailprofile generate` uses it.
func ChooseKind(ctx context.Context, f Finder, addr profile.Address, want profile.Protocol, deviceParam string) (profile.Protocol, provider.Settings, error) {
	dev, err := parseDevice(deviceParam)
	if err != nil {
		return "", provider.Settings{}, err
	}
	l := &kindLookup{finder: f, ctx: ctx, addr: addr}
	o, err := l.choose(want, device{Kind: deviceOther}.withParam(dev))
	return o.Kind, o.Found, err
}
