package discover

import (
	"encoding/json"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// Result is what a lookup found for one domain. Results are shared
// between callers and with the cache: do not modify one.
type Result struct {
	Domain string
	// Provider is nil when nothing was found.
	Provider *provider.Provider
	Origin   provider.Origin
	// Steps are every step tried, grouped by source in priority order
	// and, within a source, in the order they started. A cached result
	// keeps the steps of the lookup that made it, after this call's
	// catalog step.
	Steps []Step
	// Cached says the result came from the cache.
	Cached bool
	// Abandoned says the lookup was stopped because nobody waited for
	// it any more: its steps are incomplete and it was not cached.
	Abandoned bool
	Elapsed   time.Duration
}

// MarshalJSON writes the result for `mailprofile lookup --json`.
func (r *Result) MarshalJSON() ([]byte, error) {
	out := struct {
		Domain    string           `json:"domain"`
		Found     bool             `json:"found"`
		Provider  string           `json:"provider,omitempty"`
		Source    string           `json:"source,omitempty"`
		Origin    *provider.Origin `json:"origin,omitempty"`
		Cached    bool             `json:"cached"`
		ElapsedMS float64          `json:"elapsed_ms"`
		Steps     []Step           `json:"steps"`
	}{Domain: r.Domain, Found: r.Found(), Cached: r.Cached, ElapsedMS: ms(r.Elapsed), Steps: r.Steps}
	if r.Provider != nil {
		out.Provider, out.Source, out.Origin = r.Provider.DisplayName, r.Provider.Source, &r.Origin
	}
	return json.Marshal(out)
}

// Found reports whether a provider was found.
func (r *Result) Found() bool { return r.Provider != nil }

// Settings maps the result onto an Apple mail payload for addr and proto,
// with Origin set. Without a provider it is a *provider.NotFoundError; the
// other errors are those of provider.Provider.Settings.
func (r *Result) Settings(addr profile.Address, proto profile.Protocol) (provider.Settings, error) {
	if r.Provider == nil {
		return provider.Settings{}, &provider.NotFoundError{Domain: r.Domain}
	}
	s, err := r.Provider.Settings(addr, proto)
	if err != nil {
		return provider.Settings{}, err
	}
	s.Origin = r.Origin
	return s, nil
}
