package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/internal/goldendir"
	"github.com/dncctl/dncctl/scrub"
)

// sampleDir is the committed sample, seen from this package's directory.
const sampleDir = "../../testdata/sample"

// TestSampleUpToDate fails when the committed sample is not exactly what the
// generator writes: hand edits, or a generator change without regenerating.
func TestSampleUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	goldendir.Check(t, dir, sampleDir, "run `go generate ./cmd/gensample`")
}

// TestExpectedAddsUp checks expected.json against itself: every row read is
// clean or rejected, and every rejection has one reason.
func TestExpectedAddsUp(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sampleDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]result
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"leads.csv", "leads.xlsx", "combined"} {
		r, ok := doc[name]
		if !ok {
			t.Errorf("expected.json has no %q", name)
			continue
		}
		if r.RowsRead != r.RowsClean+r.RowsRejected {
			t.Errorf("%s: rows_read %d != rows_clean %d + rows_rejected %d", name, r.RowsRead, r.RowsClean, r.RowsRejected)
		}
		sum := 0
		for _, reason := range reasons {
			sum += r.Reasons[reason]
		}
		if sum != r.RowsRejected || len(r.Reasons) != len(reasons) {
			t.Errorf("%s: reasons %v sum to %d, want rows_rejected %d", name, r.Reasons, sum, r.RowsRejected)
		}
	}
	if c, x, all := doc["leads.csv"], doc["leads.xlsx"], doc["combined"]; all.RowsRead != c.RowsRead+x.RowsRead {
		t.Errorf("combined rows_read %d, want %d + %d", all.RowsRead, c.RowsRead, x.RowsRead)
	}
}

// TestEngineAgrees runs the scrub engine on the committed files, row by row,
// and checks each decision against what the generator meant. It catches a
// number that is not valid after all (libphonenumber's metadata moves), a
// cell Excel reads back otherwise than meant, and a change to dncctl's rules.
func TestEngineAgrees(t *testing.T) {
	s := build()
	norm, err := scrub.NewNormalizer("ES")
	if err != nil {
		t.Fatal(err)
	}
	idx := scrub.NewIndex(scrub.ChannelVoice)
	for _, l := range []struct {
		file    string
		list    scrub.List
		channel scrub.Channel
	}{
		{"optouts.txt", scrub.ListOptOut, scrub.ChannelAll},
		{"optouts-sms.txt", scrub.ListOptOut, scrub.ChannelSMS},
		{"blacklist.csv", scrub.ListBlacklist, ""},
		{"whitelist.csv", scrub.ListWhitelist, ""},
	} {
		for _, raw := range readColumn(t, l.file) {
			n, err := norm.Normalize(raw)
			if err != nil {
				t.Fatalf("%s: %q: %v", l.file, raw, err)
			}
			if err := idx.Add(scrub.Entry{List: l.list, E164: n.E164, Channel: l.channel, Tag: "vip", AddedAt: time.Unix(0, 0)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	runs := [][]string{{"leads.csv"}, {"leads.xlsx"}, {"leads.csv", "leads.xlsx"}}
	meant := map[string][]row{"leads.csv": s.csv, "leads.xlsx": s.xlsx}
	for _, names := range runs {
		var files [][]row
		for _, name := range names {
			files = append(files, meant[name])
		}
		verdicts := s.verdicts(files...)
		d := scrub.NewDecider(norm, idx)
		for i, name := range names {
			cells := readColumn(t, name)
			if len(cells) != len(files[i]) {
				t.Fatalf("%s: %d rows, generator made %d", name, len(cells), len(files[i]))
			}
			for j, raw := range cells {
				r, want := files[i][j], verdicts[i][j]
				where := fmt.Sprintf("%v: %s row %d %q", names, name, j+2, raw)
				if raw != r.phone {
					t.Errorf("%s: generator wrote %q", where, r.phone)
				}
				dec := d.Decide(raw, name, j+2)
				if string(dec.Reason) != want {
					t.Errorf("%s: got %s (%s), want %q", where, dec.Reason, dec.Detail, want)
				}
				if dec.Number.E164 != r.e164 {
					t.Errorf("%s: normalized to %q, meant %q", where, dec.Number.E164, r.e164)
				}
			}
		}
	}
}

// readColumn reads the phone column of a sample file with dncctl's own readers.
func readColumn(t *testing.T, name string) []string {
	t.Helper()
	path := filepath.Join(sampleDir, name)
	in, err := importers.Open(path, importers.Options{TextAsLines: true})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	col := 0
	if filepath.Ext(name) != ".txt" {
		cols, err := scrub.FindPhoneColumns(in.Header(), nil)
		if err != nil {
			t.Fatal(err)
		}
		col = cols[0]
	}
	var out []string
	for {
		fields, _, err := in.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if col < len(fields) {
			out = append(out, fields[col])
		} else {
			out = append(out, "")
		}
	}
}
