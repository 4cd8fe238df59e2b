from lead_runtime.migrate import run_env
from scoring.adapters.tables import metadata

run_env(metadata)
