package ddm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/mailprofile/mailprofile/profile"
)

// The declaration types this package writes.
// https://developer.apple.com/documentation/devicemanagement/mailaccount
const (
	TypeMail       = "com.apple.configuration.account.mail"
	TypeExchange   = "com.apple.configuration.account.exchange"
	TypeGoogle     = "com.apple.configuration.account.google"
	TypeIdentity   = "com.apple.asset.useridentity"
	TypeCredential = "com.apple.asset.credential.userpassword"
)

// Declaration is one declaration as a DDM server serves it.
// https://developer.apple.com/documentation/devicemanagement/declarationbase
type Declaration struct {
	Type       string `json:"Type"`
	Identifier string `json:"Identifier"`
	// ServerToken is a digest of the other fields, so that it changes
	// exactly when they do and the device applies the declaration again.
	ServerToken string         `json:"ServerToken"`
	Payload     map[string]any `json:"Payload"`
}

// Options are the operator's settings of the declarations.
type Options struct {
	// IdentifierPrefix is the operator's reverse-DNS prefix, as for
	// profiles.
	IdentifierPrefix string
	// CredentialURL is the https URL where the DDM server serves each
	// user's com.apple.credential.usernameandpassword document: the user
	// name, without a password. Required for IMAP and POP accounts that
	// sign in.
	CredentialURL string
}

// Build returns the declarations of acct's kind for its domain: the
// account configuration, the user identity asset and, when a server
// signs in with a password, the credential asset. Only the domain of
// acct.Address counts: the declarations are every user's, and the DDM
// server fills in the user. Identifiers depend on the prefix, the domain
// and the kind only.
func Build(acct profile.Account, opts Options) ([]Declaration, error) {
	if err := profile.ValidateIdentifierPrefix(opts.IdentifierPrefix); err != nil {
		return nil, err
	}
	if err := acct.Validate(); err != nil {
		return nil, fmt.Errorf("invalid account: %w", err)
	}
	base := opts.IdentifierPrefix + ".ddm." + acct.Address.Domain + "." + string(acct.Protocol)
	// The identity's keys are the user's, both optional in Apple's
	// schema: the DDM server sets EmailAddress and FullName per user.
	identity := Declaration{Type: TypeIdentity, Identifier: base + ".identity", Payload: map[string]any{}}
	payload := map[string]any{"UserIdentityAssetReference": identity.Identifier}
	if acct.Provider != "" {
		payload["VisibleName"] = acct.Provider
	}
	account := Declaration{Identifier: base + ".account", Payload: payload}
	var cred *Declaration
	switch acct.Protocol {
	case profile.IMAP, profile.POP:
		account.Type = TypeMail
		credID := base + ".credential"
		in, inCred, err := server(acct.Incoming, credID)
		if err != nil {
			return nil, fmt.Errorf("incoming server: %w", err)
		}
		in["ServerType"] = map[profile.Protocol]string{profile.IMAP: "IMAP", profile.POP: "POP"}[acct.Protocol]
		outgoing, outCred, err := server(acct.Outgoing, credID)
		if err != nil {
			return nil, fmt.Errorf("outgoing server: %w", err)
		}
		payload["IncomingServer"], payload["OutgoingServer"] = in, outgoing
		if inCred || outCred {
			ref, err := credentialReference(opts.CredentialURL)
			if err != nil {
				return nil, err
			}
			cred = &Declaration{Type: TypeCredential, Identifier: credID, Payload: ref}
		}
	case profile.Exchange:
		// OAuth without a SignInURL: the device signs in on the page
		// Microsoft's server names, so no credential asset.
		account.Type = TypeExchange
		payload["EnabledProtocolTypes"] = []any{"EAS"}
		payload["HostName"] = acct.Incoming.Host
		payload["OAuth"] = map[string]any{"Enabled": true}
	case profile.Google:
		account.Type = TypeGoogle
	}
	out := []Declaration{account, identity}
	if cred != nil {
		out = append(out, *cred)
	}
	for i := range out {
		token, err := serverToken(out[i])
		if err != nil {
			return nil, err
		}
		out[i].ServerToken = token
	}
	return out, nil
}

// ErrCredentialURL is the error of a missing or unusable
// Options.CredentialURL.
var ErrCredentialURL = errors.New("credential URL")

// authMethods are the AuthenticationMethod values of the account.mail
// servers, for Apple's EmailAuth values.
var authMethods = map[profile.Auth]string{
	profile.AuthNone:     "None",
	profile.AuthPassword: "Password",
	profile.AuthCRAMMD5:  "CRAMMD5",
	profile.AuthNTLM:     "NTLM",
	profile.AuthHTTPMD5:  "HTTPMD5",
}

// server is one IncomingServer or OutgoingServer, and whether it
// references the credential: every method but None does.
func server(s profile.Server, credID string) (map[string]any, bool, error) {
	method, ok := authMethods[s.Auth]
	if !ok {
		return nil, false, fmt.Errorf("authentication %q has no declarative form", s.Auth)
	}
	m := map[string]any{"HostName": s.Host, "Port": s.Port, "AuthenticationMethod": method}
	if s.Auth == profile.AuthNone {
		return m, false, nil
	}
	m["AuthenticationCredentialsAssetReference"] = credID
	return m, true, nil
}

// credentialReference is the credential asset's payload: where the
// device fetches the user name, with its MDM identity so that the server
// knows the user. It holds no password, so the device asks for it.
func credentialReference(dataURL string) (map[string]any, error) {
	if dataURL == "" {
		return nil, fmt.Errorf("%w: the account signs in with a password, and the credential asset needs the https URL where your DDM server serves each user's user name", ErrCredentialURL)
	}
	u, err := url.Parse(dataURL)
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL", ErrCredentialURL) // the text may hold a password
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" {
		// Not repeated: a URL that is not what we want may hold a
		// password where Redacted does not look ("a:secret@").
		return nil, fmt.Errorf("%w: want an https URL without user or fragment", ErrCredentialURL)
	}
	return map[string]any{
		"Reference":      map[string]any{"DataURL": u.String(), "ContentType": "application/json"},
		"Authentication": map[string]any{"Type": "MDM"},
	}, nil
}

// serverToken is the SHA-256 of the declaration's canonical JSON without
// its token: encoding/json writes map keys sorted, so equal content gives
// equal bytes.
func serverToken(d Declaration) (string, error) {
	d.ServerToken = ""
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// JSON is the declarations as one indented JSON array, for a file or
// standard output.
func JSON(ds []Declaration) ([]byte, error) {
	b, err := json.MarshalIndent(ds, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// FileJSON is one declaration as an indented JSON document; FileName is
// its name in a folder of declarations.
func FileJSON(d Declaration) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// FileName is the file of d in a folder: its identifier, which is made
// of letters, digits, hyphens and dots.
func (d Declaration) FileName() string { return d.Identifier + ".json" }
