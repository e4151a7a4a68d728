package wizard

func newDjangoStep(e *env) step { return &stubStep{env: e, title: "Django"} }
