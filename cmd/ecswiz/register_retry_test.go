package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// Running `ecswiz register` again after a run whose registration timed out must not make
// a second revision: ECS makes one on every RegisterTaskDefinition call. These tests run
// ecswiz against an account of its own (the demo account's data, at AWS_ENDPOINT_URL, as
// a user pointing the AWS CLI at an endpoint would) behind a network the test controls,
// so the account outlives one run and the runs can be compared.

// demoShopChanged is the demo spec with one change, so registering it makes
// demo-shop-dev:5; its checks pass on the demo account.
var demoShopChanged = []string{"-f", "../../examples/demo-shop-dev.tfvars", "--set", "allowed_hosts=shop.example.com"}

// answerLosingProxy forwards to the fake, except that the answer to the first
// RegisterTaskDefinition it sees is lost: the fake registers, and the caller waits until
// it gives up. lost is closed once the registration is made.
type answerLosingProxy struct {
	next http.Handler
	once sync.Once
	lost chan struct{}
}

func (p *answerLosingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lose := false
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".RegisterTaskDefinition") {
		p.once.Do(func() { lose = true })
	}
	if !lose {
		p.next.ServeHTTP(w, r)
		return
	}
	// The fake does the work whatever the caller does meanwhile; its answer goes nowhere.
	p.next.ServeHTTP(httptest.NewRecorder(), r.WithContext(context.WithoutCancel(r.Context())))
	close(p.lost)
	<-r.Context().Done()
}

// awsAt runs ecswiz with AWS at endpoint: static keys, the fake's Region, no profile.
// The SDK reads the process's environment itself, so the test sets it.
func awsAt(t *testing.T, srv *fakeaws.Server, endpoint string) cli {
	t.Helper()
	env := map[string]string{
		"AWS_ENDPOINT_URL":          endpoint,
		"AWS_ACCESS_KEY_ID":         "fake",
		"AWS_SECRET_ACCESS_KEY":     "fake",
		"AWS_REGION":                srv.Region(),
		"AWS_EC2_METADATA_DISABLED": "true",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	return cli{env: env}
}

// runWith runs ecswiz as cli.run does, with ctx.
func (c cli) runWith(ctx context.Context, t *testing.T, args ...string) result {
	t.Helper()
	home := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, deps{
		stdout:  &stdout,
		stderr:  &stderr,
		getenv:  func(k string) string { return c.env[k] },
		homeDir: func() (string, error) { return home, nil },
	})
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// expiringContext is a deadline that strikes when expire is called rather than at a
// time: the first run ends exactly while its registration's answer is lost, on any
// machine, however loaded.
type expiringContext struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newExpiringContext(parent context.Context) *expiringContext {
	return &expiringContext{Context: parent, done: make(chan struct{})}
}

func (c *expiringContext) Done() <-chan struct{} { return c.done }

func (c *expiringContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *expiringContext) expire() { c.once.Do(func() { close(c.done) }) }

// latestRevision is the latest ACTIVE revision of family in srv.
func latestRevision(t *testing.T, srv *fakeaws.Server, family string) int {
	t.Helper()
	clients, err := aws.Load(t.Context(), aws.Options{
		Region: srv.Region(), EndpointURL: srv.URL(),
		Credentials: &aws.StaticCredentials{AccessKeyID: "fake", SecretAccessKey: "fake"},
		Getenv:      func(string) string { return "" }, HomeDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := clients.ECS.DescribeTaskDefinition(t.Context(), family)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		TaskDefinition struct {
			Revision int `json:"revision"`
		} `json:"taskDefinition"`
	}
	if err := json.Unmarshal(doc, &out); err != nil {
		t.Fatal(err)
	}
	return out.TaskDefinition.Revision
}

func TestRegisterAgainAfterATimedOutRegistrationMakesNoNewRevision(t *testing.T) {
	tests := []struct {
		name string
		// ending is the first run's context and what ends it, which is called while
		// the registration's answer is lost.
		ending    func(parent context.Context) (context.Context, func())
		wantCode  int
		wantError string
	}{
		{name: "the first run's deadline passes while the answer is lost",
			ending: func(parent context.Context) (context.Context, func()) {
				ctx := newExpiringContext(parent)
				return ctx, ctx.expire
			},
			wantCode: exitFailure, wantError: `ecswiz: register task definition "demo-shop-dev": cannot reach AWS`},
		{name: "the first run is interrupted while the answer is lost",
			ending: func(parent context.Context) (context.Context, func()) {
				return context.WithCancel(parent)
			},
			wantCode: exitCancelled, wantError: `register task definition "demo-shop-dev"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeaws.NewDemo()
			if _, err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			target, err := url.Parse(srv.URL())
			if err != nil {
				t.Fatal(err)
			}
			proxy := &answerLosingProxy{next: httputil.NewSingleHostReverseProxy(target), lost: make(chan struct{})}
			network := httptest.NewServer(proxy)
			t.Cleanup(network.Close)
			c := awsAt(t, srv, network.URL)

			ctx, end := tt.ending(t.Context())
			go func() {
				select {
				case <-proxy.lost:
					end()
				case <-t.Context().Done():
				}
			}()
			first := c.runWith(ctx, t, append([]string{"register"}, demoShopChanged...)...)
			mayExist := "ecswiz: ECS may have made the revision before the answer was lost: running register again compares with the latest revision first, so it will not make a second one\n"
			if first.code != tt.wantCode || first.stdout != "" || !strings.Contains(first.stderr, tt.wantError) || !strings.HasSuffix(first.stderr, mayExist) {
				t.Fatalf("first run: exit %d, stdout %q, stderr %q; want exit %d, %q and that the revision may exist", first.code, first.stdout, first.stderr, tt.wantCode, tt.wantError)
			}
			t.Logf("the first run ended with exit %d: %s", first.code, first.stderr)
			if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
				t.Fatalf("the first run sent RegisterTaskDefinition %d times, want once", n)
			}

			again := c.runWith(t.Context(), t, append([]string{"register"}, demoShopChanged...)...)
			if again.code != exitOK || again.stdout != "unchanged: demo-shop-dev:5\n" || again.stderr != "" {
				t.Errorf("second run: exit %d, stdout %q, stderr %q; want unchanged: demo-shop-dev:5", again.code, again.stdout, again.stderr)
			}
			if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
				t.Errorf("RegisterTaskDefinition was sent %d times in all, want once", n)
			}
			if got := latestRevision(t, srv, "demo-shop-dev"); got != 5 {
				t.Errorf("the latest revision is %d, want 5", got)
			}
		})
	}
}

// A timeout AWS reports after the work (RequestTimeoutException) is not retried; the
// run looks, finds the revision and says so; the next run registers nothing.
func TestRegisterWhoseAnswerTimedOutFindsTheRevisionAndTheNextRunSaysUnchanged(t *testing.T) {
	srv := fakeaws.NewDemo()
	srv.Fail("RegisterTaskDefinition", "RequestTimeoutException", "Request timed out", fakeaws.AfterWork(), fakeaws.Times(1))
	if _, err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := awsAt(t, srv, srv.URL())

	first := c.runWith(t.Context(), t, append([]string{"register"}, demoShopChanged...)...)
	if first.code != exitOK || !strings.Contains(first.stdout, "task_definition_revision = 5\n") {
		t.Fatalf("first run: exit %d, stdout %q, stderr %q", first.code, first.stdout, first.stderr)
	}
	for _, want := range []string{"ecswiz: the answer to the registration was lost (", "Request timed out", "but demo-shop-dev:5 now matches the spec: it was registered\n"} {
		if !strings.Contains(first.stderr, want) {
			t.Errorf("first run: stderr %q lacks %q", first.stderr, want)
		}
	}
	again := c.runWith(t.Context(), t, append([]string{"register"}, demoShopChanged...)...)
	if again.code != exitOK || again.stdout != "unchanged: demo-shop-dev:5\n" || again.stderr != "" {
		t.Errorf("second run: exit %d, stdout %q, stderr %q; want unchanged: demo-shop-dev:5", again.code, again.stdout, again.stderr)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
		t.Errorf("RegisterTaskDefinition was sent %d times, want once", n)
	}
}
