package store_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/mailprofile/mailprofile/store"
)

// A helpdesk link from creation to its last download.
func Example() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := store.Open(ctx, "", filepath.Join(dir, "mailprofile.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// The agent makes a link; the token goes in the URL /l/{token} and only
	// its hash is stored.
	token, hash, err := store.NewToken()
	if err != nil {
		log.Fatal(err)
	}
	// Every call takes the time: the server passes its clock's, a test
	// or an example a fixed one.
	now := time.Date(2026, time.December, 1, 9, 0, 0, 0, time.UTC)
	l, err := s.CreateLink(ctx, store.Link{
		TokenHash: hash, Email: "bob@btinternet.com", Type: store.TypeIMAP, CreatedBy: "alice",
		CreatedAt: now, ExpiresAt: now.Add(7 * 24 * time.Hour), MaxDownloads: 1,
	})
	if err != nil {
		log.Fatal(err)
	}

	// The customer's iPhone downloads the profile, then tries again.
	ev := store.Event{UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)", Device: "iPhone"}
	l, err = s.RecordDownload(ctx, store.HashToken(token), now.Add(time.Hour), ev)
	fmt.Println(l.Downloads, err)
	_, err = s.RecordDownload(ctx, store.HashToken(token), now.Add(2*time.Hour), ev)
	var gone *store.GoneError
	fmt.Println(errors.Is(err, store.ErrGone), errors.As(err, &gone) && gone.State == store.LinkUsedUp)

	events, err := s.Events(ctx, l.ID)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range events {
		fmt.Printf("%s actor=%q device=%q\n", e.Kind, e.Actor, e.Device)
	}
	// Output:
	// 1 <nil>
	// true true
	// created actor="alice" device=""
	// downloaded actor="" device="iPhone"
}
