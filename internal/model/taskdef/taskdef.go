// Package taskdef is the task definition document as the ECS API spells it: the input of
// `aws ecs register-task-definition --cli-input-json`. Field order follows the API
// reference so renders read the way AWS documents them.
package taskdef

// TaskDefinition is a RegisterTaskDefinition request.
type TaskDefinition struct {
	Family                  string                `json:"family"`
	TaskRoleArn             string                `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        string                `json:"executionRoleArn,omitempty"`
	NetworkMode             string                `json:"networkMode"`
	ContainerDefinitions    []ContainerDefinition `json:"containerDefinitions"`
	Volumes                 []Volume              `json:"volumes,omitempty"`
	RequiresCompatibilities []string              `json:"requiresCompatibilities"`
	CPU                     string                `json:"cpu"`
	Memory                  string                `json:"memory"`
	RuntimePlatform         *RuntimePlatform      `json:"runtimePlatform,omitempty"`
	Tags                    []Tag                 `json:"tags,omitempty"`
}

// ContainerDefinition is one container of the task.
type ContainerDefinition struct {
	Name                   string            `json:"name"`
	Image                  string            `json:"image"`
	Essential              bool              `json:"essential"`
	Command                []string          `json:"command,omitempty"`
	User                   string            `json:"user,omitempty"`
	PortMappings           []PortMapping     `json:"portMappings,omitempty"`
	Environment            []KeyValuePair    `json:"environment,omitempty"`
	Secrets                []Secret          `json:"secrets,omitempty"`
	MountPoints            []MountPoint      `json:"mountPoints,omitempty"`
	ReadonlyRootFilesystem bool              `json:"readonlyRootFilesystem"`
	LinuxParameters        *LinuxParameters  `json:"linuxParameters,omitempty"`
	LogConfiguration       *LogConfiguration `json:"logConfiguration,omitempty"`
}

// PortMapping maps a container port; under awsvpc hostPort equals containerPort.
type PortMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

// KeyValuePair is an environment variable.
type KeyValuePair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret is an environment variable read from Parameter Store or Secrets Manager when
// the task starts.
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// MountPoint mounts a task volume into the container.
type MountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

// LinuxParameters holds the container's kernel capabilities.
type LinuxParameters struct {
	Capabilities *KernelCapabilities `json:"capabilities,omitempty"`
}

// KernelCapabilities: Add is written even when empty, as AWS stores it, so that
// Terraform plans stay clean.
type KernelCapabilities struct {
	Add  []string `json:"add"`
	Drop []string `json:"drop"`
}

// LogConfiguration is the container's log driver and its options.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options,omitempty"`
}

// Volume is a task volume: bind (name only) or EFS.
type Volume struct {
	Name                   string                  `json:"name"`
	EFSVolumeConfiguration *EFSVolumeConfiguration `json:"efsVolumeConfiguration,omitempty"`
}

// EFSVolumeConfiguration mounts an EFS file system.
type EFSVolumeConfiguration struct {
	FileSystemID          string                  `json:"fileSystemId"`
	RootDirectory         string                  `json:"rootDirectory,omitempty"`
	TransitEncryption     string                  `json:"transitEncryption,omitempty"`
	TransitEncryptionPort int                     `json:"transitEncryptionPort,omitempty"`
	AuthorizationConfig   *EFSAuthorizationConfig `json:"authorizationConfig,omitempty"`
}

// EFSAuthorizationConfig names an access point and whether to use the task role.
type EFSAuthorizationConfig struct {
	AccessPointID string `json:"accessPointId,omitempty"`
	IAM           string `json:"iam,omitempty"`
}

// RuntimePlatform is the task's OS and CPU architecture.
type RuntimePlatform struct {
	CPUArchitecture       string `json:"cpuArchitecture"`
	OperatingSystemFamily string `json:"operatingSystemFamily"`
}

// Tag is a task definition tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}
