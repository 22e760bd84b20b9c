// Command importfloor measures what SQLite (modernc.org/sqlite, as dncctl
// uses it) needs at least to write a million opt-outs the way the store
// keeps them: a row of entries a number, its two number indexes, and an
// audit record with its own. It inserts numbers already in order, 100 rows
// to a prepared statement, in one transaction, with no triggers, CHECKs,
// hashing or RETURNING: a floor under `dncctl optout import`, not a copy
// of it. docs/performance.md quotes it.
//
//	go run ./bench/importfloor            # every step
//	go run ./bench/importfloor -n 100000
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

const batch = 100

type step struct {
	name           string
	indexes, audit bool
}

func main() {
	n := flag.Int("n", 1000000, "numbers to insert")
	flag.Parse()
	if *n <= 0 || *n%batch != 0 {
		log.Fatalf("-n %d: give a positive multiple of %d", *n, batch)
	}
	dir, err := os.MkdirTemp("", "importfloor-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for i, s := range []step{
		{"entries rows alone", false, false},
		{"entries rows and their two number indexes", true, false},
		{"entries, indexes, and an audit record each (indexed)", true, true},
	} {
		d, err := run(filepath.Join(dir, fmt.Sprintf("floor%d.db", i)), *n, s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-55s %8.2f s  %6.2f µs/number\n", s.name, d.Seconds(), float64(d.Microseconds())/float64(*n))
	}
}

func run(path string, n int, s step) (time.Duration, error) {
	// The store's own pragmas (store.Open), and WAL as migrate sets it.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=temp_store(2)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	schema := []string{`CREATE TABLE entries (id INTEGER PRIMARY KEY, list TEXT, e164 TEXT, channel TEXT, tag TEXT, reason TEXT,
		source TEXT, added_at TEXT, added_by TEXT, campaign TEXT, expires_at TEXT, prefix INT, evidence TEXT,
		hash_kind TEXT, hash_key TEXT, removed_at TEXT)`,
		`CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, command TEXT, os_user TEXT, action TEXT, list TEXT,
		e164 TEXT, detail TEXT, prev_hash TEXT, hash TEXT)`}
	if s.indexes {
		schema = append(schema, `CREATE INDEX entries_e164 ON entries (e164)`,
			`CREATE UNIQUE INDEX entries_active ON entries (list, e164, channel, campaign, prefix) WHERE removed_at IS NULL`,
			`CREATE INDEX audit_e164 ON audit (e164)`)
	}
	for _, q := range schema {
		if _, err := db.Exec(q); err != nil {
			return 0, err
		}
	}
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("PRAGMA cache_size = -65536"); err != nil {
		return 0, err
	}
	entries, err := tx.Prepare(`INSERT INTO entries (list, e164, channel, tag, reason, source, added_at, added_by, campaign,
		expires_at, prefix, evidence, hash_kind, hash_key) VALUES ` + rows(14))
	if err != nil {
		return 0, err
	}
	audit, err := tx.Prepare(`INSERT INTO audit (at, command, os_user, action, list, e164, detail, prev_hash, hash) VALUES ` + rows(9))
	if err != nil {
		return 0, err
	}
	hash := strings.Repeat("0", 64)
	var args, auditArgs []any
	for i := 0; i < n; i += batch {
		args, auditArgs = args[:0], auditArgs[:0]
		for j := i; j < i+batch; j++ {
			e164 := fmt.Sprintf("+34%09d", 600000000+j)
			args = append(args, "optout", e164, "all", "", "", "optouts.txt", "2026-12-07T00:00:00Z", "ana", "", nil, 0, "", "", "")
			auditArgs = append(auditArgs, "2026-12-07T00:00:00Z", "dncctl optout import", "ana", "add", "optout", e164, "channel all; source optouts.txt", hash, hash)
		}
		if _, err := entries.Exec(args...); err != nil {
			return 0, err
		}
		if s.audit {
			if _, err := audit.Exec(auditArgs...); err != nil {
				return 0, err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil // the commit (WAL write, fsync) counted, as an import's is
}

// rows is the VALUES of a batch of rows of columns parameters.
func rows(columns int) string {
	row := "(?" + strings.Repeat(", ?", columns-1) + ")"
	return row + strings.Repeat(", "+row, batch-1)
}
