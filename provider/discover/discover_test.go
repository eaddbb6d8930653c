package discover

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

func mustAddr(t *testing.T, s string) profile.Address {
	t.Helper()
	a, err := profile.ParseAddress(s)
	if err != nil {
		t.Fatalf("ParseAddress(%q) error = %v", s, err)
	}
	return a
}

// logSteps shows the trace when a test fails or runs with -v.
func logSteps(t *testing.T, res *Result) {
	t.Helper()
	for _, s := range res.Steps {
		t.Logf("%-14s %-55s %-9s %6.1fms %s", s.Source, s.Target, s.Outcome, ms(s.Duration), s.Detail)
	}
}

func findStep(res *Result, source, targetPart string) (Step, bool) {
	for _, s := range res.Steps {
		if s.Source == source && strings.Contains(s.Target, targetPart) {
			return s, true
		}
	}
	return Step{}, false
}

func wantServer(t *testing.T, what string, got profile.Server, host string, port int, starttls bool) {
	t.Helper()
	if got.Host != host || got.Port != port || got.STARTTLS != starttls || !got.UseSSL {
		t.Errorf("%s = %+v, want %s:%d starttls=%v with TLS", what, got, host, port, starttls)
	}
}

func TestCatalogFirst(t *testing.T) {
	e := newEnv(t)
	cat, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cat, e.config())
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Find(context.Background(), mustAddr(t, "someone@btinternet.com"), profile.IMAP)
	if err != nil {
		t.Fatalf("Find(btinternet.com) error = %v", err)
	}
	wantServer(t, "incoming", s.Incoming, "mail.btinternet.com", 993, false)
	if s.Origin.Method != provider.MethodCatalog || s.Origin.Confidence != provider.ConfidenceHigh || s.Origin.Discovered() {
		t.Errorf("Find(btinternet.com).Origin = %+v, want catalog, high, not discovered", s.Origin)
	}
	if n := e.dns.queries.Load(); n != 0 {
		t.Errorf("catalog answer made %d DNS queries, want 0", n)
	}
}

func TestAutoconfig(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "autoconfig.ac.test")
	e.web.xml("autoconfig.ac.test/mail/config-v1.1.xml", clientConfig("ac.test", "imap.ac.test"))
	d := e.discoverer(t, e.config())
	res, err := d.Discover(context.Background(), "ac.test")
	if err != nil {
		t.Fatal(err)
	}
	logSteps(t, res)
	s, err := res.Settings(mustAddr(t, "fred@ac.test"), profile.IMAP)
	if err != nil {
		t.Fatalf("Settings() error = %v", err)
	}
	wantServer(t, "incoming", s.Incoming, "imap.ac.test", 993, false)
	wantServer(t, "outgoing", s.Outgoing, "imap.ac.test", 465, false)
	if s.Incoming.Username != "fred@ac.test" {
		t.Errorf("incoming username = %q, want fred@ac.test", s.Incoming.Username)
	}
	want := provider.Origin{Method: provider.MethodAutoconfig, Confidence: provider.ConfidenceHigh, Via: "https://autoconfig.ac.test/mail/config-v1.1.xml"}
	if s.Origin != want || !s.Origin.Discovered() {
		t.Errorf("Origin = %+v, want %+v, discovered", s.Origin, want)
	}
	if !strings.Contains(s.Source(), "autoconfig") {
		t.Errorf("Source() = %q, want it to name the autoconfig", s.Source())
	}
}

func TestWellKnown(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "wk.test")
	e.web.xml("wk.test/.well-known/autoconfig/mail/config-v1.1.xml", clientConfig("wk.test", "mail.wk.test"))
	d := e.discoverer(t, e.config())
	res, _ := d.Discover(context.Background(), "wk.test")
	logSteps(t, res)
	if res.Origin.Method != provider.MethodAutoconfig || !strings.Contains(res.Origin.Via, ".well-known") {
		t.Errorf("Origin = %+v, want the well-known autoconfig", res.Origin)
	}
	if st, ok := findStep(res, "autoconfig", "autoconfig.wk.test"); !ok || st.Outcome != OutcomeNotFound {
		t.Errorf("autoconfig step = %+v, want not-found", st)
	}
}

// ispdbServer serves documents by domain at /v1.1/<domain> on a trusted
// URL and counts requests.
func ispdbServer(t *testing.T, e *testEnv, docs map[string]string) (string, *testWeb) {
	t.Helper()
	w := &testWeb{routes: map[string]http.Handler{}, hits: map[string]int{}}
	for dom, body := range docs {
		w.routes["/v1.1/"+dom] = xmlHandler(body)
	}
	port := serveHTTPS(t, e.ca, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		r.Host = "" // route on the path alone
		w.serve(rw, r)
	}))
	return "https://127.0.0.1:" + strconv.Itoa(port) + "/v1.1/", w
}

// TestPriority: a slow autoconfig still beats a fast ISPDB.
func TestPriority(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "autoconfig.prio.test")
	e.web.handle("autoconfig.prio.test/mail/config-v1.1.xml", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		xmlHandler(clientConfig("prio.test", "from-autoconfig.prio.test")).ServeHTTP(w, r)
	}))
	url, _ := ispdbServer(t, e, map[string]string{"prio.test": clientConfig("prio.test", "from-ispdb.prio.test")})
	cfg := e.config()
	cfg.ISPDBURL = url
	d := e.discoverer(t, cfg)
	res, _ := d.Discover(context.Background(), "prio.test")
	logSteps(t, res)
	if res.Origin.Method != provider.MethodAutoconfig || res.Provider.Incoming[0].Hostname != "from-autoconfig.prio.test" {
		t.Errorf("Discover(prio.test) origin = %+v, want the autoconfig answer", res.Origin)
	}
}

// TestHangingAutoconfig: an autoconfig server that never answers costs
// one step timeout, and the ISPDB answers.
func TestHangingAutoconfig(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "autoconfig.hang.test")
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	// Never answer, not even once the client has gone.
	e.web.handle("autoconfig.hang.test/mail/config-v1.1.xml", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		<-release
	}))
	url, _ := ispdbServer(t, e, map[string]string{"hang.test": clientConfig("hang.test", "mail.hang.test")})
	cfg := e.config()
	cfg.ISPDBURL = url
	cfg.StepTimeout = 300 * time.Millisecond
	cfg.Budget = 10 * time.Second
	d := e.discoverer(t, cfg)
	res, _ := d.Discover(context.Background(), "hang.test")
	logSteps(t, res)
	if res.Origin.Method != provider.MethodISPDB {
		t.Fatalf("Discover(hang.test) origin = %+v, want the ISPDB", res.Origin)
	}
	st, _ := findStep(res, "autoconfig", "autoconfig.hang.test")
	if st.Outcome != OutcomeTimeout {
		t.Errorf("autoconfig step outcome = %s (%s), want timeout", st.Outcome, st.Detail)
	}
	// Bounded by the step timeout, far from the budget.
	if res.Elapsed >= cfg.Budget/2 {
		t.Errorf("Discover(hang.test) took %v, want about one step timeout (%v)", res.Elapsed, cfg.StepTimeout)
	}
}

// TestHangingISPDB: an ISPDB that accepts and never answers does not
// stop a lower-priority source (SRV) from answering.
func TestHangingISPDB(t *testing.T) {
	e := newEnv(t)
	port := listen(t, hang)
	e.dns.add(t,
		"_imaps._tcp.slow.test. SRV 0 1 993 imap.slow.test.",
		"_submissions._tcp.slow.test. SRV 0 1 465 smtp.slow.test.",
	)
	cfg := e.config()
	cfg.ISPDBURL = "https://127.0.0.1:" + strconv.Itoa(port) + "/v1.1/"
	cfg.StepTimeout = 300 * time.Millisecond
	cfg.Budget = 10 * time.Second
	d := e.discoverer(t, cfg)
	res, _ := d.Discover(context.Background(), "slow.test")
	logSteps(t, res)
	if res.Origin.Method != provider.MethodSRV {
		t.Fatalf("Discover(slow.test) origin = %+v, want SRV", res.Origin)
	}
	if st, _ := findStep(res, "ispdb", "slow.test"); st.Outcome != OutcomeTimeout {
		t.Errorf("ispdb step outcome = %s (%s), want timeout", st.Outcome, st.Detail)
	}
	if res.Elapsed >= cfg.Budget/2 {
		t.Errorf("Discover(slow.test) took %v, want about one step timeout (%v)", res.Elapsed, cfg.StepTimeout)
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	d := e.discoverer(t, e.config())
	_, err := d.Find(context.Background(), mustAddr(t, "x@nowhere.test"), profile.IMAP)
	var nf *provider.NotFoundError
	if !errors.As(err, &nf) || nf.Domain != "nowhere.test" {
		t.Errorf("Find(nowhere.test) error = %v, want *provider.NotFoundError", err)
	}
	res, _ := d.Discover(context.Background(), "nowhere.test")
	if !res.Cached {
		t.Errorf("second Discover(nowhere.test).Cached = false, want true")
	}
	for _, s := range []string{"autoconfig", "well-known", "ispdb", "mx", "srv"} {
		if _, ok := findStep(res, s, ""); !ok {
			t.Errorf("trace has no %s step", s)
		}
	}
}

func TestResultJSON(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "autoconfig.js.test")
	e.web.xml("autoconfig.js.test/mail/config-v1.1.xml", clientConfig("js.test", "mail.js.test"))
	cfg := e.config()
	var observed []*Result
	cfg.OnLookup = func(r *Result) { observed = append(observed, r) }
	d := e.discoverer(t, cfg)
	res, _ := d.Discover(context.Background(), "js.test")
	d.Discover(context.Background(), "js.test") // cached: not observed
	if len(observed) != 1 || observed[0].Domain != "js.test" {
		t.Errorf("OnLookup saw %d results, want 1 for js.test", len(observed))
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Domain string
		Found  bool
		Origin provider.Origin
		Steps  []struct {
			Source, Target, Outcome string
			DurationMS              float64 `json:"duration_ms"`
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Domain != "js.test" || !got.Found || got.Origin.Method != provider.MethodAutoconfig || len(got.Steps) < 2 {
		t.Errorf("json.Marshal(result) = %s", b)
	}
	if s := got.Steps[1]; s.Source != "autoconfig" || s.Outcome != "found" {
		t.Errorf("second step = %+v, want the autoconfig, found", s)
	}
}
