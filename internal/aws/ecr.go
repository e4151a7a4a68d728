package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ECRAPI is the part of the ECR client ECR uses.
type ECRAPI interface {
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
	BatchGetImage(context.Context, *ecr.BatchGetImageInput, ...func(*ecr.Options)) (*ecr.BatchGetImageOutput, error)
}

// ECR lists repositories and images and checks that an image exists.
type ECR struct {
	api ECRAPI
	// Region is the client's Region; images in another Region are not checked.
	Region string
}

// NewECR wraps an ECR client that talks to region.
func NewECR(api ECRAPI, region string) *ECR { return &ECR{api: api, Region: region} }

// Repository is an ECR repository.
type Repository struct {
	Name, URI, ARN string
	RegistryID     string
	CreatedAt      time.Time
}

// Repositories lists the repositories of the account, sorted by name.
//
// Equivalent to aws ecr describe-repositories
func (r *ECR) Repositories(ctx context.Context) ([]Repository, error) {
	var repos []Repository
	in := &ecr.DescribeRepositoriesInput{MaxResults: sdkaws.Int32(1000)}
	for {
		out, err := r.api.DescribeRepositories(ctx, in)
		if err != nil {
			return nil, classify("list ECR repositories", err)
		}
		for _, x := range out.Repositories {
			repos = append(repos, Repository{
				Name: sdkaws.ToString(x.RepositoryName), URI: sdkaws.ToString(x.RepositoryUri),
				ARN: sdkaws.ToString(x.RepositoryArn), RegistryID: sdkaws.ToString(x.RegistryId),
				CreatedAt: sdkaws.ToTime(x.CreatedAt),
			})
		}
		if sdkaws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	sort.Slice(repos, func(i, j int) bool { return repos[i].Name < repos[j].Name })
	return repos, nil
}

// Image is an image in a repository.
type Image struct {
	Digest    string
	Tags      []string // none for an untagged image
	PushedAt  time.Time
	SizeBytes int64
}

// Tags lists the images of a repository, most recently pushed first.
//
// Equivalent to aws ecr describe-images --repository-name REPO
func (r *ECR) Tags(ctx context.Context, repo string) ([]Image, error) {
	var images []Image
	in := &ecr.DescribeImagesInput{RepositoryName: sdkaws.String(repo), MaxResults: sdkaws.Int32(1000)}
	for {
		out, err := r.api.DescribeImages(ctx, in)
		if err != nil {
			return nil, classify(fmt.Sprintf("list images in ECR repository %s", repo), err)
		}
		for _, d := range out.ImageDetails {
			images = append(images, imageFromSDK(d))
		}
		if sdkaws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	sort.SliceStable(images, func(i, j int) bool { return images[i].PushedAt.After(images[j].PushedAt) })
	return images, nil
}

func imageFromSDK(d ecrtypes.ImageDetail) Image {
	tags := append([]string(nil), d.ImageTags...)
	sort.Strings(tags)
	return Image{
		Digest: sdkaws.ToString(d.ImageDigest), Tags: tags,
		PushedAt: sdkaws.ToTime(d.ImagePushedAt), SizeBytes: sdkaws.ToInt64(d.ImageSizeInBytes),
	}
}

// Manifest media types. Only an image index (a manifest list) names the platforms of
// its images; a single image's architecture is in its config blob, which is not read.
const (
	mediaTypeOCIIndex      = "application/vnd.oci.image.index.v1+json"
	mediaTypeDockerList    = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaTypeOCIManifest   = "application/vnd.oci.image.manifest.v1+json"
	mediaTypeDockerImageV2 = "application/vnd.docker.distribution.manifest.v2+json"
)

// batchGetImageMax is how many image ids one BatchGetImage call takes.
const batchGetImageMax = 100

// Architectures reads the CPU architectures ("amd64", "arm64") each image runs on, from
// its image index: imageIDs are tags or sha256 digests of images in repo, and the answer
// is keyed by them. An image whose architectures cannot be told (a single-platform
// manifest, whose platform is in its config; an id not found) has no entry: unknown,
// never guessed. Attestation entries (architecture "unknown") and platforms other than
// Linux are left out, since Fargate runs neither.
//
// Equivalent to aws ecr batch-get-image --repository-name REPO --image-ids imageTag=TAG ...
// --accepted-media-types application/vnd.oci.image.index.v1+json application/vnd.docker.distribution.manifest.list.v2+json ...
// (one call per 100 ids)
func (r *ECR) Architectures(ctx context.Context, repo string, imageIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	var ids []string
	seen := map[string]bool{}
	for _, id := range imageIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for start := 0; start < len(ids); start += batchGetImageMax {
		batch := ids[start:min(start+batchGetImageMax, len(ids))]
		in := &ecr.BatchGetImageInput{
			RepositoryName: sdkaws.String(repo),
			// Every type, so that ECR returns each manifest as it was pushed rather
			// than converting it; only the index types name platforms.
			AcceptedMediaTypes: []string{mediaTypeOCIIndex, mediaTypeDockerList, mediaTypeOCIManifest, mediaTypeDockerImageV2},
		}
		for _, id := range batch {
			if isDigest(id) {
				in.ImageIds = append(in.ImageIds, ecrtypes.ImageIdentifier{ImageDigest: sdkaws.String(id)})
			} else {
				in.ImageIds = append(in.ImageIds, ecrtypes.ImageIdentifier{ImageTag: sdkaws.String(id)})
			}
		}
		res, err := r.api.BatchGetImage(ctx, in)
		if err != nil {
			return nil, classify(fmt.Sprintf("read the image manifests in ECR repository %s", repo), err)
		}
		// Failures (an id not found) leave the id unknown.
		for _, img := range res.Images {
			archs := manifestArchitectures(sdkaws.ToString(img.ImageManifestMediaType), sdkaws.ToString(img.ImageManifest))
			if len(archs) == 0 || img.ImageId == nil {
				continue
			}
			for _, id := range []string{sdkaws.ToString(img.ImageId.ImageTag), sdkaws.ToString(img.ImageId.ImageDigest)} {
				if id != "" && seen[id] {
					out[id] = archs
				}
			}
		}
	}
	return out, nil
}

func isDigest(id string) bool { return strings.HasPrefix(id, "sha256:") }

// manifestArchitectures is the sorted architectures an image index lists for Linux;
// nil for any other manifest, or one that does not parse.
func manifestArchitectures(mediaType, manifest string) []string {
	var index struct {
		MediaType string `json:"mediaType"`
		Manifests []struct {
			Platform *struct {
				Architecture string `json:"architecture"`
				OS           string `json:"os"`
			} `json:"platform"`
			Annotations map[string]string `json:"annotations"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal([]byte(manifest), &index); err != nil {
		return nil
	}
	if mediaType == "" {
		mediaType = index.MediaType
	}
	switch mediaType {
	case mediaTypeOCIIndex, mediaTypeDockerList:
	case "": // an OCI index may leave its media type out; its manifests say what it is
		if len(index.Manifests) == 0 {
			return nil
		}
	default:
		return nil
	}
	var archs []string
	for _, m := range index.Manifests {
		p := m.Platform
		switch {
		case p == nil, p.Architecture == "", p.Architecture == "unknown",
			m.Annotations["vnd.docker.reference.type"] == "attestation-manifest",
			p.OS != "" && p.OS != "linux":
			continue
		}
		if !slices.Contains(archs, p.Architecture) {
			archs = append(archs, p.Architecture)
		}
	}
	sort.Strings(archs)
	return archs
}

// ECRImage is an image reference in an ECR registry.
type ECRImage struct {
	Account, Region string
	Repository      string
	Tag             string // "" when Digest is set
	Digest          string // sha256:...
}

// ecrHost matches ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn].
var ecrHost = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$`)

// ParseECRImage reads ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@sha256:...]. A tag
// left out means "latest", as docker reads it. ok is false for any other registry.
func ParseECRImage(ref string) (img ECRImage, ok bool) {
	host, rest, found := strings.Cut(ref, "/")
	if !found || rest == "" {
		return ECRImage{}, false
	}
	m := ecrHost.FindStringSubmatch(host)
	if m == nil {
		return ECRImage{}, false
	}
	img.Account, img.Region = m[1], m[2]
	if name, digest, found := strings.Cut(rest, "@"); found {
		rest, img.Digest = name, digest
		if img.Digest == "" {
			return ECRImage{}, false
		}
	}
	if i := strings.LastIndexByte(rest, ':'); i > strings.LastIndexByte(rest, '/') {
		rest, img.Tag = rest[:i], rest[i+1:]
		if img.Tag == "" {
			return ECRImage{}, false
		}
	}
	if img.Tag == "" && img.Digest == "" {
		img.Tag = "latest"
	}
	if img.Digest != "" {
		img.Tag = "" // the digest decides which image runs
	}
	img.Repository = rest
	return img, rest != ""
}

// ImageCheck is the answer to "does this image exist?".
type ImageCheck struct {
	Checked bool   // false when the image could not be checked (not in ECR, other Region)
	Exists  bool   // meaningful only when Checked
	Reason  string // why it was not checked, or what is missing
}

// ImageExists checks that an image reference names an image in ECR. Images in other
// registries (Docker Hub, GHCR) cannot be checked and say so; that is not an error.
//
// Equivalent to aws ecr describe-images --registry-id ACCOUNT --repository-name REPO --image-ids imageTag=TAG
func (r *ECR) ImageExists(ctx context.Context, imageRef string) (ImageCheck, error) {
	img, ok := ParseECRImage(imageRef)
	if !ok {
		return ImageCheck{Reason: "not an ECR image; only images in ECR can be checked"}, nil
	}
	if r.Region != "" && img.Region != r.Region {
		return ImageCheck{Reason: fmt.Sprintf("the image is in %s, ecswiz is talking to %s", img.Region, r.Region)}, nil
	}
	id := ecrtypes.ImageIdentifier{}
	if img.Digest != "" {
		id.ImageDigest = sdkaws.String(img.Digest)
	} else {
		id.ImageTag = sdkaws.String(img.Tag)
	}
	_, err := r.api.DescribeImages(ctx, &ecr.DescribeImagesInput{
		RegistryId:     sdkaws.String(img.Account),
		RepositoryName: sdkaws.String(img.Repository),
		ImageIds:       []ecrtypes.ImageIdentifier{id},
	})
	if err == nil {
		return ImageCheck{Checked: true, Exists: true}, nil
	}
	err = classify(fmt.Sprintf("check image %s", imageRef), err)
	if KindOf(err) == KindNotFound {
		reason := fmt.Sprintf("no image %s%s in repository %s", img.Tag, img.Digest, img.Repository)
		if apiCode(err) == "RepositoryNotFoundException" {
			reason = fmt.Sprintf("no repository %s in account %s", img.Repository, img.Account)
		}
		return ImageCheck{Checked: true, Exists: false, Reason: reason}, nil
	}
	return ImageCheck{}, err
}

// apiCode is the AWS error code of a classified error, "" when there is none.
func apiCode(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return ""
}
