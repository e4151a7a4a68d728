package aws_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func TestECRArchitecturesReadsEachImageIndex(t *testing.T) {
	srv, c := demoAccount(t)
	ctx := context.Background()
	images, err := c.ECR.Tags(ctx, "demo-shop")
	mustNoError(t, err)
	untagged := ""
	for _, img := range images {
		if len(img.Tags) == 0 {
			untagged = img.Digest
		}
	}
	if untagged == "" {
		t.Fatal("the demo has no untagged image")
	}

	srv.ResetCalls()
	got, err := c.ECR.Architectures(ctx, "demo-shop", []string{"1.5.0-arm64", "1.4.2", "latest", "1.4.1", "1.4.0", untagged, "1.4.3", "1.4.2"})
	mustNoError(t, err)
	want := map[string][]string{
		"1.5.0-arm64": {"arm64"},
		"1.4.2":       {"amd64"},
		"latest":      {"amd64"},
		"1.4.1":       {"amd64"},
		"1.4.0":       {"amd64", "arm64"},
		untagged:      {"amd64"},
		// 1.4.3 does not exist: unknown, and no error.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("architectures (-want +got):\n%s", diff)
	}
	calls := srv.CallsTo("BatchGetImage")
	if len(calls) != 1 {
		t.Fatalf("%d BatchGetImage calls, want one for 7 ids", len(calls))
	}
	if n := calls[0].Len("imageIds"); n != 7 {
		t.Errorf("the call asks for %d ids, want the 7 distinct ones", n)
	}
	if !calls[0].Has("acceptedMediaTypes") {
		t.Error("the call does not say it accepts image indexes")
	}
}

func TestECRArchitecturesAsksOneCallPerHundredIDs(t *testing.T) {
	srv, c := demoAccount(t)
	ctx := context.Background()
	tags := make([]string, 150)
	for i := range tags {
		tags[i] = fmt.Sprintf("build-%03d", i)
	}
	repo := uniqueName("repo")
	srv.AddImage(repo, fakeaws.Image{Tags: tags, Architectures: []string{"arm64", "amd64"}})

	srv.ResetCalls()
	got, err := c.ECR.Architectures(ctx, repo, tags)
	mustNoError(t, err)
	if len(got) != len(tags) {
		t.Errorf("%d images answered, want %d", len(got), len(tags))
	}
	if diff := cmp.Diff([]string{"amd64", "arm64"}, got["build-149"]); diff != "" {
		t.Errorf("the last id's architectures, sorted (-want +got):\n%s", diff)
	}
	var sizes []int
	for _, call := range srv.CallsTo("BatchGetImage") {
		sizes = append(sizes, call.Len("imageIds"))
	}
	if diff := cmp.Diff([]int{100, 50}, sizes); diff != "" {
		t.Errorf("ids per BatchGetImage call (-want +got):\n%s", diff)
	}

	srv.ResetCalls()
	got, err = c.ECR.Architectures(ctx, repo, nil)
	mustNoError(t, err)
	if len(got) != 0 || len(srv.CallsTo("BatchGetImage")) != 0 {
		t.Errorf("no ids: got %v after %d calls, want nothing asked", got, len(srv.CallsTo("BatchGetImage")))
	}
}

func TestECRArchitecturesFailureIsClassified(t *testing.T) {
	srv, c := demoAccount(t)
	srv.Fail("BatchGetImage", "AccessDeniedException", "User is not authorized to perform: ecr:BatchGetImage", fakeaws.Times(1))
	_, err := c.ECR.Architectures(context.Background(), "demo-shop", []string{"1.4.2"})
	if !errors.Is(err, aws.KindAccessDenied) {
		t.Errorf("err = %v, want access denied", err)
	}
}

// manifestECR answers BatchGetImage with one manifest for every id; the fake registry
// only pushes image indexes, and these are the other kinds a registry holds.
type manifestECR struct {
	aws.ECRAPI // DescribeRepositories and DescribeImages are not called
	mediaType  string
	manifest   string
}

func (m manifestECR) BatchGetImage(_ context.Context, in *ecr.BatchGetImageInput, _ ...func(*ecr.Options)) (*ecr.BatchGetImageOutput, error) {
	if !slices.Contains(in.AcceptedMediaTypes, "application/vnd.oci.image.index.v1+json") ||
		!slices.Contains(in.AcceptedMediaTypes, "application/vnd.docker.distribution.manifest.list.v2+json") {
		return nil, fmt.Errorf("the index media types are not accepted: %v", in.AcceptedMediaTypes)
	}
	out := &ecr.BatchGetImageOutput{}
	for _, id := range in.ImageIds {
		img := ecrtypes.Image{ImageId: &ecrtypes.ImageIdentifier{ImageTag: id.ImageTag, ImageDigest: sdkaws.String("sha256:0123")},
			ImageManifest: sdkaws.String(m.manifest)}
		if m.mediaType != "" {
			img.ImageManifestMediaType = sdkaws.String(m.mediaType)
		}
		out.Images = append(out.Images, img)
	}
	return out, nil
}

func TestECRArchitecturesOfOtherManifests(t *testing.T) {
	const (
		ociManifest = "application/vnd.oci.image.manifest.v1+json"
		dockerList  = "application/vnd.docker.distribution.manifest.list.v2+json"
		ociIndex    = "application/vnd.oci.image.index.v1+json"
	)
	for _, tc := range []struct {
		name      string
		mediaType string
		manifest  string
		want      []string // nil: unknown
	}{
		{"a single-platform image is unknown: its architecture is in its config, not its manifest", ociManifest,
			`{"schemaVersion":2,"mediaType":"` + ociManifest + `","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:aa","size":1}}`, nil},
		{"a Docker manifest list names its platforms", dockerList,
			`{"schemaVersion":2,"mediaType":"` + dockerList + `","manifests":[` +
				`{"digest":"sha256:a","platform":{"architecture":"arm64","os":"linux","variant":"v8"}},` +
				`{"digest":"sha256:b","platform":{"architecture":"amd64","os":"linux"}}]}`, []string{"amd64", "arm64"}},
		{"buildx attestations (architecture unknown) and Windows images are left out", ociIndex,
			`{"schemaVersion":2,"manifests":[` +
				`{"digest":"sha256:a","platform":{"architecture":"amd64","os":"linux"}},` +
				`{"digest":"sha256:b","platform":{"architecture":"unknown","os":"unknown"},"annotations":{"vnd.docker.reference.type":"attestation-manifest"}},` +
				`{"digest":"sha256:c","platform":{"architecture":"arm64","os":"windows"}}]}`, []string{"amd64"}},
		{"an index whose type the answer leaves out is read from the manifest", "",
			`{"schemaVersion":2,"mediaType":"` + ociIndex + `","manifests":[{"digest":"sha256:a","platform":{"architecture":"arm64","os":"linux"}}]}`, []string{"arm64"}},
		{"an index of attestations only is unknown", ociIndex,
			`{"schemaVersion":2,"manifests":[{"digest":"sha256:b","platform":{"architecture":"unknown","os":"unknown"}}]}`, nil},
		{"a manifest that does not parse is unknown", ociIndex, `{"schemaVersion":`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := aws.NewECR(manifestECR{mediaType: tc.mediaType, manifest: tc.manifest}, "eu-west-2")
			got, err := r.Architectures(context.Background(), "app", []string{"v1"})
			mustNoError(t, err)
			want := map[string][]string{}
			if tc.want != nil {
				want["v1"] = tc.want
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("architectures (-want +got):\n%s", diff)
			}
		})
	}
}
