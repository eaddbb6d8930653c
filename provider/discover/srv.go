package discover

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/mailprofile/mailprofile/provider"
)

// errNoService is an SRV name whose only target is ".", which RFC 6186
// defines as "service not offered", or a set of records that names no
// usable server.
var errNoService = errors.New("service not offered")

// srvServer is a server named by an SRV record.
type srvServer struct {
	srv      provider.Server
	priority uint16
	weight   uint16
}

// fromSRV reads the domain's SRV records. They give host and port only;
// the username is the full address and the password goes in clear text
// inside TLS, as RFC 6186 suggests. DNS is unauthenticated, so the answer
// is of medium confidence.
func (d *Discoverer) fromSRV(ctx context.Context, rec *recorder, domain string) (answer, error) {
	var (
		mu    sync.Mutex
		found []srvServer
		wg    sync.WaitGroup
	)
	for _, svc := range provider.SRVServices {
		wg.Go(func() {
			name := svc.Name + "." + domain
			sctx, cancel := d.stepContext(ctx)
			defer cancel()
			end := rec.step(ctx, "srv", name)
			rrs, err := d.res.lookupSRV(sctx, name)
			var got []srvServer
			var bad []string
			for _, rr := range rrs {
				target := strings.ToLower(strings.TrimSuffix(rr.Target, "."))
				switch {
				case target == "":
					continue // "." : not offered
				case rr.Port == 0:
					bad = append(bad, target+": port 0")
					continue
				case !validHost(target):
					bad = append(bad, truncate(target, 64)+": not a host name")
					continue
				}
				got = append(got, srvServer{
					srv: provider.Server{
						Type: svc.Type, Hostname: target, Port: int(rr.Port), SocketType: svc.SocketType,
						Auth: []string{provider.AuthPasswordCleartext}, Username: "%EMAILADDRESS%",
					},
					priority: rr.Priority, weight: rr.Weight,
				})
			}
			switch {
			case err != nil:
				end(err, "")
			case len(got) == 0 && len(bad) > 0:
				end(fmt.Errorf("%w: %s", errNoService, strings.Join(bad, "; ")), "")
			case len(got) == 0:
				end(fmt.Errorf("target \".\": %w", errNoService), "")
			default:
				var names []string
				for _, g := range got {
					names = append(names, fmt.Sprintf("%s:%d", g.srv.Hostname, g.srv.Port))
				}
				end(nil, strings.Join(names, ", "))
			}
			mu.Lock()
			found = append(found, got...)
			mu.Unlock()
		})
	}
	wg.Wait()
	p := srvProvider(domain, found)
	if p == nil {
		return answer{}, fmt.Errorf("no incoming and outgoing pair: %w", errNoService)
	}
	return answer{p, provider.Origin{
		Method:     provider.MethodSRV,
		Confidence: provider.ConfidenceMedium,
		Via:        "SRV records of " + domain,
	}}, nil
}

// srvProvider builds a provider from SRV servers, or nil without both an
// incoming and an outgoing server. Within a type, a lower priority comes
// first, then implicit TLS (RFC 8314), then a higher weight.
func srvProvider(domain string, servers []srvServer) *provider.Provider {
	sort.SliceStable(servers, func(i, j int) bool {
		a, b := servers[i], servers[j]
		if a.srv.Type != b.srv.Type {
			return typeRank(a.srv.Type) < typeRank(b.srv.Type)
		}
		if a.priority != b.priority {
			return a.priority < b.priority
		}
		if a.srv.SocketType != b.srv.SocketType {
			return a.srv.SocketType == provider.SocketSSL
		}
		return a.weight > b.weight
	})
	p := &provider.Provider{
		ID: domain, DisplayName: domain, ShortName: domain, Domains: []string{domain},
		Source: "DNS SRV records of " + domain,
	}
	for _, s := range servers {
		if s.srv.Type == "smtp" {
			p.Outgoing = append(p.Outgoing, s.srv)
		} else {
			p.Incoming = append(p.Incoming, s.srv)
		}
	}
	if len(p.Incoming) == 0 || len(p.Outgoing) == 0 {
		return nil
	}
	return p
}

func typeRank(t string) int {
	switch t {
	case "imap":
		return 0
	case "pop3":
		return 1
	}
	return 2
}
