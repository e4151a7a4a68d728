package wizard

import (
	"context"

	"github.com/ecswiz/ecswiz/internal/aws"
)

// Session is the AWS context the wizard works in: who, where, and the clients. It is
// loaded in the background while the first screen is already drawn.
type Session struct {
	Profile string // "" is the default chain
	Region  string
	Account string
	Caller  string // the caller's ARN
	Demo    bool   // the built-in demo account
	Cloud   *Cloud // nil when offline
}

// Offline reports whether the wizard runs without AWS: live pickers become typed
// inputs and registering is off; exporting works.
func (s *Session) Offline() bool { return s == nil || s.Cloud == nil }

// Cloud is every AWS call the wizard's steps make. Each field is a small interface
// declared by the step that uses it, so a test fakes only what a step calls.
type Cloud struct {
	Images     imageLister
	Parameters parameterStore
	Logs       logGroups
	Roles      roleLister
	TaskDefs   taskDefinitions
}

// NewCloud wires the AWS adapters into the wizard.
func NewCloud(c *aws.Clients) *Cloud {
	return &Cloud{Images: c.ECR, Parameters: c.Parameters, Logs: c.Logs, Roles: c.IAM, TaskDefs: c.ECS}
}

// Connector loads a session. The wizard calls it in a command, never while drawing.
type Connector func(ctx context.Context) (*Session, error)
