package aws

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sampleConfig = `# a comment
; another comment
[default]
region = eu-west-2
output = json

[profile dev]
region=us-east-1 # inline comment
s3 =
  region = ap-south-1

[profile   spaced   ]
  region   =   eu-central-1

[profile nested]
output = json
s3 =
  max_concurrent_requests = 10
  region = ap-south-1

[dev]
region = sa-east-1

[profile noregion]
output = text

[profile later]
region = us-west-1
[profile later]
region = us-west-2
`

func TestResolveRegion(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), sampleConfig)
	other := filepath.Join(t.TempDir(), "other-config")
	writeFile(t, other, "[profile ci]\nregion = ca-central-1\n[default]\nregion = af-south-1\n")
	bare := writeTemp(t, "[dev]\nregion = sa-east-1\n")
	both := writeTemp(t, "[profile default]\nregion = us-east-1\n[default]\nregion = eu-west-1\n")

	tests := []struct {
		name   string
		lookup RegionLookup
		env    map[string]string
		nilEnv bool // leave Getenv nil
		want   Region
	}{
		{
			name:   "the flag wins over everything",
			lookup: RegionLookup{Flag: "eu-north-1", Profile: "dev", HomeDir: home},
			env:    map[string]string{"AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1"},
			want:   Region{Name: "eu-north-1", Source: "--region"},
		},
		{
			name:   "AWS_REGION wins over AWS_DEFAULT_REGION and the config file",
			lookup: RegionLookup{HomeDir: home},
			env:    map[string]string{"AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1"},
			want:   Region{Name: "us-east-2", Source: "AWS_REGION"},
		},
		{
			name:   "AWS_DEFAULT_REGION wins over the config file",
			lookup: RegionLookup{HomeDir: home},
			env:    map[string]string{"AWS_DEFAULT_REGION": "us-west-1"},
			want:   Region{Name: "us-west-1", Source: "AWS_DEFAULT_REGION"},
		},
		{
			name:   "a blank flag or variable is as good as unset",
			lookup: RegionLookup{Flag: " ", HomeDir: home},
			env:    map[string]string{"AWS_REGION": "  "},
			want:   Region{Name: "eu-west-2", Source: `profile "default" in ` + filepath.Join(home, ".aws", "config")},
		},
		{
			name:   "the default profile comes from the default section",
			lookup: RegionLookup{HomeDir: home},
			want:   Region{Name: "eu-west-2", Source: `profile "default" in ` + filepath.Join(home, ".aws", "config")},
		},
		{
			name:   "the profile flag selects a profile section and ignores inline comments and sub-properties",
			lookup: RegionLookup{Profile: "dev", HomeDir: home},
			env:    map[string]string{"AWS_PROFILE": "spaced"},
			want:   Region{Name: "us-east-1", Source: `profile "dev" in ` + filepath.Join(home, ".aws", "config")},
		},
		{
			name:   "AWS_PROFILE selects the profile when there is no flag",
			lookup: RegionLookup{HomeDir: home},
			env:    map[string]string{"AWS_PROFILE": "spaced"},
			want:   Region{Name: "eu-central-1", Source: `profile "spaced" in ` + filepath.Join(home, ".aws", "config")},
		},
		{
			name:   "a region nested under another property is not the profile's region",
			lookup: RegionLookup{Profile: "nested", HomeDir: home},
			want:   Region{},
		},
		{
			name:   "a section without the profile prefix is not a named profile",
			lookup: RegionLookup{Profile: "dev", HomeDir: home},
			env:    map[string]string{"AWS_CONFIG_FILE": bare},
			want:   Region{},
		},
		{
			name:   "a profile without a region gives none",
			lookup: RegionLookup{Profile: "noregion", HomeDir: home},
			want:   Region{},
		},
		{
			name:   "a profile that does not exist gives none",
			lookup: RegionLookup{Profile: "missing", HomeDir: home},
			want:   Region{},
		},
		{
			name:   "the last of repeated sections wins",
			lookup: RegionLookup{Profile: "later", HomeDir: home},
			want:   Region{Name: "us-west-2", Source: `profile "later" in ` + filepath.Join(home, ".aws", "config")},
		},
		{
			name:   "AWS_CONFIG_FILE replaces the file in the home directory",
			lookup: RegionLookup{Profile: "ci", HomeDir: home},
			env:    map[string]string{"AWS_CONFIG_FILE": other},
			want:   Region{Name: "ca-central-1", Source: `profile "ci" in ` + other},
		},
		{
			name:   "a tilde in AWS_CONFIG_FILE is the home directory",
			lookup: RegionLookup{HomeDir: home},
			env:    map[string]string{"AWS_CONFIG_FILE": "~/.aws/config"},
			want:   Region{Name: "eu-west-2", Source: `profile "default" in ` + filepath.Join(home, ".aws", "config")},
		},
		{
			name:   "profile default wins over default when both set a region",
			lookup: RegionLookup{HomeDir: home},
			env:    map[string]string{"AWS_CONFIG_FILE": both},
			want:   Region{Name: "us-east-1", Source: `profile "default" in ` + both},
		},
		{
			name:   "a missing config file gives no region and no error",
			lookup: RegionLookup{HomeDir: t.TempDir()},
			want:   Region{},
		},
		{
			name:   "an unknown home directory gives no region and no error",
			lookup: RegionLookup{},
			want:   Region{},
		},
		{
			name:   "a nil Getenv reads as an empty environment",
			lookup: RegionLookup{HomeDir: t.TempDir()},
			nilEnv: true,
			want:   Region{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.lookup
			if !tt.nilEnv {
				l.Getenv = func(k string) string { return tt.env[k] }
			}
			got, err := ResolveRegion(l)
			if err != nil {
				t.Fatalf("ResolveRegion: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ResolveRegion mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveRegionReportsAnUnreadableConfigFile(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("file permissions do not stop this user from reading")
	}
	path := writeTemp(t, "[default]\nregion = eu-west-1\n")
	if err := os.Chmod(path, 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := ResolveRegion(RegionLookup{Getenv: func(k string) string {
		return map[string]string{"AWS_CONFIG_FILE": path}[k]
	}})
	if err == nil || !strings.Contains(err.Error(), "read AWS config file") || !os.IsPermission(err) {
		t.Fatalf("ResolveRegion error = %v, want a wrapped permission error", err)
	}
}

func TestResolveRegionReportsAConfigPathThatIsADirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := ResolveRegion(RegionLookup{Getenv: func(k string) string {
		return map[string]string{"AWS_CONFIG_FILE": dir}[k]
	}})
	if err == nil || !strings.Contains(err.Error(), "read AWS config file") {
		t.Fatalf("ResolveRegion error = %v, want a wrapped read error", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path, content)
	return path
}
