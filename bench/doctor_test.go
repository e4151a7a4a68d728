package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
)

// doctorEndpoint is a fake AWS with one cluster of services services and perService
// stopped tasks each, answering every call after callLatency with ECS's page limits.
func doctorEndpoint(b *testing.B, services, perService int) *fakeaws.Server {
	b.Helper()
	srv := fakeaws.New(fakeaws.WithLatency(callLatency))
	srv.SeedCluster("bench", services, perService)
	if _, err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return srv
}

// BenchmarkDoctorScan is the troubleshooter opening a cluster: its services and its
// stopped tasks, classified and grouped by cause. first-ms is when the first grouped
// results are there to show (the first batch of tasks, classified); ns/op is the whole
// scan; calls/op counts the AWS calls.
func BenchmarkDoctorScan(b *testing.B) {
	for _, tc := range []struct{ services, perService int }{{100, 10}} {
		b.Run(fmt.Sprintf("ecswiz/%dservices/%dtasks", tc.services, tc.services*tc.perService), func(b *testing.B) {
			srv := doctorEndpoint(b, tc.services, tc.perService)
			clients := clientsFor(b, srv)
			var first, calls time.Duration
			var n int
			for b.Loop() {
				srv.ResetCalls()
				start := time.Now()
				var tasks []doctor.StoppedTask
				seen := false
				err := doctor.Scan(context.Background(), clients.ECS, "bench", "", func(ev doctor.Event) {
					if len(ev.Tasks) == 0 {
						return
					}
					tasks = append(tasks, ev.Tasks...)
					if !seen && len(doctor.GroupByCause(tasks)) > 0 {
						seen = true
						first += time.Since(start)
					}
				})
				if err != nil || len(tasks) != tc.services*tc.perService {
					b.Fatalf("scanned %d of %d tasks (err %v)", len(tasks), tc.services*tc.perService, err)
				}
				calls += time.Duration(len(srv.Calls()))
				n++
			}
			b.ReportMetric(float64(first.Milliseconds())/float64(n), "first-ms")
			b.ReportMetric(float64(calls)/float64(n), "calls/op")
		})
	}
}
