package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/dncctl/dncctl/scrub"
)

// A hashed list's kind comes from --hash or from its column's name; a file
// that names neither needs --hash, or an HMAC list imported as plain
// SHA-256 would match no number.
func TestHashedFileKind(t *testing.T) {
	const hmacHash = "60c57e786c81e67535c85c383e112bd9bd9b8fa4e3aeba522da2bf168eb0c58b"
	tests := []struct {
		name   string
		header []string
		given  string
		want   scrub.HashKind
		err    string
	}{
		{"hash_sha256 column", []string{"hash_sha256", "channel"}, "", scrub.HashSHA256, ""},
		{"hmac_sha256 column", []string{"hmac_sha256", "channel"}, "", scrub.HashHMACSHA256, ""},
		{"hmac_sha256 column, --hash agrees", []string{"HMAC_SHA256"}, "hmac-sha256", scrub.HashHMACSHA256, ""},
		{"hmac_sha256 column, --hash sha256", []string{"hmac_sha256"}, "sha256", "", "its column hmac_sha256 holds hmac-sha256 hashes, not sha256: give --hash hmac-sha256"},
		{"no header", []string{hmacHash}, "", "", "it has no header to say which hashes it holds: give --hash sha256 or --hash hmac-sha256"},
		{"no header, --hash", []string{hmacHash}, "hmac-sha256", scrub.HashHMACSHA256, ""},
		{"hash column", []string{"hash", "note"}, "", "", "its column hash does not say which hashes it holds"},
		{"hash column, --hash", []string{"hash", "note"}, "sha256", scrub.HashSHA256, ""},
		{"only column, another name", []string{"values"}, "", "", "its column values does not say"},
		{"unknown --hash", []string{"hash"}, "md5", "", `--hash: unknown hash "md5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := locateHashes("f.csv", tt.header)
			if err != nil {
				t.Fatalf("locateHashes: %v", err)
			}
			got, err := loc.kind("f.csv", tt.given)
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Fatalf("kind = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var usage *usageError
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &usage) {
				t.Fatalf("kind = %q, %v; want a usage error saying %q", got, err, tt.err)
			}
		})
	}
}
