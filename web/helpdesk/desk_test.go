package helpdesk

import (
	"io"
	"log/slog"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// countNothing is the Metrics of a Desk tested on its own, without the
// server's registry.
type countNothing struct{}

func (countNothing) RateLimited(string)  {}
func (countNothing) SignInFailed(string) {}
func (countNothing) PasswordChecked()    {}

// newTestDesk is a Desk without a store, over the built-in catalog, at
// the fixed test time.
func newTestDesk(t testing.TB) *Desk {
	t.Helper()
	cat, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := site.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Finder: cat, Metrics: countNothing{}, Now: timetest.Fixed, Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
