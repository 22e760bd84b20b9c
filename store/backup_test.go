package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

var restoreTime = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// backupOf writes a backup of s to a new file and returns its path.
func backupOf(t *testing.T, s *Store) string {
	t.Helper()
	target := filepath.Join(t.TempDir(), "backup.db")
	if _, err := Backup(context.Background(), s.Path(), target, false); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	return target
}

// execOn runs statements on the database at path through a plain
// connection, as someone editing the file outside dncctl would.
func execOn(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func optOuts(t *testing.T, path string) int {
	t.Helper()
	s, err := OpenExisting(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	counts, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts[scrub.ListOptOut]
}

// A backup taken while another connection keeps adding holds one committed
// state: every entry it holds is whole, its audit log intact, and the
// store goes on to hold every entry.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const adds = 300
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	started := make(chan struct{})
	wg.Go(func() {
		for i := range adds {
			if i == 20 {
				close(started)
			}
			if _, err := s.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: fmt.Sprintf("+3460%07d", i), Channel: scrub.ChannelAll}}, time.Now(), "w"); err != nil {
				errs <- err
				return
			}
		}
	})
	<-started
	target := filepath.Join(t.TempDir(), "backup.db")
	r, err := Backup(ctx, s.Path(), target, false)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := r.Err(); err != nil || !r.Audited {
		t.Fatalf("backup report: %v (audited %v)", err, r.Audited)
	}
	n := r.Counts[scrub.ListOptOut]
	if n < 20 || n != r.AuditRecords || r.Path != target {
		t.Errorf("backup holds %d opt-outs and %d audit records (%s); want as many, at least 20", n, r.AuditRecords, r.Path)
	}
	if got := optOuts(t, target); got != n {
		t.Errorf("the backup file holds %d opt-outs, its report %d", got, n)
	}
	if got := fileMode(t, target); got != 0o600 {
		t.Errorf("backup mode = %v, want 0600", got)
	}
	if got := optOuts(t, s.Path()); got != adds {
		t.Errorf("the store holds %d opt-outs after the backup, want %d", got, adds)
	}
	if names := dirNames(t, filepath.Dir(target)); len(names) != 1 {
		t.Errorf("the backup's directory holds %v, want backup.db alone", names)
	}
}

func TestBackupRefusesExistingTarget(t *testing.T) {
	ctx := context.Background()
	s := auditedStore(t)
	target := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Backup(ctx, s.Path(), target, false)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Backup over an existing file: %v, want an error wrapping fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Error("the existing file was changed")
	}
	if names := dirNames(t, filepath.Dir(target)); len(names) != 1 {
		t.Errorf("left behind: %v", names)
	}
	r, err := Backup(ctx, s.Path(), target, true)
	if err != nil || r.AuditRecords != 5 {
		t.Fatalf("Backup with overwrite: %v, %+v", err, r)
	}
	if _, err := Backup(ctx, s.Path(), s.Path(), true); err == nil || !strings.Contains(err.Error(), "the store itself") {
		t.Errorf("Backup onto the store itself: %v", err)
	}
}

func TestBackupRefusesWhatIsNotAStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, err := Backup(ctx, filepath.Join(dir, "none.db"), filepath.Join(dir, "b.db"), false)
	if !errors.Is(err, ErrNoStore) {
		t.Errorf("Backup of a missing store: %v, want ErrNoStore", err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	execOn(t, foreign, "CREATE TABLE t (x)")
	_, err = Backup(ctx, foreign, filepath.Join(dir, "b.db"), false)
	if !errors.Is(err, ErrNotStore) {
		t.Errorf("Backup of a foreign database: %v, want ErrNotStore", err)
	}
	if names := dirNames(t, dir); strings.Join(names, ",") != "foreign.db" {
		t.Errorf("left behind: %v", names)
	}
}

// A backup is taken as the store is: an old schema is not upgraded first.
func TestBackupKeepsOldSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	oldStore(t, path, 1)
	target := filepath.Join(t.TempDir(), "b.db")
	r, err := Backup(ctx, path, target, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Schema != 1 || !r.Older() || r.Audited || r.Counts[scrub.ListOptOut] != 1 || r.Err() != nil {
		t.Errorf("report = %+v, err %v", r, r.Err())
	}
	if got := pragma(t, path, "user_version"); got != "1" {
		t.Errorf("the store's user_version = %s after the backup, want 1", got)
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	s := auditedStore(t)
	r, err := Check(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	steps, _ := migrationSteps()
	if r.Err() != nil || !r.Sound() || r.Schema != len(steps) || r.Older() || r.AuditRecords != 5 || len(r.AuditHead) != 64 {
		t.Errorf("report = %+v, err %v", r, r.Err())
	}
	if _, err := s.db.Exec(`UPDATE audit SET detail = 'x' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	r, err = Check(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Err(); !errors.Is(err, ErrAuditBroken) || !strings.Contains(err.Error(), "record 2 was changed") {
		t.Errorf("Check of a tampered log: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := Check(ctx, missing); !errors.Is(err, ErrNoStore) {
		t.Errorf("Check of a missing store: %v, want ErrNoStore", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Error("Check created the store")
	}
}

// A restore puts the backup's entries back, keeps the store it replaced,
// and says so in the restored store's audit log. Changes made since the
// backup are not discarded unless asked.
func TestRestore(t *testing.T) {
	ctx := context.Background()
	s := auditedStore(t)
	backup := backupOf(t, s)
	before, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: "+34612345302", Channel: scrub.ChannelAll}}, time.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	newer, err := Check(ctx, path)
	if err != nil {
		t.Fatal(err)
	}

	// The opt-out added since the backup would be lost: refused.
	_, err = Restore(ctx, path, backup, RestoreOptions{Now: restoreTime})
	if !errors.Is(err, ErrNewerChanges) {
		t.Fatalf("Restore over newer changes = %v, want ErrNewerChanges", err)
	}
	if want := "1 audit records made after the backup's last one (record 5): add 1; numbers +34612345302"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if got := optOuts(t, path); got != 1 {
		t.Errorf("the store holds %d opt-outs after the refused restore, want 1", got)
	}
	if got := pragma(t, path, "journal_mode"); got != "wal" {
		t.Errorf("journal_mode after the refused restore = %s, want wal", got)
	}
	if names := dirNames(t, filepath.Dir(path)); strings.Join(names, ",") != "s.db" {
		t.Errorf("beside the store after the refused restore: %v", names)
	}

	actor := Actor{Command: "dncctl db restore", User: "ana"}
	res, err := Restore(ctx, path, backup, RestoreOptions{Now: restoreTime, Actor: actor, DiscardNewer: true})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	wantAside := path + ".before-restore-20261120T100000Z"
	if res.Aside != wantAside || res.Report.AuditRecords != 5 || res.Report.Path != backup {
		t.Errorf("result = %+v, report %+v", res, res.Report)
	}
	if d := res.Discarded; d == nil || d.Records != 1 || d.After != 5 || d.Diverged || d.Actions["add"] != 1 || strings.Join(d.Numbers, ",") != "+34612345302" {
		t.Errorf("discarded = %+v", d)
	}
	if sum := sha256.Sum256(before); res.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s, not the backup's", res.SHA256)
	}
	r, err := Check(ctx, path)
	if err != nil || r.Err() != nil {
		t.Fatalf("the restored store: %v, %v", err, r.Err())
	}
	if r.Counts[scrub.ListOptOut] != 0 || r.AuditRecords != 6 || res.Installed == nil || res.Installed.AuditHead != r.AuditHead {
		t.Errorf("the restored store holds %v and %d audit records; want the backup's and the restore record", r.Counts, r.AuditRecords)
	}
	aside, err := Check(ctx, wantAside)
	if err != nil || aside.Counts[scrub.ListOptOut] != 1 || aside.AuditRecords != 6 || aside.AuditHead != newer.AuditHead {
		t.Errorf("the store moved aside: %+v, %v", aside, err)
	}
	if got := fileMode(t, path); got != 0o600 {
		t.Errorf("restored store mode = %v, want 0600", got)
	}
	if after, _ := os.ReadFile(backup); !bytes.Equal(before, after) {
		t.Error("Restore changed the backup file")
	}
	if names := dirNames(t, filepath.Dir(backup)); len(names) != 1 {
		t.Errorf("beside the backup: %v", names)
	}
	if names := dirNames(t, filepath.Dir(path)); strings.Join(names, ",") != "s.db,s.db.before-restore-20261120T100000Z" {
		t.Errorf("beside the store: %v", names)
	}
	// The restored store is a store: dncctl writes to it again.
	s2, err := OpenExisting(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var last AuditRecord
	if err := s2.Audit(ctx, AuditQuery{}, func(r AuditRecord) error { last = r; return nil }); err != nil {
		t.Fatal(err)
	}
	absBackup, _ := filepath.Abs(backup)
	for _, want := range []string{
		"from " + absBackup + " (sha256 " + res.SHA256 + ")",
		"; the store it replaced moved to " + wantAside + " (6 audit records, last hash " + newer.AuditHead + ")",
		"; discarded 1 audit records made after the backup's last one (record 5): add 1; numbers +34612345302",
	} {
		if !strings.Contains(last.Detail, want) {
			t.Errorf("restore record detail %q does not hold %q", last.Detail, want)
		}
	}
	if last.ID != 6 || last.Action != "restore" || last.Command != actor.Command || last.User != actor.User || !last.At.Equal(restoreTime) {
		t.Errorf("last audit record = %+v, want the restore's", last)
	}
	if _, err := s2.Add(ctx, []Entry{{List: scrub.ListBlacklist, E164: "+34600000010"}}, time.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	if n, err := s2.VerifyAudit(ctx); n != 7 || err != nil {
		t.Errorf("VerifyAudit after the restore = %d, %v", n, err)
	}
}

// A store whose log went another way than the backup's (another backup
// restored since, then changed) would lose its own records: refused too.
func TestRestoreRefusesDivergedLog(t *testing.T) {
	ctx := context.Background()
	s := auditedStore(t)
	first := backupOf(t, s)
	if _, err := s.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: "+34612345303", Channel: scrub.ChannelAll}}, time.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	second := backupOf(t, s) // 6 records
	path := s.Path()
	s.Close()
	if _, err := Restore(ctx, path, first, RestoreOptions{Now: restoreTime, DiscardNewer: true}); err != nil {
		t.Fatal(err)
	}
	// The store's record 6 is now the first restore's, the second backup's an add.
	_, err := Restore(ctx, path, second, RestoreOptions{Now: restoreTime.Add(time.Hour)})
	if !errors.Is(err, ErrNewerChanges) || !strings.Contains(err.Error(), "1 audit records not in the backup (the two logs part after record 5): restore 1") {
		t.Fatalf("Restore over a diverged log = %v", err)
	}
	if r, err := Check(ctx, path); err != nil || r.AuditRecords != 6 || r.Counts[scrub.ListOptOut] != 0 {
		t.Errorf("the store after the refused restore: %+v, %v", r, err)
	}
	// Restoring the backup the store came from loses the restore record only.
	_, err = Restore(ctx, path, first, RestoreOptions{Now: restoreTime.Add(time.Hour)})
	if !errors.Is(err, ErrNewerChanges) || !strings.Contains(err.Error(), "made after the backup's last one (record 5): restore 1") {
		t.Errorf("Restore of the same backup again = %v", err)
	}
}

// With no store at path, side files left there by a store moved away
// would be played into the restored copy: refused, named.
func TestRestoreRefusesStaleSideFiles(t *testing.T) {
	ctx := context.Background()
	s := auditedStore(t)
	backup := backupOf(t, s)
	path := s.Path()
	// A crash: the -wal holds committed changes not yet in the file.
	if _, err := s.db.Exec(`PRAGMA wal_autocheckpoint = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: "+34612345304", Channel: scrub.ChannelAll}}, time.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	copyFile(t, path+"-wal", path+".crash-wal")
	s.Close()
	if err := os.Rename(path, path+".bad"); err != nil {
		t.Fatal(err)
	}
	copyFile(t, path+".crash-wal", path+"-wal")
	os.Remove(path + ".crash-wal")

	_, err := Restore(ctx, path, backup, RestoreOptions{Now: restoreTime})
	if err == nil || !strings.Contains(err.Error(), "there is no store at "+path+", but "+path+"-wal beside it") {
		t.Fatalf("Restore beside a stale -wal = %v", err)
	}
	if names := dirNames(t, filepath.Dir(path)); strings.Join(names, ",") != "s.db-wal,s.db.bad" {
		t.Errorf("beside the store: %v", names)
	}
	os.Remove(path + "-wal")
	res, err := Restore(ctx, path, backup, RestoreOptions{Now: restoreTime})
	if err != nil || res.Installed.Counts[scrub.ListOptOut] != 0 || res.Installed.AuditRecords != 6 {
		t.Fatalf("Restore once the -wal is gone = %+v, %v", res, err)
	}
}

// The check of the store once in place wants the backup's entries and
// log, and the restore record after them.
func TestCheckInstalled(t *testing.T) {
	ctx := context.Background()
	backup := backupOf(t, auditedStore(t))
	path := filepath.Join(t.TempDir(), "dnc.db")
	res, err := Restore(ctx, path, backup, RestoreOptions{Now: restoreTime})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := checkInstalled(ctx, path, res.Report); err != nil {
		t.Errorf("checkInstalled of the restored store: %v", err)
	}
	fewer := *res.Report
	fewer.AuditRecords--
	if _, err := checkInstalled(ctx, path, &fewer); err == nil || !strings.Contains(err.Error(), "its audit log holds 6 records, want the backup's 4 and the restore record") {
		t.Errorf("checkInstalled with a record too many: %v", err)
	}
	other := *res.Report
	other.Counts = map[scrub.List]int{scrub.ListOptOut: 1, scrub.ListBlacklist: 0, scrub.ListWhitelist: 0}
	if _, err := checkInstalled(ctx, path, &other); err == nil || !strings.Contains(err.Error(), "active entries") {
		t.Errorf("checkInstalled with other entries: %v", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreWithoutStore(t *testing.T) {
	ctx := context.Background()
	backup := backupOf(t, auditedStore(t))
	path := filepath.Join(t.TempDir(), "new", "dnc.db")
	res, err := Restore(ctx, path, backup, RestoreOptions{Now: restoreTime})
	if err != nil || res.Aside != "" {
		t.Fatalf("Restore = %+v, %v", res, err)
	}
	if got := fileMode(t, filepath.Dir(path)); got != 0o700 {
		t.Errorf("new directory mode = %v, want 0700", got)
	}
	if names := dirNames(t, filepath.Dir(path)); strings.Join(names, ",") != "dnc.db" {
		t.Errorf("store directory holds %v", names)
	}
}

// A candidate that is not a store, is damaged, comes from a newer dncctl
// or has a tampered audit log is refused, and the store is left as it was.
func TestRestoreRefuses(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(t *testing.T, path string)
		want  error
	}{
		{"text file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("name,phone\nAna,612345678\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, ErrNotStore},
		{"foreign database", func(t *testing.T, path string) {
			os.Remove(path)
			execOn(t, path, "CREATE TABLE customers (name TEXT)")
		}, ErrNotStore},
		{"damaged", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// Garble the header of the second page, a b-tree page
			// whatever the schema.
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xa5}, 200), 4096); err != nil {
				t.Fatal(err)
			}
		}, ErrDamaged},
		{"newer schema", func(t *testing.T, path string) {
			execOn(t, path, "PRAGMA user_version = 999")
		}, ErrNewerSchema},
		{"tampered audit log", func(t *testing.T, path string) {
			execOn(t, path, "UPDATE audit SET detail = 'channel sms' WHERE id = 1")
		}, ErrAuditBroken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := auditedStore(t)
			candidate := backupOf(t, s)
			tt.spoil(t, candidate)
			candidateBytes, err := os.ReadFile(candidate)
			if err != nil {
				t.Fatal(err)
			}
			path := s.Path()
			s.Close()
			storeBytes, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			beforeDir := dirNames(t, filepath.Dir(path))

			_, err = Restore(ctx, path, candidate, RestoreOptions{Now: restoreTime})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Restore = %v, want an error wrapping %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), candidate) {
				t.Errorf("error %q does not name the file", err)
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, storeBytes) {
				t.Error("the store was changed")
			}
			if b, _ := os.ReadFile(candidate); !bytes.Equal(b, candidateBytes) {
				t.Error("the candidate was changed")
			}
			if got := dirNames(t, filepath.Dir(path)); strings.Join(got, ",") != strings.Join(beforeDir, ",") {
				t.Errorf("store directory = %v, want %v", got, beforeDir)
			}
			if got := dirNames(t, filepath.Dir(candidate)); len(got) != 1 {
				t.Errorf("beside the candidate: %v", got)
			}
		})
	}
}

// oldStore makes a store of schema version 1..version at path, as an older
// dncctl left it, holding what stmts insert (one opt-out if none).
func oldStore(t *testing.T, path string, version int, stmts ...string) {
	t.Helper()
	steps, err := migrationSteps()
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) == 0 {
		stmts = []string{`INSERT INTO entries (list, e164, channel, added_at) VALUES ('optout', '+34612345678', 'all', '2026-01-02T03:04:05Z')`}
	}
	all := append([]string{}, steps[:version]...)
	all = append(all, "PRAGMA application_id = "+strconv.Itoa(applicationID), "PRAGMA user_version = "+strconv.Itoa(version))
	execOn(t, path, append(all, stmts...)...)
}

// An older backup is accepted, and upgraded so that its new audit log
// records the restore. Having no log, it holds none of the store's records.
func TestRestoreOlderSchema(t *testing.T) {
	ctx := context.Background()
	s := auditedStore(t)
	candidate := filepath.Join(t.TempDir(), "v3.db")
	oldStore(t, candidate, 3) // version 3 had no audit log
	path := s.Path()
	s.Close()
	_, err := Restore(ctx, path, candidate, RestoreOptions{Now: restoreTime})
	if !errors.Is(err, ErrNewerChanges) || !strings.Contains(err.Error(), "5 audit records, and the backup has none") {
		t.Fatalf("Restore of a backup without a log = %v", err)
	}
	res, err := Restore(ctx, path, candidate, RestoreOptions{Now: restoreTime, DiscardNewer: true})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if r := res.Report; r.Schema != 3 || !r.Older() || r.Audited || r.Err() != nil || r.Counts[scrub.ListOptOut] != 1 {
		t.Errorf("report = %+v", r)
	}
	if r := res.Installed; r.Older() || r.AuditRecords != 1 {
		t.Errorf("the restored store = %+v", r)
	}
	if got := optOuts(t, path); got != 1 {
		t.Errorf("opt-outs = %d, want the backup's 1", got)
	}
}

// While another process has the store open, restore refuses to take it.
func TestRestoreRefusesStoreInUse(t *testing.T) {
	defer func(d time.Duration) { takeOverWait = d }(takeOverWait)
	takeOverWait = 300 * time.Millisecond
	ctx := context.Background()
	s := auditedStore(t)
	candidate := backupOf(t, s)
	if _, err := s.Counts(ctx); err != nil { // the connection is open, idle
		t.Fatal(err)
	}
	_, err := Restore(ctx, s.Path(), candidate, RestoreOptions{Now: restoreTime})
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("Restore of a store in use = %v, want ErrInUse", err)
	}
	if names := dirNames(t, filepath.Dir(s.Path())); len(names) != 3 {
		t.Errorf("store directory = %v, want the store, its -wal and -shm", names)
	}
	if n, err := s.VerifyAudit(ctx); n != 5 || err != nil {
		t.Errorf("the store after the refused restore: %d, %v", n, err)
	}
}

// A file with changes still in its -wal cannot be copied alone.
func TestRestoreRefusesCandidateWithWAL(t *testing.T) {
	ctx := context.Background()
	live := auditedStore(t) // open: its -wal holds its changes
	path := filepath.Join(t.TempDir(), "dnc.db")
	_, err := Restore(ctx, path, live.Path(), RestoreOptions{Now: restoreTime})
	if err == nil || !strings.Contains(err.Error(), "-wal beside it") {
		t.Fatalf("Restore from a store with a -wal = %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a store was created")
	}
}
