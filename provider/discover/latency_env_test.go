package discover

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// The delays the latency harness adds to every answer, one per kind of
// server, different enough that the slowest source of each scenario is
// plain: a recursive resolver's answer, the provider's web server, and
// the ISPDB, which is usually far away.
const (
	slowDNS   = 40 * time.Millisecond
	slowWeb   = 60 * time.Millisecond
	slowISPDB = 80 * time.Millisecond
)

// slowEnv is a loopback DNS server, the domains' HTTPS server and an
// ISPDB, each delaying every answer by its known amount and counting the
// questions it got, so that a lookup's wall time can be set against the
// delays it met.
type slowEnv struct {
	cfg                   Config
	catalog               *provider.Catalog
	dnsQs, webQs, ispdbQs atomic.Int64
}

// slowZone is the DNS of the latency scenarios (see BenchmarkDiscoveryLatency).
// Every domain has a web site at its own name, as most do, so its
// well-known URL answers 404 unless it serves one; mail exchangers in the
// domain itself lead nowhere.
var slowZone = []string{
	"ac.test. MX 10 mx.ac.test.", "ac.test. A 127.0.0.1", "autoconfig.ac.test. A 127.0.0.1",
	"wk.test. MX 10 mx.wk.test.", "wk.test. A 127.0.0.1",
	"db.test. MX 10 mx.db.test.", "db.test. A 127.0.0.1",
	"mxcat.test. MX 10 mx.hosted.test.", "mxcat.test. A 127.0.0.1",
	"mxac.test. MX 10 mx.achost.test.", "mxac.test. A 127.0.0.1", "autoconfig.achost.test. A 127.0.0.1",
	"srv.test. MX 10 mx.srv.test.", "srv.test. A 127.0.0.1",
	"_imaps._tcp.srv.test. SRV 0 1 993 mail.srv.test.",
	"_submissions._tcp.srv.test. SRV 0 1 465 mail.srv.test.",
	"nf.test. MX 10 mx.nf.test.", "nf.test. A 127.0.0.1",
	// gone.test has no record: NXDOMAIN.
}

func newSlowEnv(tb testing.TB) *slowEnv {
	tb.Helper()
	e := &slowEnv{}
	ca := newTestCA(tb)
	zone := dnstest.Handler(tb, slowZone...)
	dnsAddr := dnstest.ServeHandler(tb, dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		e.dnsQs.Add(1)
		time.Sleep(slowDNS) // the known delay, per answer
		zone.ServeDNS(w, r)
	}))

	web := &testWeb{routes: map[string]http.Handler{}, hits: map[string]int{}}
	web.xml("autoconfig.ac.test/mail/config-v1.1.xml", clientConfig("ac.test", "mail.ac.test"))
	web.xml("wk.test/.well-known/autoconfig/mail/config-v1.1.xml", clientConfig("wk.test", "mail.wk.test"))
	web.xml("autoconfig.achost.test/mail/config-v1.1.xml", clientConfig("achost.test", "mail.achost.test"))
	webPort := serveHTTPS(tb, ca, delayed(http.HandlerFunc(web.serve), slowWeb, &e.webQs))

	ispdb := &testWeb{routes: map[string]http.Handler{}, hits: map[string]int{}}
	ispdb.xml("/v1.1/db.test", clientConfig("db.test", "mail.db.test"))
	ispdbPort := serveHTTPS(tb, ca, delayed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Host = "" // route on the path alone
		ispdb.serve(w, r)
	}), slowISPDB, &e.ispdbQs))

	cat, err := provider.NewCatalog(fstest.MapFS{"hosted.xml": {Data: []byte(clientConfig("hosted.test", "mail.hosted.test"))}})
	if err != nil {
		tb.Fatal(err)
	}
	e.catalog = cat

	ports := map[int]int{443: webPort}
	closed := listen(tb, reject)
	for _, p := range []int{993, 143, 995, 110, 465, 587} {
		ports[p] = closed
	}
	e.cfg = Config{
		ISPDBURL:    "https://127.0.0.1:" + strconv.Itoa(ispdbPort) + "/v1.1/",
		DNSServer:   dnsAddr,
		StepTimeout: 2 * time.Second,
		Budget:      5 * time.Second,
		// Every lookup is a fresh domain's: nothing is kept.
		FoundTTL: -1, NotFoundTTL: -1,
		// Every server is on 127.0.0.1, and one lookup follows another.
		DestinationConns: -1, ClientLookups: -1,
		// Probing keeps its production timing: ProbeDelay and
		// ProbeStagger are left at their defaults.
		Testing: Testing{AllowLoopback: true, RootCAs: ca.pool, Ports: ports},
	}
	return e
}

// delayed answers through h after d, counting the requests.
func delayed(h http.Handler, d time.Duration, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(d) // the known delay, per answer
		h.ServeHTTP(w, r)
	})
}

// delays is the sum of the delays added to every answer so far.
func (e *slowEnv) delays() time.Duration {
	return time.Duration(e.dnsQs.Load())*slowDNS + time.Duration(e.webQs.Load())*slowWeb + time.Duration(e.ispdbQs.Load())*slowISPDB
}
