from lead_runtime.migrate import run_env
from nurture.adapters.tables import metadata

run_env(metadata)
