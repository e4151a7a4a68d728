package fakeaws_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func TestECRRepositoriesAndImages(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	repos := must[*ecr.DescribeRepositoriesOutput](t)(c.ecr.DescribeRepositories(ctx(t), &ecr.DescribeRepositoriesInput{}))
	if len(repos.Repositories) != 2 || *repos.Repositories[0].RepositoryUri != "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop" {
		t.Fatalf("repositories %+v", repos.Repositories)
	}
	_, err := c.ecr.DescribeRepositories(ctx(t), &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"nope"}})
	var rnf *ecrtypes.RepositoryNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("want RepositoryNotFoundException, got %v", err)
	}

	var tags []string
	var pages int
	p := ecr.NewDescribeImagesPaginator(c.ecr, &ecr.DescribeImagesInput{RepositoryName: aws.String("demo-shop"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		pages++
		for _, d := range must[*ecr.DescribeImagesOutput](t)(p.NextPage(ctx(t))).ImageDetails {
			tags = append(tags, strings.Join(d.ImageTags, "+"))
			if d.ImagePushedAt == nil || d.ImageDigest == nil || *d.ImageManifestMediaType == "" {
				t.Errorf("image detail %+v", d)
			}
		}
	}
	if diff := cmp.Diff([]string{"1.5.0-arm64", "1.4.2+latest", "1.4.1", "1.4.0", ""}, tags); diff != "" || pages != 3 {
		t.Errorf("images newest first in %d pages (-want +got):\n%s", pages, diff)
	}

	byTag := must[*ecr.DescribeImagesOutput](t)(c.ecr.DescribeImages(ctx(t), &ecr.DescribeImagesInput{RepositoryName: aws.String("demo-shop"),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("latest")}}}))
	latest := byTag.ImageDetails[0]
	byDigest := must[*ecr.DescribeImagesOutput](t)(c.ecr.DescribeImages(ctx(t), &ecr.DescribeImagesInput{RepositoryName: aws.String("demo-shop"),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageDigest: latest.ImageDigest}}}))
	if !slices.Contains(byDigest.ImageDetails[0].ImageTags, "1.4.2") {
		t.Errorf("by digest: %+v", byDigest.ImageDetails[0])
	}
	_, err = c.ecr.DescribeImages(ctx(t), &ecr.DescribeImagesInput{RepositoryName: aws.String("demo-shop"),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("1.4.3")}}})
	var inf *ecrtypes.ImageNotFoundException
	if !errors.As(err, &inf) {
		t.Fatalf("want ImageNotFoundException, got %v", err)
	}

	// Architectures: the image index of each tag.
	got := must[*ecr.BatchGetImageOutput](t)(c.ecr.BatchGetImage(ctx(t), &ecr.BatchGetImageInput{RepositoryName: aws.String("demo-shop"),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("1.4.0")}, {ImageTag: aws.String("1.5.0-arm64")}, {ImageTag: aws.String("nope")}}}))
	if len(got.Images) != 2 || len(got.Failures) != 1 || got.Failures[0].FailureCode != ecrtypes.ImageFailureCodeImageNotFound {
		t.Fatalf("batch get: %+v", got)
	}
	arches := map[string][]string{}
	for _, img := range got.Images {
		var index struct {
			Manifests []struct {
				Platform struct{ Architecture string } `json:"platform"`
			} `json:"manifests"`
		}
		if err := json.Unmarshal([]byte(*img.ImageManifest), &index); err != nil {
			t.Fatal(err)
		}
		for _, m := range index.Manifests {
			arches[*img.ImageId.ImageTag] = append(arches[*img.ImageId.ImageTag], m.Platform.Architecture)
		}
	}
	if diff := cmp.Diff(map[string][]string{"1.4.0": {"amd64", "arm64"}, "1.5.0-arm64": {"arm64"}}, arches); diff != "" {
		t.Errorf("architectures (-want +got):\n%s", diff)
	}
	list := must[*ecr.ListImagesOutput](t)(c.ecr.ListImages(ctx(t), &ecr.ListImagesInput{RepositoryName: aws.String("demo-shop"),
		Filter: &ecrtypes.ListImagesFilter{TagStatus: ecrtypes.TagStatusTagged}}))
	if len(list.ImageIds) != 5 {
		t.Errorf("tagged image ids: %d", len(list.ImageIds))
	}
}

func TestIAMRolesAndSimulation(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	var roles []iamtypes.Role
	p := iam.NewListRolesPaginator(c.iam, &iam.ListRolesInput{MaxItems: aws.Int32(3)})
	var pages int
	for p.HasMorePages() {
		pages++
		roles = append(roles, must[*iam.ListRolesOutput](t)(p.NextPage(ctx(t))).Roles...)
	}
	if len(roles) != 7 || pages != 3 {
		t.Fatalf("%d roles in %d pages", len(roles), pages)
	}
	trusted := map[string]bool{}
	for _, r := range roles {
		doc, err := url.QueryUnescape(*r.AssumeRolePolicyDocument)
		if err != nil {
			t.Fatal(err)
		}
		var policy struct {
			Statement []struct {
				Principal struct{ Service string }
			}
		}
		if err := json.Unmarshal([]byte(doc), &policy); err != nil {
			t.Fatalf("trust policy of %s: %v (%s)", *r.RoleName, err, doc)
		}
		trusted[*r.RoleName] = slices.ContainsFunc(policy.Statement, func(s struct{ Principal struct{ Service string } }) bool {
			return s.Principal.Service == "ecs-tasks.amazonaws.com"
		})
		if r.CreateDate == nil || r.CreateDate.IsZero() || !strings.HasPrefix(*r.Arn, "arn:aws:iam::123456789012:role/") {
			t.Errorf("role %+v", r)
		}
	}
	if !trusted["demo-shop-dev-ecs-task-execution"] || trusted["demo-shop-thumbnailer-lambda"] {
		t.Errorf("trust: %v", trusted)
	}
	sl := must[*iam.ListRolesOutput](t)(c.iam.ListRoles(ctx(t), &iam.ListRolesInput{PathPrefix: aws.String("/aws-service-role/")}))
	if len(sl.Roles) != 1 {
		t.Errorf("path prefix: %d roles", len(sl.Roles))
	}

	role := must[*iam.GetRoleOutput](t)(c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("demo-shop-prod-ecs-task-execution")}))
	_, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("nope")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("want NoSuchEntityException, got %v", err)
	}

	simulate := func(roleARN string) map[string]iamtypes.PolicyEvaluationDecisionType {
		out := must[*iam.SimulatePrincipalPolicyOutput](t)(c.iam.SimulatePrincipalPolicy(ctx(t), &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String(roleARN),
			ActionNames:     []string{"ssm:GetParameters", "kms:Decrypt"},
			ResourceArns:    []string{"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/prod/app/django-secret-key", "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/app/django-secret-key"},
		}))
		got := map[string]iamtypes.PolicyEvaluationDecisionType{}
		for _, r := range out.EvaluationResults {
			env := "dev"
			if strings.Contains(*r.EvalResourceName, "/prod/") {
				env = "prod"
			}
			got[*r.EvalActionName+" "+env] = r.EvalDecision
		}
		return got
	}
	want := map[string]iamtypes.PolicyEvaluationDecisionType{
		"ssm:GetParameters prod": "implicitDeny", "ssm:GetParameters dev": "implicitDeny",
		"kms:Decrypt prod": "allowed", "kms:Decrypt dev": "allowed",
	}
	if diff := cmp.Diff(want, simulate(*role.Role.Arn)); diff != "" {
		t.Errorf("prod execution role (-want +got):\n%s", diff)
	}
	want["ssm:GetParameters dev"] = "allowed"
	if diff := cmp.Diff(want, simulate("arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution")); diff != "" {
		t.Errorf("dev execution role (-want +got):\n%s", diff)
	}
	call := c.srv.CallsTo("SimulatePrincipalPolicy")[0]
	if call.Service != "iam" || call.Form.Get("ActionNames.member.2") != "kms:Decrypt" {
		t.Errorf("request log: %+v", call.Form)
	}

	id := must[*sts.GetCallerIdentityOutput](t)(c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{}))
	if *id.Account != "123456789012" || *id.Arn != "arn:aws:iam::123456789012:user/demo" || *id.UserId == "" {
		t.Errorf("caller %+v", id)
	}
	if got := c.srv.CallsTo("GetCallerIdentity")[0].Service; got != "sts" {
		t.Errorf("GetCallerIdentity routed to %s", got)
	}
}
