package model

import (
	"fmt"
	"strings"
)

// DefaultLogGroup is the log group the seed's module expects for spec: /ecs/APP-ENV.
func DefaultLogGroup(s Spec) string { return "/ecs/" + s.Family() }

// FollowNames returns spec, whose app name or environment was oldApp or oldEnv before,
// with the values that were derived from the old names derived from the new ones: the
// log group /ecs/OLDAPP-OLDENV, a container named after the old app, a parameter prefix
// /OLDAPP/OLDENV, and an execution or task role named after the old family
// (OLDAPP-OLDENV-…, as ecswiz suggests them). A value that differs from what the old
// names give was chosen apart from them and is kept.
//
// Applied at every change of a name (each key typed), it keeps the derived values in
// step with the names all along.
func FollowNames(spec Spec, oldApp, oldEnv string) Spec {
	if spec.AppName == oldApp && spec.Environment == oldEnv {
		return spec
	}
	old := spec
	old.AppName, old.Environment = oldApp, oldEnv
	if spec.LogGroupName != "" && spec.LogGroupName == DefaultLogGroup(old) {
		spec.LogGroupName = DefaultLogGroup(spec)
	}
	if spec.ContainerName == oldApp {
		spec.ContainerName = spec.AppName
	}
	if p := spec.ParameterStorePrefix; p != "" && p == "/"+oldApp+"/"+oldEnv {
		spec.ParameterStorePrefix = "/" + spec.AppName + "/" + spec.Environment
	}
	spec.ExecutionRoleARN = followRole(spec.ExecutionRoleARN, old.Family(), spec.Family())
	spec.TaskRoleARN = followRole(spec.TaskRoleARN, old.Family(), spec.Family())
	return spec
}

// followRole renames a role ARN whose role name is oldFamily or starts with
// oldFamily + "-" after newFamily; any other ARN is kept.
func followRole(arn, oldFamily, newFamily string) string {
	i := strings.LastIndex(arn, "/")
	if i < 0 || !strings.Contains(arn, ":role/") {
		return arn
	}
	name := arn[i+1:]
	if name != oldFamily && !strings.HasPrefix(name, oldFamily+"-") {
		return arn
	}
	return arn[:i+1] + newFamily + strings.TrimPrefix(name, oldFamily)
}

// TaskRoleNeed says why the app needs a task role that spec does not give it: the AWS
// services the container is set up to call with its AWS SDK (the S3 bucket). It is ""
// when a task role is set or nothing calls for one.
func TaskRoleNeed(s Spec) string {
	if s.TaskRoleARN != "" || s.S3BucketName == "" {
		return ""
	}
	return fmt.Sprintf("s3_bucket_name is %s, but without a task role the app has no AWS credentials to use it: "+
		"pick a role that may read and write the bucket", s.S3BucketName)
}

// RoleName is the name of a role ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME): its last
// segment; a value without "/" is taken as a name already.
func RoleName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
