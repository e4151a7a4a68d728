package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set at build time: go build -ldflags "-X main.version=1.2.3 -X main.commit=... -X main.date=...".
var version, commit, date string

func (a *app) newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of ecswiz",
		Args:  noArgs,
		RunE: a.runE(func(*cobra.Command) error {
			_, err := fmt.Fprintf(a.stdout, "ecswiz version %s\n", currentBuild())
			return err
		}),
	}
}

// build describes this binary.
type build struct {
	Version, Commit, Date string
}

// currentBuild is the ldflags values, falling back to what the Go toolchain recorded
// (module version for go install, VCS revision for a build in a checkout).
func currentBuild() build {
	b := build{Version: version, Commit: commit, Date: date}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; b.Version == "" && v != "" && v != "(devel)" {
			b.Version = v
		}
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if commit == "" && b.Commit != "" && modified {
			b.Commit += "-dirty"
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// String reads "1.2.3 (commit 1a2b3c4, built 2025-01-02T03:04:05Z, go1.26.1 linux/amd64)".
func (b build) String() string {
	var details []string
	if b.Commit != "" {
		details = append(details, "commit "+b.Commit)
	}
	if b.Date != "" {
		details = append(details, "built "+b.Date)
	}
	details = append(details, runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	return fmt.Sprintf("%s (%s)", b.Version, strings.Join(details, ", "))
}
