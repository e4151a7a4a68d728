package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTheLinkerDropsUnusedAWSOperations guards the binary's size: when anything linked
// makes reflect.Value.MethodByName reachable (text/template does; cobra's
// SetVersionTemplate, SetUsageTemplate and SetHelpTemplate bring it in), the linker must
// keep every exported method, so each SDK client links all of its operations (SSM alone
// has 468) and the binary grows from about 30 MiB to 47 MiB.
func TestTheLinkerDropsUnusedAWSOperations(t *testing.T) {
	trackBinary(t)
	out, err := exec.Command("go", "tool", "nm", binary).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool nm: %v\n%s", err, out)
	}
	symbols := string(out)
	if strings.Contains(symbols, "reflect.Value.MethodByName") {
		t.Error("reflect.Value.MethodByName is linked: the linker now keeps every exported method " +
			"(is text/template reachable, e.g. a cobra Set...Template call?)")
	}
	if !strings.Contains(symbols, "service/ssm.(*Client).DescribeParameters") {
		t.Fatal("the SSM client's DescribeParameters is not in the binary: the check below would prove nothing")
	}
	if strings.Contains(symbols, "service/ssm.(*Client).CancelCommand") {
		t.Error("the binary links SSM operations ecswiz never calls (CancelCommand)")
	}
}
