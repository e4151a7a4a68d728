package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// demoEnv turns on demo mode like --demo.
const demoEnv = "ECSWIZ_DEMO"

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
	opts := aws.Options{Profile: a.profile, Region: a.region, Getenv: a.getenv, HomeDir: home, Log: a.log}
	if a.demoMode() {
		newDemo := a.newDemo
		if newDemo == nil {
			newDemo = func() *fakeaws.Server { return fakeaws.NewDemo() }
		}
		srv := newDemo()
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
