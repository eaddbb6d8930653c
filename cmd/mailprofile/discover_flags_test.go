package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestDiscoveryBoundFlags: discovery's bounds come from flags or the
// environment, with the README's defaults, and a bad value names its
// setting.
func TestDiscoveryBoundFlags(t *testing.T) {
	getenv := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	tests := []struct {
		name                      string
		env                       map[string]string
		args                      []string
		wantConcurrency, wantEach int
		wantErr                   string
	}{
		{name: "defaults", wantConcurrency: 8, wantEach: 6},
		{name: "environment", env: map[string]string{"MAILPROFILE_DISCOVERY_CONCURRENCY": "32", "MAILPROFILE_DISCOVERY_PER_CLIENT": "0"},
			wantConcurrency: 32, wantEach: 0},
		{name: "flags win", env: map[string]string{"MAILPROFILE_DISCOVERY_CONCURRENCY": "32"}, args: []string{"--discovery-concurrency", "2", "--discovery-per-client", "20"},
			wantConcurrency: 2, wantEach: 20},
		{name: "no concurrency", args: []string{"--discovery-concurrency", "0"},
			wantErr: "--discovery-concurrency ($MAILPROFILE_DISCOVERY_CONCURRENCY): must be at least 1"},
		{name: "negative per client", args: []string{"--discovery-per-client", "-1"},
			wantErr: "--discovery-per-client ($MAILPROFILE_DISCOVERY_PER_CLIENT): must not be negative"},
		{name: "ISPDB URL with a query", args: []string{"--ispdb-url", "https://mirror.test/v1.1/?d="},
			wantErr: "--ispdb-url ($MAILPROFILE_ISPDB_URL): \"https://mirror.test/v1.1/?d=\": want no query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := parseConfig("serve", tt.args, getenv(tt.env), &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("parseConfig(%q) error = %v, want %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseConfig(%q) error = %v", tt.args, err)
			}
			if cfg.DiscoveryConcurrency != tt.wantConcurrency || cfg.DiscoveryPerClient != tt.wantEach {
				t.Errorf("parseConfig(%q) = concurrency %d, per client %d; want %d, %d", tt.args, cfg.DiscoveryConcurrency, cfg.DiscoveryPerClient, tt.wantConcurrency, tt.wantEach)
			}
		})
	}
}
