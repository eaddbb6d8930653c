package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/mailprofile/mailprofile/web"
)

// startupGCPercent is GOGC while serve starts: start-up makes about 5 MB
// of garbage around 2 MB that it keeps, and with the default the heap
// grew to 12 MB, which stayed in the peak RSS. Collecting at every 10%
// takes a few more collections of a small heap (about 5 ms in all).
const startupGCPercent = 10

// maxLogoSize bounds the --logo file; web checks the exact limit.
const maxLogoSize = 1 << 20

// serve runs the web app until ctx is cancelled (SIGINT or SIGTERM), then
// lets the requests in flight finish. SIGHUP reloads the signing pair and
// the --tls-cert pair.
func serve(ctx context.Context, cfg *Config, args []string, e env) error {
	if len(args) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", args[0]))
	}
	log := newLogger(cfg, e.stderr)
	var lw *logWriter // nil: every line written at once
	if cfg.LogFlush > 0 {
		lw = newLogWriter(e.stderr, cfg.LogFlush)
		defer lw.Close()
		log = newBufferedLogger(cfg, lw)
	}
	// Every linked package's initialisation has mapped most of the
	// binary by now (14–15 MiB): let go of it before start-up maps what it
	// uses, so that the two do not add up in the peak (startpages.go).
	// Errors are logged when the pages are let go of again below.
	_, _ = releaseStartupPages()
	hashSlots, hashing := setMemoryLimit(cfg, e, log, runtime.GOMAXPROCS(0))
	gogc := debug.SetGCPercent(startupGCPercent)
	started := func() { debug.SetGCPercent(gogc) }
	defer started() // an early return gives GOGC back too
	a, err := newApp(cfg, log, time.Now())
	if err != nil {
		return err
	}
	proxies, err := parsePrefixes(cfg.TrustedProxies)
	if err != nil {
		return err
	}
	secret, err := loadSecret(cfg.DataDir)
	if err != nil {
		return err
	}
	var hd helpdeskStore
	defer hd.close()
	if err := hd.open(ctx, cfg, log); err != nil {
		return err
	}
	go hd.housekeeping(ctx, cfg.AuditRetention, log)
	mailCfg, err := smtpMail(cfg)
	if err != nil {
		return err
	}
	wcfg := web.Config{
		Logger:           log,
		Finder:           a.finder,
		Catalog:          a.catalog,
		SignDiscovered:   cfg.SignDiscovered,
		DiscoveryBudget:  cfg.DiscoveryTimeout, // how long /setup's page that waits may refresh
		ProfileCacheSize: cfg.ProfileCache,
		Profile:          a.options,
		ServiceName:      cfg.ServiceName,
		AccentColor:      cfg.AccentColor,
		SupportURL:       cfg.SupportURL,
		SupportPhone:     cfg.SupportPhone,
		// Not the helpdesk database: while it is down the public pages
		// still work, so the instance stays in the load balancer.
		Ready: a.ready,
		Helpdesk: web.HelpdeskConfig{
			Store:          hd.get,
			AuthHeader:     cfg.AuthHeader,
			TrustedProxies: proxies,
			SessionIdle:    cfg.SessionIdle,
			SessionMax:     cfg.SessionMax,
			Secret:         secret,

			SignInConcurrency: hashSlots,
			HashingMemory:     hashing,
			Mail:              mailCfg.Mail,
		},
		RateLimit: cfg.RateLimit,
		RateBurst: cfg.RateBurst,
		Metrics:   a.metrics,
	}
	if cfg.Logo != "" {
		if wcfg.Logo, err = readLimited(cfg.Logo, maxLogoSize); err != nil {
			return fmt.Errorf("--logo: %w", err)
		}
	}
	if a.signer != nil {
		wcfg.Signer = a.signer
	}
	tlsCfg, tlsCert, err := serverTLS(cfg, log)
	if err != nil {
		return err
	}
	a.tlsCert = tlsCert
	// SIGHUP reloads the signing pair and the TLS pair; installed before
	// the server listens, since SIGHUP's default is to end the process.
	stopHangup := a.watchHangup(ctx)
	defer stopHangup()
	srv, err := web.New(wcfg)
	if err != nil {
		return fmt.Errorf("%w (check --service-name, --logo, --accent-color, --support-url and --support-phone)", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", cfg.Addr, err)
	}
	scheme := "http://"
	if tlsCfg != nil {
		ln, scheme = tls.NewListener(ln, tlsCfg), "https://"
	} else {
		ln = newCoalescingListener(ln) // plain HTTP/1.x only (coalesce.go, deadline.go)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Start-up is over. Its garbage (parsed templates and catalogs, the
	// system roots, about 5 MB) is collected and its pages given back now
	// rather than when the scavenger gets to them, one collection of a
	// 2 MB heap; and the binary's pages that only start-up used leave the
	// RSS (startpages.go).
	started()
	debug.FreeOSMemory()
	if n, err := releaseStartupPages(); err != nil {
		log.Debug("start-up pages not released", "error", err)
	} else {
		log.Debug("start-up pages released", "mapped_bytes", n)
	}
	log.Info("listening", "addr", scheme+ln.Addr().String(), "signed", a.signer != nil, "catalog_domains", a.catalog.Len())
	if lw != nil {
		lw.Flush() // whoever started the server waits for this line
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
