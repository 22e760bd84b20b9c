package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// Review statuses.
const (
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewRejected = "rejected"
)

// Review is a number flagged as suspect, waiting for (or given) a person's decision.
type Review struct {
	ID        int64
	E164      string
	Channel   scrub.Channel // the channel the suspicion concerns; all for every channel
	Origin    string        // what flagged it: sms-reply, call-outcome
	Suggested scrub.List    // the list approving it adds it to by default
	Reason    string        // why it was flagged
	Evidence  string        // the reply, the calls
	FlaggedAt time.Time
	FlaggedBy string
	Status    string
	DecidedAt time.Time
	DecidedBy string
	Decision  string // approved: the list; rejected: the reason
	EntryID   int64  // approved: the entry that suppresses the number
	New       bool   // approved: the entry was made by the approval (not in the store)
}

// ErrReviewDecided is returned when a review that is not pending is decided again.
var ErrReviewDecided = errors.New("already decided")

// ErrNoReview is returned for a review ID that does not exist.
var ErrNoReview = errors.New("no such review")

// Flag queues reviews in one transaction, with an audit record each. A
// review with the same number, channel, origin and evidence as one already
// on record (pending or decided) is not queued again: added[i] says whether
// reviews[i] was new.
func (s *Store) Flag(ctx context.Context, reviews []Review, at time.Time, by string) (added []bool, err error) {
	res, err := s.Apply(ctx, Changes{Flag: reviews}, at, by)
	return res.Flagged, err
}

// Changes are list entries to add and numbers to flag for review, made
// together: an import of replies either records all it found or nothing.
type Changes struct {
	Add  []Entry
	Flag []Review
}

// Applied says which changes were new: Added[i] for Add[i], Flagged[i] for Flag[i].
type Applied struct {
	Added, Flagged []bool
}

// Apply makes changes in one transaction, with their audit records.
func (s *Store) Apply(ctx context.Context, c Changes, at time.Time, by string) (Applied, error) {
	return s.ApplyThen(ctx, c, at, by, nil)
}

// ApplyThen is Apply, calling beforeCommit (when not nil) with what was new
// before the transaction commits: an error from it rolls the changes back.
// An import whose report says what was new writes it to disk there, so that
// a full disk fails the import instead of leaving it recorded unreported.
func (s *Store) ApplyThen(ctx context.Context, c Changes, at time.Time, by string, beforeCommit func(Applied) error) (Applied, error) {
	var res Applied
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		if res.Added, err = s.addIn(ctx, tx, audit, entriesOf(c.Add), at, by); err != nil {
			return err
		}
		if res.Flagged, err = s.flagIn(ctx, tx, audit, c.Flag, at, by); err != nil {
			return err
		}
		if beforeCommit != nil {
			return beforeCommit(res)
		}
		return nil
	})
	if err != nil {
		return Applied{}, err
	}
	return res, nil
}

func (s *Store) flagIn(ctx context.Context, tx *sql.Tx, audit *auditor, reviews []Review, at time.Time, by string) ([]bool, error) {
	if len(reviews) > 0 {
		if err := s.needKey(); err != nil {
			return nil, err
		}
	}
	added := make([]bool, len(reviews))
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO reviews
		(e164, channel, origin, suggested, reason, evidence, flagged_at, flagged_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	stamp := at.UTC().Format(timeFormat)
	for i, r := range reviews {
		if s.hasher != nil {
			r.E164, r.Reason, r.Evidence = s.StoredNumber(r.E164), redactNumbers(r.Reason), redactNumbers(r.Evidence)
		}
		audited := s.auditedReview(r.E164)
		suggested := r.Suggested
		if suggested == "" {
			suggested = scrub.ListOptOut
		}
		channel := r.Channel
		if channel == "" {
			channel = scrub.ChannelAll
		}
		res, err := stmt.ExecContext(ctx, r.E164, string(channel), r.Origin, string(suggested), r.Reason, r.Evidence, stamp, by)
		if err != nil {
			return nil, fmt.Errorf("queue %s for review: %w", r.E164, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		if added[i] = n > 0; !added[i] {
			continue
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		detail := fmt.Sprintf("review %d (%s, channel %s, suggested %s): %s; evidence: %s", id, r.Origin, channel, suggested, r.Reason, r.Evidence)
		if err := audit.record(ctx, "flag", "review", audited, detail); err != nil {
			return nil, err
		}
	}
	return added, nil
}

// ReviewQuery selects reviews.
type ReviewQuery struct {
	Status string  // "" for every status
	IDs    []int64 // empty for every review
}

// Reviews calls fn for each review matching q, oldest first.
func (s *Store) Reviews(ctx context.Context, q ReviewQuery, fn func(Review) error) error {
	return reviewsIn(ctx, s.db, q, fn)
}

// querier runs queries: a *sql.DB, a *sql.Conn or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func reviewsIn(ctx context.Context, db querier, q ReviewQuery, fn func(Review) error) error {
	query := `SELECT id, e164, channel, origin, suggested, reason, evidence, flagged_at, flagged_by, status,
		coalesce(decided_at, ''), coalesce(decided_by, ''), coalesce(decision, ''), coalesce(entry_id, 0)
		FROM reviews WHERE (? = '' OR status = ?)`
	args := []any{q.Status, q.Status}
	if len(q.IDs) > 0 {
		query += ` AND id IN ` + placeholders(1, len(q.IDs))
		for _, id := range q.IDs {
			args = append(args, id)
		}
	}
	rows, err := db.QueryContext(ctx, query+` ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("read the review queue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Review
		var channel, suggested, flaggedAt, decidedAt string
		if err := rows.Scan(&r.ID, &r.E164, &channel, &r.Origin, &suggested, &r.Reason, &r.Evidence, &flaggedAt, &r.FlaggedBy,
			&r.Status, &decidedAt, &r.DecidedBy, &r.Decision, &r.EntryID); err != nil {
			return fmt.Errorf("read the review queue: %w", err)
		}
		r.Channel, r.Suggested = scrub.Channel(channel), scrub.List(suggested)
		if r.FlaggedAt, err = parseTime(flaggedAt); err != nil {
			return fmt.Errorf("review %d: flagged_at: %w", r.ID, err)
		}
		if decidedAt != "" {
			if r.DecidedAt, err = parseTime(decidedAt); err != nil {
				return fmt.Errorf("review %d: decided_at: %w", r.ID, err)
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the review queue: %w", err)
	}
	return nil
}

// pendingIn reads the reviews ids name, in tx, and refuses any that is
// missing or already decided: a decision is all or nothing.
func pendingIn(ctx context.Context, tx *sql.Tx, ids []int64) ([]Review, error) {
	found := map[int64]Review{}
	err := reviewsIn(ctx, tx, ReviewQuery{IDs: ids}, func(r Review) error {
		found[r.ID] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Review, 0, len(ids))
	for _, id := range ids {
		r, ok := found[id]
		switch {
		case !ok:
			return nil, fmt.Errorf("review %d: %w", id, ErrNoReview)
		case r.Status != ReviewPending:
			return nil, fmt.Errorf("review %d: %w (%s by %s on %s)", id, ErrReviewDecided, r.Status, r.DecidedBy, r.DecidedAt.Format(time.DateOnly))
		}
		out = append(out, r)
	}
	return out, nil
}

// decide closes the reviews ids in one transaction, each by fn (which
// sets the review's status and decision), stamped with at and by. Nothing
// is changed if any review is missing or already decided.
func (s *Store) decide(ctx context.Context, ids []int64, at time.Time, by string, fn func(tx *sql.Tx, audit *auditor, r *Review) error) ([]Review, error) {
	var done []Review
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		reviews, err := pendingIn(ctx, tx, ids)
		if err != nil {
			return err
		}
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		for _, r := range reviews {
			r.DecidedAt, r.DecidedBy = at.UTC().Truncate(time.Second), by
			if err := fn(tx, audit, &r); err != nil {
				return err
			}
			var entryID any
			if r.EntryID != 0 {
				entryID = r.EntryID
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reviews SET status = ?, decided_at = ?, decided_by = ?, decision = ?, entry_id = ? WHERE id = ?`,
				r.Status, r.DecidedAt.Format(timeFormat), by, r.Decision, entryID, r.ID); err != nil {
				return fmt.Errorf("decide review %d: %w", r.ID, err)
			}
			done = append(done, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return done, nil
}

// Approve decides the reviews ids in one transaction: each number is added
// to list (its suggested list when list is ""), with the review's evidence,
// and the review is closed with a link to the entry. Nothing is changed if
// any review is missing or already decided.
func (s *Store) Approve(ctx context.Context, ids []int64, list scrub.List, at time.Time, by string) ([]Review, error) {
	return s.decide(ctx, ids, at, by, func(tx *sql.Tx, audit *auditor, r *Review) error {
		to := list
		if to == "" {
			to = r.Suggested
		}
		e := Entry{List: to, E164: r.E164, Reason: fmt.Sprintf("review %d: %s", r.ID, r.Reason), Source: r.Origin, Evidence: r.Evidence}
		if to == scrub.ListOptOut {
			e.Channel = r.Channel
		}
		if s.hasher != nil {
			// A protected store's review holds the number's hash already.
			e.Hash, e.HashKey = scrub.HashHMACSHA256, s.protectedBy
		}
		added, err := s.addIn(ctx, tx, audit, entriesOf([]Entry{e}), at, by)
		if err != nil {
			return fmt.Errorf("approve review %d: %w", r.ID, err)
		}
		// The entry that now suppresses the number: the new one, or the
		// one that was there already.
		if err := tx.QueryRowContext(ctx, `SELECT id FROM entries WHERE list = ? AND e164 = ? AND channel = ?
			AND campaign = '' AND prefix = 0 AND removed_at IS NULL`, string(e.List), e.E164, string(e.Channel)).Scan(&r.EntryID); err != nil {
			return fmt.Errorf("approve review %d: find its entry: %w", r.ID, err)
		}
		what := "added to"
		if !added[0] {
			what = "already on"
		}
		r.New, r.Status, r.Decision = added[0], ReviewApproved, string(to)
		return audit.record(ctx, "review-approve", string(to), s.auditedReview(r.E164), fmt.Sprintf("review %d: %s %s (entry %d)", r.ID, what, to, r.EntryID))
	})
}

// Reject closes the reviews ids without adding the numbers anywhere, for
// reason, in one transaction; nothing is changed if any is missing or
// already decided.
func (s *Store) Reject(ctx context.Context, ids []int64, reason string, at time.Time, by string) ([]Review, error) {
	return s.decide(ctx, ids, at, by, func(tx *sql.Tx, audit *auditor, r *Review) error {
		if s.protectedBy != "" {
			reason = redactNumbers(reason)
		}
		r.Status, r.Decision = ReviewRejected, reason
		return audit.record(ctx, "review-reject", "review", s.auditedReview(r.E164), fmt.Sprintf("review %d: %s", r.ID, reason))
	})
}

// pendingReviews calls fn with each pending review, for the index.
func pendingReviews(ctx context.Context, db querier, fn func(scrub.Pending) error) error {
	return reviewsIn(ctx, db, ReviewQuery{Status: ReviewPending}, func(r Review) error {
		return fn(scrub.Pending{ID: r.ID, E164: r.E164, Channel: r.Channel, Reason: r.Reason, FlaggedAt: r.FlaggedAt})
	})
}
