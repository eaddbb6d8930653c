package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mailprofile/mailprofile/profile"
)

// lookupResult is the settings found for one protocol, or why there are
// none.
type lookupResult struct {
	Type     string          `json:"type"`
	Provider string          `json:"provider,omitempty"`
	Source   string          `json:"source,omitempty"`
	Incoming *profile.Server `json:"incoming,omitempty"`
	Outgoing *profile.Server `json:"outgoing,omitempty"`
	Notes    []string        `json:"notes,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// lookup prints the settings found for an address, for IMAP and for POP,
// and where they came from. It fails when neither is available.
func lookup(ctx context.Context, cfg *Config, args []string, e env) error {
	if len(args) != 1 {
		return usageError("want exactly one email address")
	}
	addr, err := profile.ParseAddress(args[0])
	if err != nil {
		return fmt.Errorf("%s", userText(err))
	}
	catalog, err := loadCatalog(cfg, newLogger(cfg, e.stderr))
	if err != nil {
		return err
	}
	var results []lookupResult
	found := 0
	for _, p := range []profile.Protocol{profile.IMAP, profile.POP} {
		r := lookupResult{Type: string(p)}
		s, err := catalog.Find(ctx, addr, p)
		if err != nil {
			r.Error = err.Error()
		} else {
			found++
			r.Provider, r.Source, r.Notes = s.ProviderName(), s.Source(), s.Notes
			r.Incoming, r.Outgoing = &s.Incoming, &s.Outgoing
		}
		results = append(results, r)
	}
	if cfg.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"email": addr.String(), "results": results}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "email:     %s\n", addr)
		for _, r := range results {
			if r.Error != "" {
				fmt.Fprintf(e.stdout, "%-9s  not available: %s\n", r.Type+":", r.Error)
				continue
			}
			fmt.Fprintf(e.stdout, "%-9s  %s (from the %s)\n", r.Type+":", r.Provider, r.Source)
			fmt.Fprintf(e.stdout, "  incoming  %s\n", describeServer(*r.Incoming))
			fmt.Fprintf(e.stdout, "  outgoing  %s\n", describeServer(*r.Outgoing))
			for _, n := range r.Notes {
				fmt.Fprintf(e.stdout, "  note      %s\n", n)
			}
		}
	}
	if found == 0 {
		return fmt.Errorf("no usable settings for %s", addr)
	}
	return nil
}

func describeServer(s profile.Server) string {
	sec := "SSL/TLS"
	if s.STARTTLS {
		sec = "STARTTLS"
	}
	return fmt.Sprintf("%s:%d %s, %s, username %s", s.Host, s.Port, sec, s.Auth, s.Username)
}
