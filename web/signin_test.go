package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/store/storetest"
)

// openShared opens two stores on one fresh database of the dialect, as two
// instances of the server would.
func openShared(t *testing.T, dialect string) (a, b *store.Store) {
	t.Helper()
	var dbURL, path string
	if dialect == store.SQLite {
		path = t.TempDir() + "/helpdesk.db"
	} else {
		dbURL = storetest.NewDatabase(t)
	}
	var sts [2]*store.Store
	for i := range sts {
		st, err := store.Open(context.Background(), dbURL, path)
		if err != nil {
			t.Fatalf("store.Open(%s) = %v", dialect, err)
		}
		t.Cleanup(func() { st.Close() })
		sts[i] = st
	}
	return sts[0], sts[1]
}

// addUser creates an account with password, at the fixed test time.
func addUser(t *testing.T, st *store.Store, name, password string) {
	t.Helper()
	hash, err := store.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(context.Background(), name, hash, timetest.Fixed()); err != nil {
		t.Fatal(err)
	}
}

// withClock makes the server tell the time by clk.
func withClock(clk func() time.Time) func(*Config) {
	return func(c *Config) { c.Clock = clk }
}

func both(mods ...func(*Config)) func(*Config) {
	return func(c *Config) {
		for _, m := range mods {
			m(c)
		}
	}
}

// checks is how many password hashes the servers computed.
func checks(t *testing.T, servers ...testServer) int {
	t.Helper()
	n := 0.0
	for _, s := range servers {
		v, _ := sample(scrape(t, s), "mailprofile_sign_in_password_checks_total", nil)
		n += v
	}
	return int(n)
}

// postLogin posts the sign-in form from remote with a login CSRF token of
// its own making: the cookie and the field agree (double submit).
func postLogin(t *testing.T, s http.Handler, remote, name, password string) *http.Response {
	t.Helper()
	b := newClient(t, s)
	b.remote = remote
	b.cookies[loginCSRFCookie] = &http.Cookie{Name: loginCSRFCookie, Value: "test-login-token"}
	rec := b.post("/admin/login", url.Values{"csrf": {"test-login-token"}, "name": {name}, "password": {password}, "next": {"/admin"}})
	return rec.Result()
}

var wholeSeconds = regexp.MustCompile(`^[1-9][0-9]*$`)

// newBrakeServer is a server with the test agent on SQLite, a settable
// clock, and the account brake lowered for the test, so that reaching it
// takes 15 password checks, not 100: each costs tens of milliseconds, ten
// times that under the race detector. The windows stay as they are.
func newBrakeServer(t *testing.T) (testServer, *timetest.Clock) {
	t.Helper()
	saved := signInLimits
	t.Cleanup(func() { signInLimits = saved })
	signInLimits.PerAccount = 3 * signInLimits.PerSource
	st := openStore(t, store.SQLite)
	addUser(t, st, testAgent, testPasswd)
	clk := timetest.NewClock()
	return newTestServer(t, both(withHelpdesk(st), withClock(clk.Now), withSignInLimits)), clk
}

// TestSignInCountsBeforeHashing: many wrong passwords at once, on two
// instances sharing a database, get no more password checks than the
// throttle allows; after them the right password from that address is
// refused too, and from another address it signs in.
func TestSignInCountsBeforeHashing(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			st1, st2 := openShared(t, dialect)
			addUser(t, st1, testAgent, testPasswd)
			clk := timetest.NewClock()
			s1 := newTestServer(t, both(withHelpdesk(st1), withClock(clk.Now)))
			s2 := newTestServer(t, both(withHelpdesk(st2), withClock(clk.Now)))
			const n = 20
			var (
				wg       sync.WaitGroup
				start    = make(chan struct{})
				mu       sync.Mutex
				statuses = map[int]int{}
			)
			for i := range n {
				wg.Go(func() {
					<-start
					s := s1
					if i%2 == 1 {
						s = s2
					}
					resp := postLogin(t, s, "198.51.100.1:4000", testAgent, fmt.Sprintf("wrong password %d", i))
					mu.Lock()
					statuses[resp.StatusCode]++
					mu.Unlock()
				})
			}
			close(start)
			wg.Wait()
			if got := checks(t, s1, s2); got != signInLimits.PerSource {
				t.Errorf("%d concurrent wrong passwords got %d password checks, want %d", n, got, signInLimits.PerSource)
			}
			if statuses[http.StatusUnauthorized] != signInLimits.PerSource || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests]+statuses[http.StatusServiceUnavailable] != n {
				t.Errorf("statuses %v, want %d × 401 and the rest 429 or 503", statuses, signInLimits.PerSource)
			}
			if resp := postLogin(t, s1, "198.51.100.1:4000", testAgent, testPasswd); resp.StatusCode != http.StatusTooManyRequests {
				t.Errorf("right password from the throttled address: %d, want 429", resp.StatusCode)
			}
			if got := checks(t, s1, s2); got != signInLimits.PerSource {
				t.Errorf("a throttled sign-in was checked: %d checks, want %d", got, signInLimits.PerSource)
			}
			if resp := postLogin(t, s2, "203.0.113.9:4000", testAgent, testPasswd); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("right password from another address: %d, want 303", resp.StatusCode)
			}
		})
	}
}

// response is what a client can see of an answer, with the parts that
// differ on every answer (tokens, request IDs) taken out.
type response struct {
	status  int
	headers string
	body    string
	checks  int // password hashes it cost
}

var tokenValue = regexp.MustCompile(`(name="csrf" value=")[^"]+`)

func seen(resp *http.Response, body string, name string, checks int) response {
	var hs []string
	for k, vs := range resp.Header {
		if k == "X-Request-Id" {
			continue
		}
		for _, v := range vs {
			if k == "Set-Cookie" {
				v, _, _ = strings.Cut(v, "=")
			}
			hs = append(hs, k+": "+v)
		}
	}
	body = tokenValue.ReplaceAllString(body, "${1}TOKEN")
	body = strings.ReplaceAll(body, `value="`+name+`"`, `value="NAME"`)
	slices.Sort(hs)
	return response{status: resp.StatusCode, headers: strings.Join(hs, "\n"), body: body, checks: checks}
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSignInIndistinguishable: a name with an account and one without get
// the same answers, attempt by attempt, in status, headers and body, and
// cost the same password checks (what makes their timing alike): wrong
// passwords, then the source throttle, then the account brake.
func TestSignInIndistinguishable(t *testing.T) {
	s, _ := newBrakeServer(t)
	const unknown = "bobby" // as long as "alice", so the pages are too
	names := []string{testAgent, unknown}
	// Each name is tried from addresses of its own, in step: from one
	// address up to the source throttle and one past it, then from more
	// up to the account brake, and one past it from a new address.
	type attempt struct {
		host int // last byte of the address; the third is the name's
		want int
	}
	var plan []attempt
	for range signInLimits.PerSource {
		plan = append(plan, attempt{1, http.StatusUnauthorized})
	}
	plan = append(plan, attempt{1, http.StatusTooManyRequests})
	for i := signInLimits.PerSource; i < signInLimits.PerAccount; i++ {
		plan = append(plan, attempt{2 + i/signInLimits.PerSource, http.StatusUnauthorized})
	}
	plan = append(plan, attempt{200, http.StatusTooManyRequests})

	for i, a := range plan {
		var got [2]response
		for j, name := range names {
			remote := fmt.Sprintf("198.51.%d.%d:1", 100+j, a.host)
			before := checks(t, s)
			resp := postLogin(t, s, remote, name, "wrong password!!")
			body := readBody(t, resp)
			got[j] = seen(resp, body, name, checks(t, s)-before)
			if resp.StatusCode != a.want {
				t.Fatalf("attempt %d as %s from %s: %d, want %d\n%s", i, name, remote, resp.StatusCode, a.want, body)
			}
			if ra := resp.Header.Get("Retry-After"); resp.StatusCode == http.StatusTooManyRequests && !wholeSeconds.MatchString(ra) {
				t.Errorf("attempt %d: Retry-After %q, want whole seconds", i, ra)
			}
		}
		if got[0] != got[1] {
			t.Errorf("attempt %d: the account and the unknown name differ:\n%+v\n%+v", i, got[0], got[1])
		}
		if want := map[int]int{http.StatusUnauthorized: 1, http.StatusTooManyRequests: 0}[a.want]; got[0].checks != want {
			t.Errorf("attempt %d cost %d password checks, want %d", i, got[0].checks, want)
		}
	}
	// The clock is fixed: the source's window ends 15 minutes on, the
	// account's a day on.
	resp := postLogin(t, s, "198.51.101.1:1", unknown, "wrong password!!")
	if ra := resp.Header.Get("Retry-After"); ra != "900" {
		t.Errorf("Retry-After of the throttled source = %q, want 900", ra)
	}
	resp = postLogin(t, s, "198.51.101.201:1", unknown, "wrong password!!")
	if ra := resp.Header.Get("Retry-After"); ra != "86400" {
		t.Errorf("Retry-After of the braked account = %q, want 86400", ra)
	}
	if body := readBody(t, resp); !strings.Contains(body, "Try again in 24 hours.") {
		t.Errorf("braked answer does not say when to come back:\n%s", body)
	}
}

// TestSignInOwnerNotLockedOut: while the account brake holds, an address
// that signed in to the account before still may; and when the windows
// end, everyone may again.
func TestSignInOwnerNotLockedOut(t *testing.T) {
	s, clk := newBrakeServer(t)
	const office = "192.0.2.50:1"
	if resp := postLogin(t, s, office, testAgent, testPasswd); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", resp.StatusCode)
	}
	for i := range signInLimits.PerAccount {
		postLogin(t, s, fmt.Sprintf("198.51.100.%d:1", 1+i/signInLimits.PerSource), testAgent, "wrong password!!")
	}
	if resp := postLogin(t, s, "203.0.113.7:1", testAgent, testPasswd); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password from a new address while braked: %d, want 429", resp.StatusCode)
	}
	if resp := postLogin(t, s, office, testAgent, testPasswd); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("right password from the owner's address while braked: %d, want 303", resp.StatusCode)
	}
	clk.Advance(signInLimits.AccountWindow)
	if resp := postLogin(t, s, "203.0.113.7:1", testAgent, testPasswd); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("right password from a new address after the brake: %d, want 303", resp.StatusCode)
	}
}
