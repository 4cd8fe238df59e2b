"""leadflow handoff: hands sales-ready leads to sales once per episode and applies the CRM's feedback."""
