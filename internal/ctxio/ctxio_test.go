package ctxio

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := Reader{Ctx: ctx, R: strings.NewReader("0123456789")}
	buf := make([]byte, 4)
	if n, err := r.Read(buf); n != 4 || err != nil || string(buf) != "0123" {
		t.Fatalf("read %d %q, %v", n, buf[:n], err)
	}
	cancel()
	if b, err := io.ReadAll(r); len(b) != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: read %q, %v", b, err)
	}
}
