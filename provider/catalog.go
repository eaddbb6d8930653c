package provider

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
)

//go:embed catalog/*.xml
var builtinFiles embed.FS

// builtinFS marks the embedded catalog so that NewCatalog can label its
// entries.
type builtinFS struct{ fs.FS }

// Builtin returns the built-in catalog: the clientConfig files under
// catalog/ in this package, at the root of the returned FS.
func Builtin() fs.FS {
	sub, err := fs.Sub(builtinFiles, "catalog")
	if err != nil { // only for an invalid path, which "catalog" is not
		return builtinFS{builtinFiles}
	}
	return builtinFS{sub}
}

// Catalog maps email domains to providers. It is immutable once built and
// safe for concurrent use.
type Catalog struct {
	byDomain map[string]*Provider
	warnings []string
}

// NewCatalog loads every *.xml file at the root of each source, in order.
// A later source overrides earlier ones domain by domain: a domain listed
// in an operator's file replaces the built-in entry for that domain only.
// A file that cannot be read or parsed is an error naming the file; a file
// with some invalid servers or domains loads, and the problems are listed
// by Warnings.
func NewCatalog(sources ...fs.FS) (*Catalog, error) {
	c := &Catalog{byDomain: map[string]*Provider{}}
	for _, src := range sources {
		_, builtin := src.(builtinFS)
		entries, err := fs.ReadDir(src, ".")
		if err != nil {
			return nil, fmt.Errorf("read catalog folder: %w", err)
		}
		owner := map[string]string{} // domain -> file, within this source
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".xml") || strings.HasPrefix(name, ".") {
				continue
			}
			label := name
			if builtin {
				label = "built-in catalog (" + name + ")"
			}
			provs, err := loadFile(src, name)
			if err != nil {
				return nil, fmt.Errorf("catalog file %s: %w", label, err)
			}
			for _, p := range provs {
				p.Source = label
				for _, w := range p.Warnings {
					c.warnings = append(c.warnings, label+": "+p.ID+": "+w)
				}
				for _, d := range p.Domains {
					if prev, ok := owner[d]; ok {
						c.warnings = append(c.warnings, fmt.Sprintf("%s: domain %s is also listed in %s; using %s", label, d, prev, label))
					}
					owner[d] = label
					c.byDomain[d] = p
				}
			}
		}
	}
	return c, nil
}

func loadFile(src fs.FS, name string) ([]*Provider, error) {
	f, err := src.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Read one byte past the limit so that Parse sees, and rejects, an
	// oversized file without the whole of it being read into memory.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Lookup returns the provider for an email domain, matched
// case-insensitively; a trailing dot is ignored. The domain should already
// be in A-label form, as profile.ParseAddress leaves it. An unknown domain
// gives a *NotFoundError.
func (c *Catalog) Lookup(domain string) (*Provider, error) {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if p, ok := c.byDomain[d]; ok {
		return p, nil
	}
	return nil, &NotFoundError{Domain: d}
}

// DomainsOf returns the domains of p that the catalog still maps to p, in
// the file's order: a later source may have taken some of them over.
func (c *Catalog) DomainsOf(p *Provider) []string {
	var ds []string
	for _, d := range p.Domains {
		if c.byDomain[d] == p {
			ds = append(ds, d)
		}
	}
	return ds
}

// Len returns the number of domains the catalog knows.
func (c *Catalog) Len() int { return len(c.byDomain) }

// Domains returns the known domains, sorted.
func (c *Catalog) Domains() []string {
	ds := make([]string, 0, len(c.byDomain))
	for d := range c.byDomain {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	return ds
}

// Providers returns each provider that serves at least one domain, sorted
// by ID and then source.
func (c *Catalog) Providers() []*Provider {
	seen := map[*Provider]bool{}
	var ps []*Provider
	for _, p := range c.byDomain {
		if !seen[p] {
			seen[p] = true
			ps = append(ps, p)
		}
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].ID != ps[j].ID {
			return ps[i].ID < ps[j].ID
		}
		return ps[i].Source < ps[j].Source
	})
	return ps
}

// Warnings lists the problems found while loading that did not stop a file
// from loading: dropped servers and domains, and domains listed twice
// within one source. The operator should see them at start-up.
func (c *Catalog) Warnings() []string {
	return append([]string(nil), c.warnings...)
}
