package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

type dbProtectOptions struct {
	IO        *iostreams
	StorePath func() string
	StoreKey  func() (scrub.HashKey, bool, error)
	Now       func() time.Time
	Actor     func() store.Actor
}

func newDBProtectCmd(f *factory) *cobra.Command {
	opts := &dbProtectOptions{IO: f.IO, StorePath: f.StorePath, StoreKey: f.storeKey, Now: f.Now,
		Actor: func() store.Actor { return store.Actor{Command: f.Command, User: f.User()} }}
	cmd := &cobra.Command{
		Use:   "protect",
		Short: "Keep the store's numbers as keyed hashes, so that a copy of it reveals none",
		Long: `DB protect rewrites the store so that it keeps every number of its lists,
its review queue and its audit log as HMAC-SHA-256 under a key that is not
in the store: the store records only the key's fingerprint. Numbers written
in reasons and evidence (a reply's text) are replaced by "[number]". It is
one transaction; then the file is vacuumed (SQLite's free pages held the
old text), its WAL emptied, and the index snapshot beside it removed.

Give the key with --store-key-file FILE (mode 0600, as ssh wants of a
private key; "openssl rand -hex 32 > FILE" makes one) or in DNCCTL_STORE_KEY.
From then on every command that adds, removes or checks numbers needs the
same key, and a wrong key is refused; what needs no number (db check,
audit verify, the counts) works without it. Scrub and check hash each
lead's number to look it up: the clean list and the rejection report
still show the numbers of the leads file. "list show" shows hashes.

What is not hidden, and what it costs:
  - Blacklist prefixes stay as they are: a range (+34803), not a person.
  - Registries (national do-not-call lists) are not hashed.
  - Backups made before hold the numbers in clear: delete them.
  - The audit log's chain is rehashed over the rewritten records; a
    "protect" record gives its last hash before, so a backup made before
    no longer matches the store's chain (db restore then refuses it
    unless --discard-newer).
  - Without the key nothing can be added, removed or checked again, and
    the numbers cannot be read back from the store: keep the key safe
    (and a copy of it apart from the store).
  - A number can only be found by hashing it, so the key must never be
    stored with the store: whoever has both can test every number.

Run again with the same key, it only repeats the clean-up.

Exit status:
  0  the store is protected
  1  failed: no change was made, or the numbers were hashed but the
     clean-up failed (run it again)
  2  usage error (no key given)`,
		Example: `  openssl rand -hex 32 > ~/.config/dncctl/store.key && chmod 600 ~/.config/dncctl/store.key
  dncctl db protect --store-key-file ~/.config/dncctl/store.key
  DNCCTL_STORE_KEY_FILE=~/.config/dncctl/store.key dncctl scrub leads.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDBProtect(cmd.Context(), opts)
		},
	}
	return cmd
}

func runDBProtect(ctx context.Context, opts *dbProtectOptions) error {
	key, ok, err := opts.StoreKey()
	if err != nil {
		return err
	}
	if !ok {
		return usageErrorf("give the key to protect the store with: --store-key-file FILE, or %s", storeKeyEnv)
	}
	// Opened without the key: UseKey refuses a key for a store in clear.
	st, err := store.OpenExisting(ctx, opts.StorePath())
	if errors.Is(err, store.ErrNoStore) {
		return fmt.Errorf("store %s does not exist: point --db at your store", opts.StorePath())
	}
	if err != nil {
		return err
	}
	defer st.Close()
	st.SetActor(opts.Actor())
	sum, err := st.Protect(ctx, key, opts.Now())
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if sum.Already {
		fmt.Fprintf(out, "Store %s was protected already with this key (fingerprint %s); vacuumed it again.\n", st.Path(), key.Fingerprint())
		return nil
	}
	fmt.Fprintf(out, "Protected store %s: its numbers are now HMAC-SHA-256 under the key with fingerprint %s.\n", st.Path(), key.Fingerprint())
	fmt.Fprintf(out, "Rewritten: %d entries, %d reviews, %d audit records (the audit chain was rehashed; its last hash before was %s).\n",
		sum.Entries, sum.Reviews, sum.Audit, orNone(sum.OldLastHash))
	fmt.Fprintln(out, "Every command that adds, removes or checks numbers now needs this key (--store-key-file or "+storeKeyEnv+").")
	fmt.Fprintln(out, "Backups made before hold the numbers in clear: delete them. Registries and blacklist prefixes are not hashed.")
	return nil
}
