"""leadflow's shared plumbing: a service reads as its rules, its handlers and a few lines of wiring."""
