-- Run once by the postgres:15 image on an empty data directory (docker-compose.yml mounts it into
-- /docker-entrypoint-initdb.d). The role leadflow/leadflow comes from POSTGRES_USER/POSTGRES_PASSWORD.
-- One database per service that keeps state; keep in step with PG_DATABASES in deploy/stack.sh
-- (tests/contract/test_compose.py checks that).
CREATE DATABASE leadflow_ingest OWNER leadflow;
CREATE DATABASE leadflow_scoring OWNER leadflow;
CREATE DATABASE leadflow_nurture OWNER leadflow;
CREATE DATABASE leadflow_handoff OWNER leadflow;
CREATE DATABASE leadflow_reporting OWNER leadflow;
