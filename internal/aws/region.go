package aws

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// RegionLookup is what ResolveRegion reads. The environment and the home directory are
// passed in rather than read from the process so tests never see the real ones.
type RegionLookup struct {
	Flag    string              // the --region flag value
	Profile string              // the --profile flag value
	Getenv  func(string) string // os.Getenv in production
	HomeDir string              // holds .aws/config; "" when unknown
}

// Region is a resolved Region and where it came from.
type Region struct {
	Name string
	// Source is where Name came from: "--region", "AWS_REGION", "AWS_DEFAULT_REGION"
	// or `profile "dev" in /home/me/.aws/config`; "" when no Region was found.
	Source string
}

// ResolveRegion finds the Region the way the AWS CLI would, without loading
// credentials or the SDK: the --region flag, AWS_REGION, AWS_DEFAULT_REGION, then the
// region of the selected profile in the shared config file. Finding none is not an
// error (Name is ""); a config file that exists but cannot be read is.
func ResolveRegion(l RegionLookup) (Region, error) {
	getenv := l.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if r := strings.TrimSpace(l.Flag); r != "" {
		return Region{Name: r, Source: "--region"}, nil
	}
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if r := strings.TrimSpace(getenv(name)); r != "" {
			return Region{Name: r, Source: name}, nil
		}
	}

	path := sharedConfigPath(getenv, l.HomeDir)
	if path == "" {
		return Region{}, nil
	}
	profile := firstNonEmpty(l.Profile, getenv("AWS_PROFILE"), "default")
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Region{}, nil
	}
	if err != nil {
		return Region{}, fmt.Errorf("read AWS config file: %w", err)
	}
	if r := profileRegion(src, profile); r != "" {
		return Region{Name: r, Source: fmt.Sprintf("profile %q in %s", profile, path)}, nil
	}
	return Region{}, nil
}

// sharedConfigPath is AWS_CONFIG_FILE, else ~/.aws/config; "" when neither can be known.
func sharedConfigPath(getenv func(string) string, home string) string {
	if p := getenv("AWS_CONFIG_FILE"); p != "" {
		if rest, ok := strings.CutPrefix(p, "~/"); ok && home != "" {
			return filepath.Join(home, rest)
		}
		return p
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".aws", "config")
}

// profileRegion returns the region key of a profile in a shared config file, or "".
// The default profile may be written [default] or [profile default]; like the SDKs,
// the latter wins when both set a region. Within a section the last region wins.
// Indented lines under a property are its sub-properties or continuation lines
// (e.g. the s3 block) and are never the profile's own region.
func profileRegion(src []byte, profile string) string {
	var plain, prefixed string // region of [NAME] and of [profile NAME]
	var section string         // "plain", "prefixed" or "" for a section we skip
	afterProperty := false
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			section, afterProperty = "", false
			name, ok := sectionName(line)
			switch {
			case !ok:
			case name == "profile "+profile:
				section = "prefixed"
			case name == profile && profile == "default":
				section = "plain"
			}
			continue
		}
		indented := raw[0] == ' ' || raw[0] == '\t'
		if indented && afterProperty {
			continue
		}
		afterProperty = true
		key, value, ok := strings.Cut(line, "=")
		if !ok || section == "" || !strings.EqualFold(strings.TrimSpace(key), "region") {
			continue
		}
		value = stripInlineComment(strings.TrimSpace(value))
		if section == "prefixed" {
			prefixed = value
		} else {
			plain = value
		}
	}
	return firstNonEmpty(prefixed, plain)
}

// sectionName reads "[ profile  dev ]  # note" as "profile dev".
func sectionName(line string) (string, bool) {
	end := strings.IndexByte(line, ']')
	if end < 0 {
		return "", false
	}
	return strings.Join(strings.Fields(line[1:end]), " "), true
}

// stripInlineComment drops a # or ; comment that follows whitespace, as the SDKs do;
// a # inside a value (no space before it) is part of the value.
func stripInlineComment(v string) string {
	for i := 1; i < len(v); i++ {
		if (v[i] == '#' || v[i] == ';') && (v[i-1] == ' ' || v[i-1] == '\t') {
			return strings.TrimSpace(v[:i])
		}
	}
	return v
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
