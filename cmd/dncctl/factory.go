package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// storeOpener opens the store; commands hold one so tests can replace it.
type storeOpener func(context.Context) (*store.Store, error)

// checkedStoreOpener opens the store scrub and check read (see OpenStoreToCheck).
type checkedStoreOpener func(ctx context.Context, allowEmpty bool) (*store.Store, error)

// factory holds what commands share: the streams, and how to reach the store,
// the clock and the user's name, so that tests can replace them.
type factory struct {
	IO     *iostreams
	DBPath string // from --db, DNCCTL_DB or the config file; "" for the default
	// ConfigFile is --config; Config the config file's compliance rules,
	// read before a command runs.
	ConfigFile string
	Config     *fileConfig
	// Command is the running command's path ("dncctl optout add"), for the
	// audit log: never its arguments, which may hold numbers.
	Command string
	Now     func() time.Time
	User    func() string
	// warnedShared is set once the store's permissions have been warned of.
	warnedShared bool
	// StoreKeyFile is --store-key-file: a protected store's key (see
	// storeKey); the key as read, once.
	StoreKeyFile         string
	storeKeyRead, hasKey bool
	key                  scrub.HashKey
	keyErr               error
}

func newFactory(io *iostreams) *factory {
	return &factory{IO: io, Now: time.Now, User: currentUser}
}

// StorePath is the store file to use.
func (f *factory) StorePath() string {
	if f.DBPath != "" {
		return f.DBPath
	}
	return filepath.Join(xdgDir("XDG_DATA_HOME", filepath.Join(".local", "share")), "dncctl", "dncctl.db")
}

// OpenStore opens (and on first use creates) the store.
func (f *factory) OpenStore(ctx context.Context) (*store.Store, error) {
	st, err := store.Open(ctx, f.StorePath())
	if err != nil {
		return nil, err
	}
	if err := f.prepare(st); err != nil {
		return nil, err
	}
	st.SetActor(store.Actor{Command: f.Command, User: f.User()})
	return st, nil
}

// OpenExistingStore opens the store for commands that only read what was
// recorded: creating an empty store for a mistyped --db would answer "no
// run wrote this file", or "the audit log is intact", about a store that
// says otherwise.
func (f *factory) OpenExistingStore(ctx context.Context) (*store.Store, error) {
	st, err := store.OpenExisting(ctx, f.StorePath())
	if errors.Is(err, store.ErrNoStore) {
		return nil, fmt.Errorf("store %s does not exist: point --db at your store", f.StorePath())
	}
	if err != nil {
		return nil, err
	}
	if err := f.prepare(st); err != nil {
		return nil, err
	}
	st.SetActor(store.Actor{Command: f.Command, User: f.User()})
	return st, nil
}

// OpenStoreToCheck opens the store that scrub and check read. Unless
// allowEmpty, it must exist and hold at least one opt-out or blacklist
// entry: a mistyped --db, or cron's other HOME, must not pass every number.
func (f *factory) OpenStoreToCheck(ctx context.Context, allowEmpty bool) (*store.Store, error) {
	if allowEmpty {
		return f.OpenStore(ctx)
	}
	st, err := store.OpenExisting(ctx, f.StorePath())
	if errors.Is(err, store.ErrNoStore) {
		return nil, fmt.Errorf("store %s does not exist, so there is nothing to check numbers against: add your lists first (dncctl optout import …), point --db at your store, or pass --allow-empty-store", f.StorePath())
	}
	if err != nil {
		return nil, err
	}
	if err := f.prepare(st); err != nil {
		return nil, err
	}
	suppressing, err := st.HasSuppressions(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if !suppressing {
		st.Close()
		return nil, fmt.Errorf("store %s holds no opt-out or blacklist entries, so nothing would be suppressed: add your lists first, point --db at your store, or pass --allow-empty-store", f.StorePath())
	}
	return st, nil
}

// prepare readies an opened store for this command: the warning of a
// store others can read, the note shown when a change waits for another
// process writing to the store, and the store's key. On error it closes
// the store.
func (f *factory) prepare(st *store.Store) error {
	f.warnIfShared(st.Path())
	st.OnWait(func() {
		fmt.Fprintf(f.IO.ErrOut, "Waiting for another dncctl that is writing to the store %s (an import?)...\n", st.Path())
	})
	if err := f.useStoreKey(st); err != nil {
		st.Close()
		return err
	}
	return nil
}

// warnIfShared warns, once, when others than the owner may read or write
// the store: it holds every number that asked not to be called.
func (f *factory) warnIfShared(path string) {
	if f.warnedShared {
		return
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm()&0o077 == 0 {
		return
	}
	f.warnedShared = true
	fmt.Fprintf(f.IO.ErrOut, "Warning: the store %s can be read by others (mode %04o): it holds personal data; chmod 600 %s\n", path, info.Mode().Perm(), path)
}

// currentUser names who made a change, for the entry's history.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}
