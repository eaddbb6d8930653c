package discover

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/provider"
)

// Shorthands for the chains below.
const (
	dnsD, webD, dbD = slowDNS, slowWeb, slowISPDB
)

// latencyScenario is one fresh domain of the latency harness. slowest is
// the longest chain of delays among the sources its answer needs: the
// source that answers, and every higher-priority one, which must fail
// first. A source's chain is the delays of the requests it makes one
// after another (autoconfig: the A and AAAA of autoconfig.<domain>,
// asked together, then the HTTPS fetch).
type latencyScenario struct {
	name, domain string
	wantMethod   provider.Method // "" for nothing found
	wantHost     string          // the first incoming server
	slowest      time.Duration
	chain        string // how slowest comes about, for the log
}

var latencyScenarios = []latencyScenario{
	{name: "autoconfig", domain: "ac.test", wantMethod: provider.MethodAutoconfig, wantHost: "mail.ac.test",
		slowest: dnsD + webD, chain: "autoconfig: A of autoconfig.ac.test, fetch"},
	{name: "well-known", domain: "wk.test", wantMethod: provider.MethodAutoconfig, wantHost: "mail.wk.test",
		slowest: dnsD + webD, chain: "well-known: A of wk.test, fetch (autoconfig fails after one DNS answer)"},
	{name: "ispdb", domain: "db.test", wantMethod: provider.MethodISPDB, wantHost: "mail.db.test",
		slowest: max(dnsD+webD, dbD), chain: "well-known failing: A of db.test, fetch, 404; the ISPDB is quicker"},
	{name: "mx-catalog", domain: "mxcat.test", wantMethod: provider.MethodMX, wantHost: "mail.hosted.test",
		slowest: max(dnsD+webD, dbD, dnsD), chain: "well-known failing (A, fetch, 404); the MX and the catalog are quicker"},
	{name: "mx-autoconfig", domain: "mxac.test", wantMethod: provider.MethodMX, wantHost: "mail.achost.test",
		slowest: max(dnsD+webD, dbD, 2*dnsD+webD), chain: "mx: MX of mxac.test, A of autoconfig.achost.test, fetch"},
	{name: "srv", domain: "srv.test", wantMethod: provider.MethodSRV, wantHost: "mail.srv.test",
		slowest: max(dnsD+webD, dbD, dnsD), chain: "well-known failing (A, fetch, 404); the MX and SRV queries are quicker"},
	{name: "not-found", domain: "nf.test",
		slowest: max(dnsD+webD, dbD, 2*dnsD), chain: "well-known failing (A, fetch, 404); probing's MX, then A of the guessed names, then refused connections, is quicker"},
	{name: "nxdomain", domain: "gone.test",
		slowest: max(dnsD, dbD), chain: "the ISPDB's 404; the MX's NXDOMAIN is quicker and ends the rest (RFC 8020)"},
}

// BenchmarkDiscoveryLatency looks up fresh domains whose every DNS and
// HTTP answer comes after a known delay (see slowEnv), one scenario per
// source that can answer, and reports the lookup's wall time (wall-ms),
// the slowest chain of delays the answer needs (slowest-ms), the sum of
// every delay the lookup met (delays-ms: what it would take if nothing
// ran in parallel), and wall/slowest, which issue 16 wants at most 1.2.
// scripts/loadtest prints that ratio against the goal.
func BenchmarkDiscoveryLatency(b *testing.B) {
	e := newSlowEnv(b)
	for _, sc := range latencyScenarios {
		b.Run(sc.name, func(b *testing.B) {
			d, err := New(e.catalog, e.cfg)
			if err != nil {
				b.Fatal(err)
			}
			lookupLatency(b, d, sc) // once untimed: TLS sessions, the first connections
			e.dnsQs.Store(0)
			e.webQs.Store(0)
			e.ispdbQs.Store(0)
			walls := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				walls = append(walls, lookupLatency(b, d, sc))
			}
			b.StopTimer()
			// The median, not the mean (ns/op): one lookup held up by a
			// busy machine says nothing about the order of the sources.
			slices.Sort(walls)
			wall := walls[len(walls)/2]
			b.ReportMetric(msOf(wall), "wall-ms")
			b.ReportMetric(msOf(walls[0]), "min-ms")
			b.ReportMetric(msOf(sc.slowest), "slowest-ms")
			b.ReportMetric(msOf(e.delays()/time.Duration(b.N)), "delays-ms")
			b.ReportMetric(float64(wall)/float64(sc.slowest), "wall/slowest")
			b.Logf("%s: slowest %v = %s", sc.domain, sc.slowest, sc.chain)
		})
	}
}

// lookupLatency runs one lookup of sc's domain, checks its answer and
// returns its wall time as the lookup measured it.
func lookupLatency(b *testing.B, d *Discoverer, sc latencyScenario) time.Duration {
	b.Helper()
	res, err := d.Discover(context.Background(), sc.domain)
	if err != nil {
		b.Fatalf("Discover(%s) error = %v", sc.domain, err)
	}
	if res.Cached {
		b.Fatalf("Discover(%s) came from the cache, want a fresh lookup", sc.domain)
	}
	if sc.wantMethod == "" {
		if res.Found() {
			b.Fatalf("Discover(%s) found %+v, want nothing", sc.domain, res.Origin)
		}
		return res.Elapsed
	}
	if !res.Found() || res.Origin.Method != sc.wantMethod || res.Provider.Incoming[0].Hostname != sc.wantHost {
		for _, s := range res.Steps {
			b.Logf("%-14s %-55s %-9s %6.1fms %s", s.Source, s.Target, s.Outcome, ms(s.Duration), s.Detail)
		}
		b.Fatalf("Discover(%s) = %+v, want %s with incoming %s", sc.domain, res.Origin, sc.wantMethod, sc.wantHost)
	}
	return res.Elapsed
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
