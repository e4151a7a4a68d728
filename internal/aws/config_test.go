package aws

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go/logging"
)

var testCredentials = &StaticCredentials{AccessKeyID: "testing", SecretAccessKey: "testing"}

func TestLoadDoesNoNetworkIO(t *testing.T) {
	// Nothing listens on port 9 of a documentation address: any I/O would fail or hang.
	clients, err := Load(context.Background(), Options{
		Region: "eu-west-2", EndpointURL: "http://192.0.2.1:9", Credentials: testCredentials,
		Getenv: func(string) string { return "" },
	})
	if err != nil || clients.Parameters == nil || clients.ECS == nil || clients.STS == nil {
		t.Fatalf("Load = %v, %v", clients, err)
	}
	if clients.Region.Name != "eu-west-2" || clients.Region.Source != "--region" {
		t.Errorf("region = %+v", clients.Region)
	}
}

func TestLoadWithoutARegionSaysSo(t *testing.T) {
	_, err := Load(context.Background(), Options{Getenv: func(string) string { return "" }, Credentials: testCredentials})
	if KindOf(err) != KindNoRegion {
		t.Errorf("err = %v, want KindNoRegion", err)
	}
}

func TestLoadFallsBackToTheRegionResolver(t *testing.T) {
	env := map[string]string{"AWS_DEFAULT_REGION": "ap-south-1"}
	clients, err := Load(context.Background(), Options{Getenv: func(k string) string { return env[k] }, Credentials: testCredentials})
	if err != nil || clients.Region.Name != "ap-south-1" {
		t.Errorf("Load = %+v, %v", clients, err)
	}
}

func TestAHungCallIsCancelledWithinTheCallTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer ts.Close()
	defer close(release)
	clients, err := Load(context.Background(), Options{
		Region: "eu-west-2", EndpointURL: ts.URL, Credentials: testCredentials,
		Getenv: func(string) string { return "" }, CallTimeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = clients.STS.Caller(context.Background())
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("returned after %s, want about 200ms", elapsed)
	}
	var te *TimeoutError
	if KindOf(err) != KindNetwork || !errors.As(err, &te) {
		t.Errorf("err = %v, want a network timeout", err)
	}
}

func TestPerServiceEndpointVariablesAreHonoured(t *testing.T) {
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(`{"Parameters":[]}`))
	}))
	defer ts.Close()
	t.Setenv("AWS_ENDPOINT_URL", "http://192.0.2.1:9")
	t.Setenv("AWS_ENDPOINT_URL_SSM", ts.URL)
	clients, err := Load(context.Background(), Options{
		Region: "eu-west-2", Credentials: testCredentials, Getenv: func(string) string { return "" },
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := clients.Parameters.List(context.Background(), "/x", nil); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 1 {
		t.Errorf("AWS_ENDPOINT_URL_SSM server saw %d calls, want 1", hits.Load())
	}

	t.Run("an explicit EndpointURL overrides both", func(t *testing.T) {
		var own atomic.Int64
		ts2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			own.Add(1)
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = w.Write([]byte(`{"Parameters":[]}`))
		}))
		defer ts2.Close()
		clients, err := Load(context.Background(), Options{
			Region: "eu-west-2", EndpointURL: ts2.URL, Credentials: testCredentials, Getenv: func(string) string { return "" },
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := clients.Parameters.List(context.Background(), "/x", nil); err != nil {
			t.Fatal(err)
		}
		if own.Load() != 1 || hits.Load() != 1 {
			t.Errorf("explicit endpoint saw %d calls, env endpoint %d; want 1 and still 1", own.Load(), hits.Load())
		}
	})
}

// The SDK's own warnings go to ecswiz's log, never to the terminal the TUI draws on.
func TestSDKWarningsGoToTheLog(t *testing.T) {
	var buf strings.Builder
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sdkLogger(log).Logf(logging.Warn, "falling back to IMDSv1: %s", "403")
	if got := buf.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "aws sdk: falling back to IMDSv1: 403") {
		t.Errorf("logged %q", got)
	}
	if _, ok := sdkLogger(nil).(logging.Nop); !ok {
		t.Error("without a log the SDK's lines are not dropped")
	}
}
