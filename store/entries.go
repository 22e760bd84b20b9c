package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// timeFormat is how times are kept: UTC, to the second, so that text order is time order.
const timeFormat = "2006-01-02T15:04:05Z"

// Entry is one list entry with its history.
type Entry struct {
	ID            int64
	List          scrub.List
	E164          string
	Channel       scrub.Channel // opt-outs only
	Tag           string        // whitelist only
	Reason        string
	Source        string
	AddedAt       time.Time
	AddedBy       string
	RemovedAt     time.Time // zero while the entry is active
	RemovedBy     string
	RemovedReason string
}

// Active reports whether the entry still suppresses (or, on the whitelist, prioritizes).
func (e Entry) Active() bool { return e.RemovedAt.IsZero() }

// Scrub is the entry as the engine uses it.
func (e Entry) Scrub() scrub.Entry {
	return scrub.Entry{List: e.List, E164: e.E164, Channel: e.Channel, Tag: e.Tag, Reason: e.Reason, Source: e.Source, AddedAt: e.AddedAt}
}

// Add inserts entries in one transaction, stamped with at and by. An entry
// whose number is already active on the same list (and channel) is left as it
// is; added[i] says whether entries[i] was new.
func (s *Store) Add(ctx context.Context, entries []Entry, at time.Time, by string) (added []bool, err error) {
	added = make([]bool, len(entries))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// ON CONFLICT DO NOTHING skips only a number already active; unlike
		// INSERT OR IGNORE it does not also skip an entry a CHECK refuses.
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO entries
			(list, e164, channel, tag, reason, source, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		stamp := at.UTC().Format(timeFormat)
		for i, e := range entries {
			res, err := stmt.ExecContext(ctx, string(e.List), e.E164, string(e.Channel), e.Tag, e.Reason, e.Source, stamp, by)
			if err != nil {
				return fmt.Errorf("add %s to %s: %w", e.E164, e.List, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added[i] = n > 0
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// Remove ends the active entries of each number on list, in one transaction,
// recording when, by whom and why. A non-empty channel limits it to opt-outs
// of that channel. removed[i] is how many entries numbers[i] had.
func (s *Store) Remove(ctx context.Context, list scrub.List, numbers []string, channel scrub.Channel, reason string, at time.Time, by string) (removed []int, err error) {
	removed = make([]int, len(numbers))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE entries SET removed_at = ?, removed_by = ?, removed_reason = ?
			WHERE list = ? AND e164 = ? AND removed_at IS NULL AND (? = '' OR channel = ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		stamp := at.UTC().Format(timeFormat)
		for i, n := range numbers {
			res, err := stmt.ExecContext(ctx, stamp, by, reason, string(list), n, string(channel), string(channel))
			if err != nil {
				return fmt.Errorf("remove %s from %s: %w", n, list, err)
			}
			count, err := res.RowsAffected()
			if err != nil {
				return err
			}
			removed[i] = int(count)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return removed, nil
}

// Query selects entries.
type Query struct {
	List           scrub.List // "" for every list
	IncludeRemoved bool
}

// Entries calls fn for each entry matching q, oldest first.
func (s *Store) Entries(ctx context.Context, q Query, fn func(Entry) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, list, e164, channel, tag, reason, source, added_at, added_by,
			coalesce(removed_at, ''), coalesce(removed_by, ''), coalesce(removed_reason, '')
		FROM entries
		WHERE (? = '' OR list = ?) AND (? OR removed_at IS NULL)
		ORDER BY added_at, id`, string(q.List), string(q.List), q.IncludeRemoved)
	if err != nil {
		return fmt.Errorf("read %s: %w", listName(q.List), err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		var list, channel, addedAt, removedAt string
		if err := rows.Scan(&e.ID, &list, &e.E164, &channel, &e.Tag, &e.Reason, &e.Source, &addedAt, &e.AddedBy,
			&removedAt, &e.RemovedBy, &e.RemovedReason); err != nil {
			return fmt.Errorf("read %s: %w", listName(q.List), err)
		}
		e.List, e.Channel = scrub.List(list), scrub.Channel(channel)
		if e.AddedAt, err = parseTime(addedAt); err != nil {
			return fmt.Errorf("entry %d: added_at: %w", e.ID, err)
		}
		if removedAt != "" {
			if e.RemovedAt, err = parseTime(removedAt); err != nil {
				return fmt.Errorf("entry %d: removed_at: %w", e.ID, err)
			}
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", listName(q.List), err)
	}
	return nil
}

// LoadIndex reads every active entry into a new index for a campaign on
// channel, in one read transaction, so that a run sees one consistent state.
func (s *Store) LoadIndex(ctx context.Context, channel scrub.Channel) (*scrub.Index, error) {
	idx := scrub.NewIndex(channel)
	err := s.Entries(ctx, Query{}, func(e Entry) error { return idx.Add(e.Scrub()) })
	if err != nil {
		return nil, fmt.Errorf("load lists from %s: %w", s.path, err)
	}
	return idx, nil
}

// Counts is the number of active entries on each list.
func (s *Store) Counts(ctx context.Context) (map[scrub.List]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT list, count(*) FROM entries WHERE removed_at IS NULL GROUP BY list`)
	if err != nil {
		return nil, fmt.Errorf("count entries: %w", err)
	}
	defer rows.Close()
	counts := map[scrub.List]int{}
	for _, l := range scrub.Lists {
		counts[l] = 0
	}
	for rows.Next() {
		var list string
		var n int
		if err := rows.Scan(&list, &n); err != nil {
			return nil, fmt.Errorf("count entries: %w", err)
		}
		counts[scrub.List(list)] = n
	}
	return counts, rows.Err()
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store %s: begin: %w", s.path, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store %s: commit: %w", s.path, err)
	}
	return nil
}

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }

func listName(l scrub.List) string {
	if l == "" {
		return "lists"
	}
	return string(l)
}
