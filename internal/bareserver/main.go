// Command bareserver is the ceiling scripts/loadtest measures mailprofile
// against: a plain net/http server that answers every request with the
// bytes of one file and the headers of a profile download, and nothing
// else (no router, no middleware, no log). No HTTP server on the same core
// can answer a cached download faster, so "cached download / bare" says
// how much of a request's cost is mailprofile's own.
//
//	go run ./internal/bareserver --addr 127.0.0.1:8081 --file profile.mobileconfig
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	file := flag.String("file", "", "the body to answer with (required)")
	ctype := flag.String("content-type", "application/x-apple-aspen-config", "the Content-Type header")
	flag.Parse()
	if *file == "" {
		fmt.Fprintln(os.Stderr, "bareserver: --file is required")
		os.Exit(2)
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bareserver:", err)
		os.Exit(1)
	}
	length := strconv.Itoa(len(body))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The headers mailprofile sends with a cached download, so that
		// both write the same bytes (the request ID is a fixed one of
		// the same length).
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Disposition", `attachment; filename="repeated0@btinternet.com.mobileconfig"`)
		h.Set("Content-Length", length)
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
		h.Set("Content-Type", *ctype)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Request-Id", "5153bbb3c3f7486a8f6a953f0033dc6a")
		w.Write(body)
	})
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "bareserver:", err)
		os.Exit(1)
	}
}
