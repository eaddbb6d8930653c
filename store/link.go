package store

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"time"
)

// Link is a profile link a helpdesk agent made for one address. The URL
// carries a token from NewToken; the store keeps only its hash.
type Link struct {
	ID           int64
	TokenHash    []byte // HashToken of the token in the URL
	Email        string
	Name         string // display name for the account; may be empty
	Type         string // "imap", "pop", "exchange" or "google"
	CreatedBy    string // helpdesk user name
	CreatedAt    time.Time
	ExpiresAt    time.Time
	MaxDownloads int // at least 1
	Downloads    int
	Opens        int
	RevokedAt    time.Time // zero unless revoked
	RevokedBy    string
	// Services are what the profile sets up, as the services parameter
	// writes them ("mail,calendar,contacts" or a part); empty is mail
	// only, as for every link made before calendars and contacts.
	Services string
}

// LinkState is what a link can still be used for. The zero value means "any
// state" in a LinkFilter.
type LinkState int

// The states of a link. When several apply, revoked wins over expired, and
// expired over used up.
const (
	LinkActive  LinkState = iota + 1 // can be opened and downloaded
	LinkExpired                      // now is at or after ExpiresAt
	LinkRevoked                      // a helpdesk user revoked it
	LinkUsedUp                       // Downloads reached MaxDownloads
)

var linkStateNames = map[LinkState]string{
	LinkActive:  "active",
	LinkExpired: "expired",
	LinkRevoked: "revoked",
	LinkUsedUp:  "used-up",
}

// String returns "active", "expired", "revoked" or "used-up", the names that
// ParseLinkState reads; "any" for the zero value.
func (st LinkState) String() string {
	if st == 0 {
		return "any"
	}
	if n, ok := linkStateNames[st]; ok {
		return n
	}
	return fmt.Sprintf("LinkState(%d)", int(st))
}

// ParseLinkState reads a state name as written by String; "" and "any" give
// the zero value, which matches every state.
func ParseLinkState(s string) (LinkState, error) {
	if s == "" || s == "any" {
		return 0, nil
	}
	for st, n := range linkStateNames {
		if n == s {
			return st, nil
		}
	}
	return 0, fmt.Errorf("unknown link state %q: use active, expired, revoked or used-up", s)
}

// State returns the state of the link at now.
func (l Link) State(now time.Time) LinkState {
	switch {
	case !l.RevokedAt.IsZero():
		return LinkRevoked
	case !now.Before(l.ExpiresAt):
		return LinkExpired
	case l.Downloads >= l.MaxDownloads:
		return LinkUsedUp
	}
	return LinkActive
}

// Account types a link can hold.
const (
	TypeIMAP     = "imap"
	TypePOP      = "pop"
	TypeExchange = "exchange"
	TypeGoogle   = "google"
)

// validate checks what the caller should have checked already, so that no
// half-valid row reaches the database.
func (l Link) validate() error {
	switch {
	case len(l.TokenHash) != sha256.Size:
		return fmt.Errorf("token hash is %d bytes, want %d", len(l.TokenHash), sha256.Size)
	case l.Type != TypeIMAP && l.Type != TypePOP && l.Type != TypeExchange && l.Type != TypeGoogle:
		return fmt.Errorf("type %q is not %q, %q, %q or %q", l.Type, TypeIMAP, TypePOP, TypeExchange, TypeGoogle)
	case l.MaxDownloads < 1:
		return errors.New("max downloads must be at least 1")
	case l.CreatedAt.IsZero() || !l.ExpiresAt.After(l.CreatedAt):
		return errors.New("expiry must be after creation")
	}
	if err := checkText("email", l.Email, true, 320); err != nil {
		return err
	}
	if err := checkText("name", l.Name, false, 400); err != nil {
		return err
	}
	if err := checkText("services", l.Services, false, 64); err != nil {
		return err
	}
	return checkText("creator", l.CreatedBy, true, maxUserName)
}
