package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
	"github.com/mailprofile/mailprofile/store"
)

// scrape reads /metrics through the router, as Prometheus would.
func scrape(t *testing.T, s http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	rec := newClient(t, s).get("/metrics")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d\n%s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// sample is the value of the series of name whose labels include want:
// a counter's or gauge's value, a histogram's count. ok is false when
// there is no such series.
func sample(families map[string]*dto.MetricFamily, name string, want map[string]string) (v float64, ok bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, w := range want {
			if labels[k] != w {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// labelValues lists every value of label among name's series.
func labelValues(families map[string]*dto.MetricFamily, name, label string) []string {
	var out []string
	for _, m := range families[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				out = append(out, l.GetValue())
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestMetricsCount(t *testing.T) {
	tests := []struct {
		name      string
		modify    func(*Config)
		target    string
		status    int
		profile   map[string]string // labels of the profile counted; nil for none
		lookup    map[string]string
		hasExpiry bool
	}{
		{name: "signed catalog IMAP", target: profileURL("someone@btinternet.com", "imap", ""), status: 200,
			profile:   map[string]string{"type": "imap", "signed": "true", "source": "catalog"},
			lookup:    map[string]string{"source": "catalog", "outcome": "found"},
			hasExpiry: true},
		{name: "signed catalog POP", target: profileURL("someone@btinternet.com", "pop", ""), status: 200,
			profile:   map[string]string{"type": "pop", "signed": "true", "source": "catalog"},
			lookup:    map[string]string{"source": "catalog", "outcome": "found"},
			hasExpiry: true},
		{name: "discovered, unsigned", target: profileURL("someone@btinternet.com", "imap", ""), status: 200,
			modify: func(c *Config) {
				c.Finder = labelFinder{catalog: newCatalog(t), origin: provider.Origin{Method: provider.MethodSRV, Confidence: provider.ConfidenceMedium}}
			},
			profile:   map[string]string{"type": "imap", "signed": "false", "source": "srv"},
			lookup:    map[string]string{"source": "srv", "outcome": "found"},
			hasExpiry: true},
		{name: "unsigned server", target: profileURL("someone@btinternet.com", "imap", ""), status: 200,
			modify:  func(c *Config) { c.Signer = nil },
			profile: map[string]string{"type": "imap", "signed": "false", "source": "catalog"},
			lookup:  map[string]string{"source": "catalog", "outcome": "found"}},
		{name: "unknown domain", target: profileURL("someone@unknown.invalid", "imap", ""), status: 404,
			lookup:    map[string]string{"source": "none", "outcome": "not_found"},
			hasExpiry: true},
		{name: "review page is no download", target: "/setup?email=someone%40btinternet.com&type=imap", status: 200,
			lookup:    map[string]string{"source": "catalog", "outcome": "found"},
			hasExpiry: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, tt.modify)
			if rec := s.get(t, tt.target); rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%s", tt.target, rec.Code, tt.status, rec.Body)
			}
			m := scrape(t, s)
			var served float64
			for _, x := range m["mailprofile_profiles_served_total"].GetMetric() {
				served += x.Counter.GetValue()
			}
			switch v, _ := sample(m, "mailprofile_profiles_served_total", tt.profile); {
			case tt.profile == nil && served != 0:
				t.Errorf("profiles served = %v, want none", served)
			case tt.profile != nil && (v != 1 || served != 1):
				t.Errorf("profiles served %v = %v (of %v), want 1", tt.profile, v, served)
			}
			if v, _ := sample(m, "mailprofile_settings_lookups_total", tt.lookup); v < 1 {
				t.Errorf("settings lookups %v = %v, want at least 1", tt.lookup, v)
			}
			route := strings.SplitN(tt.target, "?", 2)[0]
			class := map[int]string{200: "2xx", 404: "4xx"}[tt.status]
			if v, _ := sample(m, "mailprofile_http_request_duration_seconds", map[string]string{"route": route, "method": "GET", "status": class}); v != 1 {
				t.Errorf("request histogram for %s %s: count %v, want 1", route, class, v)
			}
			_, ok := sample(m, "mailprofile_signing_certificate_expiry_days", nil)
			if ok != tt.hasExpiry {
				t.Errorf("expiry gauge present = %v, want %v", ok, tt.hasExpiry)
			}
			for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
				if m[name] == nil {
					t.Errorf("/metrics lacks %s", name)
				}
			}
		})
	}
}

func TestMetricsExpiryDays(t *testing.T) {
	signer := newSigner(t)
	s := newTestServer(t, func(c *Config) { c.Signer = signer })
	got, ok := sample(scrape(t, s), "mailprofile_signing_certificate_expiry_days", nil)
	want := signer.NotAfter().Sub(timetest.Fixed()).Hours() / 24
	if !ok || got != want {
		t.Errorf("expiry days = %v (present %v), want %v", got, ok, want)
	}
}

func TestMetricsOneRegistryPerServer(t *testing.T) {
	m := NewMetrics()
	newTestServer(t, func(c *Config) { c.Metrics = m })
	cfg := Config{Logger: newTestServer(t, nil).log, Finder: newCatalog(t), Signer: newSigner(t), Profile: testOptions, Metrics: m}
	if _, err := New(cfg); err == nil {
		t.Error("New accepted Metrics already used by another signing server")
	}
	// Servers with their own registries do not collide.
	for range 3 {
		newTestServer(t, nil)
	}
}

// TestMetricsRoutePattern checks that the histogram labels routes by
// Echo's pattern: a link token, or any unknown path, never becomes a
// label.
func TestMetricsRoutePattern(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	agent := newClient(t, s)
	if rec := agent.signIn(testAgent, testPasswd); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", rec.Code)
	}
	token := agent.createLink(url.Values{"email": {"someone@btinternet.com"}, "type": {"pop"}, "days": {"7"}, "downloads": {"2"}})
	phone := newClient(t, s)
	for _, p := range []string{"/l/" + token, "/l/" + token + "/profile", "/l/" + token + "x", "/no/such/page", "/l/" + token + "/nope"} {
		phone.get(p)
	}
	m := scrape(t, s)
	routes := labelValues(m, "mailprofile_http_request_duration_seconds", "route")
	t.Logf("routes: %q", routes)
	for _, r := range routes {
		if strings.Contains(r, token) || strings.Contains(r, "no/such") || strings.Contains(r, "nope") {
			t.Errorf("route label %q holds a request path; routes: %q", r, routes)
		}
	}
	for _, want := range []string{"/l/:token", "/l/:token/profile", "/admin/login", "/admin/links"} {
		if _, ok := sample(m, "mailprofile_http_request_duration_seconds", map[string]string{"route": want}); !ok {
			t.Errorf("no histogram for route %q; routes: %q", want, routes)
		}
	}
	if v, _ := sample(m, "mailprofile_profiles_served_total", map[string]string{"type": "pop", "signed": "true", "source": "catalog"}); v != 1 {
		t.Errorf("profiles served through the link = %v, want 1", v)
	}
}

func TestMetricsRateLimited(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.RateLimit = 1; c.RateBurst = 2 })
	var codes []int
	for range 4 {
		codes = append(codes, s.get(t, "/").Code)
	}
	if codes[3] != http.StatusTooManyRequests {
		t.Fatalf("codes = %v, want 429 last", codes)
	}
	m := scrape(t, s) // /metrics is not rate-limited
	if v, _ := sample(m, "mailprofile_rate_limited_total", map[string]string{"limit": "requests"}); v != 2 {
		t.Errorf("rate limited = %v, want 2 (codes %v)", v, codes)
	}
	if v, _ := sample(m, "mailprofile_http_request_duration_seconds", map[string]string{"route": "/", "status": "4xx"}); v != 2 {
		t.Errorf("429s in the histogram = %v, want 2", v)
	}
}

func TestMetricsSignIn(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	var last int
	for i := range 12 {
		last = b.signIn("nobody"+string(rune('a'+i)), "wrong password!!").Code
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("12th failed sign-in: %d, want 429", last)
	}
	b.signIn(testAgent, "wrong password!!")
	m := scrape(t, s)
	unknown, _ := sample(m, "mailprofile_sign_in_failures_total", map[string]string{"reason": "unknown_user"})
	limited, _ := sample(m, "mailprofile_rate_limited_total", map[string]string{"limit": "sign_in"})
	if unknown < 1 || limited < 1 || unknown+limited != 13 {
		t.Errorf("sign-in failures %v + refused %v, want 13 in all, each at least 1", unknown, limited)
	}
}

// TestMetricsObserveLookup wires the real discovery engine's OnLookup to
// ObserveLookup as serve does, against a DNS server on loopback.
func TestMetricsObserveLookup(t *testing.T) {
	m := NewMetrics()
	d, err := discover.New(newCatalog(t), discover.Config{
		DNSServer:   dnstest.Serve(t, dnstest.XTest...),
		StepTimeout: 2 * time.Second,
		Budget:      5 * time.Second,
		OnLookup: func(r *discover.Result) {
			outcome := "not_found"
			if r.Found() {
				outcome = "found"
			}
			m.ObserveLookup(string(r.Origin.Method), outcome)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, func(c *Config) { c.Finder = d; c.Metrics = m })
	for _, target := range []string{"/api/v1/settings?email=someone@x.test", "/api/v1/settings?email=other@x.test", "/api/v1/settings?email=someone@nothing.test"} {
		s.get(t, target)
	}
	families := scrape(t, s)
	for _, tt := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"mailprofile_discovery_lookups_total", map[string]string{"source": "srv", "outcome": "found"}, 1}, // the second is cached
		{"mailprofile_discovery_lookups_total", map[string]string{"source": "none", "outcome": "not_found"}, 1},
		// Without a type the API looks up IMAP and POP.
		{"mailprofile_settings_lookups_total", map[string]string{"source": "srv", "outcome": "found"}, 4},
	} {
		if got, _ := sample(families, tt.name, tt.labels); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	var nilMetrics *Metrics
	nilMetrics.ObserveLookup("srv", "found") // serve's lookup command passes none
}

func TestMetricsPlainText(t *testing.T) {
	s := newTestServer(t, nil)
	s.get(t, profileURL("someone@btinternet.com", "imap", ""))
	rec := s.get(t, "/metrics")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q", ct)
	}
	body := rec.Body.String()
	if strings.Contains(body, "someone") || strings.Contains(body, "btinternet") {
		t.Errorf("/metrics holds the address:\n%s", body)
	}
}
