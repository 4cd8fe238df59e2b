from lead_runtime.migrate import run_env
from reporting.adapters.tables import metadata

run_env(metadata)
