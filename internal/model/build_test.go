package model

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestRendersMatchTheGoldenFiles(t *testing.T) {
	for name, s := range exampleSpecs(t) {
		t.Run(name, func(t *testing.T) {
			td, err := Build(s, "")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "render", name+".json"), RenderJSON(td))
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/model -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Fatalf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestBuildTakesTheRegionFromTheSpecFirst(t *testing.T) {
	s := validSpec()
	td, _ := Build(s, "us-east-1")
	if got := td.ContainerDefinitions[0].LogConfiguration.Options["awslogs-region"]; got != "eu-west-2" {
		t.Fatalf("got %q", got)
	}
	s.AWSRegion = ""
	td, _ = Build(s, "us-east-1")
	if got := td.ContainerDefinitions[0].LogConfiguration.Options["awslogs-region"]; got != "us-east-1" {
		t.Fatalf("got %q", got)
	}
	if _, err := Build(s, ""); !errors.Is(err, ErrNoRegion) {
		t.Fatalf("want ErrNoRegion, got %v", err)
	}
}

func TestBuildMergesUserValuesOverTheAutomaticOnes(t *testing.T) {
	s := validSpec()
	s.EnvironmentVariables = map[string]string{"PORT": "9000", "EXTRA": "1"}
	s.SecretsFromParameterStore = map[string]string{"REDIS_HOST": "/shared/redis"}
	s.EnableTwilio = true
	td, _ := Build(s, "")
	c := td.ContainerDefinitions[0]
	env := map[string]string{}
	for _, kv := range c.Environment {
		env[kv.Name] = kv.Value
	}
	if env["PORT"] != "9000" || env["EXTRA"] != "1" || env["PYTHONUNBUFFERED"] != "1" {
		t.Errorf("environment: %v", env)
	}
	secrets := map[string]string{}
	for _, sec := range c.Secrets {
		secrets[sec.Name] = sec.ValueFrom
	}
	if secrets["REDIS_HOST"] != "/shared/redis" || secrets["TWILIO_AUTH_TOKEN"] != "/backend-booking/dev/third-party/twilio-auth-token" {
		t.Errorf("secrets: %v", secrets)
	}
	if len(c.Secrets) != 9 {
		t.Errorf("want 6 required and 3 Twilio secrets, got %d", len(c.Secrets))
	}
}

func TestCapabilitiesAddIsWrittenEvenWhenEmpty(t *testing.T) {
	s := validSpec()
	s.EnableLinuxParameters = true
	s.LinuxCapabilitiesDrop = []string{"ALL"}
	td, _ := Build(s, "")
	out := string(RenderJSON(td))
	if want := `"add": []`; !strings.Contains(out, want) {
		t.Fatalf("render lacks %s:\n%s", want, out)
	}
}

func TestTheParameterPrefixCanBeSet(t *testing.T) {
	s := validSpec()
	s.ParameterStorePrefix = "/shared/dev"
	if got := RequiredSecrets(s)[0].ValueFrom; got != "/shared/dev/app/django-secret-key" {
		t.Fatalf("got %q", got)
	}
}

func TestEveryAutomaticVariableSaysWhereItComesFrom(t *testing.T) {
	s := validSpec()
	s.S3BucketName, s.CloudFrontDistributionID = "media", "E1234567890ABC"
	fixed := map[string]bool{"PYTHONUNBUFFERED": true, "DATABASE_ENGINE": true}
	for name := range AutomaticEnvironment(s) {
		variable, ok := AutomaticEnvironmentSource(name)
		switch {
		case !ok:
			t.Errorf("%s: no source", name)
		case fixed[name] && variable != "":
			t.Errorf("%s is fixed by design, but comes from %q", name, variable)
		case !fixed[name]:
			if _, ok := LookupVariable(variable); !ok {
				t.Errorf("%s comes from %q, which is not a variable", name, variable)
			}
		}
	}
	if variable, ok := AutomaticEnvironmentSource("AWS_STORAGE_BUCKET_NAME"); !ok || variable != "s3_bucket_name" {
		t.Errorf("AWS_STORAGE_BUCKET_NAME without a bucket: %q %v", variable, ok)
	}
	if _, ok := AutomaticEnvironmentSource("SENTRY_DSN"); ok {
		t.Error("SENTRY_DSN is not set by ecswiz")
	}
}
