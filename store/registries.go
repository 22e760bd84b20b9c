package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Registry is a national do-not-call registry in the store.
type Registry struct {
	Name         string
	Region       string // the ISO region its numbers belong to; "" for any
	Count        int
	LastFullAt   time.Time // zero if never fully imported
	LastChangeAt time.Time // zero if no change list was applied
}

// Updated is when the registry last changed: its newest import.
func (r Registry) Updated() time.Time {
	if r.LastChangeAt.After(r.LastFullAt) {
		return r.LastChangeAt
	}
	return r.LastFullAt
}

// RegistryChange is one line of a registry import: a number to add, or to delete.
type RegistryChange struct {
	E164   string
	Hash   string // in a hashed registry (StreamHashedRegistry), the hash instead of E164
	Delete bool
}

// ImportRegistry loads a registry in one transaction. A full import replaces
// its numbers; otherwise the changes are applied to them. It returns how
// many numbers the registry holds after.
func (s *Store) ImportRegistry(ctx context.Context, name, region string, full bool, changes []RegistryChange, at time.Time) (int, error) {
	i := 0
	return s.StreamRegistry(ctx, name, region, full, func() (RegistryChange, bool, error) {
		if i == len(changes) {
			return RegistryChange{}, false, nil
		}
		i++
		return changes[i-1], true, nil
	}, at)
}

// StreamRegistry is ImportRegistry for changes read one by one from next
// (until it returns false), so that a registry of hundreds of millions of
// numbers is never held in memory. An error from next rolls it all back.
func (s *Store) StreamRegistry(ctx context.Context, name, region string, full bool, next func() (RegistryChange, bool, error), at time.Time) (int, error) {
	return s.streamRegistry(ctx, name, region, registryKind{}, full, next, at)
}

func (s *Store) streamRegistry(ctx context.Context, name, region string, kind registryKind, full bool, next func() (RegistryChange, bool, error), at time.Time) (int, error) {
	var count int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stamp := at.UTC().Format(timeFormat)
		var before int
		oldRegion := region
		if err := tx.QueryRowContext(ctx, `SELECT count, region FROM registries WHERE name = ?`, name).Scan(&before, &oldRegion); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("registry %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO registries (name, region) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET region = excluded.region`, name, region); err != nil {
			return fmt.Errorf("registry %s: %w", name, err)
		}
		if err := setRegistryKind(ctx, tx, name, kind, full); err != nil {
			return err
		}
		add, err := tx.PrepareContext(ctx, `INSERT INTO `+kind.table()+` (registry, `+kind.column()+`) VALUES (?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer add.Close()
		del, err := tx.PrepareContext(ctx, `DELETE FROM `+kind.table()+` WHERE registry = ? AND `+kind.column()+` = ?`)
		if err != nil {
			return err
		}
		defer del.Close()
		var adds, deletes int
		for {
			c, more, err := next()
			if err != nil {
				return err
			}
			if !more {
				break
			}
			n, err := kind.key(c)
			if err != nil {
				return err
			}
			stmt := add
			if c.Delete {
				stmt = del
				deletes++
			} else {
				adds++
			}
			if _, err := stmt.ExecContext(ctx, name, n); err != nil {
				return fmt.Errorf("registry %s: %s%s: %w", name, c.E164, c.Hash, err)
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+kind.table()+` WHERE registry = ?`, name).Scan(&count); err != nil {
			return err
		}
		if full && !s.allowShrink && (count == 0 || count*2 < before) {
			return &ShrinkError{Registry: name, Before: before, After: count}
		}
		column, detail := "last_change_at", fmt.Sprintf("change list: %d adds, %d deletes; the registry holds %d numbers", adds, deletes, count)
		if full {
			column, detail = "last_full_at", fmt.Sprintf("full import: the registry holds %d numbers", count)
		}
		if kind.hash != "" {
			detail += ", as " + kind.String()
		}
		if oldRegion != region {
			detail += fmt.Sprintf("; region changed from %q to %q", oldRegion, region)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registries SET count = ?, `+column+` = ? WHERE name = ?`, count, stamp, name); err != nil {
			return err
		}
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		return audit.record(ctx, "registry-import", name, "", detail)
	})
	return count, err
}

// ShrinkError refuses a full import that would leave a registry empty, or
// with less than half the numbers it held: a truncated download or the
// wrong file must not pass the numbers it lost as clean.
type ShrinkError struct {
	Registry      string
	Before, After int
}

func (e *ShrinkError) Error() string {
	if e.After == 0 {
		return fmt.Sprintf("registry %s: the files hold no valid number, and a full import would empty the registry", e.Registry)
	}
	return fmt.Sprintf("registry %s: a full import of %d numbers would replace %d, less than half: a truncated download or the wrong file?", e.Registry, e.After, e.Before)
}

// AllowShrink lets full registry imports empty a registry or halve it.
func (s *Store) AllowShrink() { s.allowShrink = true }

// Registries lists the registries, by name.
func (s *Store) Registries(ctx context.Context) ([]Registry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, region, count, coalesce(last_full_at, ''), coalesce(last_change_at, '')
		FROM registries ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read registries: %w", err)
	}
	defer rows.Close()
	var out []Registry
	for rows.Next() {
		var r Registry
		var full, change string
		if err := rows.Scan(&r.Name, &r.Region, &r.Count, &full, &change); err != nil {
			return nil, err
		}
		if full != "" {
			r.LastFullAt, _ = parseTime(full)
		}
		if change != "" {
			r.LastChangeAt, _ = parseTime(change)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RegistryLookup finds numbers in the registries, one indexed query each:
// registries are too large to load for a run.
type RegistryLookup struct {
	stmt   *sql.Stmt
	hashed *hashedRegistries // nil when no registry is hashed
}

// NewRegistryLookup prepares lookups; Close releases them.
func (s *Store) NewRegistryLookup(ctx context.Context) (*RegistryLookup, error) {
	stmt, err := s.db.PrepareContext(ctx, `SELECT rn.registry, coalesce(r.last_full_at, r.last_change_at, '')
		FROM registry_numbers rn JOIN registries r ON r.name = rn.registry
		WHERE rn.number = ? ORDER BY rn.registry LIMIT 1`)
	if err != nil {
		return nil, fmt.Errorf("prepare registry lookup: %w", err)
	}
	hashed, err := s.loadHashedRegistries(ctx)
	if err != nil {
		stmt.Close()
		return nil, err
	}
	return &RegistryLookup{stmt: stmt, hashed: hashed}, nil
}

// Find returns the registry a number is on, and when that registry was
// imported; "" when it is on none. A hashed registry under a key the lookup
// was not given (UseKeys) is an error.
func (l *RegistryLookup) Find(e164 string) (name, imported string, err error) {
	n, err := numberKey(e164)
	if err != nil {
		return "", "", err
	}
	err = l.stmt.QueryRow(n).Scan(&name, &imported)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("registry lookup: %w", err)
	}
	if l.hashed != nil {
		return l.hashed.find(e164, name, imported)
	}
	return name, imported, nil
}

// Close releases the lookup.
func (l *RegistryLookup) Close() error {
	if l.hashed != nil {
		l.hashed.close()
	}
	return l.stmt.Close()
}

// numberKey is the integer a registry keeps a number as: its E.164 digits.
func numberKey(e164 string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(e164, "+"), 10, 64)
	if err != nil || !strings.HasPrefix(e164, "+") {
		return 0, fmt.Errorf("registry number %q is not in E.164 form", e164)
	}
	return n, nil
}
