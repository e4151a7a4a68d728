package fakeaws

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// Image seeds an ECR image (AddImage).
//
// Every fake image is pushed as an OCI image index (imageManifestMediaType
// application/vnd.oci.image.index.v1+json) with one manifest per architecture, each with
// platform {os: linux, architecture: ...}, the way `docker buildx` pushes. A client learns an
// image's architectures the way it would on AWS: BatchGetImage, then read the index's
// manifests[].platform.architecture.
type Image struct {
	Tags          []string
	Architectures []string // e.g. "amd64", "arm64"; default amd64
	PushedAt      time.Time
	SizeBytes     int64
}

type ecrImage struct {
	digest   string
	tags     []string
	pushed   time.Time
	size     int64
	archs    []string
	manifest string
}

type ecrRepo struct {
	name    string
	created time.Time
	images  []*ecrImage
}

type ecrState struct {
	repos map[string]*ecrRepo
}

func (st *ecrState) init() { st.repos = map[string]*ecrRepo{} }

func init() {
	registerJSON(ServiceECR, map[string]jsonHandler{
		"DescribeRepositories": (*Server).ecrDescribeRepositories,
		"DescribeImages":       (*Server).ecrDescribeImages,
		"ListImages":           (*Server).ecrListImages,
		"BatchGetImage":        (*Server).ecrBatchGetImage,
	})
}

const (
	mediaTypeIndex    = "application/vnd.oci.image.index.v1+json"
	mediaTypeManifest = "application/vnd.oci.image.manifest.v1+json"
)

// AddRepository creates a repository (no-op when it exists).
func (s *Server) AddRepository(name string, createdAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repoLocked(name, createdAt)
}

func (s *Server) repoLocked(name string, created time.Time) *ecrRepo {
	r, ok := s.ecr.repos[name]
	if !ok {
		if created.IsZero() {
			created = s.now()
		}
		r = &ecrRepo{name: name, created: created}
		s.ecr.repos[name] = r
	}
	return r
}

// RepositoryURI returns ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME.
func (s *Server) RepositoryURI(name string) string {
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", s.opts.account, s.opts.region, name)
}

// AddImage pushes an image to repo (created when missing); its tags move off older images.
// It returns the image digest.
func (s *Server) AddImage(repo string, img Image) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repoLocked(repo, time.Time{})
	if img.PushedAt.IsZero() {
		img.PushedAt = s.now()
	}
	archs := img.Architectures
	if len(archs) == 0 {
		archs = []string{"amd64"}
	}
	size := img.SizeBytes
	if size == 0 {
		size = 48_123_456
	}
	type platform struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
	}
	type descriptor struct {
		MediaType string   `json:"mediaType"`
		Digest    string   `json:"digest"`
		Size      int      `json:"size"`
		Platform  platform `json:"platform"`
	}
	index := struct {
		SchemaVersion int          `json:"schemaVersion"`
		MediaType     string       `json:"mediaType"`
		Manifests     []descriptor `json:"manifests"`
	}{SchemaVersion: 2, MediaType: mediaTypeIndex}
	for _, a := range archs {
		index.Manifests = append(index.Manifests, descriptor{MediaType: mediaTypeManifest,
			Digest: "sha256:" + fakeHex(64, repo, strings.Join(img.Tags, ","), a, img.PushedAt.String()),
			Size:   1_000 + len(a), Platform: platform{Architecture: a, OS: "linux"}})
	}
	b, _ := json.Marshal(index)
	sum := sha256.Sum256(b)
	digest := "sha256:" + hex.EncodeToString(sum[:])
	for _, old := range r.images {
		old.tags = slices.DeleteFunc(old.tags, func(t string) bool { return slices.Contains(img.Tags, t) })
	}
	r.images = append(r.images, &ecrImage{digest: digest, tags: slices.Clone(img.Tags), pushed: img.PushedAt,
		size: size, archs: archs, manifest: string(b)})
	return digest
}

func (s *Server) repoFor(name string) (*ecrRepo, error) {
	r, ok := s.ecr.repos[name]
	if !ok {
		return nil, errorf("RepositoryNotFoundException", "The repository with name '%s' does not exist in the registry with id '%s'", name, s.opts.account)
	}
	return r, nil
}

func (s *Server) ecrDescribeRepositories(r *request) (any, error) {
	var in struct {
		RepositoryNames []string `json:"repositoryNames"`
		MaxResults      *int     `json:"maxResults"`
		NextToken       string   `json:"nextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "maxResults", in.MaxResults, 1000); err != nil {
		return nil, err
	}
	if len(in.RepositoryNames) > 0 && (in.MaxResults != nil || in.NextToken != "") {
		return nil, errorf("InvalidParameterException", "Invalid parameter at 'maxResults' failed to satisfy constraint: 'maxResults cannot be specified with repositoryNames'")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	names := in.RepositoryNames
	if len(names) == 0 {
		names = slices.Sorted(maps.Keys(s.ecr.repos))
	}
	var repos []any
	for _, n := range names {
		repo, err := s.repoFor(n)
		if err != nil {
			return nil, err
		}
		repos = append(repos, map[string]any{
			"repositoryArn": s.arnPrefix("ecr") + "repository/" + n, "registryId": s.opts.account,
			"repositoryName": n, "repositoryUri": s.RepositoryURI(n), "createdAt": epoch(repo.created),
			"imageTagMutability": "MUTABLE", "imageScanningConfiguration": map[string]any{"scanOnPush": false},
			"encryptionConfiguration": map[string]any{"encryptionType": "AES256"},
		})
	}
	page, next, ok := pageOf(repos, in.NextToken, ptrInt(in.MaxResults, 100))
	if !ok {
		return nil, errorf("InvalidParameterException", "Invalid parameter at 'nextToken'.")
	}
	return map[string]any{"repositories": nonNil(page), "nextToken": optional(next)}, nil
}

type imageID struct {
	ImageDigest string `json:"imageDigest,omitempty"`
	ImageTag    string `json:"imageTag,omitempty"`
}

func (repo *ecrRepo) find(id imageID) *ecrImage {
	for _, img := range repo.images {
		if (id.ImageDigest == "" || img.digest == id.ImageDigest) && (id.ImageTag == "" || slices.Contains(img.tags, id.ImageTag)) {
			return img
		}
	}
	return nil
}

// byRecent returns the images, most recently pushed first.
func (repo *ecrRepo) byRecent() []*ecrImage {
	imgs := slices.Clone(repo.images)
	sort.SliceStable(imgs, func(i, j int) bool { return imgs[i].pushed.After(imgs[j].pushed) })
	return imgs
}

func tagStatusOK(status string, img *ecrImage) bool {
	switch status {
	case "TAGGED":
		return len(img.tags) > 0
	case "UNTAGGED":
		return len(img.tags) == 0
	}
	return true
}

func (s *Server) ecrDescribeImages(r *request) (any, error) {
	var in struct {
		RepositoryName string    `json:"repositoryName"`
		ImageIDs       []imageID `json:"imageIds"`
		MaxResults     *int      `json:"maxResults"`
		NextToken      string    `json:"nextToken"`
		Filter         struct {
			TagStatus string `json:"tagStatus"`
		} `json:"filter"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "maxResults", in.MaxResults, 1000); err != nil {
		return nil, err
	}
	if len(in.ImageIDs) > 100 {
		return nil, validationErr("InvalidParameterException", fmt.Sprint(len(in.ImageIDs)), "imageIds", "Member must have length less than or equal to 100")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	repo, err := s.repoFor(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	var imgs []*ecrImage
	if len(in.ImageIDs) > 0 {
		for _, id := range in.ImageIDs {
			img := repo.find(id)
			if img == nil {
				return nil, errorf("ImageNotFoundException", "The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
					orNull(id.ImageDigest), orNull(id.ImageTag), repo.name, s.opts.account)
			}
			if !slices.Contains(imgs, img) {
				imgs = append(imgs, img)
			}
		}
	} else {
		for _, img := range repo.byRecent() {
			if tagStatusOK(in.Filter.TagStatus, img) {
				imgs = append(imgs, img)
			}
		}
	}
	var details []any
	for _, img := range imgs {
		d := map[string]any{
			"registryId": s.opts.account, "repositoryName": repo.name, "imageDigest": img.digest,
			"imageSizeInBytes": img.size, "imagePushedAt": epoch(img.pushed),
			"imageManifestMediaType": mediaTypeIndex,
		}
		if len(img.tags) > 0 {
			d["imageTags"] = img.tags
		}
		details = append(details, d)
	}
	page, next, ok := pageOf(details, in.NextToken, ptrInt(in.MaxResults, 100))
	if !ok {
		return nil, errorf("InvalidParameterException", "Invalid parameter at 'nextToken'.")
	}
	return map[string]any{"imageDetails": nonNil(page), "nextToken": optional(next)}, nil
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

func (s *Server) ecrListImages(r *request) (any, error) {
	var in struct {
		RepositoryName string `json:"repositoryName"`
		MaxResults     *int   `json:"maxResults"`
		NextToken      string `json:"nextToken"`
		Filter         struct {
			TagStatus string `json:"tagStatus"`
		} `json:"filter"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "maxResults", in.MaxResults, 1000); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	repo, err := s.repoFor(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	var ids []imageID
	for _, img := range repo.byRecent() {
		if !tagStatusOK(in.Filter.TagStatus, img) {
			continue
		}
		if len(img.tags) == 0 {
			ids = append(ids, imageID{ImageDigest: img.digest})
		}
		for _, t := range img.tags {
			ids = append(ids, imageID{ImageDigest: img.digest, ImageTag: t})
		}
	}
	page, next, ok := pageOf(ids, in.NextToken, ptrInt(in.MaxResults, 100))
	if !ok {
		return nil, errorf("InvalidParameterException", "Invalid parameter at 'nextToken'.")
	}
	return map[string]any{"imageIds": nonNil(page), "nextToken": optional(next)}, nil
}

func (s *Server) ecrBatchGetImage(r *request) (any, error) {
	var in struct {
		RepositoryName string    `json:"repositoryName"`
		ImageIDs       []imageID `json:"imageIds"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if len(in.ImageIDs) == 0 || len(in.ImageIDs) > 100 {
		return nil, validationErr("InvalidParameterException", fmt.Sprint(len(in.ImageIDs)), "imageIds", "Member must have length between 1 and 100")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	repo, err := s.repoFor(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	images, failures := []any{}, []any{}
	for _, id := range in.ImageIDs {
		img := repo.find(id)
		if img == nil {
			code, reason := "ImageNotFound", "Requested image not found"
			if id.ImageDigest != "" && id.ImageTag != "" && repo.find(imageID{ImageTag: id.ImageTag}) != nil {
				code, reason = "ImageTagDoesNotMatchDigest", "Invalid image digest or tag"
			}
			failures = append(failures, map[string]any{"imageId": id, "failureCode": code, "failureReason": reason})
			continue
		}
		got := imageID{ImageDigest: img.digest, ImageTag: id.ImageTag}
		images = append(images, map[string]any{"registryId": s.opts.account, "repositoryName": repo.name,
			"imageId": got, "imageManifest": img.manifest, "imageManifestMediaType": mediaTypeIndex})
	}
	return map[string]any{"images": images, "failures": failures}, nil
}
