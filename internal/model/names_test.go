package model

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFollowNames(t *testing.T) {
	const acct = "arn:aws:iam::826601724385:role/"
	derived := func() Spec {
		s := validSpec() // backend-booking, dev
		s.ExecutionRoleARN = acct + "backend-booking-dev-ecs-task-execution"
		s.TaskRoleARN = acct + "backend-booking-dev-ecs-task"
		s.ParameterStorePrefix = "/backend-booking/dev"
		return s
	}
	for _, tc := range []struct {
		name     string
		spec     func() Spec
		app, env string // the new names
		want     func(s *Spec)
	}{
		{"a new environment renames what the old names gave", derived, "backend-booking", "prod", func(s *Spec) {
			s.LogGroupName = "/ecs/backend-booking-prod"
			s.ParameterStorePrefix = "/backend-booking/prod"
			s.ExecutionRoleARN = acct + "backend-booking-prod-ecs-task-execution"
			s.TaskRoleARN = acct + "backend-booking-prod-ecs-task"
		}},
		{"a new app name renames the container too", derived, "booking", "dev", func(s *Spec) {
			s.ContainerName = "booking"
			s.LogGroupName = "/ecs/booking-dev"
			s.ParameterStorePrefix = "/booking/dev"
			s.ExecutionRoleARN = acct + "booking-dev-ecs-task-execution"
			s.TaskRoleARN = acct + "booking-dev-ecs-task"
		}},
		{"values chosen apart from the names are kept", func() Spec {
			s := validSpec()
			s.ContainerName = "web"
			s.LogGroupName = "/custom/booking"
			s.ExecutionRoleARN = acct + "ecsTaskExecutionRole"
			s.TaskRoleARN = acct + "backend-booking-devops" // not the family followed by "-"
			return s
		}, "backend-booking", "prod", func(s *Spec) {}},
		{"an empty log group and prefix stay empty", func() Spec {
			s := validSpec()
			s.LogGroupName, s.ParameterStorePrefix = "", ""
			return s
		}, "booking", "dev", func(s *Spec) {
			s.ContainerName = "booking"
			s.ExecutionRoleARN = acct + "booking-dev-ecs-task-execution"
		}},
		{"a role under a path follows by its name", func() Spec {
			s := validSpec()
			s.ExecutionRoleARN = acct + "service/backend-booking-dev"
			return s
		}, "backend-booking", "staging", func(s *Spec) {
			s.LogGroupName = "/ecs/backend-booking-staging"
			s.ExecutionRoleARN = acct + "service/backend-booking-staging"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.spec()
			renamed := before
			renamed.AppName, renamed.Environment = tc.app, tc.env
			got := FollowNames(renamed, before.AppName, before.Environment)
			want := renamed
			tc.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("FollowNames (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFollowNamesKeyByKeyEndsWhereOneRenameDoes(t *testing.T) {
	s := validSpec()
	s.TaskRoleARN = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task"
	// Backspacing the whole app name, then typing another, one key at a time.
	names := []string{}
	for n := len(s.AppName) - 1; n >= 0; n-- {
		names = append(names, s.AppName[:n])
	}
	for i := 1; i <= len("shop"); i++ {
		names = append(names, "shop"[:i])
	}
	cur := s
	for _, n := range names {
		old := cur.AppName
		cur.AppName = n
		cur = FollowNames(cur, old, cur.Environment)
	}
	once := s
	once.AppName = "shop"
	once = FollowNames(once, s.AppName, s.Environment)
	if diff := cmp.Diff(once, cur); diff != "" {
		t.Errorf("key by key (-one rename +key by key):\n%s", diff)
	}
	if cur.LogGroupName != "/ecs/shop-dev" || cur.ContainerName != "shop" {
		t.Errorf("log group %q, container %q", cur.LogGroupName, cur.ContainerName)
	}
}

func TestTaskRoleNeed(t *testing.T) {
	s := validSpec()
	if got := TaskRoleNeed(s); got != "" {
		t.Errorf("no bucket, no task role: %q, want nothing", got)
	}
	s.S3BucketName = "booking-media"
	if got := TaskRoleNeed(s); got == "" {
		t.Error("a bucket without a task role says nothing")
	}
	s.TaskRoleARN = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task"
	if got := TaskRoleNeed(s); got != "" {
		t.Errorf("a bucket with a task role: %q, want nothing", got)
	}
}
