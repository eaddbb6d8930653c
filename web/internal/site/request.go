package site

import "github.com/mailprofile/mailprofile/profile"

// Account is what the public form, the review page, the download, the API
// and the helpdesk's link form are asked for: an address, a protocol and
// an optional display name.
type Account struct {
	Addr  profile.Address
	Proto profile.Protocol
	Name  string
}

// ParseAccount validates an address, an account type and a display name
// as typed. Errors are *profile.InputError.
func ParseAccount(email, typ, name string) (Account, error) {
	addr, err := profile.ParseAddress(email)
	if err != nil {
		return Account{}, err
	}
	proto, err := profile.ParseProtocol(typ)
	if err != nil {
		return Account{}, err
	}
	n, err := profile.ParseName(name)
	if err != nil {
		return Account{}, err
	}
	return Account{Addr: addr, Proto: proto, Name: n}, nil
}
