package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/dncctl/dncctl/scrub"
)

// maxInParams keeps a query's IN list well under SQLite's limit on
// parameters (32766).
const maxInParams = 500

// LoadIndexFor is LoadIndex for a run that looks up only numbers (in
// E.164): what dncctl check does. It reads the entries that could match
// them (the number, the blacklist prefixes that cover it, its hash under
// each hasher the store's hashed entries use) instead of every entry, so
// that checking one number against a million entries takes milliseconds.
// The index it returns answers for those numbers exactly as LoadIndex's
// would; for any other number it may miss entries.
//
// An HMAC key not given fails as it does in LoadIndex: when an entry made
// with it applies to the run. suppressions reports whether any entry in
// scope could suppress a number (what Index.Suppressions says of a whole
// index).
func (s *Store) LoadIndexFor(ctx context.Context, scope scrub.Scope, numbers []string, keys ...scrub.HashKey) (idx *scrub.Index, suppressions bool, err error) {
	if keys, err = s.indexKeys(keys); err != nil {
		return nil, false, err
	}
	tx, idx, err := s.beginIndex(ctx, scope, keys)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	hashers, missing, err := storeHashers(ctx, tx, keys)
	if err != nil {
		return nil, false, fmt.Errorf("load lists from %s: %w", s.path, err)
	}
	// A hash kind and key whose key was not given: its entries are added
	// until one applies to the run and fails, as in LoadIndex. One entry
	// of it would not do: it may be another campaign's, or expired.
	for _, m := range missing {
		if err := indexEntriesWhere(ctx, tx, "hash_kind = ? AND hash_key = ?", m, func(_ int64, e scrub.Entry, _ string) error {
			return idx.Add(e)
		}); err != nil {
			return nil, false, err
		}
	}
	var texts []any
	seen := map[string]bool{}
	want := func(t string) {
		if !seen[t] {
			seen[t] = true
			texts = append(texts, t)
		}
	}
	for _, n := range numbers {
		for end := len(n); end >= 2; end-- { // the number, and the prefixes Index.Find tries
			want(n[:end])
		}
		for _, h := range hashers {
			want(h.Hash(n))
		}
	}
	// Read in chunks, then add in id order, as LoadIndex adds them.
	type row struct {
		id int64
		e  scrub.Entry
	}
	var rows []row
	collect := func(id int64, e scrub.Entry, _ string) error {
		rows = append(rows, row{id, e})
		return nil
	}
	for chunk := range slices.Chunk(texts, maxInParams) {
		where := "e164 IN " + placeholders(1, len(chunk))
		if err := indexEntriesWhere(ctx, tx, where, chunk, collect); err != nil {
			return nil, false, fmt.Errorf("load lists from %s: %w", s.path, err)
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return int(a.id - b.id) })
	rows = slices.CompactFunc(rows, func(a, b row) bool { return a.id == b.id })
	for _, r := range rows {
		if err := idx.Add(r.e); err != nil {
			return nil, false, err
		}
	}
	suppressions, err = anySuppression(ctx, tx, scope)
	if err != nil {
		return nil, false, fmt.Errorf("load lists from %s: %w", s.path, err)
	}
	return idx, suppressions, nil
}

// storeHashers returns a hasher for each hash kind and key the active
// hashed entries use whose key was given, and the kinds and keys (as query
// arguments) whose key was not.
func storeHashers(ctx context.Context, db querier, keys []scrub.HashKey) ([]*scrub.Hasher, [][]any, error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT hash_kind, hash_key FROM entries
		WHERE removed_at IS NULL AND hash_kind != ''`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var hashers []*scrub.Hasher
	var missing [][]any
	for rows.Next() {
		var kind scrub.HashKind
		var fingerprint string
		if err := rows.Scan(&kind, &fingerprint); err != nil {
			return nil, nil, err
		}
		var key *scrub.HashKey
		if kind.Keyed() {
			i := slices.IndexFunc(keys, func(k scrub.HashKey) bool { return k.Fingerprint() == fingerprint })
			if i < 0 {
				missing = append(missing, []any{string(kind), fingerprint})
				continue
			}
			key = &keys[i]
		}
		h, err := scrub.NewHasher(kind, key)
		if err != nil {
			return nil, nil, err
		}
		hashers = append(hashers, h)
	}
	return hashers, missing, rows.Err()
}

// anySuppression reports whether an active entry in scope could stop a
// number being called: a blacklist entry, or an opt-out of scope's channel.
// It stops at the first.
func anySuppression(ctx context.Context, db querier, scope scrub.Scope) (bool, error) {
	found := false
	err := indexEntriesWhere(ctx, db, `list = 'blacklist' OR (list = 'optout' AND channel IN ('', 'all', ?))`,
		[]any{string(scope.Channel)}, func(_ int64, e scrub.Entry, _ string) error {
			if scope.Applies(e) {
				found = true
				return errFound
			}
			return nil
		})
	if err == errFound {
		err = nil
	}
	return found, err
}

var errFound = errors.New("found")
