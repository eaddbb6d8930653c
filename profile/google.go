package profile

// googlePayload is one com.apple.google-oauth payload. It never carries
// credentials: after installing, the device asks the person to sign in
// with Google, and the person chooses there which Google services the
// account syncs. Apple's schema has no other keys that lock anything.
// https://developer.apple.com/documentation/devicemanagement/googleaccount
type googlePayload struct {
	AccountDescription  string `plist:"AccountDescription"`
	AccountName         string `plist:"AccountName,omitempty"`
	EmailAddress        string `plist:"EmailAddress"`
	PayloadDescription  string `plist:"PayloadDescription,omitempty"`
	PayloadDisplayName  string `plist:"PayloadDisplayName"`
	PayloadIdentifier   string `plist:"PayloadIdentifier"`
	PayloadOrganization string `plist:"PayloadOrganization,omitempty"`
	PayloadType         string `plist:"PayloadType"`
	PayloadUUID         string `plist:"PayloadUUID"`
	PayloadVersion      int    `plist:"PayloadVersion"`
}

// newGooglePayload is the payload for a Google account; the common keys
// are the caller's.
func newGooglePayload(acct Account) googlePayload {
	email := acct.Address.String()
	return googlePayload{
		AccountDescription: email,
		AccountName:        acct.Name,
		EmailAddress:       email,
		PayloadType:        "com.apple.google-oauth",
		PayloadVersion:     1,
	}
}

// encodeTo writes the payload; the keys are in the order plist sorts them.
func (p googlePayload) encodeTo(e *encoder) {
	e.open("dict")
	e.str("AccountDescription", p.AccountDescription)
	e.optStr("AccountName", p.AccountName)
	e.str("EmailAddress", p.EmailAddress)
	e.optStr("PayloadDescription", p.PayloadDescription)
	e.str("PayloadDisplayName", p.PayloadDisplayName)
	e.str("PayloadIdentifier", p.PayloadIdentifier)
	e.optStr("PayloadOrganization", p.PayloadOrganization)
	e.str("PayloadType", p.PayloadType)
	e.str("PayloadUUID", p.PayloadUUID)
	e.integer("PayloadVersion", p.PayloadVersion)
	e.close("dict")
}
