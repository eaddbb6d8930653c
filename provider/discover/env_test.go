package discover

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// testCA issues server certificates for whatever name a client asks for,
// except the names marked wrong, which get a certificate for another name.
type testCA struct {
	cert  *x509.Certificate
	key   *ecdsa.PrivateKey
	pool  *x509.CertPool
	mu    sync.Mutex
	leafs map[string]*tls.Certificate
	wrong map[string]bool
}

func newTestCA(t testing.TB) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// The TLS peers on loopback check validity by the machine's clock.
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "discover test root"},
		NotBefore:             timetest.Wall().Add(-time.Hour), // checked by crypto/tls, at the machine's time
		NotAfter:              timetest.Wall().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool, leafs: map[string]*tls.Certificate{}, wrong: map[string]bool{}}
}

// leaf returns a certificate for name, a DNS name or an IP address.
func (ca *testCA) leaf(name string) (*tls.Certificate, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if c, ok := ca.leafs[name]; ok {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(len(ca.leafs) + 2)),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    timetest.Wall().Add(-time.Hour), // checked by the machine's clock, as the root
		NotAfter:     timetest.Wall().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(name); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	ca.leafs[name] = c
	return c, nil
}

func (ca *testCA) markWrong(name string) {
	ca.mu.Lock()
	ca.wrong[name] = true
	ca.mu.Unlock()
}

func (ca *testCA) serverConfig() *tls.Config {
	return &tls.Config{GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := h.ServerName
		ca.mu.Lock()
		wrong := ca.wrong[name]
		ca.mu.Unlock()
		switch {
		case wrong:
			name = "wrong.test"
		case name == "":
			name = "127.0.0.1"
		}
		return ca.leaf(name)
	}}
}

// testDNS is an authoritative-style DNS server on loopback answering from
// a map.
type testDNS struct {
	addr    string
	mu      sync.Mutex
	records map[string][]dns.RR
	queries atomic.Int64
}

func newTestDNS(t testing.TB) *testDNS {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	z := &testDNS{addr: pc.LocalAddr().String(), records: map[string][]dns.RR{}}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(z.serve), NotifyStartedFunc: func() { close(started) }}
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return z
}

// add adds records in zone-file syntax, e.g. "a.test. A 127.0.0.1".
func (z *testDNS) add(t testing.TB, records ...string) {
	t.Helper()
	z.mu.Lock()
	defer z.mu.Unlock()
	for _, s := range records {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatalf("dns.NewRR(%q): %v", s, err)
		}
		name := strings.ToLower(rr.Header().Name)
		z.records[name] = append(z.records[name], rr)
	}
}

// host adds A 127.0.0.1 records for names.
func (z *testDNS) host(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		z.add(t, n+". A 127.0.0.1")
	}
}

func (z *testDNS) serve(w dns.ResponseWriter, req *dns.Msg) {
	z.queries.Add(1)
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) == 1 {
		q := req.Question[0]
		z.mu.Lock()
		name := strings.ToLower(q.Name)
		rrs, ok := z.records[name]
		if !ok && !dnstest.HasChild(z.records, name) {
			m.Rcode = dns.RcodeNameError
		}
		z.mu.Unlock()
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
	}
	w.WriteMsg(m)
}

// testWeb is the HTTPS server every guarded https://…:443 URL reaches in
// a test; it routes on host and path.
type testWeb struct {
	port   int
	mu     sync.Mutex
	routes map[string]http.Handler
	hits   map[string]int
}

func newTestWeb(t testing.TB, ca *testCA) *testWeb {
	t.Helper()
	w := &testWeb{routes: map[string]http.Handler{}, hits: map[string]int{}}
	w.port = serveHTTPS(t, ca, http.HandlerFunc(w.serve))
	return w
}

func (w *testWeb) handle(hostPath string, h http.Handler) {
	w.mu.Lock()
	w.routes[hostPath] = h
	w.mu.Unlock()
}

// xml serves body as application/xml at host+path.
func (w *testWeb) xml(hostPath, body string) {
	w.handle(hostPath, xmlHandler(body))
}

func (w *testWeb) count(hostPath string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hits[hostPath]
}

func (w *testWeb) serve(rw http.ResponseWriter, r *http.Request) {
	key := r.Host + r.URL.Path
	w.mu.Lock()
	h, ok := w.routes[key]
	w.hits[key]++
	w.mu.Unlock()
	if !ok {
		http.NotFound(rw, r)
		return
	}
	h.ServeHTTP(rw, r)
}

func xmlHandler(body string) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/xml; charset=utf-8")
		rw.Write([]byte(body))
	})
}

// serveHTTPS serves h over TLS on a loopback port and returns the port.
func serveHTTPS(t testing.TB, ca *testCA, h http.Handler) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: nil}
	go srv.Serve(tls.NewListener(ln, ca.serverConfig()))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// listen runs handle for every connection to a new loopback port.
func listen(t testing.TB, handle func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				handle(c)
			})
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// reject closes every connection at once.
func reject(net.Conn) {}

// hang accepts and never answers, until the test ends.
func hang(c net.Conn) { io.Copy(io.Discard, c) }

// testEnv is everything a lookup needs, on loopback: DNS, an HTTPS server
// for port 443, and mail servers for the probe ports (by default each
// probe port refuses at once).
type testEnv struct {
	ca    *testCA
	dns   *testDNS
	web   *testWeb
	ports map[int]int
}

func newEnv(t testing.TB) *testEnv {
	t.Helper()
	ca := newTestCA(t)
	e := &testEnv{ca: ca, dns: newTestDNS(t), web: newTestWeb(t, ca), ports: map[int]int{}}
	e.ports[443] = e.web.port
	closed := listen(t, reject)
	for _, p := range []int{993, 143, 995, 110, 465, 587} {
		e.ports[p] = closed
	}
	return e
}

// mail starts a mail server for a well-known port.
func (e *testEnv) mail(t testing.TB, port int, m mailServer) {
	t.Helper()
	m.tls = e.ca.serverConfig()
	e.ports[port] = listen(t, m.serve)
}

func (e *testEnv) config() Config {
	return Config{
		DNSServer:   e.dns.addr,
		StepTimeout: 2 * time.Second,
		Budget:      5 * time.Second,
		// Every test server is on 127.0.0.1: one destination.
		DestinationConns: -1,
		Testing: Testing{
			AllowLoopback: true,
			RootCAs:       e.ca.pool,
			Ports:         e.ports,
			ProbeStagger:  5 * time.Millisecond,
			ProbeDelay:    50 * time.Millisecond,
		},
	}
}

func (e *testEnv) discoverer(t testing.TB, cfg Config) *Discoverer {
	t.Helper()
	d, err := New(nil, cfg)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return d
}
