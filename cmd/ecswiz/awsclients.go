package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// demoEnv turns on demo mode like --demo.
const demoEnv = "ECSWIZ_DEMO"

// demoParametersEnv seeds that many more String parameters in the demo account, under
// /demo-shop/dev (the prefix the wizard's secrets step lists for the demo app, dev), so the
// picker can be tried and measured with a large account: ECSWIZ_DEMO_PARAMETERS=10000.
// bench/memory.sh reads the process's peak memory with it.
const demoParametersEnv = "ECSWIZ_DEMO_PARAMETERS"

// demoParametersPrefix is where ECSWIZ_DEMO_PARAMETERS puts its parameters.
const demoParametersPrefix = "/demo-shop/dev"

// callTimeoutEnv bounds one AWS call, retries included (a Go duration: "10s", "2m"),
// instead of aws.DefaultCallTimeout: longer on a slow link, shorter in tests that make
// AWS hang.
const callTimeoutEnv = "ECSWIZ_CALL_TIMEOUT"

// maxAttemptsEnv is the AWS SDKs' own setting for the attempts a call makes, retries
// included; ecswiz sets its own retryer, so it reads the variable itself (in demo mode too).
const maxAttemptsEnv = "AWS_MAX_ATTEMPTS"

// maxAttempts is AWS_MAX_ATTEMPTS, 0 (aws.DefaultMaxAttempts) when unset.
func (a *app) maxAttempts() (int, error) {
	v := a.getenv(maxAttemptsEnv)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 20 {
		return 0, usageErrorf("%s=%q: want a number of attempts from 1 to 20", maxAttemptsEnv, v)
	}
	return n, nil
}

// callTimeout is ECSWIZ_CALL_TIMEOUT, 0 (the default) when unset.
func (a *app) callTimeout() (time.Duration, error) {
	v := a.getenv(callTimeoutEnv)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, usageErrorf("%s=%q: want a duration such as 30s or 2m", callTimeoutEnv, v)
	}
	return d, nil
}

// demoMode reports whether the commands talk to the in-process demo account.
func (a *app) demoMode() bool {
	return a.demo || a.getenv(demoEnv) == "1"
}

// awsClients builds the AWS adapters the first time a command needs them. In demo mode
// it starts the fake AWS with the demo account in this process and points every client
// at it with static credentials, so nothing leaves the machine. fallbackRegion (a spec's
// aws_region, or "") is used when neither --region, the environment nor the profile
// names a Region.
func (a *app) awsClients(ctx context.Context, fallbackRegion string) (*aws.Clients, error) {
	if a.clients != nil {
		return a.clients, nil
	}
	home, err := a.homeDir()
	if err != nil {
		home = ""
	}
	timeout, err := a.callTimeout()
	if err != nil {
		return nil, err
	}
	attempts, err := a.maxAttempts()
	if err != nil {
		return nil, err
	}
	opts := aws.Options{Profile: a.profile, Region: a.region, Getenv: a.getenv, HomeDir: home, Log: a.log,
		CallTimeout: timeout, MaxAttempts: attempts}
	if a.demoMode() {
		newDemo := a.newDemo
		if newDemo == nil {
			newDemo = func() *fakeaws.Server { return fakeaws.NewDemo() }
		}
		srv := newDemo()
		if err := a.seedDemoParameters(srv); err != nil {
			return nil, err
		}
		url, err := srv.Start()
		if err != nil {
			return nil, fmt.Errorf("start the demo account: %w", err)
		}
		a.cleanups = append(a.cleanups, func() error { srv.Close(); return nil })
		opts = aws.Options{
			Region:      srv.Region(),
			EndpointURL: url,
			// Fixed keys at one endpoint: Load reads none of the user's AWS settings.
			Credentials: &aws.StaticCredentials{AccessKeyID: "demo", SecretAccessKey: "demo"},
			Log:         a.log,
			CallTimeout: timeout,
			MaxAttempts: attempts,
		}
		a.log.Info("demo mode: fake AWS started", "endpoint", url, "account", srv.Account(), "region", srv.Region())
	}
	clients, err := aws.Load(ctx, opts)
	if errors.Is(err, aws.KindNoRegion) && fallbackRegion != "" {
		opts.Region = fallbackRegion
		clients, err = aws.Load(ctx, opts)
	}
	if err != nil {
		return nil, err
	}
	source := clients.Region.Source
	if a.demoMode() {
		source = "the demo account"
	}
	a.log.Debug("AWS clients ready", "region", clients.Region.Name, "source", source)
	a.clients = clients
	return clients, nil
}

// seedDemoParameters adds the parameters ECSWIZ_DEMO_PARAMETERS asks for to the demo
// account, laid out as an account's usually are (PREFIX/SERVICE/GROUP/param-NNNNN over
// fakeaws.BenchServices), as String parameters: the picker lists names, never values.
func (a *app) seedDemoParameters(srv *fakeaws.Server) error {
	v := a.getenv(demoParametersEnv)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxDemoParameters {
		return usageErrorf("%s=%q: want a number of parameters from 0 to %d", demoParametersEnv, v, maxDemoParameters)
	}
	groups := []string{"app", "database", "redis", "third-party"}
	services := fakeaws.BenchServices
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s/%s/%s/param-%05d", demoParametersPrefix, services[i%len(services)], groups[(i/len(services))%len(groups)], i)
	}
	// In name order, so each one joins the end of the fake's sorted index.
	slices.Sort(names)
	for _, name := range names {
		srv.PutParameter(fakeaws.Parameter{Name: name, Type: "String", Value: "demo"})
	}
	a.log.Info("demo mode: parameters seeded", "prefix", demoParametersPrefix, "count", n)
	return nil
}

// maxDemoParameters bounds ECSWIZ_DEMO_PARAMETERS: the five-digit names stay unique and
// sorted, and a mistyped value does not fill the memory.
const maxDemoParameters = 99_999
