package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/scrub"
)

// nightlyJob is one job of the config file's jobs section: an inbox of new
// lead files to scrub, or a directory of lists in use to clean again.
type nightlyJob struct {
	Name     string
	Inbox    string // new files arrive here
	Pattern  string // which of them: a glob, with {a,b} alternatives
	Out      string // clean lists go here
	Rejected string // rejection reports go here (default: Out)
	Archive  string // processed inputs move here
	Rescrub  string // lists already in use, cleaned again in place

	Region    string
	Source    string
	Channel   string
	Campaign  string
	Format    string
	PhoneCols []string
	RegionCol string
}

// jobKeys are the keys a job may have.
var jobKeys = []string{"inbox", "pattern", "out", "rejected", "archive", "rescrub",
	"region", "source", "channel", "campaign", "format", "phone_col", "region_col"}

// decodeJobs reads the jobs section; relative paths are relative to the
// config file's directory, so that a job means the same from any working
// directory (cron's is $HOME).
func decodeJobs(v configValues, path string) ([]nightlyJob, error) {
	var names []string
	for name := range v.GetStringMap("jobs") {
		names = append(names, name)
	}
	sort.Strings(names)
	base := filepath.Dir(path)
	dir := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	var jobs []nightlyJob
	for _, name := range names {
		key := "jobs." + name + "."
		j := nightlyJob{
			Name: name, Inbox: dir(v.GetString(key + "inbox")), Pattern: v.GetString(key + "pattern"),
			Out: dir(v.GetString(key + "out")), Rejected: dir(v.GetString(key + "rejected")),
			Archive: dir(v.GetString(key + "archive")), Rescrub: dir(v.GetString(key + "rescrub")),
			Region: v.GetString(key + "region"), Source: v.GetString(key + "source"), Channel: v.GetString(key + "channel"),
			Campaign: v.GetString(key + "campaign"), Format: v.GetString(key + "format"),
			PhoneCols: v.GetStringSlice(key + "phone_col"), RegionCol: v.GetString(key + "region_col"),
		}
		if err := j.check(); err != nil {
			return nil, fmt.Errorf("jobs.%s: %w", name, err)
		}
		if j.Rescrub != "" && j.Region == "" && v.GetString("region") == "" {
			// Lists hold national numbers: read without a region they are
			// all invalid, and the rescrub would empty them.
			return nil, fmt.Errorf("jobs.%s: a rescrub job needs region (or region at the top of the file)", name)
		}
		jobs = append(jobs, j)
	}
	return jobs, checkJobDirs(jobs)
}

// checkJobDirs refuses jobs whose directories cross: a job's outputs in
// another's inbox would be scrubbed as leads, or archived away from the
// dialer; two jobs writing one out directory would replace each other's
// lists; a rescrub of an out directory would clean reports as lists.
func checkJobDirs(jobs []nightlyJob) error {
	type use struct{ job, role string }
	seen := map[string]use{}
	for _, j := range jobs {
		dirs := [][2]string{{"inbox", j.Inbox}, {"out", j.Out}, {"archive", j.Archive}, {"rescrub", j.Rescrub}}
		if j.Rejected != j.Out {
			dirs = append(dirs, [2]string{"rejected", j.Rejected})
		}
		for _, d := range dirs {
			if d[1] == "" {
				continue
			}
			key := canonicalPath(d[1])
			if other, ok := seen[key]; ok {
				return fmt.Errorf("jobs.%s.%s and jobs.%s.%s are the same directory, %s: give each job directories of its own", other.job, other.role, j.Name, d[0], d[1])
			}
			seen[key] = use{j.Name, d[0]}
		}
	}
	return nil
}

// check refuses a job that could not run, or could lose a file.
func (j *nightlyJob) check() error {
	switch {
	case j.Inbox == "" && j.Rescrub == "":
		return fmt.Errorf("give inbox (new files to scrub) or rescrub (lists in use to clean again)")
	case j.Inbox != "" && j.Rescrub != "":
		return fmt.Errorf("inbox and rescrub: a job does one or the other; make two jobs")
	case j.Inbox != "" && (j.Out == "" || j.Archive == ""):
		return fmt.Errorf("an inbox job needs out (for the clean lists) and archive (where processed inputs go)")
	case j.Inbox != "" && (samePath(j.Archive, j.Inbox) || samePath(j.Out, j.Inbox) || (j.Rejected != "" && samePath(j.Rejected, j.Inbox))):
		return fmt.Errorf("out, rejected and archive must not be the inbox: their files would be taken for new leads")
	case j.Rescrub != "" && j.Rejected != "" && samePath(j.Rejected, j.Rescrub):
		return fmt.Errorf("rejected must not be the rescrub directory: its reports would be cleaned as lists")
	}
	if j.Rejected == "" {
		j.Rejected = j.Out
	}
	if j.Channel != "" {
		if _, err := scrub.ParseChannel(j.Channel); err != nil {
			return fmt.Errorf("channel: %w", err)
		}
	}
	if _, err := scrub.NewNormalizer(j.Region); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	if j.Format != "" {
		if _, err := exporters.ParseFormat(j.Format); err != nil {
			return fmt.Errorf("format: %w", err)
		}
	}
	if j.Pattern == "" {
		j.Pattern = "*"
	}
	for _, p := range expandBraces(j.Pattern) {
		if _, err := filepath.Match(p, ""); err != nil || strings.Contains(p, "/") {
			return fmt.Errorf("pattern %q is not a file name pattern such as *.{csv,xlsx}", j.Pattern)
		}
	}
	return nil
}

// expandBraces expands the first {a,b,…} group of a pattern, and so on
// recursively: filepath.Match has no alternatives.
func expandBraces(p string) []string {
	open := strings.IndexByte(p, '{')
	end := strings.IndexByte(p, '}')
	if open < 0 || end < open {
		return []string{p}
	}
	var out []string
	for _, alt := range strings.Split(p[open+1:end], ",") {
		out = append(out, expandBraces(p[:open]+alt+p[end+1:])...)
	}
	return out
}

// matches reports whether a file name fits the job's pattern.
func (j *nightlyJob) matches(name string) bool {
	for _, p := range expandBraces(j.Pattern) {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}
