package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// recordWriter writes rows of named fields as a table, CSV or a JSON array
// of objects, streaming: a long audit log is never held in memory.
type recordWriter struct {
	w       io.Writer
	format  string
	columns []string
	table   []int // the columns a table shows, in order

	csv  *csv.Writer
	tab  *tabwriter.Writer
	json *json.Encoder
	sep  string
}

// newRecordWriter starts the output; format is table, csv or json (checked
// by checkShowFormat). A table shows only the columns table names.
func newRecordWriter(w io.Writer, format string, columns []string, table []int) *recordWriter {
	r := &recordWriter{w: w, format: format, columns: columns, table: table, sep: "["}
	switch format {
	case "csv":
		r.csv = csv.NewWriter(w)
		r.csv.Write(columns)
	case "json":
		r.json = json.NewEncoder(w)
	default:
		r.tab = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		var head []string
		for _, c := range table {
			head = append(head, columns[c])
		}
		fmt.Fprintln(r.tab, strings.Join(head, "\t"))
	}
	return r
}

// write adds one record; fields are in the order of the columns.
func (r *recordWriter) write(fields []string) error {
	switch {
	case r.csv != nil:
		return r.csv.Write(fields)
	case r.json != nil:
		rec := make(map[string]string, len(fields))
		for i, v := range fields {
			rec[r.columns[i]] = v
		}
		if _, err := fmt.Fprint(r.w, r.sep); err != nil {
			return err
		}
		r.sep = ","
		return r.json.Encode(rec)
	}
	cells := make([]string, len(r.table))
	for i, c := range r.table {
		// A tab or newline inside a cell would break the table's columns.
		cells[i] = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(fields[c])
	}
	_, err := fmt.Fprintln(r.tab, strings.Join(cells, "\t"))
	return err
}

// close ends the output.
func (r *recordWriter) close() error {
	switch {
	case r.csv != nil:
		r.csv.Flush()
		return r.csv.Error()
	case r.json != nil:
		if r.sep == "[" {
			fmt.Fprint(r.w, "[")
		}
		_, err := fmt.Fprintln(r.w, "]")
		return err
	}
	return r.tab.Flush()
}
