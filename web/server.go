// Package web is the HTTP face of mailprofile: the Echo router, the
// handlers for the form, the review page, the profile download and the
// JSON API, the one error handler, and the middleware around them. It is
// the only package that imports Echo.
package web

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/static"
	"github.com/mailprofile/mailprofile/web/helpdesk"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// Signer signs profile bytes; *signing.Signer satisfies it. Sign must
// not keep content, nor return it or a part of it: the server reuses the
// buffer once Sign returns.
type Signer interface {
	Sign(content []byte) ([]byte, error)
}

// Finder finds the settings for an address; *provider.Catalog satisfies it.
type Finder interface {
	Find(ctx context.Context, addr profile.Address, proto profile.Protocol) (provider.Settings, error)
}

// Config holds what a Server needs. Logger, Finder and Profile are
// required; a nil Signer serves unsigned profiles.
type Config struct {
	Logger  *slog.Logger
	Finder  Finder
	Signer  Signer
	Profile profile.Options
	// ServiceName is shown in page titles and headings.
	ServiceName string
	// Logo is the operator's logo image (SVG, PNG, JPEG, WebP or GIF, at
	// most 256 KiB), shown beside the service name; nil for none.
	Logo []byte
	// AccentColor is the operator's colour for buttons and links, as
	// #rrggbb; empty keeps the default blue. It is adjusted for contrast.
	AccentColor string
	// SupportURL (https://, http:// or mailto:) and SupportPhone are shown
	// as the place to get help; either may be empty.
	SupportURL   string
	SupportPhone string
	// Helpdesk turns on the helpdesk area and its /l/ links.
	Helpdesk HelpdeskConfig
	// SignDiscovered signs profiles whose settings were found at run time;
	// by default they are served unsigned, since a signature is the
	// operator vouching for the servers inside.
	SignDiscovered bool
	// Ready reports whether the server can serve profiles (for /readyz).
	Ready func(ctx context.Context) error
	// RateLimit is the sustained requests per second allowed per client
	// on the public endpoints, with bursts of RateBurst; zero turns it off.
	RateLimit float64
	RateBurst int
	// ProfileCacheSize is how many finished profiles are kept in memory,
	// so a repeat download costs no signature; the cache holds at most
	// 1 KiB per entry. Zero turns the cache off. See DefaultProfileCacheSize.
	ProfileCacheSize int
	// Metrics receives the server's Prometheus metrics, served at
	// /metrics; nil makes a registry of the server's own.
	Metrics *Metrics
	// Catalog is the operator's catalog (the built-in one and
	// --providers), from which the documents for other mail clients are
	// served: autoconfig, Autodiscover, PACC. Nil turns those routes off.
	// It is never the discovering Finder. A first download of a domain
	// it knows is answered before Echo (download_fast.go), still with the
	// Finder's settings, which for such a domain come from this catalog
	// (discovery asks the catalog first).
	Catalog Catalog
	// DiscoveryBudget is how long one lookup of a new domain may take
	// (discover.Config.Budget); zero is discover.DefaultBudget. /setup
	// waits DiscoveryWait (zero: DefaultDiscoveryWait) for a lookup, then
	// answers with a page that refreshes itself while the lookup goes on
	// in the background for at most the budget (looking.go).
	DiscoveryBudget time.Duration
	DiscoveryWait   time.Duration
	// Roots are the CAs devices trust, to tell at start whether they show
	// the signed profiles as "Verified"; nil is the system's pool.
	Roots *x509.CertPool
	// Clock tells the time for everything with a date: links and their
	// expiry, sessions, sign-in throttles, audit events, the signing
	// certificate's days left. Nil is time.Now; tests pass a fixed one.
	Clock func() time.Time
}

// Validate reports the first missing or unusable setting.
func (c Config) Validate() error {
	switch {
	case c.Logger == nil:
		return errors.New("web: logger is required")
	case c.Finder == nil:
		return errors.New("web: settings finder is required")
	case c.RateLimit < 0 || c.RateBurst < 0 || math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0):
		return errors.New("web: rate limit must not be negative")
	}
	if err := c.Profile.Validate(); err != nil {
		return fmt.Errorf("web: profile options: %w", err)
	}
	return c.validateBranding()
}

// HelpdeskConfig configures the helpdesk area; see helpdesk.Config.
type HelpdeskConfig = helpdesk.Config

// Helpdesk is the store behind the helpdesk area; see helpdesk.Store.
type Helpdesk = helpdesk.Store

// SignInTrust is how long a successful sign-in keeps its source trusted;
// see helpdesk.SignInTrust.
const SignInTrust = helpdesk.SignInTrust

// Server is the web application.
type Server struct {
	log      *slog.Logger
	access   AccessLogger // log's handler, when it writes access lines itself (accessline.go)
	finder   Finder
	catalog  Catalog // nil: no documents for other clients
	signer   Signer
	options  profile.Options
	service  string
	ready    func(ctx context.Context) error
	pages    *template.Template
	echo     *echo.Echo
	rate     float64
	burst    int
	limits   *middleware.RateLimiterMemoryStore // nil: no rate limit
	now      func() time.Time
	assetTag string
	brand    *brand
	// formPages holds the form at / as every visitor without a query
	// sees it (formpage.go).
	formPages renderedPages
	// setupPages holds review pages to splice addresses into
	// (setuppage.go).
	setupPages setupPageCache
	messages   site.Catalog
	// langOptions are options with the profile's texts in each language.
	langOptions map[string]profile.Options
	helpdesk    HelpdeskConfig
	desk        *helpdesk.Desk
	trust       site.Trust
	cache       *profileCache // nil: off
	metrics     *Metrics
	known       []string  // catalog domains, for suggestions (deadends.go)
	looking     *lookings // lookups /setup waits for (looking.go)

	// signDiscovered signs settings found at run time too.
	signDiscovered bool
	// signerTrust says whether devices show the signed profiles as "Verified".
	signerTrust *signerTrust
}

// New builds the server and its routes. Templates are parsed here, so a
// broken template stops the program at start-up, not on a request.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	messages, err := site.LoadCatalog()
	if err != nil {
		return nil, err
	}
	langOptions, err := profileOptions(messages, cfg.Profile)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &Server{
		langOptions: langOptions,
		log:         cfg.Logger,
		finder:      cfg.Finder,
		catalog:     cfg.Catalog,
		signer:      cfg.Signer,
		options:     cfg.Profile,
		service:     cfg.ServiceName,
		ready:       cfg.Ready,
		pages:       pages,
		rate:        cfg.RateLimit,
		burst:       cfg.RateBurst,
		now:         cfg.Clock,
		assetTag:    static.Version(),
		brand:       newBrand(cfg),
		messages:    messages,
		helpdesk:    cfg.Helpdesk,
		metrics:     cfg.Metrics,
		known:       knownDomains(cfg),
		looking:     newLookings(cfg.DiscoveryBudget, cfg.DiscoveryWait),

		signDiscovered: cfg.SignDiscovered,
	}
	s.access, _ = cfg.Logger.Handler().(AccessLogger)
	if s.now == nil {
		s.now = time.Now
	}
	s.signerTrust = newSignerTrust(s.signer, cfg.Roots, s.now(), s.log)
	s.trust = site.Trust{Proxies: cfg.Helpdesk.TrustedProxies}
	if s.service == "" {
		s.service = "Mail setup"
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	s.finder = countedFinder{Finder: s.finder, m: s.metrics}
	s.desk, err = helpdesk.New(helpdesk.Options{Config: cfg.Helpdesk, Logger: s.log, Finder: s.finder, Metrics: s.metrics,
		Trust: s.trust, Now: s.now, Service: cfg.ServiceName, Asset: s.assetTag, Messages: s.messages,
		ChooseKind: s.chooseLinkKind, Profile: cfg.Profile})
	if err != nil {
		return nil, err
	}
	if err := s.metrics.watchHashing(s.desk); err != nil {
		return nil, err
	}
	if ns, ok := s.signer.(interface{ NotAfter() time.Time }); ok {
		if err := s.metrics.watchExpiry(ns.NotAfter, s.now); err != nil {
			return nil, err
		}
	}
	s.cache = newProfileCache(cfg.ProfileCacheSize, cfg.Profile)
	s.limits = s.newRateLimits()
	s.echo = s.routes()
	return s, nil
}

// ServeHTTP makes Server an http.Handler. A profile download (a repeat
// from the cache, a first one of a catalog address), the form, a cached
// review page and /healthz are answered before Echo (fastpath.go);
// everything else goes through Echo's routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// RawPath is set when the path was escaped unusually ("/%70rofile"),
	// which Echo routes by: leave those to it.
	if r.Method == http.MethodGet && r.URL.RawPath == "" {
		switch r.URL.Path {
		case "/profile":
			if s.serveDownload(w, r) {
				return
			}
		case "/":
			if s.serveFormCached(w, r) {
				return
			}
		case "/setup":
			if s.serveSetupCached(w, r) {
				return
			}
		case "/healthz":
			s.serveHealthz(w, r)
			return
		}
	}
	s.echo.ServeHTTP(w, r)
}

// routes declares every route in one place.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = s.trust.IPExtractor()
	e.SchemeExtractor = s.trust.Scheme

	e.Use(s.assignRequestID)
	e.Use(s.metrics.observeRequests)
	e.Use(s.logRequests)
	e.Use(s.recoverPanics)
	e.Use(s.securityHeaders)
	e.Use(discoveryClient)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: "64K",
		// A request without a body (net/http's NoBody: every GET a browser
		// sends) has nothing to bound.
		Skipper: func(c echo.Context) bool {
			return c.Request().Body == http.NoBody || c.Path() == bulkPath || boundsOwnBody(c.Path())
		},
	}))

	// Per-route middleware: a Group with middleware would answer 404 for
	// every unknown path and method below it, hiding 405s.
	limit := s.rateLimiter()
	e.GET("/", s.showForm, limit)
	e.GET("/setup", s.showSetup, limit)
	e.GET("/setup/qr.svg", s.setupQR, limit)
	e.GET("/profile", s.downloadProfile, limit)
	e.GET("/manual", s.showManual, limit)
	e.GET("/manual/profile", s.downloadManual, limit)
	e.GET("/api/v1/settings", s.apiSettings, limit)
	s.clientRoutes(e, limit) // autoconfig, Autodiscover, PACC: clients.go

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	// Not rate-limited, and public on this listener: operators keep it
	// internal at the proxy (see the README).
	e.GET("/metrics", s.metricsHandler())
	e.GET("/static/*", echo.WrapHandler(static.Handler()))
	e.GET("/brand.css", s.brandCSS)
	e.GET("/brand/logo", s.brandLogo)
	if s.helpdesk.Store != nil {
		s.helpdeskRoutes(e, limit)
	}
	return e
}

const bulkPath = "/admin/links/bulk"

// helpdeskRoutes declares the helpdesk area and the links it hands out.
func (s *Server) helpdeskRoutes(e *echo.Echo, limit echo.MiddlewareFunc) {
	d := s.desk
	st := d.WithStore
	e.GET("/admin/login", d.ShowLogin, limit, st)
	e.POST("/admin/login", d.Login, limit, st)
	auth := []echo.MiddlewareFunc{st, d.RequireAgent}
	e.POST("/admin/logout", d.Logout, auth...)
	e.GET("/admin", d.ShowLinks, auth...)
	e.POST("/admin/links", d.CreateLink, auth...)
	e.POST(bulkPath, d.BulkLinks, append([]echo.MiddlewareFunc{middleware.BodyLimit("2M")}, auth...)...)
	e.GET("/admin/links/:id", d.ShowLink, auth...)
	e.POST("/admin/links/:id/revoke", d.RevokeLink, auth...)
	e.GET("/admin/links/:id/audit.csv", d.LinkAuditCSV, auth...)
	e.POST("/admin/links/:id/code", d.MakeCode, auth...)
	e.POST("/admin/links/:id/email", d.EmailLink, auth...)
	e.GET("/admin/audit", d.ShowAudit, auth...)
	e.GET("/admin/audit.csv", d.AuditCSV, auth...)
	e.POST("/admin/language", d.SetLanguage, auth...)
	e.GET("/admin/mdm", d.ShowMDM, auth...)
	e.POST("/admin/mdm", d.DownloadMDM, auth...)

	e.GET("/code", s.showCodeForm, limit)
	e.POST("/code", s.redeemCode, limit, st)

	e.GET("/l/:token", s.showLinkPage, limit, st)
	e.GET("/l/:token/profile", s.downloadLinkProfile, limit, st)
	e.GET("/l/:token/qr.svg", s.linkQR, limit, st)
}
