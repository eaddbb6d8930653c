package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrations holds one folder of numbered SQL files per dialect
// (NNNN_name.sql). A released file is never edited: a change to the schema is
// a new file, in both folders.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationLockKey is the PostgreSQL advisory lock held while migrating, so
// that instances starting together apply each migration once.
const migrationLockKey int64 = 0x6d61696c70726f66 // "mailprof"

// migration is one embedded SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the migrations of a dialect in order.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var ms []migration
	seen := map[int]string{}
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s/%s: name must start with a positive number and '_'", dir, e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("store: migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := migrations.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: read migration: %w", err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate applies the migrations the database has not seen, each in its own
// transaction together with its schema_migrations row.
func (s *Store) migrate(ctx context.Context) error { return s.migrateTo(ctx, 0) }

// migrateTo is migrate stopping after version upTo (0: the newest), so
// that a test can make a database as an older release left it.
func (s *Store) migrateTo(ctx context.Context, upTo int) error {
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	for i, m := range ms {
		if upTo > 0 && m.version > upTo {
			ms = ms[:i]
			break
		}
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.fail("migrate", err)
	}
	defer conn.Close()

	if s.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			return s.fail("migrate: lock", err)
		}
		defer func() {
			// The lock belongs to the connection: unlock even if ctx is
			// done, and drop the connection if that fails.
			uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := conn.ExecContext(uctx, "SELECT pg_advisory_unlock($1)", migrationLockKey); err != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}

	timeType := "TIMESTAMPTZ"
	if s.dialect == SQLite {
		timeType = "INTEGER"
	}
	for _, m := range ms {
		err := s.inTx(ctx, conn, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    INTEGER PRIMARY KEY,
				name       TEXT NOT NULL,
				applied_at `+timeType+` NOT NULL)`); err != nil {
				return err
			}
			if m == ms[0] {
				var newest sql.NullInt64
				if err := tx.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&newest); err != nil {
					return err
				}
				if last := ms[len(ms)-1].version; newest.Int64 > int64(last) {
					return fmt.Errorf("database schema version %d is newer than this program's %d: upgrade mailprofile", newest.Int64, last)
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
				m.version, m.name, s.t(time.Now()))
			return err
		})
		if err != nil {
			return s.fail("migrate", err)
		}
	}
	return nil
}

// inTx runs fn in a transaction on conn.
func (s *Store) inTx(ctx context.Context, conn *sql.Conn, fn func(*sql.Tx) error) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
