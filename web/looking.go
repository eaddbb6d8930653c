package web

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider/discover"
)

// A new domain's lookup can take seconds, and the form has no script.
// /setup waits a moment for it; when it is still running, the answer is a
// page that says so and reloads itself with a meta refresh while the
// lookup goes on in the background, bounded by discovery's budget. A
// reload that finds the lookup finished gets the review page from
// discovery's cache.

// DefaultDiscoveryWait is how long /setup waits for a lookup before it
// shows the page that refreshes itself.
const DefaultDiscoveryWait = time.Second

// maxLookings bounds the domains followed at once; beyond it /setup
// waits for the lookup as it would without this page.
const maxLookings = 1024

// lookingRefresh is the meta refresh's delay, in seconds.
const lookingRefresh = "1"

// lookings are the lookups /setup follows in the background, by domain.
type lookings struct {
	budget, wait time.Duration
	mu           sync.Mutex
	m            map[string]*looking
}

type looking struct {
	done chan struct{} // closed when the lookup has finished
	err  error         // the lookup's error, once done is closed
}

func newLookings(budget, wait time.Duration) *lookings {
	if budget <= 0 {
		budget = discover.DefaultBudget
	}
	if wait <= 0 {
		wait = DefaultDiscoveryWait
	}
	return &lookings{budget: budget, wait: wait, m: map[string]*looking{}}
}

// follow reports whether the lookup of domain is still running after the
// wait, or else the error of the lookup that finished during it: it
// starts find in the background when none was followed, and joins the
// one that is. A lookup that finished is kept for a budget's
// time, during which follow says false at once: the page then waits for
// the finder as it would without this one, so a lookup that cannot be
// cached does not refresh forever.
func (l *lookings) follow(ctx context.Context, domain string, find func(context.Context) error) (bool, error) {
	l.mu.Lock()
	lk, ok := l.m[domain]
	if !ok {
		if len(l.m) >= maxLookings {
			l.mu.Unlock()
			return false, nil
		}
		lk = &looking{done: make(chan struct{})}
		l.m[domain] = lk
		// The visitor's context, without its end: the request that
		// started the lookup is answered long before it finishes. The
		// values stay (the client, for discovery's per-client budget).
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.budget+time.Second)
		go func() {
			defer cancel()
			lk.err = find(bg)
			close(lk.done)
			time.AfterFunc(l.budget, func() { l.forget(domain, lk) })
		}()
	}
	l.mu.Unlock()
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case <-lk.done:
		if ok {
			return false, nil // finished before this request: see above
		}
		return false, lk.err
	case <-ctx.Done():
		return false, nil
	case <-t.C:
		return true, nil
	}
}

func (l *lookings) forget(domain string, lk *looking) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m[domain] == lk {
		delete(l.m, domain)
	}
}

// waitFor blocks until the lookup of domain followed now, if any, is done.
func (l *lookings) waitFor(domain string) {
	l.mu.Lock()
	lk := l.m[domain]
	l.mu.Unlock()
	if lk != nil {
		<-lk.done
	}
}

// inCatalog reports whether the operator's catalog knows domain: its
// settings come at once, with nothing to wait for.
func (s *Server) inCatalog(domain string) bool {
	i := sort.SearchStrings(s.known, domain)
	return i < len(s.known) && s.known[i] == domain
}

// lookingPage is the page that waits.
type lookingPage struct {
	*pageData
	Domain string
	// AgainURL is this page again, for a browser that ignores the meta
	// refresh.
	AgainURL string
}

// showLooking answers /setup with the page that waits, when the lookup of
// req's domain is still running after the wait; it reports whether it
// did.
func (s *Server) showLooking(c echo.Context, req accountRequest) (bool, error) {
	domain := req.Addr.Domain
	if s.inCatalog(domain) {
		return false, nil
	}
	running, err := s.looking.follow(c.Request().Context(), domain, func(ctx context.Context) error {
		_, err := s.finder.Find(ctx, req.Addr, profile.IMAP) // fills discovery's cache; the reload reads it
		return err
	})
	var busy *discover.BusyError
	if errors.As(err, &busy) {
		return true, err // refused at once: asking again would be refused again, and counted twice
	}
	if !running {
		return false, nil
	}
	data := s.page(c, "looking.title")
	data.Refresh = lookingRefresh
	page := &lookingPage{pageData: data, Domain: domain, AgainURL: "/setup?" + setupQuery(req, data.LangParam).Encode()}
	return true, s.renderPage(c, http.StatusOK, "looking.html", data, page)
}
