from lead_runtime.migrate import run_env

from handoff.adapters.tables import metadata

run_env(metadata)
