package wizard

func newSizingStep(e *env) step { return &stubStep{env: e, title: "Sizing"} }
