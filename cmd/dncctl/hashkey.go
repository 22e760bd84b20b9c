package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/dncctl/dncctl/scrub"
)

// readHashKey reads an HMAC key shared with a partner (--key-file), or a
// protected store's key (--store-key-file: flag names which). The key
// is the file's bytes as they are, less one trailing newline (which editors
// and "echo" add): it is not decoded from hex or base64, so that both
// companies hash with the same bytes whatever made the file.
//
// A file others can read is refused, as ssh refuses such a private key: the
// key is what keeps the hashes from being reversed, by trying every number.
func readHashKey(flag, path string) (scrub.HashKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return scrub.HashKey{}, fmt.Errorf("%s %s: %w", flag, path, unwrapPathErr(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return scrub.HashKey{}, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if !st.Mode().IsRegular() {
		return scrub.HashKey{}, fmt.Errorf("%s %s: not a regular file", flag, path)
	}
	// Windows has no such mode bits: its ACLs are not checked here.
	if perm := st.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return scrub.HashKey{}, fmt.Errorf("%s %s: the key is readable by others (mode %#o): make it private with chmod 600 %s", flag, path, perm, path)
	}
	// A key file is small; a large one is a mistake (a lead file given by
	// mistake), not a key.
	b, err := io.ReadAll(io.LimitReader(f, 4097))
	if err != nil {
		return scrub.HashKey{}, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if len(b) > 4096 {
		return scrub.HashKey{}, fmt.Errorf("%s %s: longer than 4096 bytes: not a key", flag, path)
	}
	key := bytes.TrimSuffix(b, []byte("\n"))
	key = bytes.TrimSuffix(key, []byte("\r"))
	if len(key) == 0 {
		return scrub.HashKey{}, fmt.Errorf("%s %s: the file is empty: it holds no key", flag, path)
	}
	k, err := scrub.NewHashKey(key)
	if err != nil {
		return scrub.HashKey{}, fmt.Errorf("%s %s: %w: make one with openssl rand -hex 32", flag, path, err)
	}
	return k, nil
}

// readHashKeys reads every --key-file of a run.
func readHashKeys(paths []string) ([]scrub.HashKey, error) {
	keys := make([]scrub.HashKey, 0, len(paths))
	for _, p := range paths {
		k, err := readHashKey("--key-file", p)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// explainMissingKey adds to an error for hashed entries or a registry
// whose HMAC key the run lacks what to do about it.
func explainMissingKey(err error) error {
	var missing *scrub.MissingKeyError
	if !errors.As(err, &missing) {
		return err
	}
	return fmt.Errorf("%w. Give that key with --key-file (or key-file in the config): a run that skipped these entries would pass the numbers they stand for", err)
}
