package doctor

import (
	"fmt"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// ProposeSize is the size a task that ran out of memory should move to: the next valid
// memory for the revision's CPU, or the next CPU row at the top of it. ok is false at
// Fargate's largest size; err says why the revision's size could not be read.
func ProposeSize(td taskdef.TaskDefinition) (p model.SizeProposal, ok bool, err error) {
	cpu, _, err := model.ParseCPU(td.CPU)
	if err != nil {
		return model.SizeProposal{}, false, fmt.Errorf("cpu: %w", err)
	}
	memory, _, err := model.ParseMemory(td.Memory)
	if err != nil {
		return model.SizeProposal{}, false, fmt.Errorf("memory: %w", err)
	}
	arch := ""
	if td.RuntimePlatform != nil {
		arch = td.RuntimePlatform.CPUArchitecture
	}
	p, ok = model.ProposeMoreMemory(cpu, memory, arch)
	if !ok {
		p = model.SizeProposal{From: model.Size{CPU: cpu, Memory: memory}}
	}
	return p, ok, nil
}

// Proposal is a size change in the JSON findings.
type Proposal struct {
	CPU              int     `json:"cpu"`
	Memory           int     `json:"memory"`
	MonthlyChangeUSD float64 `json:"monthlyChangeUSD"` // per task
	PriceNote        string  `json:"priceNote"`
}
