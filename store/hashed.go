package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// hashBytes is how much of a hash a hashed registry keeps: 128 bits, past
// any chance collision among phone numbers (see migrations/0007_hashed.sql).
const hashBytes = 16

// auditNumber is what the audit log records an entry under: its number, or
// for a hashed entry its kind and hash ("sha256:1e41…"), which no one can
// take for a number.
func auditNumber(e Entry) string {
	if e.Hash != "" {
		return string(e.Hash) + ":" + e.E164
	}
	return e.E164
}

// ErrRegistryKind is returned when a change list's kind (numbers, or hashes
// of one kind and key) is not the registry's.
var ErrRegistryKind = errors.New("a change list must be of the registry's own kind")

// StreamHashedRegistry is StreamRegistry for a registry a partner shares
// hashed: each change's Hash is the hex hash of a number, of kind hash; an
// HMAC-SHA-256 registry records keyID, its key's fingerprint. A full import
// may turn a registry from numbers to hashes or back; a change list must be
// of the registry's kind.
func (s *Store) StreamHashedRegistry(ctx context.Context, name, region string, hash scrub.HashKind, keyID string, full bool, next func() (RegistryChange, bool, error), at time.Time) (int, error) {
	if hash == "" {
		return 0, fmt.Errorf("registry %s: no hash kind", name)
	}
	if hash.Keyed() != (keyID != "") {
		return 0, fmt.Errorf("registry %s: a %s registry needs its key's fingerprint, and only then", name, hash)
	}
	return s.streamRegistry(ctx, name, region, registryKind{hash: hash, keyID: keyID}, full, next, at)
}

// registryKind is what a registry holds: numbers (the zero value), or
// hashes of one kind, under one key.
type registryKind struct {
	hash  scrub.HashKind
	keyID string
}

func (k registryKind) String() string {
	switch {
	case k.hash == "":
		return "numbers"
	case k.keyID != "":
		return fmt.Sprintf("%s hashes (key %s)", k.hash, k.keyID)
	}
	return string(k.hash) + " hashes"
}

// hashedKey is what a hashed registry keeps a change under: the first
// hashBytes of its hash.
func hashedKey(c RegistryChange) ([]byte, error) {
	h, err := scrub.ParseHash(c.Hash)
	if err != nil {
		return nil, fmt.Errorf("registry hash %q: %w", c.Hash, err)
	}
	b, _ := hex.DecodeString(h)
	return b[:hashBytes], nil
}

// setRegistryKind makes the registry, just upserted in tx, of kind k. A
// full import (which empties it first) may change its kind; a change list
// may not, nor go to a registry hashed under another key.
func setRegistryKind(ctx context.Context, tx *sql.Tx, name string, k registryKind, full bool) error {
	var old registryKind
	var count int
	if err := tx.QueryRowContext(ctx, `SELECT hash_kind, hash_key, count FROM registries WHERE name = ?`, name).Scan(&old.hash, &old.keyID, &count); err != nil {
		return fmt.Errorf("registry %s: %w", name, err)
	}
	if full {
		for _, table := range []string{"registry_blocks", "registry_hashes"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE registry = ?`, name); err != nil {
				return fmt.Errorf("registry %s: %w", name, err)
			}
		}
	} else if old != k && count > 0 {
		return fmt.Errorf("registry %s holds %s, but this change list has %s: %w; import a full list to replace it", name, old, k, ErrRegistryKind)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE registries SET hash_kind = ?, hash_key = ? WHERE name = ?`, string(k.hash), k.keyID, name); err != nil {
		return fmt.Errorf("registry %s: %w", name, err)
	}
	return nil
}

// hashedRegistries are the hashed registries a RegistryLookup looks a
// number up in: the number is hashed once per kind and key, and each hash
// looked up by index.
type hashedRegistries struct {
	stmt    *sql.Stmt
	kinds   []registryKind          // the kinds in the store, each once
	names   map[registryKind]string // a registry of each kind, for errors
	hashers map[registryKind]*scrub.Hasher
}

// loadHashedRegistries prepares lookups in the store's hashed registries,
// or returns nil when it has none.
func (s *Store) loadHashedRegistries(ctx context.Context) (*hashedRegistries, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, hash_kind, hash_key FROM registries WHERE hash_kind <> '' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read registries: %w", err)
	}
	defer rows.Close()
	h := &hashedRegistries{names: map[registryKind]string{}, hashers: map[registryKind]*scrub.Hasher{}}
	for rows.Next() {
		var name string
		var k registryKind
		if err := rows.Scan(&name, &k.hash, &k.keyID); err != nil {
			return nil, fmt.Errorf("read registries: %w", err)
		}
		if _, seen := h.names[k]; seen {
			continue
		}
		h.kinds, h.names[k] = append(h.kinds, k), name
		if !k.hash.Keyed() {
			if h.hashers[k], err = scrub.NewHasher(k.hash, nil); err != nil {
				return nil, fmt.Errorf("registry %s: %w", name, err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read registries: %w", err)
	}
	if len(h.kinds) == 0 {
		return nil, nil
	}
	h.stmt, err = s.db.PrepareContext(ctx, `SELECT rh.registry, coalesce(r.last_full_at, r.last_change_at, '')
		FROM registry_hashes rh JOIN registries r ON r.name = rh.registry
		WHERE rh.hash = ? AND r.hash_kind = ? AND r.hash_key = ? ORDER BY rh.registry LIMIT 1`)
	if err != nil {
		return nil, fmt.Errorf("prepare registry lookup: %w", err)
	}
	return h, nil
}

// UseKeys gives the lookup the HMAC keys of the store's hashed registries.
// A registry hashed under a key not given is an error (a MissingKeyError):
// a run that skipped it would pass every number it holds.
func (l *RegistryLookup) UseKeys(keys ...scrub.HashKey) error {
	if l.hashed == nil {
		return nil
	}
	for _, key := range keys {
		k := registryKind{hash: scrub.HashHMACSHA256, keyID: key.Fingerprint()}
		if _, ok := l.hashed.names[k]; ok {
			hasher, err := scrub.NewHasher(k.hash, &key)
			if err != nil {
				return err
			}
			l.hashed.hashers[k] = hasher
		}
	}
	for _, k := range l.hashed.kinds {
		if l.hashed.hashers[k] == nil {
			return &scrub.MissingKeyError{What: "registry " + l.hashed.names[k], Fingerprint: k.keyID}
		}
	}
	return nil
}

// find looks e164 up in the hashed registries and returns, of them and the
// registry name already found ("" for none), the first by name, as the
// plain lookup orders them.
func (h *hashedRegistries) find(e164, name, imported string) (string, string, error) {
	for _, k := range h.kinds {
		hasher := h.hashers[k]
		if hasher == nil {
			// Fail closed: a number that cannot be looked up is not clean.
			return "", "", &scrub.MissingKeyError{What: "registry " + h.names[k], Fingerprint: k.keyID}
		}
		var n, at string
		err := h.stmt.QueryRow(hasher.Sum(e164)[:hashBytes], string(k.hash), k.keyID).Scan(&n, &at)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("registry lookup: %w", err)
		}
		if name == "" || n < name {
			name, imported = n, at
		}
	}
	return name, imported, nil
}

func (h *hashedRegistries) close() error { return h.stmt.Close() }
