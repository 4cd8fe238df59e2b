"""Pure rules of ingest: no I/O, no framework imports, time passed in as `now`."""
