"""leadflow ingest: touchpoints and webhooks in over HTTP, out to Kafka (`touchpoints` or `touchpoints.rejected`)."""
