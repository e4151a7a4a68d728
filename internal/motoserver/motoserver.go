// Package motoserver gives integration tests a real AWS emulator: moto_server on a
// loopback port. `make test` (scripts/with-moto) starts one for the whole run and exports
// its address as ECSWIZ_MOTO_ENDPOINT; a test run without it starts one of its own.
package motoserver

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvEndpoint names the variable that carries the address of a running moto_server.
const EnvEndpoint = "ECSWIZ_MOTO_ENDPOINT"

// Region is the Region the tests talk to moto in.
const Region = "eu-west-2"

// startTimeout bounds how long moto_server may take to answer after it starts.
const startTimeout = 20 * time.Second

// Endpoint returns the URL of a moto_server for t: the one in ECSWIZ_MOTO_ENDPOINT when
// set, else one started for this test and stopped when it ends. Without moto_server on
// PATH the test is skipped with a notice, or fails under CI=true, where skipping would
// hide that the integration tests never ran.
func Endpoint(t testing.TB) string {
	t.Helper()
	if ep := os.Getenv(EnvEndpoint); ep != "" {
		return strings.TrimRight(ep, "/")
	}
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		Unavailable(t, "moto_server is not on PATH",
			"run `make test` (which starts moto) or install moto (pip install 'moto[server]')")
	}
	return start(t, bin)
}

// Unavailable stops a test that needs a tool the machine lacks: a failure under CI=true,
// otherwise a skip whose reason says how to get the tool.
func Unavailable(t testing.TB, what, how string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s, and CI=true requires the AWS integration tests to run: %s", what, how)
	}
	// Skip reasons only show with -v; stderr also shows when `go test` runs in a package
	// directory (package-list mode hides both for passing packages; scripts/with-moto
	// prints its own notice for `make test`).
	notice(what, how)
	t.Skipf("NOTICE: %s; skipping the AWS integration test (%s)", what, how)
}

var noticeOnce sync.Map

func notice(what, how string) {
	if _, seen := noticeOnce.LoadOrStore(what, true); seen {
		return
	}
	fmt.Fprintf(os.Stderr, "NOTICE: %s: AWS integration tests are SKIPPED; %s\n", what, how)
}

func start(t testing.TB, bin string) string {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatalf("find a free loopback port for moto_server: %v", err)
	}
	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)

	var log syncBuffer
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout = &log
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	if err := waitUntilAnswering(endpoint, exited); err != nil {
		t.Fatalf("moto_server on %s: %v; its log:\n%s", endpoint, err, log.String())
	}
	return endpoint
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitUntilAnswering(endpoint string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := client.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before answering")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within %s (last error: %v)", startTimeout, err)
		}
	}
}

// CLIEnv is the environment for an AWS client run as a subprocess (the aws CLI) against
// endpoint: the current environment without any AWS_ variable, plus static test
// credentials, the test Region and no shared config or credentials files, so nothing
// from the developer's own AWS setup (profiles, SSO, real keys) can leak in or be used.
func CLIEnv(endpoint string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_SESSION_TOKEN=testing",
		"AWS_DEFAULT_REGION="+Region,
		"AWS_REGION="+Region,
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_ENDPOINT_URL="+endpoint,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	)
}

// syncBuffer collects moto's output, written from exec's copying goroutine and read by
// the test when moto fails to start.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
