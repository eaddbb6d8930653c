package helpdesk

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// TestCatalogHasEveryKey fails when a message the helpdesk uses (in its
// templates, its code, the public /code page) is missing in any language,
// or empty there.
func TestCatalogHasEveryKey(t *testing.T) {
	cat, err := site.LoadCatalog() // fails itself when a language lacks an English key
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	inTemplate := regexp.MustCompile(`\.TH? "([a-z][a-z_.0-9-]*)"`)
	_ = fs.WalkDir(templateFiles, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFiles.ReadFile(p)
		for _, m := range inTemplate.FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
		return nil
	})
	// Keys built at run time.
	for _, st := range []store.LinkState{store.LinkActive, store.LinkExpired, store.LinkRevoked, store.LinkUsedUp} {
		used["hd.state_"+st.String()] = true
	}
	for _, kind := range []string{store.EventCreated, store.EventOpened, store.EventDownloaded, store.EventRevoked,
		store.EventEmailed, store.EventEmailFail, store.EventCodeMade, store.EventCodeUsed} {
		used["hd.event_"+kind] = true
	}
	// Literal keys in the Go code, here and in web's /code page; a
	// KeyedError's key names a title and a text.
	literal := regexp.MustCompile(`"((?:hd|code)\.[a-z][a-z_.0-9-]*[a-z0-9])"`)
	keyed := regexp.MustCompile(`Key: "([a-z][a-z_.0-9-]*)"`)
	files, _ := filepath.Glob("*.go")
	files = append(files, "../code.go", "../templates/code.html")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllSubmatch(b, -1) {
			if k := string(m[1]); !strings.HasSuffix(k, "_") && !strings.HasSuffix(k, ".html") {
				used[k] = true
			}
		}
		for _, m := range keyed.FindAllSubmatch(b, -1) {
			used[string(m[1])+".title"], used[string(m[1])+".text"] = true, true
			delete(used, string(m[1]))
		}
		for _, m := range regexp.MustCompile(`\.T "([a-z][a-z_.0-9-]*)"`).FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
	}
	for _, done := range []string{"revoked", "emailed", "email_failed", "email_limit", "email_bad_address"} {
		used["hd.done_"+done] = true
	}
	var missing []string
	for k := range used {
		for lang, m := range cat {
			if m[k] == "" {
				missing = append(missing, lang+":"+k)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("messages used but missing: %v", missing)
	}
	if len(used) < 150 {
		t.Errorf("found %d keys in use; the scan is broken", len(used))
	}
}
