package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/internal/ctxio"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// certificateFormat names the certificate's layout, so that a reader years
// from now knows which fields to expect.
const certificateFormat = "dncctl-scrub-certificate/1"

// certificate is the proof of a scrub run: what went in, what came out,
// and what it was checked against. It is kept in the store (runs show) and
// written by --certificate; it cannot hold its own hash, which the store
// keeps beside it and in the run's audit record.
type certificate struct {
	Format     string `json:"format"`
	RunID      int64  `json:"run_id"`
	StartedAt  string `json:"started_at"`
	FinishedAt string `json:"finished_at"`
	Version    string `json:"dncctl_version"`
	Command    string `json:"command"`
	User       string `json:"os_user"`
	Host       string `json:"host"`
	Store      string `json:"store"`

	Options certOptions  `json:"options"`
	Inputs  []certInput  `json:"inputs"`
	Outputs []certOutput `json:"outputs"`
	Counts  scrub.Counts `json:"counts"`
	// Lists and Registries are as they were when the run started.
	Lists      []certList     `json:"lists"`
	Registries []certRegistry `json:"registries"`
	// StaleRegistriesAllowed are the required registries that could not be
	// trusted, passed over with --allow-stale.
	StaleRegistriesAllowed []string   `json:"stale_registries_allowed"`
	Policy                 certPolicy `json:"policy"`
}

// certOptions are the flags that change what a run lets through. None is
// omitted when empty or false: "not given" is part of the proof.
type certOptions struct {
	Channel         string   `json:"channel"`
	Campaign        string   `json:"campaign"`
	Region          string   `json:"region"`
	RegionColumn    string   `json:"region_col"`
	PhoneColumns    []string `json:"phone_cols"`
	Source          string   `json:"source"`
	StrictRegion    bool     `json:"strict_region"`
	WhitelistOnly   bool     `json:"whitelist_only"`
	CallableAt      string   `json:"callable_at"`
	AllowStale      bool     `json:"allow_stale"`
	AllowEmptyStore bool     `json:"allow_empty_store"`
	AllowPending    bool     `json:"allow_pending"`
	// InPlace marks a list in use cleaned again (nightly rescrub): its
	// rows were bought once, and are not counted against a vendor again.
	InPlace bool `json:"in_place,omitempty"`
}

type certInput struct {
	Path         string   `json:"path"`               // as given; - for standard input
	AbsPath      string   `json:"abs_path,omitempty"` // "" for standard input
	SHA256       string   `json:"sha256"`
	Size         int64    `json:"size"`
	Sheets       []string `json:"sheets,omitempty"`
	RowsRead     int      `json:"rows_read"`
	RowsClean    int      `json:"rows_clean"`
	RowsRejected int      `json:"rows_rejected"`
}

type certOutput struct {
	Role    string `json:"role"` // clean, rejected, summary or report
	Path    string `json:"path"`
	AbsPath string `json:"abs_path"`
	Input   string `json:"input,omitempty"` // the input it was made from
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	// Rows are the rows written, the header excepted: the clean list's
	// rows, or the rejection report's lines (one per number removed).
	Rows *int `json:"rows,omitempty"`
}

type certList struct {
	List         string `json:"list"`
	Active       int    `json:"active"`
	LastChangeAt string `json:"last_change_at,omitempty"`
	AgeSeconds   *int64 `json:"age_seconds,omitempty"`
}

type certRegistry struct {
	Name             string `json:"name"`
	Region           string `json:"region"`
	Count            int    `json:"count"`
	LastFullImportAt string `json:"last_full_import_at,omitempty"`
	LastChangeAt     string `json:"last_change_at,omitempty"`
	AgeSeconds       *int64 `json:"age_seconds,omitempty"`
	StaleAllowed     bool   `json:"stale_allowed"`
}

// certPolicy is the policy in force. Rules is the config's compliance rules
// as dncctl read them, every field of them: a rule added to the config later
// is covered without anyone remembering to add it here. SHA256 is over Rules
// as compact JSON (keys sorted), so two runs under the same rules show the
// same hash wherever the config file was.
type certPolicy struct {
	ConfigFile   string          `json:"config_file"`
	ConfigSHA256 string          `json:"config_file_sha256,omitempty"`
	SHA256       string          `json:"sha256"`
	Rules        json.RawMessage `json:"rules"`
}

// actor is who a command's changes are recorded as made by.
func (f *factory) actor() store.Actor { return store.Actor{Command: f.Command, User: f.User()} }

// proof records a scrub run. It starts before the inputs are read and
// records the run before the outputs are put in place, so that no output
// ever exists without its record.
type proof struct {
	// opts are the run's options, with standard input read through a hash.
	opts    *scrubOptions
	st      *store.Store
	started time.Time
	planned []scrubOutput
	inputs  []*inputHash
	lists   []store.ListState
	run     store.Run
}

// inputHash is an input's digest. A file is hashed before the run reads it
// and again after, and the run fails if the two differ: the importers open
// files by name, so hashing the bytes they read is not possible, and a file
// changed in between would otherwise be certified with content that was not
// scrubbed. Standard input cannot be read twice: it is hashed as it is read.
type inputHash struct {
	path   string
	sha256 string
	size   int64
	abs    string
	err    error          // hashing before the run failed: the import will say why
	stdin  *hashingReader // for -
}

// hashInputs starts hashing the input files, on a goroutine of its own
// (while the run loads its lists), and returns what waits for the digests,
// in the order of planned, as often as asked, and what stops the hashing
// (a run that fails first should not wait for a large file to be read).
// Standard input gets none here.
func hashInputs(ctx context.Context, planned []scrubOutput) (wait func() []*inputHash, stop func()) {
	ctx, stop = context.WithCancel(ctx)
	done := make(chan []*inputHash, 1)
	go func() {
		var ins []*inputHash
		for _, out := range planned {
			in := &inputHash{path: out.input}
			if out.input != "-" {
				in.sha256, in.size, in.err = hashFileContext(ctx, out.input)
				in.abs, _ = filepath.Abs(out.input)
			}
			ins = append(ins, in)
		}
		done <- ins
	}()
	return sync.OnceValue(func() []*inputHash { return <-done }), stop
}

// startProof starts the run's proof with the inputs' digests (hashed
// before the run reads them). lists is the lists' state read with the
// index the run checks against (store.LoadIndexAndStates).
func startProof(opts *scrubOptions, st *store.Store, planned []scrubOutput, hashed []*inputHash, lists []store.ListState, started time.Time) *proof {
	p := &proof{st: st, started: started, planned: planned, lists: lists, inputs: hashed}
	runOpts := *opts
	for _, in := range hashed {
		if in.path == "-" {
			ios := *opts.IO
			in.stdin = &hashingReader{r: ios.In, h: sha256.New()}
			ios.In = in.stdin
			runOpts.IO = &ios
		}
	}
	p.opts = &runOpts
	return p
}

// finishOutputs flushes the outputs to disk and returns their digests.
func (p *proof) finishOutputs(run *scrubRun) ([]exporters.Digest, error) {
	// A directory in an output's way would fail the commit after the
	// run is recorded; found now, nothing is recorded.
	for _, o := range p.finalNames() {
		if st, err := os.Stat(o); err == nil && st.IsDir() {
			return nil, fmt.Errorf("write %s: a directory of that name is in the way", o)
		}
	}
	return exporters.FinishAll(run.outputs...)
}

// checkCertificatePath refuses a --certificate that would overwrite an
// input or another output.
func checkCertificatePath(opts *scrubOptions, planned []scrubOutput) error {
	if opts.Certificate == "" {
		return nil
	}
	abs, _ := filepath.Abs(opts.Certificate)
	same := func(p string) bool {
		a, _ := filepath.Abs(p)
		return p != "-" && a == abs
	}
	for _, out := range planned {
		for _, p := range []string{out.input, out.clean, out.rejected} {
			if same(p) {
				return usageErrorf("--certificate %s would overwrite %s", opts.Certificate, p)
			}
		}
	}
	if opts.SummaryJSON != "" && same(opts.SummaryJSON) {
		return usageErrorf("--certificate and --summary-json are the same file %s: give two files", opts.Certificate)
	}
	return nil
}

// hashFile is a file's SHA-256 and size. Only a regular file is hashed:
// a link to /dev/zero would be read forever, and opening a named pipe
// waits for a writer; the importer says why such an input is refused.
func hashFile(path string) (string, int64, error) {
	return hashFileContext(context.Background(), path)
}

// hashFileContext is hashFile, stopped when ctx is done.
func hashFileContext(ctx context.Context, path string) (string, int64, error) {
	f, err := importers.OpenRegular(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxio.Reader{Ctx: ctx, R: f})
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// hashingReader hashes what is read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// finishInputs settles each input's digest once the run has read it.
func (p *proof) finishInputs() error {
	for _, in := range p.inputs {
		if in.stdin != nil {
			in.sha256, in.size = hex.EncodeToString(in.stdin.h.Sum(nil)), in.stdin.n
			continue
		}
		if in.err != nil {
			return fmt.Errorf("%s: cannot hash it for the run's record: %w", in.path, in.err)
		}
		after, size, err := hashFile(in.path)
		if err != nil {
			return fmt.Errorf("%s: cannot hash it for the run's record: %w", in.path, err)
		}
		if after != in.sha256 || size != in.size {
			return fmt.Errorf("%s changed while it was being scrubbed, so what was scrubbed cannot be proved: scrub it again once nothing is writing to it", in.path)
		}
	}
	return nil
}

// commit records the run, with its certificate, and then puts every output
// (the certificate file too) in place. The record comes first: if the
// outputs then fail to appear, the run is marked failed, while the other
// order could leave outputs that no record vouches for.
func (p *proof) commit(ctx context.Context, run *scrubRun, regs []store.Registry, stale []string) error {
	// The inputs are hashed again while the outputs are flushed to disk.
	inputs := make(chan error, 1)
	go func() { inputs <- p.finishInputs() }()
	digests, err := p.finishOutputs(run)
	if ierr := <-inputs; ierr != nil {
		return ierr
	}
	if err != nil {
		return err
	}
	actor := store.Actor{}
	if p.opts.Actor != nil {
		actor = p.opts.Actor()
		p.st.SetActor(actor)
	}
	finished := p.opts.Now()
	doc, outs, err := p.certificate(run, actor, finished, digests, regs, stale)
	if err != nil {
		return err
	}
	var certFile *exporters.AtomicFile
	certAbs := ""
	if name := p.opts.Certificate; name != "" {
		if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
			return fmt.Errorf("--certificate: %w", err)
		}
		if certFile, err = exporters.CreateAtomic(name); err != nil {
			return err
		}
		run.outputs = append(run.outputs, certFile) // aborted with the others on failure
		certAbs, _ = filepath.Abs(name)
	}
	rec, err := p.st.RecordRun(ctx, store.NewRun{StartedAt: p.started, FinishedAt: finished, Version: version, Outputs: outs, CertificateFile: certAbs},
		func(id int64) ([]byte, error) {
			doc.RunID = id
			b, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				return nil, fmt.Errorf("certificate: %w", err)
			}
			b = append(b, '\n')
			// The file holds exactly the recorded bytes, so its hash is the
			// certificate's.
			if certFile != nil {
				if _, err := certFile.Write(b); err != nil {
					return nil, err
				}
			}
			return b, nil
		})
	if err != nil {
		return fmt.Errorf("record the run in %s (nothing was written): %w", p.st.Path(), err)
	}
	p.run = rec
	if err := exporters.CommitAll(run.outputs...); err != nil {
		// The outputs are not there: say so in the record, even if the run
		// was interrupted.
		if ferr := p.st.FailRun(context.WithoutCancel(ctx), rec.ID, err.Error(), p.opts.Now()); ferr != nil {
			return fmt.Errorf("%w (run %d is recorded, and could not be marked failed: %v)", err, rec.ID, ferr)
		}
		return fmt.Errorf("%w (run %d is recorded as failed)", err, rec.ID)
	}
	return nil
}

// finalNames are the names the outputs will have, the certificate's too.
func (p *proof) finalNames() []string {
	var names []string
	for _, out := range p.planned {
		names = append(names, out.clean, out.rejected)
	}
	for _, n := range []string{p.opts.SummaryJSON, p.opts.Certificate, p.opts.Report} {
		if n != "" {
			names = append(names, n)
		}
	}
	return names
}

// printRun tells where the certificate is (only then: the summary's format
// is relied on by scripts).
func (p *proof) printRun(ios *iostreams) {
	if p.opts.Certificate != "" {
		fmt.Fprintf(ios.ErrOut, "certificate: %s (run %d: dncctl runs show %d)\n", p.opts.Certificate, p.run.ID, p.run.ID)
	}
}

// certificate builds the run's certificate (but its id) and the index of
// its outputs.
func (p *proof) certificate(run *scrubRun, actor store.Actor, finished time.Time, digests []exporters.Digest, regs []store.Registry, stale []string) (*certificate, []store.RunOutput, error) {
	o := p.opts
	policy, err := policyOf(o.Rules)
	if err != nil {
		return nil, nil, err
	}
	host, _ := os.Hostname()
	storePath, _ := filepath.Abs(p.st.Path())
	doc := &certificate{
		Format:     certificateFormat,
		StartedAt:  p.started.UTC().Format(time.RFC3339),
		FinishedAt: finished.UTC().Format(time.RFC3339),
		Version:    version,
		Command:    actor.Command,
		User:       actor.User,
		Host:       host,
		Store:      storePath,
		Options: certOptions{
			Channel: strings.ToLower(o.Channel), Campaign: o.Campaign, Region: strings.ToUpper(o.Region),
			RegionColumn: o.RegionCol, PhoneColumns: nonNil(o.PhoneCols), Source: o.Source,
			StrictRegion: o.Strict, WhitelistOnly: o.OnlyWhite, CallableAt: o.CallableAt,
			AllowStale: o.AllowStale, AllowEmptyStore: o.AllowEmpty, AllowPending: o.AllowPending, InPlace: o.InPlace,
		},
		Inputs:                 []certInput{},
		Outputs:                []certOutput{},
		Counts:                 run.summary.Counts,
		Lists:                  []certList{},
		Registries:             []certRegistry{},
		StaleRegistriesAllowed: nonNil(stale),
		Policy:                 policy,
	}
	byPath := map[string]exporters.Digest{}
	for _, d := range digests {
		byPath[d.Path] = d
	}
	var index []store.RunOutput
	addOutput := func(role, path, input string, rows *int) {
		d, ok := byPath[path]
		if !ok {
			return
		}
		abs, _ := filepath.Abs(path)
		doc.Outputs = append(doc.Outputs, certOutput{Role: role, Path: path, AbsPath: abs, Input: input, SHA256: d.SHA256, Size: d.Size, Rows: rows})
		index = append(index, store.RunOutput{Role: role, Path: abs, SHA256: d.SHA256})
	}
	for i, out := range p.planned {
		in := p.inputs[i]
		ci := certInput{Path: in.path, AbsPath: in.abs, SHA256: in.sha256, Size: in.size}
		name := out.name
		var clean, rejected *int
		if fs := run.summary.File(name); fs != nil {
			ci.Sheets, ci.RowsRead, ci.RowsClean, ci.RowsRejected = fs.Sheets, fs.RowsRead, fs.RowsClean, fs.RowsRejected
			lines := 0
			for _, n := range fs.Reasons {
				lines += n
			}
			clean, rejected = &fs.RowsClean, &lines
		}
		doc.Inputs = append(doc.Inputs, ci)
		addOutput(store.RoleClean, out.clean, out.input, clean)
		addOutput(store.RoleRejected, out.rejected, out.input, rejected)
	}
	if o.SummaryJSON != "" {
		addOutput(store.RoleSummary, o.SummaryJSON, "", nil)
	}
	if o.Report != "" {
		addOutput(store.RoleReport, o.Report, "", nil)
	}
	for _, l := range p.lists {
		cl := certList{List: string(l.List), Active: l.Active}
		if !l.LastChange.IsZero() {
			cl.LastChangeAt, cl.AgeSeconds = l.LastChange.UTC().Format(time.RFC3339), ageSeconds(p.started, l.LastChange)
		}
		doc.Lists = append(doc.Lists, cl)
	}
	for _, r := range regs {
		cr := certRegistry{Name: r.Name, Region: r.Region, Count: r.Count}
		if !r.LastFullAt.IsZero() {
			cr.LastFullImportAt = r.LastFullAt.UTC().Format(time.RFC3339)
		}
		if !r.LastChangeAt.IsZero() {
			cr.LastChangeAt = r.LastChangeAt.UTC().Format(time.RFC3339)
		}
		if !r.Updated().IsZero() {
			cr.AgeSeconds = ageSeconds(p.started, r.Updated())
		}
		for _, s := range stale {
			// checkRegistries names the registry first in each problem.
			cr.StaleAllowed = cr.StaleAllowed || strings.HasPrefix(s, r.Name+" ")
		}
		doc.Registries = append(doc.Registries, cr)
	}
	return doc, index, nil
}

func ageSeconds(now, then time.Time) *int64 {
	s := int64(now.Sub(then) / time.Second)
	return &s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// policyOf describes the policy in force: the compliance rules as read, and
// the config file they came from with its hash.
func policyOf(rules func() *fileConfig) (certPolicy, error) {
	var cfg *fileConfig
	if rules != nil {
		cfg = rules()
	}
	var p certPolicy
	var view any
	if cfg != nil {
		c := *cfg
		// Where the file is is not a rule: the same rules must hash the same.
		p.ConfigFile, c.Path = cfg.Path, ""
		view = c
		if cfg.Path != "" {
			p.ConfigSHA256, _, _ = hashFile(cfg.Path)
		}
	}
	b, err := json.Marshal(view)
	if err != nil {
		return p, fmt.Errorf("certificate: the policy: %w", err)
	}
	sum := sha256.Sum256(b)
	p.Rules, p.SHA256 = b, hex.EncodeToString(sum[:])
	return p, nil
}

// parseCertificate reads a certificate kept in the store.
func parseCertificate(r store.Run) (*certificate, error) {
	var c certificate
	if err := json.Unmarshal(r.Certificate, &c); err != nil {
		return nil, fmt.Errorf("run %d: its certificate cannot be read: %w", r.ID, err)
	}
	return &c, nil
}
