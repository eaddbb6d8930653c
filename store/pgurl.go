package store

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// postgresURL is a --database-url as pgx (and libpq) read it, made fit
// for errors and logs: public is the URL with every password masked, and
// secrets holds each text that is a password (as written and decoded), to
// be removed from the driver's errors.
type postgresURL struct {
	public  string
	secrets []string
}

const mask = "xxxxx"

// parsePostgresURL reads a postgres:// or postgresql:// URL far enough to
// tell where its passwords are: the userinfo, which libpq ends at the
// first '@' before any '/', and the password and sslpassword parameters.
//
// An '@' anywhere else means that a user name, password, database name or
// parameter holds an '@' or '/' that is not percent-encoded. Such a URL
// reads more than one way (Go's url.Parse takes the last '@', libpq the
// first), and a piece of the password lands in the host or the database
// name, which connection errors quote. It is refused with a message that
// shows nothing after the scheme.
func parsePostgresURL(raw string) (postgresURL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "postgres" && scheme != "postgresql") {
		return postgresURL{}, errors.New("store: --database-url must start with postgres:// or postgresql://")
	}
	var b strings.Builder
	b.WriteString(scheme + "://")
	var secrets []string
	if at := strings.IndexByte(rest, '@'); at >= 0 {
		if strings.IndexByte(rest[:at], '/') >= 0 || strings.IndexByte(rest[at+1:], '@') >= 0 {
			return postgresURL{}, fmt.Errorf("store: --database-url %s://%s@…: write an @ or / in the user name, password, "+
				"database name or a parameter as %%40 or %%2F, so that the URL reads only one way", scheme, mask)
		}
		user, password, hasPassword := strings.Cut(rest[:at], ":")
		b.WriteString(user)
		if hasPassword {
			b.WriteString(":" + mask)
			secrets = append(secrets, password, unescape(password))
		}
		b.WriteByte('@')
		rest = rest[at+1:]
	}
	base, query, hasQuery := strings.Cut(rest, "?")
	b.WriteString(base)
	if hasQuery {
		b.WriteByte('?')
		for i, pair := range strings.Split(query, "&") {
			if i > 0 {
				b.WriteByte('&')
			}
			key, value, hasValue := strings.Cut(pair, "=")
			if k := unescape(key); hasValue && (k == "password" || k == "sslpassword") {
				b.WriteString(key + "=" + mask)
				secrets = append(secrets, value, unescape(value))
				continue
			}
			b.WriteString(pair)
		}
	}
	return postgresURL{public: b.String(), secrets: secrets}, nil
}

// unescape decodes the %XX escapes of s as pgx does; s as it is when one
// is broken (pgx then refuses the URL without quoting the value).
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
