//go:build !gendocs

package main

import "github.com/spf13/cobra"

// newGenDocsCmd is not in a build without the gendocs tag (see cmd_gendocs.go).
func newGenDocsCmd() *cobra.Command { return nil }
