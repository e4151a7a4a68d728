package model

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTheFargateTableHas74Pairs(t *testing.T) {
	if got := len(FargateSizes()); got != 74 {
		t.Fatalf("got %d pairs", got)
	}
}

func TestValidMemories(t *testing.T) {
	cases := []struct {
		name string
		cpu  int
		want []int
	}{
		{"256 CPU lists its three sizes", 256, []int{512, 1024, 2048}},
		{"512 CPU steps by 1 GiB from 1 to 4 GiB", 512, []int{1024, 2048, 3072, 4096}},
		{"an invalid CPU has none", 300, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ValidMemories(tc.cpu)); diff != "" {
				t.Fatal(diff)
			}
		})
	}
	if got := ValidMemories(8192); got[0] != 16384 || got[len(got)-1] != 61440 || got[1]-got[0] != 4096 {
		t.Errorf("8192 CPU: %v", got)
	}
	if got := ValidMemories(16384); got[0] != 32768 || got[len(got)-1] != 122880 || got[1]-got[0] != 8192 {
		t.Errorf("16384 CPU: %v", got)
	}
}

func TestNearestMemoryKeepsTheChoiceWhenCPUChanges(t *testing.T) {
	cases := []struct {
		name              string
		cpu, memory, want int
	}{
		{"a memory valid for the new CPU stays", 1024, 4096, 4096},
		{"too little memory rises to the row's minimum", 2048, 1024, 4096},
		{"too much memory falls to the row's maximum", 512, 8192, 4096},
		{"a tie picks the smaller", 8192, 18432, 16384},
		{"256 CPU snaps to its listed sizes", 256, 1536, 1024},
		{"an invalid CPU gives 0", 100, 1024, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NearestMemory(tc.cpu, tc.memory); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestNearestCPUAndSize(t *testing.T) {
	cases := []struct {
		name        string
		cpu, memory int
		want        Size
	}{
		{"a valid pair stays", 1024, 3072, Size{1024, 3072}},
		{"a CPU between two sizes goes to the nearer", 1000, 2048, Size{1024, 2048}},
		{"a tie picks the smaller CPU", 768, 2048, Size{512, 2048}},
		{"a CPU below the table rises to 256", 1, 512, Size{256, 512}},
		{"a CPU above the table falls to 16384", 99999, 122880, Size{16384, 122880}},
		{"the memory follows the CPU found", 2000, 1024, Size{2048, 4096}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NearestCPU(tc.cpu); got != tc.want.CPU {
				t.Errorf("NearestCPU(%d) = %d, want %d", tc.cpu, got, tc.want.CPU)
			}
			got := NearestSize(tc.cpu, tc.memory)
			if got != tc.want {
				t.Errorf("NearestSize(%d, %d) = %v, want %v", tc.cpu, tc.memory, got, tc.want)
			}
			if !IsValidSize(got.CPU, got.Memory) {
				t.Errorf("%v is not a Fargate size", got)
			}
		})
	}
}

func TestNormalizeArchitecture(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"the canonical forms stay", "ARM64", ArchARM64, true},
		{"lower case is read", "arm64", ArchARM64, true},
		{"a hyphen is read as the underscore", "x86-64", ArchX86_64, true},
		{"Docker's amd64 is X86_64", "amd64", ArchX86_64, true},
		{"spaces around are dropped", " X86_64 ", ArchX86_64, true},
		{"another architecture is not guessed", "riscv64", "", false},
		{"empty is nothing", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NormalizeArchitecture(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("NormalizeArchitecture(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestNextSizeUp(t *testing.T) {
	cases := []struct {
		name        string
		cpu, memory int
		want        Size
		ok          bool
	}{
		{"inside a row the memory grows by one step", 512, 1024, Size{512, 2048}, true},
		{"256 CPU goes from 1 GiB to 2 GiB", 256, 1024, Size{256, 2048}, true},
		{"at the top of a row the next CPU row is used", 512, 4096, Size{1024, 5120}, true},
		{"4 vCPU at 30 GiB moves to 8 vCPU", 4096, 30720, Size{8192, 32768}, true},
		{"the largest size has nothing above it", 16384, 122880, Size{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NextSizeUp(tc.cpu, tc.memory)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("got %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestPresetsFollowTheSeed(t *testing.T) {
	cases := map[string]Size{"dev": {512, 1024}, "staging": {1024, 2048}, "prod": {2048, 4096}, "Production": {2048, 4096}, "qa": {512, 1024}}
	for env, want := range cases {
		if got := Preset(env); got != want {
			t.Errorf("%s: got %v, want %v", env, got, want)
		}
	}
}

func TestParseCPUAndMemoryForms(t *testing.T) {
	cases := []struct {
		name      string
		parse     func(string) (int, bool, error)
		in        string
		want      int
		canonical bool
		fails     bool
	}{
		{"integer CPU units are canonical", ParseCPU, "1024", 1024, true, false},
		{"the vCPU form is read", ParseCPU, "1 vCPU", 1024, false, false},
		{"a fractional vCPU is read", ParseCPU, "0.25 vcpu", 256, false, false},
		{"integer MiB are canonical", ParseMemory, "2048", 2048, true, false},
		{"the GB form is read", ParseMemory, "2GB", 2048, false, false},
		{"padding is not canonical", ParseMemory, " 2048", 2048, false, false},
		{"a word fails", ParseCPU, "lots", 0, false, true},
		{"zero fails", ParseMemory, "0", 0, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, canonical, err := tc.parse(tc.in)
			if (err != nil) != tc.fails || got != tc.want || canonical != tc.canonical {
				t.Fatalf("got %d %v %v", got, canonical, err)
			}
		})
	}
}

func TestEstimateCostUsesListPrices(t *testing.T) {
	x86 := EstimateCost(Size{1024, 2048}, ArchX86_64)
	if want := 0.04048 + 2*0.004445; math.Abs(x86.HourlyUSD-want) > 1e-9 {
		t.Errorf("x86 hourly %f, want %f", x86.HourlyUSD, want)
	}
	if math.Abs(x86.MonthlyUSD-x86.HourlyUSD*730) > 1e-9 {
		t.Errorf("monthly %f is not 730 hours", x86.MonthlyUSD)
	}
	arm := EstimateCost(Size{1024, 2048}, ArchARM64)
	if want := 0.03238 + 2*0.00356; math.Abs(arm.HourlyUSD-want) > 1e-9 {
		t.Errorf("ARM hourly %f, want %f", arm.HourlyUSD, want)
	}
}
