package web

import "github.com/mailprofile/mailprofile/web/helpdesk"

// The helpdesk's cookies as the README names them: over plain HTTP, and
// the prefix they carry over TLS.
const (
	sessionCookie   = "mp_session"
	loginCSRFCookie = "mp_login_csrf"
	hostPrefix      = "__Host-"
)

// signInLimits is the sign-in throttle the tests expect to hold; a test
// that changes it passes it to its server with withSignInLimits.
var signInLimits = helpdesk.DefaultSignInLimits()

func withSignInLimits(c *Config) { c.Helpdesk.SignInLimits = signInLimits }

// The sign-in form's answers to input no account can have.
const (
	msgBadName  = "That is not a user name: user names are 1 to 64 characters, without control characters."
	msgLongPass = "That password is too long: passwords are at most 1024 characters."
)
