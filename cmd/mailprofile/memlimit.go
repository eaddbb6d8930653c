package main

import (
	"log/slog"

	"github.com/mailprofile/mailprofile/web"
)

// baseMemoryLimit is the default soft memory limit of serve without a
// profile cache: the heap, stacks and runtime metadata of a busy server.
const baseMemoryLimit = 14 << 20

// setMemoryLimit gives serve a soft memory limit unless GOMEMLIMIT sets
// one (the runtime reads it; "off" means none): the server's own need
// plus the profile cache's byte budget. Without a limit the collector
// lets the heap grow to twice what is live (GOGC=100), so a full cache
// costs about twice its bytes; with it the collector runs more often
// near the limit instead. The limit is soft: past it the collector works
// harder, nothing fails. e.setMemoryLimit is nil in tests, which run
// serve inside the test process.
func setMemoryLimit(cfg *Config, e env, log *slog.Logger) {
	if e.setMemoryLimit == nil {
		return
	}
	if v, ok := e.lookupEnv("GOMEMLIMIT"); ok && v != "" { // "" is unset for the runtime too
		log.Debug("soft memory limit from GOMEMLIMIT", "value", v)
		return
	}
	limit := baseMemoryLimit + int64(cfg.ProfileCache)*web.ProfileCacheEntryBytes
	e.setMemoryLimit(limit)
	log.Debug("soft memory limit", "bytes", limit)
}
