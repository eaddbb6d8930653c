package web

import (
	"hash/maphash"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mailprofile/mailprofile/profile"
)

// DefaultProfileCacheSize is the suggested number of finished profiles
// to keep: at most 1 MiB of profile bytes (docs/performance.md).
const DefaultProfileCacheSize = 1000

// ProfileCacheEntryBytes is the byte budget per entry. A signed profile
// is 3.4–4.6 KB (the plist, the certificates, the signature), but an
// entry keeps neither the signing chain, which its signer's entries
// share (cache_body.go), nor what it has in common with the profiles of
// its shape, which share the first one's bytes (cache_compact.go): it
// keeps a recipe of 300–500 bytes, about 650 (ECDSA P-256) to 830
// (RSA-2048) with its key, its request alias and their overheads, plus
// its share of its shape's reference, one copy of 2.6–2.9 KB per
// provider, kind, language and signer in use. A cache of n entries
// holds at most n KiB: 1000 typical ones of either kind
// (TestCacheHoldsTypicalProfiles), fewer when the profiles do not
// compact (a profile kept whole counts its 2.6 KB and more) or their
// shapes are many. The budget also sizes serve's soft memory limit
// (cmd/mailprofile).
const ProfileCacheEntryBytes = 1 << 10

// entryOverhead approximates what an entry costs beyond its bytes: the
// key in the map and the entry itself, links included.
const entryOverhead = 160

// aliasOverhead approximates what a request alias costs beyond its key's
// bytes: the map slot, the string header in the entry, and the prepared
// download the first alias brings.
const aliasOverhead = 96

// maxAliases bounds the request spellings kept for one profile ("A@x",
// "a@x", "a%40x" with and without a name...), so a visitor varying the
// spelling cannot grow an entry; further spellings take the ordinary path.
const maxAliases = 4

// profileCache keeps finished profile bytes, signed or not, so a repeat
// download costs no signature. It is an LRU bounded by entries and by
// bytes, safe for concurrent use, and it collapses concurrent builds of
// one key, so a burst of requests for one address signs once.
//
// Nothing is ever invalidated explicitly: the key covers the address as
// typed, the protocol, the name, the servers, the provider name, where
// the settings came from, whether the profile is signed and by which
// certificate, and the profile options. When the settings or the signing
// certificate change, requests make new keys; the old entries are simply
// never hit again and age out of the LRU.
//
// An entry may also be reachable by request: the email, type and name
// parameters exactly as a /profile request sent them (see remember and
// fastpath.go). A repeat download then needs no parsing, no settings
// lookup and no hashing. Only settings that cannot change while the
// server runs (the catalog's, not discovered ones) are reachable this way,
// and the fast path compares the signing certificate itself.
type profileCache struct {
	maxEntries int
	maxBytes   int
	options    []byte // canonical encoding of the profile options, made once

	mu       sync.Mutex
	entries  map[cacheKey]*cacheEntry
	requests map[string]*cacheEntry // by requestKey
	lru      cacheEntry             // the ring's head: lru.next is the most recently used
	bytes    int
	flights  map[cacheKey]*flight     // builds under way (cache_get.go)
	chain    []byte                   // the signing chain the newest entries share (cache_body.go)
	shapes   map[shapeKey]*cacheShape // the reference of each shape in use (cache_compact.go)
	seed     maphash.Seed             // for the shape keys (cache_key.go)
}

type cacheEntry struct {
	key  cacheKey
	body profileBody

	download *cachedDownload // set by the first remember; nil until then
	aliases  []string        // this entry's keys in profileCache.requests

	prev, next *cacheEntry // neighbours in the LRU ring, linked in place: no list element per entry
}

// cachedDownload is everything a repeat /profile download needs beyond
// the common headers and its entry's bytes: prepared once, then only read.
type cachedDownload struct {
	length      []string // the Content-Length header
	disposition []string // the Content-Disposition header
	signed      bool
	signer      string             // fingerprint of the signing certificate when signed
	served      prometheus.Counter // mailprofile_profiles_served_total for its labels

	values [2]string // what length and disposition hold (newDownload)
}

// newProfileCache returns a cache of at most size entries, or nil (no
// caching) when size is zero or less.
func newProfileCache(size int, opts profile.Options) *profileCache {
	if size <= 0 {
		return nil
	}
	var options []byte
	for _, v := range []string{opts.IdentifierPrefix, opts.Organization, opts.DisplayName, opts.Description,
		opts.SignInDescription, opts.MailPayloadName, opts.GooglePayloadName, opts.AccountDescription, string(opts.Secret)} {
		options = appendKeyString(options, v)
	}
	pc := &profileCache{
		maxEntries: size,
		maxBytes:   size * ProfileCacheEntryBytes,
		options:    options,
		entries:    make(map[cacheKey]*cacheEntry),
		requests:   make(map[string]*cacheEntry),
		flights:    make(map[cacheKey]*flight),
		shapes:     make(map[shapeKey]*cacheShape),
		seed:       maphash.MakeSeed(),
	}
	pc.lru.prev, pc.lru.next = &pc.lru, &pc.lru
	return pc
}

func (pc *profileCache) lookup(key cacheKey) (profileBody, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.entries[key]
	if !ok {
		return profileBody{}, false
	}
	pc.moveToFront(e)
	return e.body, true
}

func (pc *profileCache) add(key cacheKey, body []byte) {
	b := pc.prepare(key, body)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.addLocked(key, b)
}

// addLocked is add with pc.mu held and body prepared (profileCache.prepare).
// An entry counts for the bytes it keeps, not for the chain its signer's
// entries share (one copy of 1–2.5 KB per signer) nor for its shape's
// reference (one copy per shape, counted while entries use it).
func (pc *profileCache) addLocked(key cacheKey, body profileBody) {
	cost := body.kept() + entryOverhead
	if body.shape != nil && body.shape.users == 0 {
		cost += body.shape.cost()
	}
	if cost > pc.maxBytes {
		return
	}
	if _, ok := pc.entries[key]; ok {
		return
	}
	if body.chain == nil && cap(body.rest)-len(body.rest) > 512 {
		body.rest = append([]byte(nil), body.rest...) // keep only what is served
	}
	e := &cacheEntry{key: key, body: body}
	pc.pushFront(e)
	pc.entries[key] = e
	pc.bytes += body.kept() + entryOverhead
	pc.acquire(body)
	pc.evict()
}

// evict drops the least recently used entries, and their aliases, until
// the cache is within its bounds. pc.mu must be held.
func (pc *profileCache) evict() {
	for len(pc.entries) > pc.maxEntries || pc.bytes > pc.maxBytes {
		e := pc.lru.prev
		pc.unlink(e)
		delete(pc.entries, e.key)
		pc.bytes -= e.body.kept() + entryOverhead
		pc.release(e.body)
		for _, a := range e.aliases {
			if pc.requests[a] == e {
				delete(pc.requests, a)
			}
			pc.bytes -= len(a) + aliasOverhead
		}
	}
}

// remember makes the entry of key reachable by the request key rk, with
// d as its prepared download (the first one given is kept: every request
// that reaches one entry gets the same bytes and headers). Nothing is done
// when the entry has been evicted meanwhile or has maxAliases already.
func (pc *profileCache) remember(key cacheKey, rk string, d *cachedDownload) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.entries[key]
	if !ok {
		return
	}
	if e.download == nil {
		e.download = d
	}
	if old, ok := pc.requests[rk]; ok {
		if old == e {
			return
		}
		// The request was answered by another entry before: another
		// certificate signed it. The alias moves to the new entry; the
		// old one keeps its accounting until it ages out.
	}
	if len(e.aliases) >= maxAliases {
		return
	}
	pc.requests[rk] = e
	e.aliases = append(e.aliases, rk)
	pc.bytes += len(rk) + aliasOverhead
	pc.evict()
}

// lookupRequest returns the prepared download for the request key rk
// (given as bytes, so the lookup makes no string) and its entry's profile
// bytes, or nil.
func (pc *profileCache) lookupRequest(rk []byte) (*cachedDownload, profileBody) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.requests[string(rk)]
	if !ok {
		return nil, profileBody{}
	}
	pc.moveToFront(e)
	return e.download, e.body
}

// len reports the number of entries and the bytes they account for.
func (pc *profileCache) len() (entries, bytes int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return len(pc.entries), pc.bytes
}
