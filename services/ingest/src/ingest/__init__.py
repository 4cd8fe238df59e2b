"""leadflow ingest: touchpoints in over HTTP, out to Kafka (`touchpoints` or `touchpoints.rejected`)."""
