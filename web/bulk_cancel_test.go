package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
	"github.com/mailprofile/mailprofile/store"
)

// TestBulkStopsWhenClientGoes is the review's finding: a bulk upload of
// 300 new domains whose client went away after 3s went on looking them
// up (14,777 DNS queries in 8s). Now the upload stops at the row in
// progress, whose lookup stops too.
func TestBulkStopsWhenClientGoes(t *testing.T) {
	h := dnstest.ServeHeld(t)
	d, err := discover.New(newCatalog(t), discover.Config{
		DNSServer:   h.Addr,
		StepTimeout: time.Minute,
		Budget:      time.Minute,
		FinishGrace: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, func(c *Config) { withHelpdesk(st)(c); c.Finder = d })
	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)

	var rows bytes.Buffer
	for i := range 300 {
		fmt.Fprintf(&rows, "someone@d%d.bulk.test,,imap\n", i)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", b.sessionCSRF())
	fw, _ := w.CreateFormFile("file", "links.csv")
	_, _ = fw.Write(rows.Bytes())
	_ = w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, bulkPath, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())

	h.Hold()
	defer h.Let()
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- b.do(req) }()
	for range 1000 {
		if h.Queries() > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel() // the client goes away during the first row's lookup
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the upload went on for 10s after its client went away")
	}
	for range 1000 {
		if d.InFlight() == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := d.InFlight(); n != 0 {
		t.Errorf("%d lookups still in flight after the upload ended", n)
	}
	if asked := h.Names("MX"); len(asked) != 1 {
		t.Errorf("after the client went away during row 1, %d domains were looked up, want 1: %q", len(asked), asked)
	}
	if links, _ := st.Links(context.Background(), store.LinkFilter{}); len(links) != 0 {
		t.Errorf("%d links kept from an upload whose client went away", len(links))
	}
}
