package profile

// Where each kind of account installs, from Apple's schema
// (spec/apple/*.yaml, supportedOS): com.apple.mail.managed on iOS 4 and
// macOS 10.7; com.apple.eas.account on iOS and iPadOS only, its OAuth key
// from iOS 12; com.apple.google-oauth on iOS and iPadOS 9.3 only. Neither
// of the last two has a macOS version: a Mac refuses such a profile.
// https://developer.apple.com/documentation/devicemanagement/exchangeactivesync
// https://developer.apple.com/documentation/devicemanagement/googleaccount

// Kinds are every kind of account, in the order a provider that states no
// preference has them preferred: the ones that sign in on the provider's
// own page first, since they need no app password, then IMAP before POP.
// It must not be modified.
var Kinds = []Protocol{Exchange, Google, IMAP, POP}

// OnMac reports whether a profile of this kind installs on macOS.
func (p Protocol) OnMac() bool { return p == IMAP || p == POP }

// MinIOS is the first major iOS version on which every release installs
// a profile of this kind and signs in as it should: 12 for Exchange (the
// OAuth key; an older device would ask for a password Microsoft no
// longer takes), 10 for Google (9.3 brought it, and a User-Agent tells
// only the major version), 4 for mail.
func (p Protocol) MinIOS() int {
	switch p {
	case Exchange:
		return 12
	case Google:
		return 10
	}
	return 4
}

// SignsIn reports whether the account signs in on the provider's own page
// after installing (OAuth) rather than with a password typed while
// installing.
func (p Protocol) SignsIn() bool { return p == Exchange || p == Google }

// Label is the kind's short name: IMAP, POP, Exchange or Google.
func (p Protocol) Label() string {
	switch p {
	case POP:
		return "POP"
	case Exchange:
		return "Exchange"
	case Google:
		return "Google"
	}
	return "IMAP"
}
