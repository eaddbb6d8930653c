// Package helpdesk is the helpdesk area of mailprofile: sign-in, the
// links agents make for customers and their audit trail. Its handlers and
// middleware are mounted by package web, which declares every route; the
// public side of a link (/l/…) is web's too. What both share (message
// catalogs, errors, trust in proxies) is in web/internal/site.
package helpdesk

import (
	"context"
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
)

// Accounts checks helpdesk sign-ins; *store.Store satisfies it.
type Accounts interface {
	User(ctx context.Context, name string) (store.User, error)
	ReserveSignIn(ctx context.Context, name, source string, now time.Time, lim store.SignInLimits) error
	ReleaseSignIn(ctx context.Context, name, source string) error
	SignInSucceeded(ctx context.Context, name, source string, now time.Time) error
	UpgradePasswordHash(ctx context.Context, name, oldHash, newHash string) (bool, error)
}

// Sessions keeps helpdesk sessions on the server; *store.Store satisfies
// it.
type Sessions interface {
	CreateSession(ctx context.Context, se store.Session) error
	Session(ctx context.Context, idHash []byte) (store.Session, error)
	TouchSession(ctx context.Context, idHash []byte, now time.Time) error
	DeleteSession(ctx context.Context, idHash []byte) error
}

// Links keeps profile links and their audit trail; *store.Store
// satisfies it.
type Links interface {
	CreateLink(ctx context.Context, l store.Link) (store.Link, error)
	CreateLinks(ctx context.Context, ls []store.Link) ([]store.Link, error)
	LinkByID(ctx context.Context, id int64) (store.Link, error)
	LinkByTokenHash(ctx context.Context, hash []byte) (store.Link, error)
	Links(ctx context.Context, f store.LinkFilter) ([]store.Link, error)
	Revoke(ctx context.Context, id int64, by string, now time.Time) error
	RecordOpen(ctx context.Context, id int64, e store.Event) error
	RecordDownload(ctx context.Context, hash []byte, now time.Time, e store.Event) (store.Link, error)
	Events(ctx context.Context, linkID int64) ([]store.Event, error)
	AllEvents(ctx context.Context, since time.Time, fn func(store.Event, store.Link) error) error
	AuditPage(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error)
}

// Agents keeps what each agent chose for themselves; *store.Store
// satisfies it.
type Agents interface {
	AgentLanguage(ctx context.Context, name string) (string, error)
	SetAgentLanguage(ctx context.Context, name, lang string, now time.Time) error
}

// Codes keeps the short codes of links; *store.Store satisfies it.
type Codes interface {
	CreateCode(ctx context.Context, c store.Code) error
	RedeemCode(ctx context.Context, mac []byte, now time.Time, e store.Event) (store.Code, error)
	ReserveCodeAttempt(ctx context.Context, source string, now time.Time, lim store.CodeLimits) error
}

// Emails records the links sent by email; *store.Store satisfies it.
type Emails interface {
	BeginEmail(ctx context.Context, linkID int64, agent, recipient string, now time.Time, lim store.EmailLimits) (int64, error)
	FinishEmail(ctx context.Context, eventID int64, sent bool, detail string) error
}

// Store is the store behind the helpdesk area and its links.
type Store interface {
	Accounts
	Sessions
	Links
	Agents
	Codes
	Emails
}

// Config configures the helpdesk area. With a nil Store the area
// and the /l/ links do not exist (404).
type Config struct {
	// Store returns the store, or an error wrapping store.ErrUnavailable
	// while the database cannot be reached (the helpdesk then answers 503
	// and the public pages go on working).
	Store func() (Store, error)
	// AuthHeader names a header set by a single-sign-on proxy with the
	// signed-in user's name. It is trusted only from TrustedProxies.
	AuthHeader string
	// TrustedProxies are the addresses whose X-Forwarded-For,
	// X-Forwarded-Proto and AuthHeader are believed.
	TrustedProxies []netip.Prefix
	// SessionIdle and SessionMax end a session after that long without a
	// request, and that long after sign-in.
	SessionIdle time.Duration
	SessionMax  time.Duration
	// Secret keys the CSRF tokens of header-authenticated users.
	Secret []byte
	// SignInConcurrency is how many password hashes may run at once (at
	// least one); further sign-ins wait in a short queue, then are
	// refused with 503. Each hash takes store.HashMemory() bytes and a
	// core for tens of milliseconds: cmd sizes it from the memory limit
	// and the cores.
	SignInConcurrency int
	// HashingMemory, if not nil, is told the bytes that the running
	// password hashes hold whenever that changes, so that cmd can raise
	// the soft memory limit only while hashes run: the public pages keep
	// the limit they had without a helpdesk.
	HashingMemory func(bytes int64)
	// Mail sends links by email; with a nil Mailer the helpdesk offers
	// only a mailto: link.
	Mail MailConfig
	// SignInLimits is the sign-in throttle; the zero value is
	// DefaultSignInLimits, the README's. Tests make it smaller.
	SignInLimits store.SignInLimits
}

// Link limits a helpdesk agent can choose.
const (
	DefaultLinkDays      = 7
	maxLinkDays          = 30
	DefaultLinkDownloads = 3
	maxLinkDownloads     = 20
)

const ctxStore = "helpdesk_store"

// WithStore puts the helpdesk store in the context, or answers 503 while
// the database is down.
func (s *Desk) WithStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		st, err := s.helpdesk.Store()
		if err != nil {
			return err
		}
		c.Set(ctxStore, st)
		return next(c)
	}
}

// db is the store WithStore put in the context.
func db(c echo.Context) Store { return c.Get(ctxStore).(Store) }

// DB is the store WithStore put in the context, for the pages of links
// that package web serves.
func DB(c echo.Context) Store { return db(c) }
