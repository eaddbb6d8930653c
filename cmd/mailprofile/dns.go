package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mailprofile/mailprofile/clientconf"
	"github.com/mailprofile/mailprofile/profile"
)

// dnsRecords prints the DNS records a domain of the catalog publishes so
// that every mail client finds its settings on this server: CNAMEs of
// autoconfig., autodiscover. and ua-auto-config. to --public-host, the
// _autodiscover._tcp SRV record, the _ua-auto-config TXT record with the
// digest of the exact PACC document serve sends, and the RFC 6186/8314
// SRV records. Zone-file lines, or JSON with --json. Nothing is looked up
// on the network: the records come from the catalog and --providers.
func dnsRecords(_ context.Context, cfg *Config, args []string, e env) error {
	if len(args) != 1 {
		return usageError("want exactly one domain")
	}
	// The domain as an address's domain is read: lower case, A-labels.
	addr, err := profile.ParseAddress("postmaster@" + args[0])
	if err != nil {
		return fmt.Errorf("%q is not a domain name", args[0])
	}
	domain := addr.Domain
	catalog, err := loadCatalog(cfg, newLogger(cfg, e.stderr))
	if err != nil {
		return err
	}
	p, err := catalog.Lookup(domain)
	if err != nil {
		return fmt.Errorf("%s is neither in the built-in catalog nor in --providers: other clients are served only the operator's own settings", domain)
	}
	z, err := clientconf.Records(clientconf.Entry{Provider: p, Domain: domain, Domains: catalog.DomainsOf(p)}, cfg.PublicHost)
	if err != nil {
		return fmt.Errorf("--public-host: %w", err)
	}
	if cfg.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(z)
	}
	return z.WriteZone(e.stdout)
}
