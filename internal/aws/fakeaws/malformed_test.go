package fakeaws_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// A hang after the work does the work, then answers nothing until the caller gives up.
func TestHangAfterWorkDoesTheWorkAndNeverAnswers(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	c.srv.Hang("RegisterTaskDefinition", fakeaws.AfterWork())
	cx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.ecs.RegisterTaskDefinition(cx, &ecs.RegisterTaskDefinitionInput{
		Family:               aws.String("hung"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx")}},
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the deadline exceeded, got %v", err)
	}
	// The handler sees the cancellation after the client does: wait for it.
	deadline := time.Now().Add(10 * time.Second)
	calls := c.srv.CallsTo("RegisterTaskDefinition")
	for len(calls) == 1 && calls[0].ErrorCode == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		calls = c.srv.CallsTo("RegisterTaskDefinition")
	}
	if len(calls) != 1 || calls[0].ErrorCode != "RequestCanceled" {
		t.Fatalf("want one call, cancelled while hanging; got %d, the first with code %q", len(calls), calls[0].ErrorCode)
	}
	c.srv.ClearFaults()
	out, err := c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("hung")})
	if err != nil || out.TaskDefinition.Revision != 1 {
		t.Fatalf("the revision was not made before the hang: %v", err)
	}
}

// Closing the server releases a call hung after its work.
func TestCloseReleasesAHangAfterWork(t *testing.T) {
	srv := fakeaws.NewDemo()
	if _, err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	srv.Hang("GetCallerIdentity", fakeaws.AfterWork())
	client := sts.NewFromConfig(srv.Config())
	done := make(chan error, 1)
	go func() {
		_, err := client.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
		done <- err
	}()
	for len(srv.CallsTo("GetCallerIdentity")) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	_ = srv.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a hung call succeeded")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Close did not release the hung call")
	}
}

func TestMalformedAnswers(t *testing.T) {
	tests := []struct {
		name   string
		how    fakeaws.Malformation
		target string // X-Amz-Target; "" for the query protocol (STS)
		valid  func(body []byte) bool
	}{
		{"a broken JSON body does not parse", fakeaws.BrokenBody, "AmazonEC2ContainerServiceV20141113.ListClusters",
			func(b []byte) bool { return json.Valid(b) }},
		{"a JSON body of the wrong shape parses, with fields of the wrong type", fakeaws.WrongShape, "AmazonEC2ContainerServiceV20141113.ListClusters",
			func(b []byte) bool {
				var v struct{ ClusterArns any }
				return json.Unmarshal(b, &v) == nil && v.ClusterArns == "not a list"
			}},
		{"a broken XML body is cut off", fakeaws.BrokenBody, "",
			func(b []byte) bool { return strings.HasSuffix(string(b), "Response>") }},
		{"an XML body of the wrong shape is whole", fakeaws.WrongShape, "",
			func(b []byte) bool { return strings.HasSuffix(string(b), "</GetCallerIdentityResponse>") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := start(t, fakeaws.WithDemo())
			op := "GetCallerIdentity"
			body := "Action=GetCallerIdentity&Version=2011-06-15"
			if tt.target != "" {
				_, op, _ = strings.Cut(tt.target, ".")
				body = "{}"
			}
			c.srv.Malformed(op, tt.how, fakeaws.Times(1))
			req, _ := http.NewRequestWithContext(ctx(t), http.MethodPost, c.srv.URL(), strings.NewReader(body))
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			} else {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if want := tt.how == fakeaws.WrongShape; tt.valid(got) != want {
				t.Errorf("body %s", got)
			}
			// Times(1): the next answer is whole.
			if _, err := c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{}); err != nil {
				t.Errorf("after the spoiled answer: %v", err)
			}
		})
	}
}
