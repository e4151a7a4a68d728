package wizard

func newHardeningStep(e *env) step { return &stubStep{env: e, title: "Hardening"} }
