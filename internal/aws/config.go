// Package aws holds ecswiz's adapters over aws-sdk-go-v2: one small type per service with
// only the calls ecswiz makes. Methods take a context first, return plain Go types, and
// classify AWS errors (see Error) so the CLI and the TUI can show one clear line.
package aws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	"github.com/aws/smithy-go/logging"
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
	// Credentials replaces the default credential chain (demo mode, tests). With
	// EndpointURL too, Load reads no shared config file and no AWS_* variable: the
	// endpoint and the keys are the whole account.
	Credentials *StaticCredentials
	// HTTPClient replaces the SDK's HTTP client (tests, demo mode's in-process fake).
	HTTPClient HTTPDoer
	// Getenv and HomeDir feed the Region fallback; nil/"" = the process's own.
	Getenv  func(string) string
	HomeDir string
	// Log receives the SDK's own warnings (an IMDS fallback, a deprecated setting).
	// They never go to the terminal, which a TUI draws on; nil drops them.
	Log *slog.Logger
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

	// Adaptive mode adds client-side rate limiting once AWS throttles, which matters
	// when many partitions or batches run at once.
	retryer := func() sdkaws.Retryer {
		return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
			ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = attempts
				so.MaxBackoff = 5 * time.Second
			})
		})
	}
	apiOptions := []func(*middleware.Stack) error{func(s *middleware.Stack) error {
		return s.Initialize.Add(callTimeout{after: timeout}, middleware.Before)
	}}
	var httpClient HTTPDoer = o.HTTPClient
	if httpClient == nil {
		// A dial that hangs (black-holed route, no NAT) fails fast instead of using up
		// the whole call timeout.
		httpClient = awshttp.NewBuildableClient().WithDialerOptions(func(d *net.Dialer) { d.Timeout = 5 * time.Second })
	}

	var cfg sdkaws.Config
	if c := o.Credentials; c != nil && o.EndpointURL != "" {
		// Fixed keys at one endpoint are a whole account (the demo, a fake in tests):
		// nothing of the user's own configuration applies, and an AWS_PROFILE naming a
		// profile that does not exist must not fail the load.
		cfg = sdkaws.Config{
			Region:      region.Name,
			Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
			Retryer:     retryer,
			APIOptions:  apiOptions,
			HTTPClient:  httpClient,
			Logger:      sdkLogger(o.Log),
		}
	} else {
		loads := []func(*config.LoadOptions) error{
			config.WithRegion(region.Name),
			config.WithRetryer(retryer),
			config.WithAPIOptions(apiOptions),
			config.WithHTTPClient(httpClient),
			config.WithLogger(sdkLogger(o.Log)),
		}
		if o.Profile != "" {
			loads = append(loads, config.WithSharedConfigProfile(o.Profile))
		}
		if c := o.Credentials; c != nil {
			loads = append(loads, config.WithCredentialsProvider(
				credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)))
		}
		if cfg, err = config.LoadDefaultConfig(ctx, loads...); err != nil {
			return nil, classify(op, err)
		}
	}

	if o.EndpointURL != "" {
		// Every client created from cfg takes it as its BaseEndpoint.
		cfg.BaseEndpoint = sdkaws.String(strings.TrimRight(o.EndpointURL, "/"))
	}
	return &Clients{
		Region:     region,
		Parameters: NewParameters(ssm.NewFromConfig(cfg)),
		ECS:        NewECS(ecs.NewFromConfig(cfg)),
		ECR:        NewECR(ecr.NewFromConfig(cfg), region.Name),
		Logs:       NewLogs(cloudwatchlogs.NewFromConfig(cfg)),
		IAM:        NewIAM(iam.NewFromConfig(cfg)),
		STS:        NewSTS(sts.NewFromConfig(cfg)),
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

// onlyThrottlingRetried is a retryer that repeats a call only when AWS refused it for
// its rate. Calls that create something (RegisterTaskDefinition, PutParameter) use it:
// after a 5xx or a dropped connection AWS may have done the work already, and a repeat
// would make a second revision, or report "already exists" for the value just stored.
type onlyThrottlingRetried struct{ sdkaws.RetryerV2 }

func (r onlyThrottlingRetried) IsErrorRetryable(err error) bool {
	return retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool()
}

// retryOnlyThrottling wraps a client's retryer in onlyThrottlingRetried; one that is
// not a RetryerV2 (never the case with Load's) is limited to a single attempt.
func retryOnlyThrottling(r sdkaws.Retryer) sdkaws.Retryer {
	if v2, ok := r.(sdkaws.RetryerV2); ok {
		return onlyThrottlingRetried{v2}
	}
	return retry.AddWithMaxAttempts(r, 1)
}

// sdkLogger sends the SDK's log lines to log (the SDK's default logger writes to
// stderr); nil drops them.
func sdkLogger(log *slog.Logger) logging.Logger {
	if log == nil {
		return logging.Nop{}
	}
	return logging.LoggerFunc(func(classification logging.Classification, format string, v ...any) {
		level := slog.LevelDebug
		if classification == logging.Warn {
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, "aws sdk: "+fmt.Sprintf(format, v...))
	})
}
