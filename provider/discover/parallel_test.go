package discover

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// mxHeldDNS answers records like dnstest.Handler, but holds every MX
// answer back until let is closed, answers NXDOMAIN to every question
// about the name nx (whatever is below it), and notes what was asked
// and answered.
type mxHeldDNS struct {
	addr     string
	let      chan struct{}
	mu       sync.Mutex
	asked    map[string]bool
	answered map[string]bool
}

func serveMXHeld(t *testing.T, nx string, records ...string) *mxHeldDNS {
	t.Helper()
	z := &mxHeldDNS{let: make(chan struct{}), asked: map[string]bool{}, answered: map[string]bool{}}
	zone := dnstest.Handler(t, records...)
	stop := make(chan struct{})
	z.addr = dnstest.ServeHandler(t, dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		q := r.Question[0]
		key := strings.ToLower(q.Name) + " " + dns.TypeToString[q.Qtype]
		z.note(z.asked, key)
		if q.Qtype == dns.TypeMX {
			select {
			case <-z.let:
			case <-stop:
				return
			}
		}
		if strings.EqualFold(q.Name, nx) {
			m := new(dns.Msg)
			m.SetRcode(r, dns.RcodeNameError)
			_ = w.WriteMsg(m)
		} else {
			zone.ServeDNS(w, r)
		}
		z.note(z.answered, key)
	}))
	t.Cleanup(func() { close(stop) }) // runs before the server's shutdown
	return z
}

func (z *mxHeldDNS) note(m map[string]bool, key string) {
	z.mu.Lock()
	m[key] = true
	z.mu.Unlock()
}

func (z *mxHeldDNS) was(m map[string]bool, keys ...string) bool {
	z.mu.Lock()
	defer z.mu.Unlock()
	for _, k := range keys {
		if !m[k] {
			return false
		}
	}
	return true
}

// TestSourcesAskWithMX: autoconfig's, well-known's and the SRV questions
// go out while the MX query is still unanswered; the fetches connect
// only once it is in. Before, every one of them waited for the MX
// answer.
func TestSourcesAskWithMX(t *testing.T) {
	e := newEnv(t)
	z := serveMXHeld(t, "",
		"par.test. MX 10 mx.par.test.", "par.test. A 127.0.0.1", "autoconfig.par.test. A 127.0.0.1",
		"_imaps._tcp.par.test. SRV 0 1 993 mail.par.test.")
	var early sync.Once
	connectedEarly := false
	e.web.handle("autoconfig.par.test/mail/config-v1.1.xml", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-z.let:
		default:
			early.Do(func() { connectedEarly = true })
		}
		xmlHandler(clientConfig("par.test", "mail.par.test")).ServeHTTP(w, r)
	}))
	cfg := e.config()
	cfg.DNSServer = z.addr
	// The MX query must not time out while held: its failure would let
	// sources that wait for it go.
	cfg.StepTimeout, cfg.Budget = time.Minute, 2*time.Minute
	d := e.discoverer(t, cfg)
	got := make(chan *Result, 1)
	go func() {
		res, _ := d.Discover(context.Background(), "par.test")
		got <- res
	}()
	asked := []string{"autoconfig.par.test. A", "autoconfig.par.test. AAAA", "par.test. A", "par.test. AAAA", "_imaps._tcp.par.test. SRV"}
	waitFor(t, "the sources' questions while the MX answer is held", func() bool { return z.was(z.answered, asked...) })
	if z.was(z.answered, "par.test. MX") {
		t.Fatalf("the MX answer went out while held")
	}
	close(z.let)
	res := <-got
	logSteps(t, res)
	if res.Origin.Method != provider.MethodAutoconfig {
		t.Errorf("Discover(par.test).Origin = %+v, want the autoconfig", res.Origin)
	}
	early.Do(func() {})
	if connectedEarly {
		t.Errorf("the autoconfig was fetched before the MX answer said the domain exists")
	}
}

// TestNothingBelowNXDomain: when the MX query says the domain does not
// exist, nothing below it is fetched or reported, though its names
// answered (DNS that contradicts itself): RFC 8020.
func TestNothingBelowNXDomain(t *testing.T) {
	e := newEnv(t)
	z := serveMXHeld(t, "ghost.test.",
		"ghost.test. A 127.0.0.1", "autoconfig.ghost.test. A 127.0.0.1",
		"_imaps._tcp.ghost.test. SRV 0 1 993 mail.ghost.test.",
		"_submissions._tcp.ghost.test. SRV 0 1 465 mail.ghost.test.")
	close(z.let)
	acPath := "autoconfig.ghost.test/mail/config-v1.1.xml"
	wkPath := "ghost.test/.well-known/autoconfig/mail/config-v1.1.xml"
	e.web.xml(acPath, clientConfig("ghost.test", "mail.ghost.test"))
	e.web.xml(wkPath, clientConfig("ghost.test", "mail.ghost.test"))
	cfg := e.config()
	cfg.DNSServer = z.addr
	d := e.discoverer(t, cfg)
	res, err := d.Discover(context.Background(), "ghost.test")
	logSteps(t, res)
	if err != nil || res.Found() {
		t.Fatalf("Discover(ghost.test) = %+v, %v; want nothing found", res.Origin, err)
	}
	if n := e.web.count(acPath) + e.web.count(wkPath); n != 0 {
		t.Errorf("%d fetches below a domain that does not exist, want none", n)
	}
	for _, source := range []string{"autoconfig", "well-known", "srv", "probe"} {
		if !hasStep(res, source, OutcomeSkipped) {
			t.Errorf("%s: no skipped step, want one", source)
		}
	}
}

// TestSlowHigherWins: with every source under way at once, a
// higher-priority source that answers last still decides the answer:
// the autoconfig answers only once the well-known and the ISPDB, and the
// SRV records in DNS, have answered with settings of their own.
func TestSlowHigherWins(t *testing.T) {
	e := newEnv(t)
	z := serveMXHeld(t, "",
		"slow.test. MX 10 mx.slow.test.", "slow.test. A 127.0.0.1", "autoconfig.slow.test. A 127.0.0.1",
		"_imaps._tcp.slow.test. SRV 0 1 993 mail.slow.test.",
		"_submissions._tcp.slow.test. SRV 0 1 465 mail.slow.test.")
	close(z.let)
	wkDone, dbDone := make(chan struct{}), make(chan struct{})
	e.web.handle("slow.test/.well-known/autoconfig/mail/config-v1.1.xml", doneAfter(wkDone, clientConfig("slow.test", "from-well-known.slow.test")))
	url, ispdb := ispdbServer(t, e, nil)
	ispdb.handle("/v1.1/slow.test", doneAfter(dbDone, clientConfig("slow.test", "from-ispdb.slow.test")))
	e.web.handle("autoconfig.slow.test/mail/config-v1.1.xml", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-wkDone
		<-dbDone
		xmlHandler(clientConfig("slow.test", "from-autoconfig.slow.test")).ServeHTTP(w, r)
	}))
	cfg := e.config()
	cfg.DNSServer = z.addr
	cfg.ISPDBURL = url
	d := e.discoverer(t, cfg)
	res, _ := d.Discover(context.Background(), "slow.test")
	logSteps(t, res)
	if !res.Found() || res.Provider.Incoming[0].Hostname != "from-autoconfig.slow.test" {
		t.Errorf("Discover(slow.test) = %+v, want the autoconfig's answer", res.Origin)
	}
}

// doneAfter serves body as XML and then closes done.
func doneAfter(done chan struct{}, body string) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		xmlHandler(body).ServeHTTP(w, r)
		once.Do(func() { close(done) })
	})
}

// TestProbeNamesAskedEarly: once the MX answer says the domain exists,
// the addresses of the names probing guesses are asked at once, while a
// higher source (here the ISPDB) is still out and probing has not
// started; probing then finds them known. Before, they were asked one
// name after another once probing started.
func TestProbeNamesAskedEarly(t *testing.T) {
	e := newEnv(t)
	z := serveMXHeld(t, "", "pp.test. MX 10 mx.pp.test.", "pp.test. A 127.0.0.1")
	close(z.let)
	release := make(chan struct{})
	url, ispdb := ispdbServer(t, e, nil)
	ispdb.handle("/v1.1/pp.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		http.NotFound(w, r)
	}))
	cfg := e.config()
	cfg.DNSServer, cfg.ISPDBURL = z.addr, url
	cfg.StepTimeout, cfg.Budget = time.Minute, 2*time.Minute
	cfg.Testing.ProbeDelay = time.Minute // probing waits for the ISPDB
	d := e.discoverer(t, cfg)
	got := make(chan *Result, 1)
	go func() {
		res, _ := d.Discover(context.Background(), "pp.test")
		got <- res
	}()
	var names []string
	for _, h := range []string{"imap", "mail", "pop3", "pop", "smtp"} {
		names = append(names, h+".pp.test. A", h+".pp.test. AAAA")
	}
	waitFor(t, "the guessed names' addresses while the ISPDB is out", func() bool { return z.was(z.answered, names...) })
	close(release)
	res := <-got
	logSteps(t, res)
	if res.Found() {
		t.Errorf("Discover(pp.test) found %+v, want nothing", res.Origin)
	}
	if !hasStep(res, "probe", OutcomeFailed) {
		t.Errorf("no probe reached pp.test's closed ports")
	}
}
