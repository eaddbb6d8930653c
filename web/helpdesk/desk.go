package helpdesk

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// Finder finds the settings for an address, so that an agent never sends
// a link that cannot work; web passes its own.
type Finder interface {
	Find(ctx context.Context, addr profile.Address, proto profile.Protocol) (provider.Settings, error)
}

// Metrics counts what the helpdesk's sign-in refuses and computes;
// *web.Metrics satisfies it.
type Metrics interface {
	RateLimited(limit string)
	SignInFailed(reason string)
	PasswordChecked()
}

// Options is what a Desk needs from the server around it.
type Options struct {
	Config
	Logger  *slog.Logger
	Finder  Finder
	Metrics Metrics
	Trust   site.Trust
	// Now tells the time of links, sessions and throttles.
	Now func() time.Time
	// Service is the operator's service name, empty when none was set.
	Service string
	// Asset is the version tag of the static assets.
	Asset string
	// Messages are the catalogs the public pages use too.
	Messages site.Catalog
	// ChooseKind resolves the kind of account a link is for, as the
	// public pages do for an iPhone or iPad (where links are mostly
	// opened): profile.Auto becomes the provider's preferred kind there,
	// and a kind those devices cannot install is refused. Nil keeps the
	// kind as given.
	ChooseKind func(ctx context.Context, addr profile.Address, kind profile.Protocol) (profile.Protocol, error)
	// Profile are the operator's profile settings, for MDM templates.
	Profile profile.Options
}

// Desk is the helpdesk: its handlers and middleware.
type Desk struct {
	log      *slog.Logger
	now      func() time.Time
	finder   Finder
	helpdesk Config
	trust    site.Trust
	metrics  Metrics
	signIns  *sourceLimiter
	hashes   *hashGate
	pages    *template.Template
	service  string
	assetTag string
	messages site.Catalog
	mailer   Mailer
	choose   func(ctx context.Context, addr profile.Address, kind profile.Protocol) (profile.Protocol, error)
	profile  profile.Options
}

//go:embed templates/*.html
var templateFiles embed.FS

// New makes the helpdesk. Its templates are parsed here, so a broken one
// stops the program at start-up.
func New(o Options) (*Desk, error) {
	if o.Logger == nil || o.Finder == nil || o.Metrics == nil || o.Now == nil || o.Messages == nil {
		return nil, errors.New("helpdesk: logger, finder, metrics, clock and messages are required")
	}
	if o.Store != nil && len(o.Secret) < 16 {
		// It keys the CSRF tokens of single sign-on, the sealed token of a
		// new link and the short codes.
		return nil, errors.New("helpdesk: a secret of at least 16 bytes is required")
	}
	pages, err := template.New("").Funcs(template.FuncMap{"sentence": site.Sentence}).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("helpdesk: parse templates: %w", err)
	}
	s := &Desk{
		log:      o.Logger,
		now:      o.Now,
		finder:   o.Finder,
		helpdesk: o.Config,
		trust:    o.Trust,
		metrics:  o.Metrics,
		pages:    pages,
		service:  o.Service,
		assetTag: o.Asset,
		messages: o.Messages,
		choose:   o.ChooseKind,
		mailer:   o.Mail.Mailer,
		profile:  o.Profile,
	}
	s.signIns = newSourceLimiter(s.now)
	s.hashes = newHashGate(o.SignInConcurrency, store.HashMemory(), o.HashingMemory)
	if s.helpdesk.SignInLimits == (store.SignInLimits{}) {
		s.helpdesk.SignInLimits = signInLimits
	}
	if s.helpdesk.SessionIdle <= 0 {
		s.helpdesk.SessionIdle = time.Hour
	}
	if s.helpdesk.SessionMax <= 0 {
		s.helpdesk.SessionMax = 12 * time.Hour
	}
	return s, nil
}

// HashesRunning is how many sign-in password hashes run now.
func (s *Desk) HashesRunning() int64 { return s.hashes.running.Load() }

// HashesWaiting is how many sign-ins wait for a hashing slot now.
func (s *Desk) HashesWaiting() int64 { return s.hashes.waiting.Load() }

// chooseKind is Options.ChooseKind, or kind as given without one.
func (s *Desk) chooseKind(ctx context.Context, addr profile.Address, kind profile.Protocol) (profile.Protocol, error) {
	if s.choose == nil {
		return kind, nil
	}
	return s.choose(ctx, addr, kind)
}
