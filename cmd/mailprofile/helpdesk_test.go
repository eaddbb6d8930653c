package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/store"
)

// lazyHelpdesk runs helpdeskStore.open on SQLite in a fresh data folder
// and counts the opens that get starts. The log goes to the returned
// buffer.
func lazyHelpdesk(t *testing.T) (h *helpdeskStore, dir string, opens *atomic.Int32, logs *syncBuffer) {
	t.Helper()
	dir = t.TempDir()
	logs = &syncBuffer{}
	h = &helpdeskStore{}
	t.Cleanup(h.close)
	if err := h.open(context.Background(), &Config{DataDir: dir}, slog.New(slog.NewTextHandler(logs, nil))); err != nil {
		t.Fatalf("open: %v", err)
	}
	if h.lazy == nil {
		t.Fatal("SQLite is not opened lazily")
	}
	opens = &atomic.Int32{}
	open := h.lazy
	h.lazy = func() (*store.Store, error) {
		opens.Add(1)
		// Widen the window in which the other first requests arrive.
		time.Sleep(20 * time.Millisecond)
		return open()
	}
	return h, dir, opens, logs
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestHelpdeskOpensSQLiteOnFirstUse(t *testing.T) {
	h, dir, opens, logs := lazyHelpdesk(t)
	dbPath := filepath.Join(dir, databaseFile)
	if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the database exists before the first use: %v", err)
	}

	const n = 16
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		got   [n]*store.Store
		errs  [n]error
	)
	for i := range n {
		wg.Go(func() {
			<-start
			hd, err := h.get()
			errs[i] = err
			if err == nil {
				got[i] = hd.(*store.Store)
			}
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("get %d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Errorf("get %d returned another store than get 0", i)
		}
	}
	if c := opens.Load(); c != 1 {
		t.Errorf("%d concurrent first gets opened the database %d times, want 1", n, c)
	}
	if st := h.st.Load(); st != got[0] || st.Dialect() != store.SQLite {
		t.Errorf("kept store %v, want the one get returned, on SQLite", st)
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Errorf("no database after the first use: %v", err)
	}
	if c := strings.Count(logs.String(), "helpdesk database opened"); c != 1 {
		t.Errorf("%d open lines in the log, want 1:\n%s", c, logs)
	}

	// Later gets reuse the store; close closes it.
	if hd, err := h.get(); err != nil || hd.(*store.Store) != got[0] || opens.Load() != 1 {
		t.Errorf("second get = %v, %v after %d opens", hd, err, opens.Load())
	}
	h.close()
	if err := got[0].Ping(context.Background()); err == nil {
		t.Error("the store still answers after close")
	}
}

// TestHelpdeskOpenRetries: a failed lazy open answers ErrUnavailable (503)
// and is logged; the next get tries again.
func TestHelpdeskOpenRetries(t *testing.T) {
	h, dir, opens, logs := lazyHelpdesk(t)
	// Something that is not a database appears after the start-up check.
	dbPath := filepath.Join(dir, databaseFile)
	writeFile(t, dbPath, strings.Repeat("not a database\n", 100), 0o600)

	for i := range 2 {
		hd, err := h.get()
		if hd != nil || !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("get %d with a broken database = %v, %v; want an error wrapping store.ErrUnavailable", i, hd, err)
		}
	}
	if c := opens.Load(); c != 2 {
		t.Errorf("two gets after a failure made %d opens, want 2", c)
	}
	if c := strings.Count(logs.String(), "level=ERROR msg=\"helpdesk database cannot be opened"); c != 2 {
		t.Errorf("%d error lines in the log, want 2:\n%s", c, logs)
	}

	if err := os.Remove(dbPath); err != nil {
		t.Fatal(err)
	}
	hd, err := h.get()
	if err != nil {
		t.Fatalf("get after the file was fixed: %v", err)
	}
	if _, err := hd.(*store.Store).User(context.Background(), "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("User on the opened store: %v, want store.ErrNotFound", err)
	}
}

// TestHelpdeskCloseBeforeLazyOpen: an open that ends after close does not
// leave a store behind.
func TestHelpdeskCloseBeforeLazyOpen(t *testing.T) {
	h, _, _, _ := lazyHelpdesk(t)
	h.close()
	if hd, err := h.get(); hd != nil || !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("get after close = %v, %v; want an error wrapping store.ErrUnavailable", hd, err)
	}
	if st := h.st.Load(); st != nil {
		t.Error("a store was kept after close")
	}
}

func TestCheckSQLite(t *testing.T) {
	realDB := t.TempDir()
	st, err := store.Open(context.Background(), "", filepath.Join(realDB, databaseFile))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	sqlite, err := os.ReadFile(filepath.Join(realDB, databaseFile))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // makes the folder's state
		root  bool                           // whether the case holds for root, who ignores permissions
		want  string                         // in the error; "" for none
	}{
		{name: "no database", setup: func(*testing.T, string) {}, root: true},
		{name: "empty file", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, databaseFile), "", 0o600)
		}, root: true},
		{name: "SQLite database", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, databaseFile), string(sqlite), 0o600)
		}, root: true},
		{name: "text file", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, databaseFile), "id,name\n1,alice\n", 0o600)
		}, root: true, want: "not a SQLite database"},
		{name: "short file", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, databaseFile), "SQLite", 0o600)
		}, root: true, want: "not a SQLite database"},
		{name: "header without NUL", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, databaseFile), "SQLite format 3 and more", 0o600)
		}, root: true, want: "not a SQLite database"},
		{name: "folder", setup: func(t *testing.T, dir string) {
			if err := os.Mkdir(filepath.Join(dir, databaseFile), 0o700); err != nil {
				t.Fatal(err)
			}
		}, root: true, want: "not a regular file"},
		{name: "read-only database", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, databaseFile), string(sqlite), 0o400)
		}, want: "serve must be able to read and write it"},
		{name: "unreadable database", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, databaseFile), string(sqlite), 0o200)
		}, want: "serve must be able to read and write it"},
		{name: "read-only folder", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, databaseFile), string(sqlite), 0o600)
			if err := os.Chmod(dir, 0o500); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o700) })
		}, want: "is not writable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.root && os.Geteuid() == 0 {
				t.Skip("root ignores file permissions")
			}
			dir := t.TempDir()
			tt.setup(t, dir)
			err := checkSQLite(dir)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("checkSQLite() = %v, want %q", err, tt.want)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".write-check") {
					t.Errorf("checkSQLite left %s behind", e.Name())
				}
			}
		})
	}
}

// TestServeRefusesBadDatabase: serve fails at once, naming the file, when
// the SQLite database is not one, although it opens it only on first use.
func TestServeRefusesBadDatabase(t *testing.T) {
	data := t.TempDir()
	path := filepath.Join(data, databaseFile)
	writeFile(t, path, "<html>not a database</html>", 0o600)
	r := runCmd(t, map[string]string{"MAILPROFILE_DATA_DIR": data}, "serve", "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, path+": not a SQLite database") {
		t.Errorf("serve with a bad database: exit %d, %q", r.code, r.stderr)
	}
}

// TestServeOpensHelpdeskLazily runs the binary: /readyz is green without
// the database, and the first helpdesk page creates it.
func TestServeOpensHelpdeskLazily(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	dbPath := filepath.Join(data, databaseFile)
	for _, path := range []string{"/readyz", "/", "/profile?email=someone%40btinternet.com"} {
		if resp, body := s.get(t, path); resp.StatusCode != 200 {
			t.Fatalf("%s: %d\n%s", path, resp.StatusCode, body)
		}
	}
	if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the database was opened before any helpdesk request: %v", err)
	}
	if resp, body := s.get(t, "/admin/login"); resp.StatusCode != 200 {
		t.Fatalf("/admin/login: %d\n%s", resp.StatusCode, body)
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Errorf("no database after the first helpdesk request: %v", err)
	}
	if resp, body := s.get(t, "/l/aaaaaaaaaaaaaaaaaaaaaa"); resp.StatusCode != 404 && resp.StatusCode != 410 {
		t.Errorf("/l/ with an unknown token: %d\n%s", resp.StatusCode, body)
	}
	if c := strings.Count(s.logs.all(), "helpdesk database opened"); c != 1 {
		t.Errorf("%d open lines in the log, want 1:\n%s", c, s.logs.all())
	}
}
