package helpdesk

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestHashGate: no more hashes run at once than the gate has slots, a hash
// that needs more memory than a slot takes more of them, and sign-ins
// past the queue are refused at once.
func TestHashGate(t *testing.T) {
	const slots, slotBytes = 2, 1 << 20
	g := newHashGate(slots, slotBytes, nil)
	tests := []struct {
		name    string
		memory  int64
		wantMax int64 // most hashes seen running at once
	}{
		{name: "small hashes share the slots", memory: 1, wantMax: slots},
		{name: "a slot's worth each", memory: slotBytes, wantMax: slots},
		{name: "an old, larger hash runs alone", memory: 3 * slotBytes, wantMax: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				wg              sync.WaitGroup
				running, most   atomic.Int64
				release         = make(chan struct{})
				started         = make(chan struct{}, 100)
				admitted, ended atomic.Int64
			)
			n := int(g.maxAdmit)
			for range n {
				if !g.admit() {
					t.Fatal("admit refused a sign-in within the queue")
				}
				admitted.Add(1)
				wg.Go(func() {
					defer g.leave()
					err := g.run(context.Background(), tt.memory, func() {
						now := running.Add(1)
						for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
						}
						started <- struct{}{}
						<-release
						running.Add(-1)
					})
					if err != nil {
						t.Errorf("run() = %v", err)
					}
					ended.Add(1)
				})
			}
			for range tt.wantMax {
				<-started
			}
			if g.admit() {
				g.leave()
				t.Errorf("admit let in sign-in %d past the queue of %d", n+1, n)
			}
			close(release)
			wg.Wait()
			if got := most.Load(); got != tt.wantMax {
				t.Errorf("at most %d hashes ran at once, want %d", got, tt.wantMax)
			}
			if ended.Load() != admitted.Load() || g.admitted.Load() != 0 || g.running.Load() != 0 || g.waiting.Load() != 0 {
				t.Errorf("after the run: %d of %d ended; admitted %d, running %d, waiting %d; want all ended and zeros",
					ended.Load(), admitted.Load(), g.admitted.Load(), g.running.Load(), g.waiting.Load())
			}
		})
	}
}

// TestHashGateClientLeaves: a sign-in whose client leaves stops waiting.
func TestHashGateClientLeaves(t *testing.T) {
	g := newHashGate(1, 1, nil)
	hold := make(chan struct{})
	go g.run(context.Background(), 1, func() { <-hold })
	defer close(hold)
	for g.running.Load() == 0 {
		runtime.Gosched() // until the slot is taken
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := g.run(ctx, 1, func() { ran = true }); err == nil || ran {
		t.Errorf("run() with a cancelled context = %v, ran %v; want the context's error", err, ran)
	}
}

// TestHashGateHeld: the gate tells what the running hashes hold while
// they run, and nothing once they have ended, so that serve raises the
// soft memory limit only meanwhile.
func TestHashGateHeld(t *testing.T) {
	const slotBytes = 19 << 20
	var mu sync.Mutex
	var told []int64
	g := newHashGate(2, slotBytes, func(b int64) {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, b)
	})
	var during int64
	if err := g.run(context.Background(), slotBytes, func() {
		mu.Lock()
		defer mu.Unlock()
		during = told[len(told)-1]
	}); err != nil {
		t.Fatal(err)
	}
	if err := g.run(context.Background(), 2*slotBytes, func() {}); err != nil { // an old, larger hash
		t.Fatal(err)
	}
	want := []int64{slotBytes, 0, 2 * slotBytes, 0}
	if during != slotBytes || len(told) != len(want) {
		t.Fatalf("held %d during the hash, told %v; want %d and %v", during, told, slotBytes, want)
	}
	for i := range want {
		if told[i] != want[i] {
			t.Errorf("told %v, want %v", told, want)
			break
		}
	}
}
