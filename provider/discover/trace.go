package discover

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sort"
	"sync"
	"time"

	"github.com/mailprofile/mailprofile/provider"
)

// Outcome is how one step ended.
type Outcome string

// The outcomes of a step.
const (
	OutcomeFound     Outcome = "found"     // the step gave an answer
	OutcomeNotFound  Outcome = "not-found" // nothing there: NXDOMAIN, HTTP 404, no such service
	OutcomeFailed    Outcome = "failed"    // something answered, but not usably
	OutcomeRefused   Outcome = "refused"   // the guard would not connect
	OutcomeLimited   Outcome = "limited"   // a budget was spent: the lookup's, or a destination's
	OutcomeTimeout   Outcome = "timeout"   // the step or the budget ran out
	OutcomeCancelled Outcome = "cancelled" // a higher-priority source answered first
	OutcomeSkipped   Outcome = "skipped"   // not applicable, e.g. the ISPDB is off
)

// Step is one thing tried during a lookup, for `mailprofile lookup` and
// the logs. Detail is for the operator, not for visitors.
type Step struct {
	Source   string        // catalog, autoconfig, well-known, ispdb, mx, srv, probe; "mx " prefixes steps retried for the MX
	Target   string        // what was asked: a URL, a DNS name, host:port
	Outcome  Outcome       //
	Detail   string        // the error, or what was found
	Start    time.Duration // since the lookup began
	Duration time.Duration
}

// MarshalJSON writes durations in milliseconds.
func (s Step) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Source     string  `json:"source"`
		Target     string  `json:"target"`
		Outcome    Outcome `json:"outcome"`
		Detail     string  `json:"detail,omitempty"`
		StartMS    float64 `json:"start_ms"`
		DurationMS float64 `json:"duration_ms"`
	}{s.Source, s.Target, s.Outcome, s.Detail, ms(s.Start), ms(s.Duration)})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// recorder collects the steps of one lookup from many goroutines.
type recorder struct {
	begin time.Time
	mu    sync.Mutex
	steps []Step
}

func newRecorder() *recorder { return &recorder{begin: time.Now()} }

// step starts a step; the returned function ends it with the step's
// error (nil means found) and a detail for success.
func (r *recorder) step(ctx context.Context, source, target string) func(err error, found string) {
	start := time.Now()
	return func(err error, found string) {
		s := Step{Source: source, Target: target, Start: start.Sub(r.begin), Duration: time.Since(start)}
		s.Outcome, s.Detail = classify(ctx, err), found
		if err != nil {
			s.Detail = err.Error()
		}
		r.add(s)
	}
}

func (r *recorder) skip(source, target, why string) {
	r.add(Step{Source: source, Target: target, Outcome: OutcomeSkipped, Detail: why, Start: time.Since(r.begin)})
}

func (r *recorder) add(s Step) {
	r.mu.Lock()
	r.steps = append(r.steps, s)
	r.mu.Unlock()
}

// merge adds the steps of a part of the lookup recorded apart, which
// began offset after this one.
func (r *recorder) merge(steps []Step, offset time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range steps {
		s.Start += offset
		r.steps = append(r.steps, s)
	}
}

// list returns the steps by source, in priority order, and within a
// source in the order they started.
func (r *recorder) list() []Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]Step(nil), r.steps...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := sourceRank(out[i].Source), sourceRank(out[j].Source)
		if a != b {
			return a < b
		}
		return out[i].Start < out[j].Start
	})
	return out
}

var sourceOrder = []string{"catalog", "discovery", "autoconfig", "well-known", "ispdb", "mx", "mx catalog", "mx autoconfig", "mx ispdb", "srv", "probe"}

func sourceRank(s string) int {
	for i, o := range sourceOrder {
		if o == s {
			return i
		}
	}
	return len(sourceOrder)
}

// classify names the outcome of a step that ended with err under ctx.
func classify(ctx context.Context, err error) Outcome {
	var ne net.Error
	switch {
	case err == nil:
		return OutcomeFound
	case errors.Is(err, errSkipped), errors.Is(err, errNoDomain):
		return OutcomeSkipped
	case errors.Is(err, ErrLimited):
		return OutcomeLimited
	case errors.Is(err, ErrRefused):
		return OutcomeRefused
	case errors.Is(err, errNoSuchName), errors.Is(err, errHTTPNotFound), errors.Is(err, errNoService),
		errors.Is(err, provider.ErrNotFound):
		return OutcomeNotFound
	case errors.Is(ctx.Err(), context.Canceled) || errors.Is(err, context.Canceled):
		return OutcomeCancelled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return OutcomeTimeout
	}
	return OutcomeFailed
}
