package web

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// The review page is the first page of every visitor an operator mails a
// link to, and rendering it cost 15 times a cached download (issue 16).
// For the addresses of the catalog it is the same page for every visitor
// who asks the same question from the same kind of browser, but for the
// address itself. So it is rendered once for a stand-in address,
// setupSentinel@domain, and each visitor gets that page with their own
// local part spliced in where the stand-in's stands.
//
// Splicing is only exact where the local part is written the same way in
// every context the page has (text, attributes, URLs): a local part of
// lower-case letters, digits, '.', '-' and '_', which no HTML or URL
// escaping changes, as the stand-in's letters are not changed. Everything
// else the page may depend on is in the key: the whole query but the
// local part, the headers the pages read, the scheme and host that
// absolute URLs are made of, and the signing certificate. Only pages of
// settings that cannot change while the server runs (the catalog's and
// the operator's, not discovered ones) are kept, and only 200 answers.
// Any other request, and any page the stand-in cannot be cut out of
// cleanly, is rendered as before. TestSetupPageSplice holds spliced pages
// byte for byte to fresh renders.

// setupSentinel is the stand-in local part: setupSentinelHead, a dot,
// setupSentinelTail. No page text holds it, and no escaping changes it.
// Where the page writes the address with a break opportunity after each
// dot ("zqxmp.<wbr>standin"), the dot's form is read off the stand-in and
// given to each dot of the local part spliced in.
const (
	setupSentinelHead = "zqxmp"
	setupSentinelTail = "standin"
	setupSentinel     = setupSentinelHead + "." + setupSentinelTail
)

// maxDotForm bounds what may stand for a dot: ".<wbr>" and the like.
const maxDotForm = 16

// setupPagesMax bounds the pages kept: a page is 6 to 12 KB.
const setupPagesMax = 128

// setupPageHeaders are the request headers the pages read, besides the
// Sec-CH-UA client hints (all kept).
var setupPageHeaders = [...]string{"User-Agent", "Accept-Language", "Accept", "Cookie"}

// setupPage is a rendered review page cut at the stand-in: the local part
// goes between each two parts.
type setupPage struct {
	parts  [][]byte
	dots   [][]byte // the form of a dot in each place of the local part: dots[i] between parts[i] and parts[i+1]
	size   int
	header http.Header // what the handler set, replayed on each answer
}

// setupCacheableKey is the context key by which setupView says that the
// page's settings came from the catalog, so the page may be kept.
const setupCacheableKey = "setup.cacheable"

// spliceableLocal reports whether local is written alike in every
// context of a page.
func spliceableLocal(local string) bool {
	if local == "" || len(local) > 64 {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// showSetup serves GET /setup: from the page cache when it can, else
// rendered (showSetupPage). A page rendered for an address that can be
// spliced, of settings that may be kept, is then rendered once more for
// the stand-in and kept for the next visitor of its kind. (Rendering the
// stand-in first would ask for the settings twice wherever they cannot
// be kept: every discovered domain.)
func (s *Server) showSetup(c echo.Context) error {
	local, standIn, ok := setupStandIn(c)
	var key [sha256.Size]byte
	if ok {
		key, ok = s.setupPageKey(c.Request(), c.Scheme(), standIn)
	}
	if !ok {
		return s.showSetupPage(c)
	}
	if page, ok := s.setupPages.get(key); ok {
		return page.write(c, local)
	}
	err := s.showSetupPage(c)
	if cacheable, _ := c.Get(setupCacheableKey).(bool); err == nil && cacheable && c.Response().Status == http.StatusOK {
		if page, ok := s.renderStandIn(c, standIn); ok {
			s.setupPages.put(key, page)
		}
	}
	return err
}

// setupStandIn is the local part of c's address and c's query with the
// stand-in in its place; ok is false when the address cannot be spliced.
func setupStandIn(c echo.Context) (local, standIn string, ok bool) {
	return standInOf(rawForm(c), c.QueryString())
}

// standInOf is setupStandIn for the form values f of the raw query.
func standInOf(f formValues, raw string) (local, standIn string, ok bool) {
	if f.Name != "" {
		return "", "", false // a name is written differently in each context
	}
	req, err := parseAccountRequest(f)
	if err != nil || req.Addr.String() != f.Email || !spliceableLocal(req.Addr.Local) {
		return "", "", false
	}
	standIn, ok = standInQuery(raw, req.Addr.Domain)
	return req.Addr.Local, standIn, ok
}

// write answers c with the page, local spliced in.
func (p setupPage) write(c echo.Context, local string) error {
	_, err := p.writeTo(c.Response(), local)
	return err
}

// writeTo answers with the page, local spliced in, on w, whose other
// headers are set, and returns the bytes of the body written.
func (p setupPage) writeTo(w http.ResponseWriter, local string) (int, error) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	// The page is put together in a pooled buffer: a new one for each
	// answer was most of the bytes a cached page allocated.
	buf := pageBuffers.Get().(*[]byte)
	defer pageBuffers.Put(buf)
	body := (*buf)[:0]
	for i, part := range p.parts {
		if i > 0 {
			body = appendLocal(body, local, p.dots[i-1])
		}
		body = append(body, part...)
	}
	*buf = body
	h[echo.HeaderContentLength] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	return w.Write(body)
}

// pageBuffers are the buffers spliced pages are put together in.
var pageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// appendLocal appends local to b with each dot written as dot.
func appendLocal(b []byte, local string, dot []byte) []byte {
	for {
		i := strings.IndexByte(local, '.')
		if i < 0 {
			return append(b, local...)
		}
		b = append(append(b, local[:i]...), dot...)
		local = local[i+1:]
	}
}

// setupPageKey is the key of the page for r, asked over scheme, whose
// query with the stand-in address is standIn; ok is false for a request
// with more client hints than a browser sends, whose page is not kept.
func (s *Server) setupPageKey(r *http.Request, scheme, standIn string) (key [sha256.Size]byte, ok bool) {
	// Each field length-prefixed, as the profile cache's keys are.
	var buf [1024]byte
	b := appendKeyString(appendKeyString(buf[:0], scheme), r.Host)
	b = appendKeyString(appendKeyString(b, standIn), s.signerID())
	for _, name := range setupPageHeaders {
		b = appendKeyString(b, strings.Join(r.Header.Values(name), "\n"))
	}
	// The client hints in the order of their names, not the map's, which
	// changes from one loop to the next: a browser sends three or more.
	var hints [16]string
	n := 0
	for name := range r.Header {
		if strings.HasPrefix(name, "Sec-Ch-Ua") {
			if n == len(hints) {
				return key, false
			}
			hints[n] = name
			n++
		}
	}
	slices.Sort(hints[:n])
	for _, name := range hints[:n] {
		b = appendKeyString(appendKeyString(b, name), strings.Join(r.Header[name], "\n"))
	}
	return sha256.Sum256(b), true
}

// renderStandIn renders the page for the stand-in address through the
// whole handler, on a context of its own, and cuts it at the stand-in;
// ok is false when the page may not be kept.
func (s *Server) renderStandIn(c echo.Context, standIn string) (setupPage, bool) {
	r := c.Request().Clone(c.Request().Context())
	u := *r.URL
	u.RawQuery = standIn
	r.URL = &u
	r.RequestURI = u.RequestURI()
	w := &capture{header: http.Header{}}
	sc := s.echo.NewContext(r, w)
	if err := s.showSetupPage(sc); err != nil {
		return setupPage{}, false
	}
	if cacheable, _ := sc.Get(setupCacheableKey).(bool); !cacheable || w.status != http.StatusOK || w.header.Get("Set-Cookie") != "" {
		return setupPage{}, false
	}
	return cutStandIn(w.body.Bytes(), w.header)
}

// cutStandIn cuts a page rendered for the stand-in at each of its
// occurrences, and reads off each the form its dot took. A head without
// a dot form and a tail after it would be a stand-in written some other
// way (cut short, changed): then the page is not kept.
func cutStandIn(body []byte, header http.Header) (setupPage, bool) {
	page := setupPage{header: header}
	heads, tails := bytes.Count(body, []byte(setupSentinelHead)), bytes.Count(body, []byte(setupSentinelTail))
	for {
		i := bytes.Index(body, []byte(setupSentinelHead))
		if i < 0 {
			break
		}
		rest := body[i+len(setupSentinelHead):]
		j := bytes.Index(rest[:min(len(rest), maxDotForm+len(setupSentinelTail))], []byte(setupSentinelTail))
		if j < 1 || rest[0] != '.' {
			return setupPage{}, false
		}
		page.parts = append(page.parts, bytes.Clone(body[:i]))
		page.dots = append(page.dots, bytes.Clone(rest[:j]))
		page.size += i
		body = rest[j+len(setupSentinelTail):]
	}
	if len(page.dots) == 0 || len(page.dots) != heads || heads != tails {
		return setupPage{}, false
	}
	page.parts = append(page.parts, bytes.Clone(body))
	page.size += len(body)
	return page, true
}

// capture is the ResponseWriter of a stand-in render.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *capture) Header() http.Header { return w.header }
func (w *capture) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
func (w *capture) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// setupPageCache keeps the last setupPagesMax pages used.
type setupPageCache struct {
	mu    sync.Mutex
	pages map[[sha256.Size]byte]*list.Element // of *setupPageEntry
	lru   *list.List                          // most recently used first
}

type setupPageEntry struct {
	key  [sha256.Size]byte
	page setupPage
}

func (pc *setupPageCache) get(key [sha256.Size]byte) (setupPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.pages[key]
	if !ok {
		return setupPage{}, false
	}
	pc.lru.MoveToFront(e)
	return e.Value.(*setupPageEntry).page, true
}

func (pc *setupPageCache) put(key [sha256.Size]byte, page setupPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.pages == nil {
		pc.pages, pc.lru = map[[sha256.Size]byte]*list.Element{}, list.New()
	}
	if e, ok := pc.pages[key]; ok {
		e.Value.(*setupPageEntry).page = page
		pc.lru.MoveToFront(e)
		return
	}
	pc.pages[key] = pc.lru.PushFront(&setupPageEntry{key, page})
	if pc.lru.Len() > setupPagesMax {
		last := pc.lru.Back()
		pc.lru.Remove(last)
		delete(pc.pages, last.Value.(*setupPageEntry).key)
	}
}
