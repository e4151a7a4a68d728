package bench

import (
	"os"
	"os/exec"
	"strings"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// awsCLI is a command of the AWS CLI (or a shell running it) that talks to srv only:
// fake keys, srv's Region, and none of this machine's AWS settings or config files.
func awsCLI(srv *fakeaws.Server, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"AWS_ACCESS_KEY_ID=fake", "AWS_SECRET_ACCESS_KEY=fake", "AWS_DEFAULT_REGION="+srv.Region(),
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	return cmd
}
