package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover"
)

// Metrics holds a server's Prometheus metrics in a registry of its own, not
// the global one, so a test can build many servers. Create it with
// [NewMetrics] when code outside web counts too (discovery, signer
// reloads) and pass it in Config.Metrics; New makes one otherwise. The
// methods of a nil *Metrics do nothing.
type Metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.HistogramVec
	profiles  *prometheus.CounterVec
	settings  *prometheus.CounterVec
	discovery *prometheus.CounterVec
	refused   *prometheus.CounterVec
	limited   *prometheus.CounterVec
	failures  *prometheus.CounterVec
	checks    prometheus.Counter
	reloads   *prometheus.CounterVec

	// downloadOK is the requests series of a download the fast path
	// answers (GET /profile, 2xx), from the cache or built, looked up
	// once.
	downloadOK prometheus.Observer
	// formOK is the series of the form the fast path answers (GET /,
	// 2xx).
	formOK prometheus.Observer
	// setupOK is the series of a review page the fast path answers
	// (GET /setup, 2xx).
	setupOK prometheus.Observer
	// healthz is the series of GET /healthz, which the fast path answers
	// too.
	healthz prometheus.Observer
}

// latencyBuckets reach down to half a millisecond: a cached download takes
// well under one.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// NewMetrics registers the metrics, with the Go runtime and process
// collectors, in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mailprofile_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern, method and status class.",
			Buckets: latencyBuckets,
		}, []string{"route", "method", "status"}),
		profiles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailprofile_profiles_served_total",
			Help: "Profiles downloaded, by account type, signature and where the settings came from.",
		}, []string{"type", "signed", "source"}),
		settings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailprofile_settings_lookups_total",
			Help: "Settings looked up for a request, by where they came from and outcome (found, not_found, unusable, refused, error).",
		}, []string{"source", "outcome"}),
		discovery: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailprofile_discovery_lookups_total",
			Help: "Settings lookups that went to the network, by the source that answered and outcome (found, not_found, abandoned: stopped once nobody waited).",
		}, []string{"source", "outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailprofile_discovery_refused_total",
			Help: "Lookups of new domains refused at once, by reason: busy (too many in flight), client (the client's budget of new domains is spent).",
		}, []string{"reason"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailprofile_rate_limited_total",
			Help: "Requests refused by a rate limit: requests per client address; sign_in, helpdesk sign-ins throttled (429); sign_in_busy, sign-ins refused while password hashing was full (503).",
		}, []string{"limit"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailprofile_sign_in_failures_total",
			Help: "Failed helpdesk sign-ins, by reason (unknown_user, wrong_password, throttled, busy, bad_name, bad_password).",
		}, []string{"reason"}),
		checks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mailprofile_sign_in_password_checks_total",
			Help: "Password hashes computed to check helpdesk sign-ins, names without an account included.",
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailprofile_signer_reloads_total",
			Help: "Reloads of the signing certificate and key (SIGHUP), by outcome (loaded, refused).",
		}, []string{"outcome"}),
	}
	m.downloadOK = m.requests.WithLabelValues("/profile", http.MethodGet, statusClass(http.StatusOK))
	m.formOK = m.requests.WithLabelValues("/", http.MethodGet, statusClass(http.StatusOK))
	m.setupOK = m.requests.WithLabelValues("/setup", http.MethodGet, statusClass(http.StatusOK))
	m.healthz = m.requests.WithLabelValues("/healthz", http.MethodGet, statusClass(http.StatusOK))
	for _, reason := range []string{discover.ReasonBusy, discover.ReasonClient} {
		m.refused.WithLabelValues(reason) // present at zero, for alerts on rate()
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.profiles, m.settings, m.discovery, m.refused, m.limited, m.failures, m.checks, m.reloads,
	)
	return m
}

// ObserveDiscoveryRefused counts a lookup of a new domain that discovery
// refused; reason is discover.ReasonBusy or discover.ReasonClient.
func (m *Metrics) ObserveDiscoveryRefused(reason string) {
	if m == nil {
		return
	}
	m.refused.WithLabelValues(reason).Inc()
}

// WatchDiscovery adds the lookups of new domains in flight, read from
// inFlight at each scrape.
func (m *Metrics) WatchDiscovery(inFlight func() int) error {
	if m == nil {
		return nil
	}
	g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "mailprofile_discovery_in_flight",
		Help: "Lookups of new domains running now.",
	}, func() float64 { return float64(inFlight()) })
	if err := m.registry.Register(g); err != nil {
		return fmt.Errorf("web: metrics: %w (one discovery per Metrics)", err)
	}
	return nil
}

// ObserveLookup counts a settings lookup that went to the network: method
// is the provider.Origin method that answered (empty when none did),
// outcome "found" or "not_found".
func (m *Metrics) ObserveLookup(method, outcome string) {
	if m == nil {
		return
	}
	if method == "" {
		method = "none"
	}
	m.discovery.WithLabelValues(method, outcome).Inc()
}

// ObserveSignerReload counts a reload of the signing pair; outcome is
// "loaded" or "refused".
func (m *Metrics) ObserveSignerReload(outcome string) {
	if m == nil {
		return
	}
	m.reloads.WithLabelValues(outcome).Inc()
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// watchExpiry adds the days left on the signing certificate, read from
// notAfter at each scrape, so it follows a reloaded certificate.
func (m *Metrics) watchExpiry(notAfter, now func() time.Time) error {
	g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "mailprofile_signing_certificate_expiry_days",
		Help: "Days until the signing certificate in use expires; negative once it has.",
	}, func() float64 { return notAfter().Sub(now()).Hours() / 24 })
	if err := m.registry.Register(g); err != nil {
		return fmt.Errorf("web: metrics: %w (one Metrics per Server)", err)
	}
	return nil
}

// watchHashing adds the password hashes running and waiting in g, read at
// each scrape.
func (m *Metrics) watchHashing(g interface {
	HashesRunning() int64
	HashesWaiting() int64
}) error {
	for _, gf := range []prometheus.GaugeFunc{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mailprofile_sign_in_hashes_running",
			Help: "Helpdesk sign-in password hashes running now.",
		}, func() float64 { return float64(g.HashesRunning()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mailprofile_sign_in_hashes_waiting",
			Help: "Helpdesk sign-ins waiting for a hashing slot now.",
		}, func() float64 { return float64(g.HashesWaiting()) }),
	} {
		if err := m.registry.Register(gf); err != nil {
			return fmt.Errorf("web: metrics: %w (one Metrics per Server)", err)
		}
	}
	return nil
}

// observeRequests times every request. The route is Echo's pattern, never
// the path, so /l/:token is one series and link tokens stay out of it.
func (m *Metrics) observeRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err) // write the response now, so its status is known
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, methodLabel(c.Request().Method), statusClass(c.Response().Status)).
			Observe(time.Since(start).Seconds())
		return nil
	}
}

// methodLabel keeps made-up methods from adding series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions:
		return m
	}
	return "other"
}

func statusClass(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code/100) + "xx"
}

// RateLimited counts a request refused by limit ("requests", "sign_in" or
// "sign_in_busy").
func (m *Metrics) RateLimited(limit string) { m.limited.WithLabelValues(limit).Inc() }

// SignInFailed counts a failed helpdesk sign-in.
func (m *Metrics) SignInFailed(reason string) { m.failures.WithLabelValues(reason).Inc() }

// PasswordChecked counts a password hash computed for a sign-in.
func (m *Metrics) PasswordChecked() { m.checks.Inc() }

// countedFinder counts every settings lookup.
type countedFinder struct {
	Finder
	m *Metrics
}

func (f countedFinder) Find(ctx context.Context, addr profile.Address, proto profile.Protocol) (provider.Settings, error) {
	found, err := f.Finder.Find(ctx, addr, proto)
	f.m.countLookup(found, err)
	return found, err
}

// countLookup counts a settings lookup that returned found and err.
func (m *Metrics) countLookup(found provider.Settings, err error) {
	source, outcome := string(origin(found).Method), "found"
	if err != nil && found.Origin.Method == "" {
		source = "none" // the zero Settings of an error say nothing of the source
	}
	switch {
	case err == nil: // found; and errors.As's target would be made for nothing
	case errors.Is(err, provider.ErrNotFound):
		outcome = "not_found"
	case errors.Is(err, provider.ErrOAuthOnly), errors.Is(err, provider.ErrNoProtocol), errors.Is(err, provider.ErrNoSecureServer):
		outcome = "unusable"
	case errors.As(err, new(*discover.BusyError)):
		outcome = "refused"
	case err != nil:
		outcome = "error"
	}
	m.settings.WithLabelValues(source, outcome).Inc()
}

// profilesServed is the counter of profiles served with these labels:
// account type, signed or not, and where the settings came from.
func (m *Metrics) profilesServed(proto profile.Protocol, signed bool, found provider.Settings) prometheus.Counter {
	return m.profiles.WithLabelValues(string(proto), strconv.FormatBool(signed), string(origin(found).Method))
}

// metricsHandler serves GET /metrics.
func (s *Server) metricsHandler() echo.HandlerFunc { return echo.WrapHandler(s.metrics.Handler()) }
