package store

import (
	"context"
	"database/sql"
	"strings"
)

// multiRow is a statement of many rows of values ("INSERT … VALUES (?, …),
// (?, …) …"), written a batch at a time. The statement of a full batch is
// built and prepared once, so that SQLite parses it once; a last, shorter
// batch runs as it is.
type multiRow struct {
	tx         *sql.Tx
	head, tail string // the SQL before and after the rows
	columns    int
	rows       int // in a full batch
	full       *sql.Stmt
}

// query runs the statement for the rows of args (columns values each).
func (m *multiRow) query(ctx context.Context, args []any) (*sql.Rows, error) {
	if n := len(args) / m.columns; n < m.rows {
		return m.tx.QueryContext(ctx, m.sql(n), args...)
	}
	if err := m.prepare(ctx); err != nil {
		return nil, err
	}
	return m.full.QueryContext(ctx, args...)
}

// exec is query for a statement that returns no rows.
func (m *multiRow) exec(ctx context.Context, args []any) (sql.Result, error) {
	if n := len(args) / m.columns; n < m.rows {
		return m.tx.ExecContext(ctx, m.sql(n), args...)
	}
	if err := m.prepare(ctx); err != nil {
		return nil, err
	}
	return m.full.ExecContext(ctx, args...)
}

func (m *multiRow) prepare(ctx context.Context) error {
	if m.full != nil {
		return nil
	}
	var err error
	m.full, err = m.tx.PrepareContext(ctx, m.sql(m.rows))
	return err
}

func (m *multiRow) sql(n int) string { return m.head + placeholders(n, m.columns) + m.tail }

func (m *multiRow) close() {
	if m.full != nil {
		m.full.Close()
	}
}

// placeholders is "(?, ?), (?, ?)" for rows of columns.
func placeholders(rows, columns int) string {
	row := "(?" + strings.Repeat(", ?", columns-1) + ")"
	return row + strings.Repeat(", "+row, rows-1)
}

// inList is n placeholders for an IN list: "?, ?, ?".
func inList(n int) string { return "?" + strings.Repeat(", ?", n-1) }
