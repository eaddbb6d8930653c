package discover

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// ispdbDir holds the unmodified Thunderbird ISPDB files in shared/, which
// sits beside the clone.
const ispdbDir = "../../../shared/data/ispdb"

// TestISPDB serves every ISPDB file from a local ISPDB service and checks
// that every domain they list gets the file's first usable IMAP (else
// POP3) server and first usable SMTP server, exactly as the catalog's own
// mapping (provider.Provider.Settings) reads the file.
func TestISPDB(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(ispdbDir, "*.xml"))
	if len(files) == 0 {
		t.Skip("../shared/data/ispdb not found: shared/ is not beside this clone")
	}
	docs := map[string]string{}
	providers := map[string]*provider.Provider{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := provider.Parse(data)
		if err != nil {
			t.Fatalf("Parse(%s) error = %v", filepath.Base(f), err)
		}
		for _, p := range ps {
			for _, d := range p.Domains {
				if _, dup := docs[d]; !dup {
					docs[d], providers[d] = string(data), p
				}
			}
		}
	}
	e := newEnv(t)
	url, _ := ispdbServer(t, e, docs)
	cfg := e.config()
	cfg.ISPDBURL = url
	cfg.Testing.ProbeDelay = time.Hour                           // the ISPDB answers; probing would only add noise
	cfg.StepTimeout, cfg.Budget = 10*time.Second, 20*time.Second // a loaded machine under -race
	d := e.discoverer(t, cfg)

	domains := make([]string, 0, len(docs))
	for dom := range docs {
		domains = append(domains, dom)
	}
	slices.Sort(domains)
	var (
		mu                sync.Mutex
		oauth, pop, found int
		wg                sync.WaitGroup
		work              = make(chan string)
	)
	for range 4 {
		wg.Go(func() {
			for dom := range work {
				o, p, f := checkISPDBDomain(t, d, dom, providers[dom])
				mu.Lock()
				oauth, pop, found = oauth+o, pop+p, found+f
				mu.Unlock()
			}
		})
	}
	for _, dom := range domains {
		work <- dom
	}
	close(work)
	wg.Wait()
	t.Logf("%d domains: %d with settings (%d of them POP-only), %d OAuth-only", len(domains), found, pop, oauth)
	if len(domains) < 900 || oauth == 0 || pop == 0 {
		t.Errorf("checked %d domains, %d OAuth-only, %d POP-only; want at least 900 domains and some of each", len(domains), oauth, pop)
	}
	for _, dom := range []string{"outlook.com", "hotmail.com"} {
		_, err := d.Find(context.Background(), mustAddr(t, "someone@"+dom), profile.IMAP)
		var oe *provider.OAuthOnlyError
		if _, ok := docs[dom]; ok && !errors.As(err, &oe) {
			t.Errorf("Find(someone@%s) error = %v, want *provider.OAuthOnlyError", dom, err)
		}
	}
}

// checkISPDBDomain compares discovery's answer for dom with the file's.
func checkISPDBDomain(t *testing.T, d *Discoverer, dom string, p *provider.Provider) (oauth, pop, found int) {
	t.Helper()
	addr := profile.Address{Local: "Fred.Smith", Domain: dom}
	proto := profile.IMAP
	want, wantErr := p.Settings(addr, proto)
	var np *provider.NoProtocolError
	if errors.As(wantErr, &np) && np.Type == "imap" {
		proto, pop = profile.POP, 1
		want, wantErr = p.Settings(addr, proto)
	}
	got, err := d.Find(context.Background(), addr, proto)
	if wantErr != nil {
		if err == nil || reflect.TypeOf(err) != reflect.TypeOf(wantErr) || err.Error() != wantErr.Error() {
			t.Errorf("Find(%s, %s) error = %v, want %v", addr, proto, err, wantErr)
		}
		if errors.Is(wantErr, provider.ErrOAuthOnly) {
			oauth = 1
		}
		return oauth, 0, 0
	}
	if err != nil {
		t.Errorf("Find(%s, %s) error = %v, want %s:%d", addr, proto, err, want.Incoming.Host, want.Incoming.Port)
		return 0, 0, 0
	}
	if got.Incoming != want.Incoming || got.Outgoing != want.Outgoing {
		t.Errorf("Find(%s, %s) = in %+v out %+v, want in %+v out %+v", addr, proto, got.Incoming, got.Outgoing, want.Incoming, want.Outgoing)
	}
	if got.Origin.Method != provider.MethodISPDB || got.Origin.Confidence != provider.ConfidenceHigh {
		t.Errorf("Find(%s).Origin = %+v, want ispdb, high", addr, got.Origin)
	}
	return 0, pop, 1
}
