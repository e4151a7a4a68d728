package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/measure"
)

// The troubleshooter's benchmark cluster: 100 services with 10 stopped tasks each, every
// AWS call answered after 25 ms (issue 7).
const (
	scanServices   = 100
	scanPerService = 10
	scanLatency    = 25 * time.Millisecond
	scanCluster    = "bench"
)

// doctorEndpoint is a fake AWS with one cluster of services services and perService
// stopped tasks each, answering every call after scanLatency with ECS's page limits.
func doctorEndpoint(b *testing.B, services, perService int) *fakeaws.Server {
	b.Helper()
	srv := fakeaws.New(fakeaws.WithLatency(scanLatency))
	srv.SeedCluster(scanCluster, services, perService)
	if _, err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return srv
}

// BenchmarkDoctorScan is the troubleshooter opening a cluster (its services and its
// stopped tasks, classified and grouped by cause) against the sequential AWS CLI loop a
// person would write for the same reads, on the same fake AWS. Two rows:
//   - first: ecswiz until the first batch of tasks is classified and grouped; the loop
//     until its first describe-tasks has printed (the earliest a stopped reason can be
//     read).
//   - all: the whole scan; the whole loop.
func BenchmarkDoctorScan(b *testing.B) {
	srv := doctorEndpoint(b, scanServices, scanPerService)
	clients := awstest.Clients(b, srv, awstest.WithRetries)
	want := scanServices * scanPerService

	var firsts measure.Sample
	calls := 0
	all, err := measure.Time(measure.MinRuns, func() error {
		srv.ResetCalls()
		start := time.Now()
		var (
			tasks    []doctor.StoppedTask
			services int
			first    time.Duration
		)
		err := doctor.Scan(context.Background(), clients.ECS, scanCluster, "", func(ev doctor.Event) {
			services += len(ev.Services)
			if len(ev.Tasks) == 0 {
				return
			}
			tasks = append(tasks, ev.Tasks...)
			if first == 0 && len(doctor.GroupByCause(tasks)) > 0 {
				first = time.Since(start)
			}
		})
		if err != nil || len(tasks) != want || services != scanServices {
			return fmt.Errorf("doctor.Scan read %d of %d tasks and %d of %d services (err %v)", len(tasks), want, services, scanServices, err)
		}
		firsts = append(firsts, first)
		calls = len(srv.Calls())
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	firsts = firsts[1:] // the warm-up's

	peer := map[string]float64{}
	var peerFirsts measure.Sample
	if _, err := exec.LookPath("aws"); err != nil {
		b.Log("no peer figures: aws (the AWS CLI) is not on PATH")
	} else {
		peerCalls := 0
		peerAll, err := measure.Time(measure.MinRuns, func() error {
			srv.ResetCalls()
			first, err := runCLILoop(srv, scanServices, want)
			if err != nil {
				return err
			}
			peerFirsts = append(peerFirsts, first)
			peerCalls = len(srv.Calls())
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		peerFirsts = peerFirsts[1:]
		peer[measure.Peer] = measure.Ms(peerAll.Median())
		peer[measure.PeerCalls] = float64(peerCalls)
	}

	b.Run("first", func(b *testing.B) {
		m := map[string]float64{measure.Calls: float64(calls)}
		if len(peerFirsts) > 0 {
			m[measure.Peer] = measure.Ms(peerFirsts.Median())
			m[measure.PeerCalls] = peer[measure.PeerCalls]
		}
		measure.Report(b, firsts, m)
	})
	b.Run("all", func(b *testing.B) {
		m := maps.Clone(peer)
		m[measure.Calls] = float64(calls)
		measure.Report(b, all, m)
	})
}

// cliLoopMarker is the line the loop prints once its first describe-tasks has printed.
const cliLoopMarker = "# first describe-tasks printed"

// cliLoop is what a person writes in bash to read a cluster's services and stopped tasks
// with the AWS CLI: one call after another, the CLI paging list-services and list-tasks
// itself, describe-services 10 names at a time and describe-tasks 100 (AWS's limits).
// $1 is the endpoint, $2 the cluster.
const cliLoop = `set -euo pipefail
endpoint=$1 cluster=$2
ecs() { aws ecs "$@" --cluster "$cluster" --endpoint-url "$endpoint" --output text; }

out=$(ecs list-services --query 'serviceArns[]')
services=($out)
for ((i = 0; i < ${#services[@]}; i += 10)); do
	ecs describe-services --services "${services[@]:i:10}" \
		--query 'services[].[serviceArn,status,runningCount,desiredCount]'
done

out=$(ecs list-tasks --desired-status STOPPED --query 'taskArns[]')
tasks=($out)
for ((i = 0; i < ${#tasks[@]}; i += 100)); do
	ecs describe-tasks --tasks "${tasks[@]:i:100}" \
		--query 'tasks[].[taskArn,group,stopCode,stoppedReason]'
	if ((i == 0)); then echo '` + cliLoopMarker + `'; fi
done
`

// runCLILoop runs cliLoop against srv and returns when its first describe-tasks had
// printed. It fails unless the loop printed every service and every task.
func runCLILoop(srv *fakeaws.Server, services, tasks int) (time.Duration, error) {
	cmd := awsCLI(srv, "bash", "-c", cliLoop, "bash", srv.URL(), scanCluster)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start the AWS CLI loop: %w", err)
	}
	var first time.Duration
	gotServices, gotTasks := 0, 0
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == cliLoopMarker && first == 0 {
			first = time.Since(start)
			continue
		}
		arn, _, _ := strings.Cut(line, "\t")
		switch {
		case strings.Contains(arn, ":service/"):
			gotServices++
		case strings.Contains(arn, ":task/"):
			gotTasks++
		}
	}
	scanErr := sc.Err()
	if err := errors.Join(scanErr, cmd.Wait()); err != nil {
		return 0, fmt.Errorf("the AWS CLI loop: %w\n%s", err, stderr.String())
	}
	if first == 0 || gotServices != services || gotTasks != tasks {
		return 0, fmt.Errorf("the AWS CLI loop printed %d of %d services and %d of %d tasks (first describe-tasks seen: %t)\n%s",
			gotServices, services, gotTasks, tasks, first > 0, stderr.String())
	}
	return first, nil
}
