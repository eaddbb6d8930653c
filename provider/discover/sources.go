package discover

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/mailprofile/mailprofile/provider"
)

// fromAutoconfig fetches a provider-hosted clientConfig through the
// guard, once ready (if not nil) lets it.
func (d *Discoverer) fromAutoconfig(ctx context.Context, rec *recorder, source, domain, url string, ready func(context.Context) error) (answer, error) {
	p, err := d.fetchProvider(ctx, rec, source, domain, url, d.guarded, ready)
	if err != nil {
		return answer{}, err
	}
	p.Source = "provider's autoconfig (" + url + ")"
	return answer{p, provider.Origin{Method: provider.MethodAutoconfig, Confidence: provider.ConfidenceHigh, Via: url}}, nil
}

// fromISPDB fetches the operator's ISPDB service, which is trusted.
func (d *Discoverer) fromISPDB(ctx context.Context, rec *recorder, source, domain string) (answer, error) {
	if d.cfg.ISPDBURL == "" {
		rec.skip(source, domain, "the ISPDB is turned off")
		return answer{}, errSkipped
	}
	url := ispdbURL(d.ispdb, domain)
	p, err := d.fetchProvider(ctx, rec, source, domain, url, d.trusted, nil)
	if err != nil {
		return answer{}, err
	}
	p.Source = "ISPDB (" + url + ")"
	return answer{p, provider.Origin{Method: provider.MethodISPDB, Confidence: provider.ConfidenceHigh, Via: url}}, nil
}

// fromCatalog is the catalog asked again for a domain derived from the MX.
func (d *Discoverer) fromCatalog(ctx context.Context, rec *recorder, source, domain string) (answer, error) {
	end := rec.step(ctx, source, domain)
	p, err := d.catalog.Lookup(domain)
	if err != nil {
		end(err, "")
		return answer{}, err
	}
	end(nil, p.Source)
	return answer{p, provider.Origin{Method: provider.MethodCatalog, Confidence: provider.ConfidenceHigh, Via: p.Source}}, nil
}

// fetchProvider fetches and parses one clientConfig document and returns
// a fresh Provider the caller may label. The fetch waits for ready, if
// not nil, within the step but before the step's timeout starts.
func (d *Discoverer) fetchProvider(ctx context.Context, rec *recorder, source, domain, url string, c *http.Client, ready func(context.Context) error) (*provider.Provider, error) {
	end := rec.step(ctx, source, url)
	if ready != nil {
		if err := ready(ctx); err != nil {
			end(err, "")
			return nil, err
		}
	}
	sctx, cancel := d.stepContext(ctx)
	defer cancel()
	body, err := fetchXML(sctx, c, url)
	var p *provider.Provider
	if err == nil {
		p, err = pick(body, domain)
	}
	if err != nil {
		end(err, "")
		return nil, err
	}
	end(nil, describe(p))
	return p, nil
}

// pick parses a clientConfig document and returns the provider that lists
// domain, else the first, as Thunderbird does. A document with neither an
// IMAP or POP and an SMTP server, nor an Exchange server or the Google
// extension, is not an answer.
func pick(body []byte, domain string) (*provider.Provider, error) {
	ps, err := provider.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("not a usable clientConfig document: %w", err)
	}
	p := ps[0]
	for _, q := range ps {
		if slices.Contains(q.Domains, domain) {
			p = q
			break
		}
	}
	if (len(p.Incoming) == 0 || len(p.Outgoing) == 0) && len(p.Exchange) == 0 && !p.Google {
		return nil, errors.New("the document has no IMAP or POP server, or no SMTP server, and no Exchange or Google account")
	}
	return p, nil
}

// askMX asks for the domain's lowest-preference mail exchanger. Its
// answer also says whether the domain exists: after an NXDOMAIN nothing
// below the domain is connected to or reported (see run).
func (d *Discoverer) askMX(ctx context.Context, rec *recorder, domain string) (string, error) {
	sctx, cancel := d.stepContext(ctx)
	defer cancel()
	end := rec.step(ctx, "mx", domain)
	host, err := d.res.lookupMX(sctx, domain)
	if err != nil {
		end(err, "")
		return "", err
	}
	end(nil, "lowest-preference MX "+host)
	return host, nil
}

// fromMX asks the domains of the mail exchanger host (found by askMX):
// the host minus its first label, then its registrable domain, each in
// the catalog, at autoconfig.<x> and in the ISPDB. This finds Google
// Workspace, Microsoft 365, Fastmail and other hosted domains. DNS is
// unauthenticated, so the answer is of medium confidence.
func (d *Discoverer) fromMX(ctx context.Context, rec *recorder, domain, host string) (answer, error) {
	targets := mxDomains(host, domain)
	if len(targets) == 0 {
		rec.skip("mx", host, "the mail exchanger is in the address's own domain")
		return answer{}, errSkipped
	}
	var attempts []attempt[answer]
	for _, t := range targets {
		attempts = append(attempts, attempt[answer]{run: func(ctx context.Context) (answer, error) {
			return d.viaMX(ctx, rec, t)
		}})
	}
	ans, _, err := first(ctx, attempts)
	if err != nil {
		return answer{}, err
	}
	p := *ans.prov // a catalog entry is shared: label a copy
	p.Source = ans.prov.Source + ", found through the mail exchanger " + host
	return answer{&p, provider.Origin{
		Method:     provider.MethodMX,
		Confidence: provider.ConfidenceMedium,
		Via:        "MX " + host + ": " + ans.origin.Via,
	}}, nil
}

// mxDomains returns the domains to retry for an MX host: the host minus
// its first label when that is longer than the registrable domain, then
// the registrable domain; none when the registrable domain is the
// address's own.
func mxDomains(host, domain string) []string {
	base, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil || base == domain {
		return nil
	}
	var out []string
	if _, full, ok := strings.Cut(host, "."); ok && full != base && full != domain && strings.HasSuffix(full, "."+base) {
		out = append(out, full)
	}
	return append(out, base)
}
