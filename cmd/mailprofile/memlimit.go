package main

import (
	"log/slog"
	"math"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web"
)

// baseMemoryLimit is the default soft memory limit of serve without a
// profile cache and without sign-ins: the heap, stacks and runtime
// metadata of a busy server.
const baseMemoryLimit = 14 << 20

// setMemoryLimit gives serve a soft memory limit unless GOMEMLIMIT sets
// one (the runtime reads it; "off" means none): the server's own need and
// the profile cache's byte budget. Without a limit the collector lets the
// heap grow to twice what is live (GOGC=100), so a full cache costs about
// twice its bytes; with it the collector runs more often near the limit
// instead. The limit is soft: past it the collector works harder, nothing
// fails. It returns the number of helpdesk hashing slots and, with no
// GOMEMLIMIT, what the hashing gate tells of the bytes its running hashes
// hold (store.HashMemory() each): the limit rises by them while they run,
// so that the collector does not run back to back during a hash, and
// falls back after, so that a server whose helpdesk is idle keeps the
// public pages' limit. e.setMemoryLimit is nil in tests, which run serve
// inside the test process; then nothing is set.
func setMemoryLimit(cfg *Config, e env, log *slog.Logger, cores int) (slots int, hashing func(bytes int64)) {
	need := baseMemoryLimit + int64(cfg.ProfileCache)*web.ProfileCacheEntryBytes
	perHash := store.HashMemory()
	if v, ok := e.lookupEnv("GOMEMLIMIT"); ok && v != "" { // "" is unset for the runtime too
		limit := int64(math.MaxInt64) // off, or not known in tests
		if e.setMemoryLimit != nil {
			limit = e.setMemoryLimit(-1) // a negative value reads the limit
		}
		slots := signInSlots(cfg.SignInConcurrency, cores, limit-need, perHash)
		log.Debug("soft memory limit from GOMEMLIMIT", "value", v, "sign_in_hashes", slots)
		return slots, nil
	}
	slots = signInSlots(cfg.SignInConcurrency, cores, math.MaxInt64, perHash)
	if e.setMemoryLimit == nil {
		return slots, nil
	}
	e.setMemoryLimit(need)
	log.Debug("soft memory limit", "bytes", need, "sign_in_hashes", slots, "per_hash", perHash)
	return slots, func(held int64) { e.setMemoryLimit(need + held) }
}

// signInSlots is how many helpdesk password hashes run at once:
// --sign-in-concurrency when set; otherwise half the cores, so that the
// public pages keep at least half of them during a storm of sign-ins, and
// no more than spare bytes hold (perHash each), but always one.
func signInSlots(flag, cores int, spare, perHash int64) int {
	if flag > 0 {
		return flag
	}
	n := int64(max(cores/2, 1))
	if perHash > 0 && spare/perHash < n {
		n = spare / perHash
	}
	return int(max(n, 1))
}
