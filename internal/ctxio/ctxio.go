// Package ctxio stops long reads when their context is done.
package ctxio

import (
	"context"
	"io"
)

// Reader reads R until Ctx is done, then fails with Ctx's error: a long
// copy (a backup, a hash of a large file) stops at Ctrl-C or when the run
// it serves has failed.
type Reader struct {
	Ctx context.Context
	R   io.Reader
}

func (c Reader) Read(p []byte) (int, error) {
	if err := c.Ctx.Err(); err != nil {
		return 0, err
	}
	return c.R.Read(p)
}
