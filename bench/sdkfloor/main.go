// Command sdkfloor is the start-up floor of any program linking the AWS SDK clients
// ecswiz links: it imports them and prints one line, nothing else. bench/startup.sh times
// it next to `ecswiz version`, so docs/PERFORMANCE.md can say how much of ecswiz's
// start-up is the SDK's package initialisation (its schema tables and endpoint rules),
// which no program that links the SDK avoids.
package main

import (
	"fmt"

	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	_ "github.com/aws/aws-sdk-go-v2/service/ecr"
	_ "github.com/aws/aws-sdk-go-v2/service/ecs"
	_ "github.com/aws/aws-sdk-go-v2/service/iam"
	_ "github.com/aws/aws-sdk-go-v2/service/ssm"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() { fmt.Println("sdkfloor") }
