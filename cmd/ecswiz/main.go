// Command ecswiz builds the ECS task definition of a Django application on AWS Fargate.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal cancels ctx, restore the default handling so a second one
	// ends the process even if a command is stuck where it cannot see ctx.
	go func() { <-ctx.Done(); stop() }()

	code := run(ctx, os.Args[1:], deps{
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		getenv:  os.Getenv,
		homeDir: os.UserHomeDir,
	})
	stop()
	os.Exit(code)
}
