package model

// Validate checks a spec against the module's rules and the AWS rules for Fargate and
// returns every finding at once.
func Validate(s Spec) Findings {
	return nil
}
