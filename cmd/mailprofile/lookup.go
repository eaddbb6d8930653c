package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover"
)

// lookupResult is the settings found for one kind of account, or why
// there are none. An Exchange account has only Incoming (its ActiveSync
// server), a Google account neither.
type lookupResult struct {
	Type     string          `json:"type"`
	Provider string          `json:"provider,omitempty"`
	Source   string          `json:"source,omitempty"`
	Origin   provider.Origin `json:"origin"`
	Incoming *profile.Server `json:"incoming,omitempty"`
	Outgoing *profile.Server `json:"outgoing,omitempty"`
	// Calendar and Contacts are the CalDAV and CardDAV servers that
	// generate --services and services= add beside a mail account.
	Calendar *profile.DAVServer `json:"calendar,omitempty"`
	Contacts *profile.DAVServer `json:"contacts,omitempty"`
	Notes    []string           `json:"notes,omitempty"`
	Error    string             `json:"error,omitempty"`
}

// lookup prints the settings found for an address, for IMAP, POP,
// Exchange and Google, where they came from, which kind the provider
// prefers, and (with discovery) every step tried with its time and
// outcome. It fails when no kind is available.
func lookup(ctx context.Context, cfg *Config, args []string, e env) error {
	if len(args) != 1 {
		return usageError("want exactly one email address")
	}
	addr, err := profile.ParseAddress(args[0])
	if err != nil {
		return fmt.Errorf("%s", userText(err))
	}
	log := newLogger(cfg, e.stderr)
	catalog, err := loadCatalog(cfg, log)
	if err != nil {
		return err
	}
	settings := func(p profile.Protocol) (provider.Settings, error) { return catalog.Find(ctx, addr, p) }
	var res *discover.Result
	if cfg.Discovery {
		d, err := newDiscoverer(cfg, catalog, log, nil)
		if err != nil {
			return err
		}
		if res, err = d.Discover(ctx, addr.Domain); err != nil {
			return err
		}
		settings = func(p profile.Protocol) (provider.Settings, error) { return res.Settings(addr, p) }
	}
	var results []lookupResult
	var prefer []profile.Protocol
	found := 0
	for _, p := range []profile.Protocol{profile.IMAP, profile.POP, profile.Exchange, profile.Google} {
		r := lookupResult{Type: string(p)}
		s, err := settings(p)
		if err != nil {
			r.Error = err.Error()
		} else {
			found++
			r.Provider, r.Source, r.Origin, r.Notes = s.ProviderName(), s.Source(), s.Origin, s.Notes
			if s.Incoming.Host != "" {
				r.Incoming = &s.Incoming
			}
			if s.Outgoing.Host != "" {
				r.Outgoing = &s.Outgoing
			}
			if s.Calendar.Host != "" {
				r.Calendar = &s.Calendar
			}
			if s.Contacts.Host != "" {
				r.Contacts = &s.Contacts
			}
			if prefer == nil && s.Provider != nil {
				prefer = s.Provider.Kinds(addr)
			}
		}
		results = append(results, r)
	}
	if cfg.JSON {
		out := map[string]any{"email": addr.String(), "results": results, "preferred": prefer}
		if res != nil {
			out["discovery"] = res
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		printLookup(e.stdout, addr, results, res)
		if len(prefer) > 0 {
			names := make([]string, len(prefer))
			for i, k := range prefer {
				names[i] = string(k)
			}
			fmt.Fprintf(e.stdout, "preferred: %s (the first a device installs is what /profile gives without a type)\n", strings.Join(names, ", "))
		}
	}
	if found == 0 {
		return fmt.Errorf("no usable settings for %s", addr)
	}
	return nil
}

func printLookup(w io.Writer, addr profile.Address, results []lookupResult, res *discover.Result) {
	fmt.Fprintf(w, "email:     %s\n", addr)
	if res != nil {
		cached := ""
		if res.Cached {
			cached = ", cached"
		}
		fmt.Fprintf(w, "steps:     %d in %s%s\n", len(res.Steps), res.Elapsed.Round(time.Millisecond), cached)
		for _, st := range res.Steps {
			fmt.Fprintf(w, "  %-14s %-9s %6dms  %s", st.Source, st.Outcome, st.Duration.Milliseconds(), st.Target)
			if st.Detail != "" {
				fmt.Fprintf(w, ": %s", st.Detail)
			}
			fmt.Fprintln(w)
		}
	}
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(w, "%-9s  not available: %s\n", r.Type+":", r.Error)
			continue
		}
		fmt.Fprintf(w, "%-9s  %s (from the %s; %s, %s confidence)\n", r.Type+":", r.Provider, r.Source, originName(r.Origin), r.Origin.Confidence)
		switch {
		case r.Type == string(profile.Exchange):
			fmt.Fprintf(w, "  exchange  %s (iPhone and iPad only)\n", describeServer(*r.Incoming))
		case r.Type == string(profile.Google):
			fmt.Fprintf(w, "  account   Google account, signed in on Google's own page (iPhone and iPad only)\n")
		default:
			fmt.Fprintf(w, "  incoming  %s\n", describeServer(*r.Incoming))
			fmt.Fprintf(w, "  outgoing  %s\n", describeServer(*r.Outgoing))
		}
		for _, d := range []struct {
			label string
			srv   *profile.DAVServer
		}{{"calendar", r.Calendar}, {"contacts", r.Contacts}} {
			if d.srv != nil {
				fmt.Fprintf(w, "  %-8s  %s, username %s (--services %s)\n", d.label, d.srv.PrincipalURL, d.srv.Username, d.label)
			}
		}
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  note      %s\n", n)
		}
	}
}

// originName says how settings were found and whether serve signs them.
func originName(o provider.Origin) string {
	if !o.Discovered() {
		return "catalog, signed"
	}
	return string(o.Method) + ", unsigned unless --sign-discovered"
}

func describeServer(s profile.Server) string {
	sec := "SSL/TLS"
	if s.STARTTLS {
		sec = "STARTTLS"
	}
	return fmt.Sprintf("%s:%d %s, %s, username %s", s.Host, s.Port, sec, s.Auth, s.Username)
}
