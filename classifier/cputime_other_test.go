//go:build !unix

package classifier

import "time"

// cpuTime is not measured here (no getrusage): TestThroughputCPU reports
// zero CPU time rather than not building.
func cpuTime() time.Duration { return 0 }
