from lead_runtime.migrate import run_env
from ingest.adapters.tables import metadata

run_env(metadata)
