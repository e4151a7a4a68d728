package wizard

func newIntegrationsStep(e *env) step { return &stubStep{env: e, title: "Integrations"} }
