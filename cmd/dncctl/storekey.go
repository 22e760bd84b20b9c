package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// storeKeyEnv holds a protected store's key itself, for jobs whose secrets
// come from the environment; --store-key-file (DNCCTL_STORE_KEY_FILE, the
// config's store-key-file) names a file holding it.
const storeKeyEnv = "DNCCTL_STORE_KEY"

// storeKey is the key of a protected store, if one was given. It is read
// once: a run opens the store more than once.
func (f *factory) storeKey() (scrub.HashKey, bool, error) {
	if !f.storeKeyRead {
		f.storeKeyRead = true
		f.key, f.hasKey, f.keyErr = readStoreKey(f.StoreKeyFile, os.Getenv(storeKeyEnv))
	}
	return f.key, f.hasKey, f.keyErr
}

func readStoreKey(file, env string) (scrub.HashKey, bool, error) {
	switch {
	case file != "" && env != "":
		return scrub.HashKey{}, false, fmt.Errorf("both --store-key-file and %s give a store key: give it one way", storeKeyEnv)
	case file != "":
		k, err := readHashKey("--store-key-file", file)
		return k, err == nil, err
	case env != "":
		k, err := scrub.NewHashKey([]byte(env))
		if err != nil {
			return scrub.HashKey{}, false, fmt.Errorf("%s: %w: make one with openssl rand -hex 32", storeKeyEnv, err)
		}
		return k, true, nil
	}
	return scrub.HashKey{}, false, nil
}

// useStoreKey gives an opened store the key, if one was given. A protected
// store opened without its key still opens: what needs no number (the
// audit's chain, the counts) works, and a change or lookup by number is
// refused by the store.
func (f *factory) useStoreKey(st *store.Store) error {
	key, ok, err := f.storeKey()
	if err != nil || !ok {
		return err
	}
	if err := st.UseKey(key); err != nil {
		if errors.Is(err, store.ErrNotProtected) {
			return fmt.Errorf("%w (or do not give a store key)", err)
		}
		return err
	}
	return nil
}
