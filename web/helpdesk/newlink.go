package helpdesk

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
)

// The store keeps only a hash of a link's token, so the token is known
// only when the link is made. Making a link answers with a redirect to the
// link's page (post/redirect/get: a reload makes no second link), and the
// token goes along in a cookie, sealed with a key derived from the
// installation's secret, for newLinkLife: the agent can reload the page,
// or come back to it during the call, in the same browser.
const (
	newLinkCookie = "mp_new_link"
	newLinkLife   = time.Hour
)

// newLink is what the cookie holds: the last link this browser made, the
// customer's language, and its short code while that lives.
type newLink struct {
	ID         int64     `json:"id"`
	Token      string    `json:"token"`
	Lang       string    `json:"lang"`
	Code       string    `json:"code,omitempty"`
	CodeExpiry time.Time `json:"code_expiry,omitzero"`
}

// rememberNewLink sets the cookie for n.
func (s *Desk) rememberNewLink(c echo.Context, n newLink) error {
	b, err := json.Marshal(n)
	if err != nil {
		return err
	}
	sealed, err := seal(s.key("new-link"), b)
	if err != nil {
		return err
	}
	s.setCookie(c, newLinkCookie, base64.RawURLEncoding.EncodeToString(sealed), newLinkLife)
	return nil
}

// recalledLink is the token of link l from the cookie, if this browser
// made l; ok is false otherwise (another link, a forged or old cookie).
func (s *Desk) recalledLink(c echo.Context, l store.Link) (n newLink, ok bool) {
	ck, err := c.Cookie(s.cookieName(c, newLinkCookie))
	if err != nil {
		return n, false
	}
	sealed, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return n, false
	}
	b, err := unseal(s.key("new-link"), sealed)
	if err != nil || json.Unmarshal(b, &n) != nil {
		return newLink{}, false
	}
	if n.ID != l.ID || !bytes.Equal(store.HashToken(n.Token), l.TokenHash) {
		return newLink{}, false
	}
	return n, true
}
