package web

import "errors"

// get returns the bytes for key, built by build when they are not cached.
// Concurrent calls for one key share one build. The returned bytes are
// shared: callers must not modify them. The caller that builds gets them
// whole; the others get them as the cache keeps them (profileBody).
//
// A build that nobody waits for costs no allocation: the key is marked in
// flight by a nil in pc.flights, under the lock that the lookup holds
// anyway, and the second caller for the key makes the flight it waits on.
// (singleflight.Group made a call, a string key and two closures per
// build, and took a second lock.)
func (pc *profileCache) get(key cacheKey, build func() ([]byte, error)) (profileBody, error) {
	pc.mu.Lock()
	if e, ok := pc.entries[key]; ok {
		pc.moveToFront(e)
		body := e.body
		pc.mu.Unlock()
		return body, nil
	}
	if f, ok := pc.flights[key]; ok {
		if f == nil {
			f = &flight{done: make(chan struct{})}
			pc.flights[key] = f
		}
		pc.mu.Unlock()
		<-f.done
		return f.body, f.err
	}
	pc.flights[key] = nil
	pc.mu.Unlock()

	body, err := []byte(nil), errBuildAborted
	defer func() { pc.land(key, body, err) }() // also when build panics: the waiters must wake
	body, err = build()
	return wholeBody(body), err
}

// flight is a build of one key that other callers wait for.
type flight struct {
	done chan struct{} // closed when body and err are set
	body profileBody
	err  error
}

// errBuildAborted is what the callers waiting for a build get when it
// panicked: the panic itself goes up in the caller that built.
var errBuildAborted = errors.New("building the profile failed")

// land ends the build of key: its bytes are cached unless it failed, and
// whoever waits for it gets its result.
func (pc *profileCache) land(key cacheKey, built []byte, err error) {
	var body profileBody
	if err == nil {
		body = pc.prepare(key, built) // the waiters' copy too: it must not hold built
	}
	pc.mu.Lock()
	f := pc.flights[key]
	delete(pc.flights, key)
	if err == nil {
		pc.addLocked(key, body)
	}
	pc.mu.Unlock()
	if f != nil {
		f.body, f.err = body, err
		close(f.done)
	}
}

// The LRU is a ring through the entries themselves, with pc.lru as its
// head; pc.mu must be held.

func (pc *profileCache) pushFront(e *cacheEntry) {
	e.prev, e.next = &pc.lru, pc.lru.next
	e.next.prev = e
	pc.lru.next = e
}

func (pc *profileCache) unlink(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (pc *profileCache) moveToFront(e *cacheEntry) {
	if pc.lru.next != e {
		pc.unlink(e)
		pc.pushFront(e)
	}
}
