package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/internal/tempfile"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// leadFile is a file a job found, as it was when found.
type leadFile struct {
	name, path string
	info       os.FileInfo
	claimed    bool // found claimed by a run that was killed
}

// candidates are the files of dir a job may take, by name: regular files
// matching its pattern, of a format dncctl reads, not hidden and not
// another program's temporary file.
func (r *nightlyRun) candidates(dir string) ([]leadFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []leadFile
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || !r.job.matches(name) {
			continue
		}
		for _, tmp := range []string{".tmp", ".part", ".partial", ".crdownload", ".swp"} {
			if strings.HasSuffix(strings.ToLower(name), tmp) {
				name = ""
			}
		}
		if name == "" {
			continue
		}
		path := filepath.Join(dir, name)
		info, err := os.Stat(path)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if _, err := importers.FormatOf(name, false); err != nil {
			r.log.warn(r.job.Name, "ignored", "not a lead file dncctl reads: left where it is", map[string]any{"file": name})
			continue
		}
		out = append(out, leadFile{name: name, path: path, info: info})
	}
	return out, nil
}

// settled reports whether f has not changed for the settle time, and is
// the same as when it was found.
func (r *nightlyRun) settled(f leadFile) bool {
	if r.opts.Now().Sub(f.info.ModTime()) < r.opts.Settle {
		return false
	}
	now, err := os.Stat(f.path)
	return err == nil && now.Size() == f.info.Size() && now.ModTime().Equal(f.info.ModTime())
}

// tempPatterns are the names of dncctl's temporary files: outputs not yet
// renamed into place, spools, archive copies.
var tempPatterns = []string{".*.tmp-*", ".dncctl-spool-*", ".archive-*"}

// previousPattern is where exporters.CommitAll keeps a file it replaces
// (".name.tmp-N.previous") until every output of the run is in place.
const previousPattern = ".*.tmp-*.previous"

// cleanTemps removes the temporary files a killed run left in dirs: those
// older than the settle time, so that a scrub someone runs by hand into
// the same directory is not disturbed. A file a commit had moved aside and
// not yet replaced is put back first: it may be a list in use.
func (r *nightlyRun) cleanTemps(dirs ...string) (restored int) {
	n := 0
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		kept, _ := filepath.Glob(filepath.Join(dir, previousPattern))
		for _, prev := range kept {
			final, _ := tempfile.Final(prev) // the pattern holds ".tmp-"
			if _, err := os.Stat(final); os.IsNotExist(err) && !r.opts.DryRun {
				if os.Rename(prev, final) == nil {
					restored++
					r.log.warn(r.job.Name, "cleanup", "put back a file a killed run had moved aside", map[string]any{"file": filepath.Base(final)})
				}
			}
		}
		for _, pat := range tempPatterns {
			names, _ := filepath.Glob(filepath.Join(dir, pat))
			for _, name := range names {
				info, err := os.Stat(name)
				if err != nil || !info.Mode().IsRegular() || r.opts.Now().Sub(info.ModTime()) < r.opts.Settle {
					continue
				}
				if r.opts.DryRun || os.Remove(name) == nil {
					n++
				}
			}
		}
	}
	if n > 0 {
		r.log.warn(r.job.Name, "cleanup", fmt.Sprintf("removed %d temporary files a killed run left", n), nil)
	}
	return restored
}

// pause stops a run at a named point while DNCCTL_TEST_PAUSE names it, so
// that the end-to-end tests can kill it there, or start a second run; it
// touches DNCCTL_TEST_PAUSE_FILE to say it is there.
func pause(point string) {
	if os.Getenv("DNCCTL_TEST_PAUSE") != point {
		return
	}
	if f := os.Getenv("DNCCTL_TEST_PAUSE_FILE"); f != "" {
		os.WriteFile(f, []byte(point+"\n"), 0o600)
	}
	time.Sleep(time.Minute)
}

// claimDir is where an inbox job moves a file before it reads it: a file
// that arrives under the same name meanwhile is a new file, not a change to
// the one being scrubbed. A killed run's claimed files are taken first by
// the next run.
const claimDir = ".dncctl-claimed"

// inbox scrubs the job's new files, one by one.
func (r *nightlyRun) inbox(ctx context.Context) (jobResult, error) {
	var res jobResult
	res.recovered += r.cleanTemps(r.job.Out, r.job.Rejected, r.job.Archive)
	claimed := filepath.Join(r.job.Inbox, claimDir)
	left, err := r.candidates(claimed)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, fmt.Errorf("inbox: %w", err)
	}
	files, err := r.candidates(r.job.Inbox)
	if err != nil {
		return res, fmt.Errorf("inbox: %w", err)
	}
	for i := range left {
		left[i].claimed = true
	}
	for _, f := range append(left, files...) {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if !f.claimed && !r.settled(f) {
			res.waiting++
			r.log.warn(r.job.Name, "waiting", "still being written: left for the next run", map[string]any{"file": f.name})
			continue
		}
		if !f.claimed && !r.opts.DryRun {
			if err := os.MkdirAll(claimed, 0o700); err != nil {
				return res, fmt.Errorf("inbox: %w", err)
			}
			to := filepath.Join(claimed, f.name)
			if err := os.Rename(f.path, to); err != nil {
				res.failed++
				r.log.error(r.job.Name, "failed", "cannot claim it: "+err.Error(), map[string]any{"file": f.name})
				continue
			}
			f.path = to
		}
		sum, _, err := hashFile(f.path)
		if err != nil {
			res.failed++
			r.log.error(r.job.Name, "failed", err.Error(), map[string]any{"file": f.name})
			continue
		}
		// Hashing took a while: a file that changed meanwhile is still being
		// written (by a writer that kept it open through the claim): it goes
		// back for the next run.
		if !f.claimed && !r.settled(f) {
			res.waiting++
			r.log.warn(r.job.Name, "waiting", "changed while being read: left for the next run", map[string]any{"file": f.name})
			if !r.opts.DryRun {
				os.Rename(f.path, filepath.Join(r.job.Inbox, f.name))
			}
			continue
		}
		if err := r.inboxFile(ctx, f, sum, &res); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			// A file that failed goes back to the inbox, where people look,
			// and is tried again by the next run.
			back := filepath.Join(r.job.Inbox, f.name)
			if _, err := os.Stat(back); os.IsNotExist(err) && !r.opts.DryRun {
				os.Rename(f.path, back)
			}
			res.failed++
			r.log.error(r.job.Name, "failed", err.Error(), map[string]any{"file": f.name, "sha256": sum})
			if !r.opts.DryRun {
				r.st.RecordNightly(ctx, store.NightlyFile{Job: r.job.Name, SHA256: sum, Input: f.name, Status: store.NightlyFailed,
					At: r.opts.Now(), Detail: maskNumbers(err.Error())})
			}
		}
	}
	return res, nil
}

// inboxFile processes one settled file whose content hashes to sum.
func (r *nightlyRun) inboxFile(ctx context.Context, f leadFile, sum string, res *jobResult) error {
	done, ok, err := r.st.Processed(ctx, r.job.Name, sum)
	if err != nil {
		return err
	}
	if ok {
		// The same name is this file, processed by a run killed before it
		// could archive it; another name is a copy.
		what, event := "processed by run "+fmt.Sprint(done.RunID)+", not yet archived: archived now", "archived"
		if done.Input != f.name {
			what, event = fmt.Sprintf("same content as %s, processed %s (run %d): skipped", done.Input, done.At.UTC().Format("2006-01-02T15:04:05Z"), done.RunID), "duplicate"
			res.duplicates++
		} else {
			res.recovered++
		}
		if r.opts.DryRun {
			r.log.info(r.job.Name, event, "would be "+what, map[string]any{"file": f.name})
			return nil
		}
		if done.Input != f.name {
			if err := r.st.RecordNightly(ctx, store.NightlyFile{Job: r.job.Name, SHA256: sum, Input: f.name, Status: store.NightlyDuplicate,
				At: r.opts.Now(), RunID: done.RunID, Detail: "same content as " + done.Input}); err != nil {
				return err
			}
		}
		to, err := archive(f.path, r.job.Archive, sum)
		if err != nil {
			return err
		}
		r.log.info(r.job.Name, event, what, map[string]any{"file": f.name, "archived_as": to})
		return nil
	}
	stem, err := r.stem(ctx, f.name, sum)
	if err != nil {
		return err
	}
	if r.opts.DryRun {
		res.processed++ // would be
		r.log.info(r.job.Name, "would process", "would scrub it", map[string]any{"file": f.name, "outputs": stem})
		return nil
	}
	o := r.scrubOptions(f.path)
	o.OutDir, o.RejectedDir, o.Stem = r.job.Out, r.job.Rejected, stem
	o.InputName = filepath.Join(r.job.Inbox, f.name)
	o.SummaryJSON = filepath.Join(r.job.Out, stem+".summary.json")
	o.Certificate = filepath.Join(r.job.Out, stem+".certificate.json")
	o.Report = filepath.Join(r.job.Out, stem+".report.xlsx")
	var summary *scrub.Summary
	var runID int64
	o.Done = func(s *scrub.Summary, id int64) { summary, runID = s, id }
	if err := runScrub(ctx, o); err != nil {
		return err
	}
	pause("after-outputs")
	rec := store.NightlyFile{Job: r.job.Name, SHA256: sum, Input: f.name, Stem: stem, Status: store.NightlyProcessed, At: r.opts.Now(),
		RunID: runID, RowsRead: summary.RowsRead, RowsClean: summary.RowsClean, RowsRejected: summary.RowsRejected}
	if err := r.st.RecordNightly(ctx, rec); err != nil {
		return err
	}
	pause("after-record")
	to, err := archive(f.path, r.job.Archive, sum)
	if err != nil {
		return fmt.Errorf("processed (run %d), but not archived: %w", runID, err)
	}
	res.processed++
	r.log.info(r.job.Name, "processed", fmt.Sprintf("%d rows read, %d clean, %d rejected", summary.RowsRead, summary.RowsClean, summary.RowsRejected),
		map[string]any{"file": f.name, "run": runID, "rows_read": summary.RowsRead, "rows_clean": summary.RowsClean,
			"rows_rejected": summary.RowsRejected, "clean": filepath.Join(o.OutDir, stem+".clean"+outputExt(f.name, o.Format)),
			"archived_as": to})
	if summary.RowsRead > 0 && summary.RowsClean == 0 {
		r.log.warn(r.job.Name, "empty", "no row is callable: the clean list is empty", map[string]any{"file": f.name})
	}
	return nil
}

// stem names a file's outputs: its own stem, unless the job gave it to a
// file with other content (yesterday's leads.csv), then with the start of
// its hash. A rerun after a crash gets the same name, and replaces what
// the killed run left.
func (r *nightlyRun) stem(ctx context.Context, name, sum string) (string, error) {
	stem := fileStem(name)
	taken, err := r.st.StemTaken(ctx, r.job.Name, stem, sum)
	if err != nil || !taken {
		return stem, err
	}
	return stem + "-" + sum[:8], nil
}

// outputExt is the extension of a file's outputs, in format if given.
func outputExt(name, format string) string {
	if format != "" {
		return "." + format
	}
	if strings.HasSuffix(strings.ToLower(name), ".gz") {
		name = strings.TrimSuffix(name, filepath.Ext(name))
	}
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".xlsx" || ext == ".xlsm" {
		return ".xlsx"
	}
	return ".csv"
}

// rescrub cleans each list of the job's directory again, in place.
func (r *nightlyRun) rescrub(ctx context.Context) (jobResult, error) {
	var res jobResult
	rejected := r.job.Rejected
	if rejected == "" {
		rejected = filepath.Join(r.job.Rescrub, "rejected")
	}
	res.recovered += r.cleanTemps(r.job.Rescrub, rejected)
	files, err := r.candidates(r.job.Rescrub)
	if err != nil {
		return res, fmt.Errorf("rescrub: %w", err)
	}
	// Each run's report of a list gets its own name: a second run the same
	// day must not replace the first one's.
	stamp := r.opts.Now().UTC().Format("20060102T150405Z")
	for _, f := range files {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if strings.Contains(f.name, ".rejected.") || strings.HasSuffix(f.name, ".report.xlsx") {
			continue // dncctl's own reports, not lists
		}
		if err := inPlaceable(f.path); err != nil {
			res.failed++
			r.log.error(r.job.Name, "failed", err.Error(), map[string]any{"file": f.name})
			continue
		}
		if !r.settled(f) {
			res.waiting++
			r.log.info(r.job.Name, "waiting", "still being written: left for the next run", map[string]any{"file": f.name})
			continue
		}
		if r.opts.DryRun {
			res.rescrubbed++
			r.log.info(r.job.Name, "would rescrub", "would clean it again against the store", map[string]any{"file": f.name})
			continue
		}
		sum, _, err := hashFile(f.path)
		if err != nil {
			res.failed++
			r.log.error(r.job.Name, "failed", err.Error(), map[string]any{"file": f.name})
			continue
		}
		o := r.scrubOptions(f.path)
		o.InPlace, o.RejectedDir, o.Stem = true, rejected, reportStem(rejected, fileStem(f.name)+"."+stamp)
		o.Format = "csv"
		var summary *scrub.Summary
		var runID int64
		o.Done = func(s *scrub.Summary, id int64) { summary, runID = s, id }
		if err := runScrub(ctx, o); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.failed++
			r.log.error(r.job.Name, "failed", err.Error(), map[string]any{"file": f.name})
			continue
		}
		// The new list is written owner-only; the dialer reads it as the
		// old one could be read.
		if err := os.Chmod(f.path, f.info.Mode().Perm()); err != nil {
			r.log.warn(r.job.Name, "mode", "the list was cleaned, but its permissions could not be put back: "+err.Error(), map[string]any{"file": f.name})
		}
		res.rescrubbed++
		res.removed += summary.RowsRejected
		if err := r.st.RecordNightly(ctx, store.NightlyFile{Job: r.job.Name, SHA256: sum, Input: f.name, Stem: o.Stem, Status: store.NightlyRescrubbed,
			At: r.opts.Now(), RunID: runID, RowsRead: summary.RowsRead, RowsClean: summary.RowsClean, RowsRejected: summary.RowsRejected}); err != nil {
			return res, err
		}
		msg := "no change"
		if summary.RowsRejected > 0 {
			msg = fmt.Sprintf("%d rows removed (the report says why); %d kept", summary.RowsRejected, summary.RowsClean)
		}
		r.log.info(r.job.Name, "rescrubbed", msg, map[string]any{"file": f.name, "run": runID, "rows_read": summary.RowsRead,
			"rows_clean": summary.RowsClean, "rows_rejected": summary.RowsRejected})
	}
	return res, nil
}

// reportStem is stem, or stem-2, stem-3…, the first that no rescrub
// report in dir has: two runs in the same second (a rerun after a crash)
// must not replace the first one's report with one that removed nothing.
func reportStem(dir, stem string) string {
	name := stem
	for n := 2; ; n++ {
		if _, err := os.Lstat(filepath.Join(dir, name+".rejected.csv")); err != nil {
			return name
		}
		name = fmt.Sprintf("%s-%d", stem, n)
	}
}

// inPlaceable refuses a list that cleaning in place would change in more
// than its rows: a workbook (other sheets, titles, formats), another
// delimiter or encoding than a UTF-8 CSV, a compressed file, or a link
// (replacing it would leave the target the dialer reads as it was).
func inPlaceable(path string) error {
	if st, err := os.Lstat(path); err != nil {
		return err
	} else if st.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("a link: it cannot be replaced in place; put the rescrub job on the directory of its target")
	}
	if strings.ToLower(filepath.Ext(path)) != ".csv" {
		return fmt.Errorf("only CSV lists (UTF-8, comma-separated) are cleaned in place: a workbook, a compressed or a differently delimited file would not come back as it was")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimPrefix(head[:n], []byte("\xef\xbb\xbf"))
	if n == len(head) {
		// A cut may fall inside a character.
		for i := 0; i < 3 && len(head) > 0 && !utf8.Valid(head); i++ {
			head = head[:len(head)-1]
		}
	}
	if !utf8.Valid(head) {
		return fmt.Errorf("not UTF-8: it would come back in another encoding; only UTF-8 CSV lists are cleaned in place")
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	commas := bytes.Count(line, []byte(","))
	for _, d := range []string{";", "\t", "|"} {
		if bytes.Count(line, []byte(d)) > commas {
			return fmt.Errorf("delimited by %q, not commas: it would come back comma-separated; only comma-separated lists are cleaned in place", d)
		}
	}
	return nil
}

// archive moves a processed input into dir, under its name or, if another
// file has it, with the start of its hash; a copy already there with the
// same content is kept and the input removed. It returns the name given.
func archive(path, dir, sum string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	name := filepath.Base(path)
	to := filepath.Join(dir, name)
	if _, err := os.Stat(to); err == nil {
		if there, _, err := hashFile(to); err == nil && there == sum {
			return name, os.Remove(path)
		}
		ext := filepath.Ext(name)
		name = strings.TrimSuffix(name, ext) + "-" + sum[:8] + ext
		to = filepath.Join(dir, name)
	}
	err := os.Rename(path, to)
	if errors.Is(err, syscall.EXDEV) {
		err = copyThenRemove(path, to)
	}
	if err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	return name, nil
}

// copyThenRemove moves a file across file systems: a complete, synced copy
// under a temporary name, renamed, and only then the original removed.
func copyThenRemove(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(to), ".archive-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), to); err != nil {
		return err
	}
	return os.Remove(from)
}
