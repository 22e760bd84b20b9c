//go:build gendocs

package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenDocsCmd writes man pages and markdown for every command. It is hidden,
// and built only with the gendocs tag ("make docs" and "make test" use it):
// cobra/doc's man page writer brings a markdown parser whose package
// initialization cost every dncctl command 2 ms.
func newGenDocsCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:    "gen-docs",
		Short:  "Write man pages and markdown for every command",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			root.DisableAutoGenTag = true
			if err := os.MkdirAll(dir+"/man", 0o755); err != nil {
				return err
			}
			// A fixed date keeps the pages the same from one run to the next.
			date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			header := &doc.GenManHeader{Title: "DNCCTL", Section: "1", Source: "dncctl", Manual: "dncctl manual", Date: &date}
			if err := doc.GenManTree(root, header, dir+"/man"); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			if err := doc.GenMarkdownTree(root, dir); err != nil {
				return fmt.Errorf("markdown: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "docs/cli", "directory to write into")
	return cmd
}
