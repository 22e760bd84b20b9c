package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/dncctl/dncctl/store"
)

// storeOpener opens the store; commands hold one so tests can replace it.
type storeOpener func(context.Context) (*store.Store, error)

// factory holds what commands share: the streams, and how to reach the store,
// the clock and the user's name, so that tests can replace them.
type factory struct {
	IO     *iostreams
	DBPath string // from --db, DNCCTL_DB or the config file; "" for the default
	Now    func() time.Time
	User   func() string
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
	return store.Open(ctx, f.StorePath())
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
