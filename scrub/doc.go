// Package scrub is the dncctl engine: it normalizes phone numbers, checks them
// against the suppression lists loaded for a run, and decides for every row
// whether it goes to the clean call list or to the rejection report.
//
// It knows nothing of files, formats, flags or terminals: rows come in through
// the Source interface and leave through Sink, and the lists are handed to it
// as an Index built before the run starts.
package scrub
