"""Pure rules of handoff: no I/O, no framework imports; time arrives as `now`."""
