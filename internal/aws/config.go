// Package aws holds ecswiz's adapters over aws-sdk-go-v2: one small type per service with
// only the calls ecswiz makes. Methods take a context first, return plain Go types, and
// classify AWS errors (see Error) so the CLI and the TUI can show one clear line.
package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// Defaults for Options left zero.
const (
	DefaultCallTimeout = 30 * time.Second
	DefaultMaxAttempts = 5
)

// Options configure Load. The zero value uses the default credential chain, the Region
// the AWS CLI would use, and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> when set.
type Options struct {
	Profile string // --profile; "" = AWS_PROFILE or default
	Region  string // --region; "" = ResolveRegion (AWS_REGION, AWS_DEFAULT_REGION, profile)
	// EndpointURL sends every service to one endpoint (demo mode's fake AWS, moto). It
	// overrides AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE> and endpoint_url in profiles.
	EndpointURL string
	// CallTimeout bounds one API call including its retries; 0 = DefaultCallTimeout.
	CallTimeout time.Duration
	// MaxAttempts per call (adaptive retry mode); 0 = DefaultMaxAttempts.
	MaxAttempts int
	// Credentials replaces the default credential chain (demo mode, tests).
	Credentials *StaticCredentials
	// HTTPClient replaces the SDK's HTTP client (tests, demo mode's in-process fake).
	HTTPClient HTTPDoer
	// Getenv and HomeDir feed the Region fallback; nil/"" = the process's own.
	Getenv  func(string) string
	HomeDir string
}

// StaticCredentials are fixed keys, used instead of the default credential chain.
type StaticCredentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// HTTPDoer is what the SDK needs from an HTTP client; *http.Client is one.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// Clients holds one adapter per service. Creating them does no network I/O:
// credentials are resolved on the first call.
type Clients struct {
	Region     Region
	Parameters *Parameters
	ECS        *ECS
	ECR        *ECR
	Logs       *Logs
	IAM        *IAM
	STS        *STS
}

// Load builds the clients. It reads the shared config files and the environment, but
// never the network.
func Load(ctx context.Context, o Options) (*Clients, error) {
	const op = "load AWS configuration"
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	home := o.HomeDir
	if home == "" && o.Getenv == nil {
		home, _ = os.UserHomeDir()
	}
	region, err := ResolveRegion(RegionLookup{Flag: o.Region, Profile: o.Profile, Getenv: getenv, HomeDir: home})
	if err != nil {
		return nil, &Error{Kind: KindOther, Op: op, Err: err}
	}
	if region.Name == "" {
		return nil, &Error{Kind: KindNoRegion, Op: op, Err: errors.New("none in --region, AWS_REGION, AWS_DEFAULT_REGION or the profile")}
	}

	timeout := o.CallTimeout
	if timeout <= 0 {
		timeout = DefaultCallTimeout
	}
	attempts := o.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}

	loads := []func(*config.LoadOptions) error{
		config.WithRegion(region.Name),
		config.WithRetryer(func() sdkaws.Retryer {
			// Adaptive mode adds client-side rate limiting once AWS throttles, which
			// matters when many partitions or batches run at once.
			return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
				ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = attempts
					so.MaxBackoff = 5 * time.Second
				})
			})
		}),
		config.WithAPIOptions([]func(*middleware.Stack) error{func(s *middleware.Stack) error {
			return s.Initialize.Add(callTimeout{after: timeout}, middleware.Before)
		}}),
	}
	if o.Profile != "" {
		loads = append(loads, config.WithSharedConfigProfile(o.Profile))
	}
	if c := o.Credentials; c != nil {
		loads = append(loads, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)))
	}
	if o.HTTPClient != nil {
		loads = append(loads, config.WithHTTPClient(o.HTTPClient))
	} else {
		// A dial that hangs (black-holed route, no NAT) fails fast instead of using up
		// the whole call timeout.
		loads = append(loads, config.WithHTTPClient(awshttp.NewBuildableClient().
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = 5 * time.Second })))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, classify(op, err)
	}

	var endpoint *string
	if o.EndpointURL != "" {
		endpoint = sdkaws.String(strings.TrimRight(o.EndpointURL, "/"))
	}
	return &Clients{
		Region: region,
		Parameters: NewParameters(ssm.NewFromConfig(cfg, func(so *ssm.Options) {
			if endpoint != nil {
				so.BaseEndpoint = endpoint
			}
		})),
		ECS: NewECS(ecs.NewFromConfig(cfg, func(so *ecs.Options) {
			if endpoint != nil {
				so.BaseEndpoint = endpoint
			}
		})),
		ECR: NewECR(ecr.NewFromConfig(cfg, func(so *ecr.Options) {
			if endpoint != nil {
				so.BaseEndpoint = endpoint
			}
		}), region.Name),
		Logs: NewLogs(cloudwatchlogs.NewFromConfig(cfg, func(so *cloudwatchlogs.Options) {
			if endpoint != nil {
				so.BaseEndpoint = endpoint
			}
		})),
		IAM: NewIAM(iam.NewFromConfig(cfg, func(so *iam.Options) {
			if endpoint != nil {
				so.BaseEndpoint = endpoint
			}
		})),
		STS: NewSTS(sts.NewFromConfig(cfg, func(so *sts.Options) {
			if endpoint != nil {
				so.BaseEndpoint = endpoint
			}
		})),
	}, nil
}

// callTimeout bounds one operation, retries included: a hung connection is cancelled
// after `after` and reported as a TimeoutError rather than as the caller cancelling.
type callTimeout struct{ after time.Duration }

func (callTimeout) ID() string { return "ecswizCallTimeout" }

func (m callTimeout) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	te := &TimeoutError{After: m.after}
	ctx, cancel := context.WithTimeoutCause(ctx, m.after, te)
	defer cancel()
	out, md, err := next.HandleInitialize(ctx, in)
	if err != nil && context.Cause(ctx) == te {
		return out, md, &TimeoutError{After: m.after, Err: err}
	}
	return out, md, err
}

// TimeoutError is a call that got no answer within Options.CallTimeout.
type TimeoutError struct {
	After time.Duration
	Err   error
}

func (e *TimeoutError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("no answer within %s", e.After)
	}
	return fmt.Sprintf("no answer within %s: %v", e.After, e.Err)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// Timeout marks it as a timeout for net.Error-style checks.
func (e *TimeoutError) Timeout() bool { return true }
