# One image for all four services; docker-compose.yml picks the service with its command,
# e.g. ["python", "-m", "scoring", "serve"]. Build from the repository root: docker build -t leadflow .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LEADFLOW_CONFIG_DIR=/app/config

WORKDIR /app
COPY libs/ libs/
COPY services/ services/
COPY config/ config/

# one pip run, so the services resolve lead-events / lead-runtime from the local copies
RUN pip install --no-cache-dir ./libs/events ./libs/runtime \
        ./services/ingest ./services/scoring ./services/nurture ./services/handoff ./services/reporting

RUN useradd --system --uid 10001 --home-dir /app --no-create-home leadflow
USER leadflow

EXPOSE 8001 8002 8003 8004 8005
CMD ["python", "-m", "ingest", "serve"]
