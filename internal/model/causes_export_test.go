package model

// Causes lists one template Diagnosis per Cause, in the table's order, so the tests can
// hold every cause's words to the house style. Container and Evidence are empty.
func Causes() []Diagnosis { return append([]Diagnosis(nil), causeTemplates...) }
