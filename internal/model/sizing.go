package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Size is one Fargate task size (Linux): CPU units and memory in MiB.
type Size struct {
	CPU    int
	Memory int
}

func (s Size) String() string { return fmt.Sprintf("%d CPU / %d MiB", s.CPU, s.Memory) }

// fargateRows is the Fargate table: for each CPU, memory from min to max in steps.
var fargateRows = []struct {
	cpu, min, max, step int
	explicit            []int // the 256 row lists its memories instead of stepping
}{
	{cpu: 256, explicit: []int{512, 1024, 2048}},
	{cpu: 512, min: 1024, max: 4096, step: 1024},
	{cpu: 1024, min: 2048, max: 8192, step: 1024},
	{cpu: 2048, min: 4096, max: 16384, step: 1024},
	{cpu: 4096, min: 8192, max: 30720, step: 1024},
	{cpu: 8192, min: 16384, max: 61440, step: 4096},
	{cpu: 16384, min: 32768, max: 122880, step: 8192},
}

// fargateSizes is every valid pair, ordered by CPU then memory.
var fargateSizes = func() []Size {
	var sizes []Size
	for _, r := range fargateRows {
		mems := r.explicit
		for m := r.min; r.step > 0 && m <= r.max; m += r.step {
			mems = append(mems, m)
		}
		for _, m := range mems {
			sizes = append(sizes, Size{CPU: r.cpu, Memory: m})
		}
	}
	return sizes
}()

// FargateSizes returns every valid Fargate (Linux) CPU/memory pair.
func FargateSizes() []Size { return slices.Clone(fargateSizes) }

// FargateCPUs returns the valid CPU values in ascending order.
func FargateCPUs() []int {
	cpus := make([]int, len(fargateRows))
	for i, r := range fargateRows {
		cpus[i] = r.cpu
	}
	return cpus
}

// ValidMemories returns the memory sizes Fargate accepts with cpu, ascending; nil for an
// invalid cpu.
func ValidMemories(cpu int) []int {
	var mems []int
	for _, s := range fargateSizes {
		if s.CPU == cpu {
			mems = append(mems, s.Memory)
		}
	}
	return mems
}

// IsValidSize reports whether cpu/memory is a Fargate pair.
func IsValidSize(cpu, memory int) bool {
	return slices.Contains(fargateSizes, Size{CPU: cpu, Memory: memory})
}

// NearestMemory is the valid memory for cpu closest to memory (the smaller on a tie).
// It keeps a choice when the CPU changes. It returns 0 for an invalid cpu.
func NearestMemory(cpu, memory int) int {
	best := 0
	for _, m := range ValidMemories(cpu) {
		if best == 0 || abs(m-memory) < abs(best-memory) {
			best = m
		}
	}
	return best
}

// NearestCPU is the Fargate CPU closest to cpu (the smaller on a tie).
func NearestCPU(cpu int) int {
	best := 0
	for _, c := range FargateCPUs() {
		if best == 0 || abs(c-cpu) < abs(best-cpu) {
			best = c
		}
	}
	return best
}

// NearestSize is the valid Fargate size closest to cpu and memory: the nearest CPU,
// then the memory valid with it nearest to memory. It turns a size from a file (which
// may hold any pair) into the one a picker of valid sizes starts on.
func NearestSize(cpu, memory int) Size {
	c := NearestCPU(cpu)
	return Size{CPU: c, Memory: NearestMemory(c, memory)}
}

// NextSizeUp is the smallest valid size with more memory than memory, keeping cpu when
// its row allows, else moving to the next CPU row. ok is false at the very top.
func NextSizeUp(cpu, memory int) (Size, bool) {
	for _, s := range fargateSizes {
		if s.CPU == cpu && s.Memory > memory {
			return s, true
		}
	}
	for _, s := range fargateSizes {
		if s.CPU > cpu && s.Memory > memory {
			return s, true
		}
	}
	return Size{}, false
}

// Preset is the seed's recommended size for an environment name.
func Preset(environment string) Size {
	switch strings.ToLower(environment) {
	case "staging", "stage":
		return Size{CPU: 1024, Memory: 2048}
	case "prod", "production":
		return Size{CPU: 2048, Memory: 4096}
	default:
		return Size{CPU: 512, Memory: 1024}
	}
}

// ParseCPU reads a task cpu value: integer units ("1024") or the API's vCPU form
// ("1 vCPU", "0.5 vcpu"). canonical is true only for the integer form as AWS stores it.
func ParseCPU(s string) (units int, canonical bool, err error) {
	return parseUnits(s, "vcpu")
}

// ParseMemory reads a task memory value: MiB ("2048") or the API's GB form ("2GB",
// "2 gb").
func ParseMemory(s string) (mib int, canonical bool, err error) {
	return parseUnits(s, "gb")
}

// parseUnits reads an integer, or a number of the unit (vCPU or GB, 1024 each).
func parseUnits(s, unit string) (int, bool, error) {
	t := strings.TrimSpace(s)
	if n, err := strconv.Atoi(t); err == nil && n > 0 {
		return n, strconv.Itoa(n) == s, nil
	}
	if num, found := strings.CutSuffix(strings.ToLower(t), unit); found {
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err == nil && f > 0 && f < 1<<20 { // also refuses NaN and Inf
			return int(f * 1024), false, nil
		}
	}
	return 0, false, fmt.Errorf("%q is not a number", s)
}

// Estimate is a cost estimate from list prices.
type Estimate struct {
	HourlyUSD  float64
	MonthlyUSD float64 // 730 hours
}

// PriceNote must accompany every estimate shown to a person.
const PriceNote = "list price, us-east-1"

const hoursPerMonth = 730

// EstimateCost prices one task of size on arch (X86_64 or ARM64) at us-east-1 list prices.
func EstimateCost(size Size, arch string) Estimate {
	perVCPU, perGB := 0.04048, 0.004445
	if arch == ArchARM64 {
		perVCPU, perGB = 0.03238, 0.00356
	}
	hourly := float64(size.CPU)/1024*perVCPU + float64(size.Memory)/1024*perGB
	return Estimate{HourlyUSD: hourly, MonthlyUSD: hourly * hoursPerMonth}
}

// CPU architectures the spec accepts.
const (
	ArchX86_64 = "X86_64"
	ArchARM64  = "ARM64"
)

// NormalizeArchitecture is the architecture a person or a file most likely meant by
// arch, as the spec must write it: "arm64" and "x86-64" are ARM64 and X86_64, Docker's
// "amd64" is X86_64. ok is false when arch names neither.
func NormalizeArchitecture(arch string) (canonical string, ok bool) {
	up := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(arch), "-", "_"))
	switch up {
	case ArchX86_64, ArchARM64:
		return up, true
	case "AMD64":
		return ArchX86_64, true
	}
	return "", false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ImageArchitecture is the architecture, as Docker and image indexes name it, that a
// task of cpu_architecture arch runs: amd64 for X86_64, arm64 for ARM64; "" for neither.
func ImageArchitecture(arch string) string {
	switch a, _ := NormalizeArchitecture(arch); a {
	case ArchX86_64:
		return "amd64"
	case ArchARM64:
		return "arm64"
	}
	return ""
}
