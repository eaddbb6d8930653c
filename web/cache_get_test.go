package web

import (
	"errors"
	"runtime"
	"testing"
)

// TestCacheBuildPanics checks that a build that panics wakes the callers
// waiting for it, with an error, and leaves nothing behind: the next
// caller builds again.
func TestCacheBuildPanics(t *testing.T) {
	pc := newProfileCache(10, testOptions)
	key := cacheKey{7}
	started, release := make(chan struct{}), make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_, _ = pc.get(key, func() ([]byte, error) {
			close(started)
			<-release
			panic("build failed")
		})
	}()
	<-started
	// One waiter: waitForWaiters can tell when it waits, and a caller that
	// came after the panic would rightly build again.
	waited := make(chan error, 1)
	go func() {
		_, err := pc.get(key, func() ([]byte, error) { return []byte("second build"), nil })
		waited <- err
	}()
	waitForWaiters(t, pc, key)
	close(release)
	if p := <-panicked; p != "build failed" {
		t.Errorf("the building caller recovered %v, want the build's panic", p)
	}
	if err := <-waited; !errors.Is(err, errBuildAborted) {
		t.Errorf("the waiting caller got %v, want %v", err, errBuildAborted)
	}
	if body, err := pc.get(key, func() ([]byte, error) { return []byte("rebuilt"), nil }); err != nil || string(body.bytes()) != "rebuilt" {
		t.Errorf("get() after the panic = %q, %v; want rebuilt, nil", body.bytes(), err)
	}
}

// waitForWaiters returns once some caller waits for the build of key.
func waitForWaiters(t *testing.T, pc *profileCache, key cacheKey) {
	t.Helper()
	for {
		pc.mu.Lock()
		f := pc.flights[key]
		pc.mu.Unlock()
		if f != nil {
			return
		}
		runtime.Gosched()
	}
}

// TestCacheGetAllocs holds a build that nobody else waits for to one
// allocation of the cache's own, the entry: the profile's bytes are the
// build's.
func TestCacheGetAllocs(t *testing.T) {
	pc := newProfileCache(100, testOptions)
	body := []byte("profile")
	build := func() ([]byte, error) { return body, nil }
	var i int
	n := testing.AllocsPerRun(1000, func() {
		i++
		key := cacheKey{byte(i), byte(i >> 8)}
		if _, err := pc.get(key, build); err != nil {
			t.Fatal(err)
		}
	})
	if n > 1 {
		t.Errorf("get() of a new key makes %v allocations, want 1", n)
	}
}
