from handoff.settings import Settings


def test_crm_url_and_push_tuning_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HANDOFF_DATABASE__URL", "postgresql+asyncpg://u:p@h/db")
    monkeypatch.setenv("LEADFLOW_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("HANDOFF_CRM__URL", "http://crm.test/leads")
    monkeypatch.setenv("HANDOFF_CRM__MAX_ATTEMPTS", "3")
    settings = Settings()
    assert settings.crm.url == "http://crm.test/leads"
    assert settings.crm.max_attempts == 3
    assert settings.crm.timeout_seconds == 5.0
    assert settings.http.port == 8004


def test_an_empty_crm_url_means_no_push(monkeypatch):
    monkeypatch.setenv("HANDOFF_CRM__URL", "")
    settings = Settings(database={"url": "postgresql+asyncpg://u:p@h/db"}, kafka={"bootstrap_servers": "x:1"})
    assert settings.crm.url is None
