from pathlib import Path

from nurture.settings import Settings


def test_settings_come_from_the_nurture_environment(monkeypatch):
    monkeypatch.setenv("NURTURE_DATABASE__URL", "postgresql+asyncpg://leadflow:secret@db:5432/leadflow_nurture")
    monkeypatch.setenv("NURTURE_HTTP__PORT", "9003")
    monkeypatch.setenv("LEADFLOW_KAFKA__BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("LEADFLOW_CONFIG_DIR", "/etc/leadflow")
    settings = Settings()
    assert settings.database.url.get_secret_value().endswith("/leadflow_nurture")
    assert "secret" not in repr(settings)
    assert settings.http.port == 9003
    assert settings.kafka.bootstrap_servers == "kafka:9092"
    assert settings.config_dir == Path("/etc/leadflow")


def test_default_port_is_8003():
    settings = Settings(database={"url": "postgresql+asyncpg://u:p@h/db"}, kafka={"bootstrap_servers": "k:9092"})
    assert settings.http.port == 8003
