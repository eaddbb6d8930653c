package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// TestServeMetrics scrapes the real binary: discovery's network lookups
// are counted through serve's OnLookup hook, downloads by source and
// signature, and requests by route pattern.
func TestServeMetrics(t *testing.T) {
	dnsAddr := dnstest.Serve(t, dnstest.XTest...)
	s := startServer(t, filepath.Join(t.TempDir(), "data"), "--rate-limit", "0",
		"--discovery=true", "--dns-server", dnsAddr, "--ispdb-url=")
	for _, target := range []string{
		"/profile?email=someone%40x.test&type=pop",
		"/profile?email=someone%40btinternet.com",
		"/profile?email=someone%40nothing.test",
	} {
		s.get(t, target)
	}
	if resp, _ := s.get(t, "/readyz"); resp.StatusCode != http.StatusOK {
		t.Errorf("readyz = %d", resp.StatusCode)
	}
	metrics := scrapeText(t, s)
	for _, want := range []string{
		`mailprofile_discovery_lookups_total{outcome="found",source="srv"} 1`,
		`mailprofile_discovery_lookups_total{outcome="not_found",source="none"} 1`,
		`mailprofile_profiles_served_total{signed="false",source="srv",type="pop"} 1`,
		`mailprofile_profiles_served_total{signed="true",source="catalog",type="imap"} 1`,
		`mailprofile_settings_lookups_total{outcome="not_found",source="none"} 1`,
		`mailprofile_http_request_duration_seconds_count{method="GET",route="/profile",status="2xx"} 2`,
		`mailprofile_http_request_duration_seconds_count{method="GET",route="/profile",status="4xx"} 1`,
		`mailprofile_signing_certificate_expiry_days `,
		`process_resident_memory_bytes `,
		`go_goroutines `,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(metrics, "someone") || strings.Contains(metrics, "x.test") {
		t.Error("/metrics holds an address or a domain")
	}
	terminate(t, s)
}
