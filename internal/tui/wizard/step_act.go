package wizard

func newActStep(e *env) step { return &stubStep{env: e, title: "Act"} }
