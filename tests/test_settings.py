"""Settings come from the environment, strictly parsed; logs hide secrets; the demo data."""

import logging
import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client

from portal import env
from portal.context import current_request
from portal.logging import RedactSecretsFilter
from portal.models import AuditEvent, DealerAssignment, Membership, OperatorLink, Organization, PosSystem, User

ROOT = Path(__file__).resolve().parent.parent
# Variables the settings (and Django) read; the subprocess tests start from none of them. Other
# tests set some in this process (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
PROJECT_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "SECRETS_ENCRYPTION_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "MEDIA_ROOT",
    "INVITATION_VALID_DAYS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "LOG_LEVEL",
    "CELERY_QUEUE",
    "PORTAL_URL",
    "PACKAGE_SIGNING_KEY",
}


# Parsing single variables


@pytest.mark.smoke
@pytest.mark.parametrize(
    "value, expected",
    [("1", True), ("true", True), ("Yes", True), (" on ", True), ("0", False), ("false", False), ("NO", False), ("", False)],
)
def test_env_bool_accepts_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("FEATURE", value)

    assert env.env_bool("FEATURE", not expected) is expected


@pytest.mark.smoke
@pytest.mark.parametrize("value", ["maybe", "2", "ja", "truee"])
def test_env_bool_refuses_anything_else_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("FEATURE", value)

    with pytest.raises(ImproperlyConfigured, match=r"FEATURE=.*is invalid"):
        env.env_bool("FEATURE", False)


def test_unset_variables_give_their_defaults(monkeypatch):
    for name in ("FEATURE", "COUNT", "ITEMS"):
        monkeypatch.delenv(name, raising=False)

    assert env.env_bool("FEATURE", True) is True
    assert env.env_int("COUNT", 7) == 7
    assert env.env_list("ITEMS", ["a"]) == ["a"]


@pytest.mark.parametrize("value, expected", [("14", 14), (" 3 ", 3), ("0", 0)])
def test_env_int_accepts_whole_numbers(monkeypatch, value, expected):
    monkeypatch.setenv("COUNT", value)

    assert env.env_int("COUNT", 1) == expected


@pytest.mark.parametrize("value, minimum", [("fourteen", 0), ("1.5", 0), ("", 0), ("0", 1), ("-3", 0)])
def test_env_int_refuses_malformed_or_too_small_numbers(monkeypatch, value, minimum):
    monkeypatch.setenv("COUNT", value)

    with pytest.raises(ImproperlyConfigured, match="COUNT"):
        env.env_int("COUNT", 1, minimum=minimum)


def test_env_list_splits_on_commas_and_strips(monkeypatch):
    monkeypatch.setenv("ITEMS", "portal.example.com, www.portal.example.com")

    assert env.env_list("ITEMS", []) == ["portal.example.com", "www.portal.example.com"]


@pytest.mark.parametrize("value", ["a,,b", "a,", ",a", ""])
def test_env_list_refuses_empty_items(monkeypatch, value):
    monkeypatch.setenv("ITEMS", value)

    with pytest.raises(ImproperlyConfigured, match="ITEMS"):
        env.env_list("ITEMS", [])


def test_env_database_reads_postgres_urls(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://portal:s%40cret@db.example.com:5433/portal")

    config = env.env_database("DATABASE_URL", "sqlite:///x")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"], config["PASSWORD"]) == (
        "db.example.com",
        5433,
        "portal",
        "portal",
        "s@cret",
    )


def test_env_database_reads_sqlite_urls_and_defaults(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    config = env.env_database("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")
    assert "CONN_MAX_AGE" not in config


@pytest.mark.parametrize(
    "value", ["nonsense://x", "mysql://u@h/db", "postgres://user@host:5432/", "postgres://host:port/db", "just words"]
)
def test_env_database_refuses_unusable_urls(monkeypatch, value):
    monkeypatch.setenv("DATABASE_URL", value)

    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_database("DATABASE_URL", "sqlite:///x")


@pytest.mark.parametrize("value", ["redis://127.0.0.1:6379/0", "rediss://:pw@redis.example.com:6380/1"])
def test_env_redis_accepts_redis_urls(monkeypatch, value):
    monkeypatch.setenv("REDIS_URL", value)

    assert env.env_redis("REDIS_URL") == value


def test_env_redis_is_optional(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)

    assert env.env_redis("REDIS_URL") is None


@pytest.mark.parametrize("value", ["http://x", "redis://", "redis://host:port/0", "127.0.0.1:6379"])
def test_env_redis_refuses_other_urls(monkeypatch, value):
    monkeypatch.setenv("REDIS_URL", value)

    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env.env_redis("REDIS_URL")


@pytest.mark.parametrize(
    "value, backend",
    [
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("locmem://", "django.core.mail.backends.locmem.EmailBackend"),
        ("file:///var/mail/portal", "django.core.mail.backends.filebased.EmailBackend"),
        ("smtp://mail.example.com", "django.core.mail.backends.smtp.EmailBackend"),
    ],
)
def test_env_email_chooses_the_backend_from_the_scheme(monkeypatch, value, backend):
    monkeypatch.setenv("EMAIL_URL", value)

    assert env.env_email("EMAIL_URL")["default"]["BACKEND"] == backend


def test_env_email_reads_the_smtp_server_and_its_login(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtps://portal%40example.com:p%3Ass@mail.example.com:2465")

    options = env.env_email("EMAIL_URL")["default"]["OPTIONS"]

    assert (options["host"], options["port"], options["username"], options["password"]) == (
        "mail.example.com",
        2465,
        "portal@example.com",
        "p:ss",
    )
    assert options["use_ssl"] is True and options["use_tls"] is False


def test_env_email_uses_starttls_with_smtp_plus_tls(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://mail.example.com")

    options = env.env_email("EMAIL_URL")["default"]["OPTIONS"]

    assert (options["port"], options["use_tls"], options["use_ssl"]) == (587, True, False)


@pytest.mark.parametrize(
    "value", ["pop3://mail.example.com", "smtp://", "smtp://mail.example.com:abc", "file://", "mail.example.com"]
)
def test_env_email_refuses_malformed_urls(monkeypatch, value):
    monkeypatch.setenv("EMAIL_URL", value)

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.env_email("EMAIL_URL")


def test_env_fernet_keys_accepts_one_or_more_keys(monkeypatch):
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("SECRETS_ENCRYPTION_KEY", f"{new}, {old}")

    assert env.env_fernet_keys("SECRETS_ENCRYPTION_KEY") == [new, old]


def test_env_fernet_keys_refuses_a_bad_key_without_showing_it(monkeypatch):
    good = Fernet.generate_key().decode()
    monkeypatch.setenv("SECRETS_ENCRYPTION_KEY", f"{good},not-a-fernet-key")

    with pytest.raises(ImproperlyConfigured, match="SECRETS_ENCRYPTION_KEY") as error:
        env.env_fernet_keys("SECRETS_ENCRYPTION_KEY")

    assert "not-a-fernet-key" not in str(error.value)
    assert good not in str(error.value)


def test_env_fernet_keys_is_required_without_a_fallback(monkeypatch):
    monkeypatch.delenv("SECRETS_ENCRYPTION_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="SECRETS_ENCRYPTION_KEY is required"):
        env.env_fernet_keys("SECRETS_ENCRYPTION_KEY")


def test_env_fernet_keys_derives_a_stable_working_key_in_development(monkeypatch):
    monkeypatch.delenv("SECRETS_ENCRYPTION_KEY", raising=False)

    keys = env.env_fernet_keys("SECRETS_ENCRYPTION_KEY", fallback_seed="dev-secret")

    assert keys == env.env_fernet_keys("SECRETS_ENCRYPTION_KEY", fallback_seed="dev-secret")
    assert keys != env.env_fernet_keys("SECRETS_ENCRYPTION_KEY", fallback_seed="other-secret")
    assert Fernet(keys[0]).decrypt(Fernet(keys[0]).encrypt(b"pin")) == b"pin"


# Starting the project with a given environment


def manage(*args, **variables):
    """Run manage.py in a fresh process with only the given project variables set."""
    environment = {name: value for name, value in os.environ.items() if name not in PROJECT_VARIABLES}
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def production(**changes):
    variables = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45),
        "SECRETS_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "portal.example.com",
        "EMAIL_URL": "smtp+tls://portal:secret@mail.example.com",
        "PORTAL_URL": "https://portal.example.com/",
    }
    variables.update(changes)
    return {name: value for name, value in variables.items() if value is not None}


def test_a_development_environment_passes_the_checks():
    result = manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "variables, named",
    [
        ({"DEBUG": "1", "DATABASE_URL": "nonsense://x"}, "DATABASE_URL"),
        ({"DEBUG": "1", "REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "1", "EMAIL_URL": "smtp://"}, "EMAIL_URL"),
        ({"DEBUG": "1", "INVITATION_VALID_DAYS": "0"}, "INVITATION_VALID_DAYS"),
        ({"DEBUG": "1", "ALLOWED_HOSTS": "a,,b"}, "ALLOWED_HOSTS"),
    ],
    ids=["database", "redis", "debug", "email", "invitation-days", "allowed-hosts"],
)
def test_a_malformed_variable_stops_start_up_naming_it(variables, named):
    result = manage("check", **variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Environment variable {named}" in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_does_not_start():
    result = manage("check", **production(SECRET_KEY=None))

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_without_an_encryption_key_does_not_start():
    result = manage("check", **production(SECRETS_ENCRYPTION_KEY=None))

    assert result.returncode != 0
    assert "SECRETS_ENCRYPTION_KEY is required" in result.stderr


def test_production_with_a_weak_secret_key_fails_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(SECRET_KEY="short"))

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_without_a_portal_url_does_not_start_naming_it():
    result = manage("check", **production(PORTAL_URL=None))

    assert result.returncode != 0
    assert "PORTAL_URL is required" in result.stderr


def test_production_with_a_plain_http_portal_url_fails_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(PORTAL_URL="http://portal.example.com/"))

    assert result.returncode != 0
    assert "portal.W001" in result.stdout + result.stderr


def test_production_without_a_mail_server_fails_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(EMAIL_URL=None))

    assert result.returncode != 0
    assert "email backend" in result.stdout + result.stderr


# Logs


def log_record(message, *args):
    return logging.LogRecord("portal", logging.INFO, __file__, 1, message, args or None, None)


@pytest.mark.smoke
def test_logs_hide_access_tokens_and_api_tokens():
    api_token = "pt_" + "Ab3_-" * 8
    record = log_record("calling the SCU with accesstoken=abc123 for %s", api_token)

    assert RedactSecretsFilter().filter(record) is True

    message = record.getMessage()
    assert "abc123" not in message
    assert api_token not in message
    assert "accesstoken=***" in message
    assert message == "calling the SCU with accesstoken=*** for ***"


@pytest.mark.parametrize(
    "message, secret",
    [
        ('{"password": "hunter2", "user": "x"}', "hunter2"),
        ("url=https://scu.example/?api_key=K3y&x=1", "K3y"),
        ("PIN: 4711", "4711"),
        ("client_secret='s3cr3t'", "s3cr3t"),
    ],
)
def test_logs_hide_secrets_in_their_usual_spellings(message, secret):
    record = log_record(message)

    RedactSecretsFilter().filter(record)

    assert secret not in record.getMessage()
    assert "***" in record.getMessage()


def test_log_lines_without_secrets_are_left_alone():
    record = log_record("invited %s operators", 3)

    RedactSecretsFilter().filter(record)

    assert (record.msg, record.args, record.getMessage()) == ("invited %s operators", (3,), "invited 3 operators")


def test_log_lines_carry_the_request_id():
    outside = log_record("outside")
    RedactSecretsFilter().filter(outside)
    reset = current_request.set(SimpleNamespace(request_id="req-0042"))
    try:
        inside = log_record("inside")
        RedactSecretsFilter().filter(inside)
    finally:
        current_request.reset(reset)

    assert outside.request_id == "-"
    assert inside.request_id == "req-0042"


def test_the_configured_log_output_hides_secrets_and_shows_the_request_id():
    console = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters)]
    assert len(console) == 1
    stream = StringIO()
    previous = console[0].setStream(stream)
    try:
        logging.getLogger("portal.test").warning("SCU answered for accesstoken=abc123 and %s", "pt_" + "x" * 30)
    finally:
        console[0].setStream(previous)

    line = stream.getvalue()
    assert "WARNING portal.test [-] SCU answered for accesstoken=*** and ***" in line
    assert "abc123" not in line and "pt_xxx" not in line


# Demo data


MODELS = [Organization, User, Membership, PosSystem, DealerAssignment, OperatorLink, AuditEvent]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True  # the test runner turns DEBUG off


@pytest.mark.smoke
def test_seed_demo_is_idempotent(db, debug):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()

    call_command("seed_demo", stdout=StringIO())

    assert counts() == first
    assert first["Organization"] == 5
    assert first["User"] == 5
    assert first["OperatorLink"] == 2
    assert "dealer@example.com" in out.getvalue()


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.exists()
    assert not Organization.objects.exists()


def test_seed_demo_runs_without_debug_when_forced(db, settings):
    settings.DEBUG = False

    call_command("seed_demo", "--force", stdout=StringIO())

    assert User.objects.filter(email="creator@example.com").exists()


@pytest.mark.parametrize(
    "email, organization",
    [
        ("creator@example.com", "Kassensoft GmbH"),
        ("dealer@example.com", "Kassenhaus Nord GmbH"),
        ("operator@example.com", "Café Sonnenschein"),
    ],
)
def test_demo_users_sign_in_with_the_demo_password(db, debug, email, organization):
    call_command("seed_demo", stdout=StringIO())
    browser = Client()

    response = browser.post("/accounts/login/", {"username": email, "password": "demo-password"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert organization in browser.get("/").content.decode()


def test_demo_dealer_looks_after_its_demo_operator(db, debug, api):
    call_command("seed_demo", stdout=StringIO())
    operator = Organization.objects.get(name="Café Sonnenschein")

    client = api(User.objects.get(email="dealer@example.com"))

    assert client.get(f"/api/v1/organizations/{operator.pk}/").status_code == 200
    assert api(User.objects.get(email="dealer2@example.com")).get(f"/api/v1/organizations/{operator.pk}/").status_code == 404


def _manage_check(**env):
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**base, **env},
        capture_output=True,
        text=True,
    )


def test_a_checkout_without_any_environment_runs_manage_py_in_debug():
    assert _manage_check().returncode == 0


def test_an_installation_that_sets_secret_key_is_not_switched_to_debug():
    result = _manage_check(SECRET_KEY="x" * 60)
    assert result.returncode != 0 and "SECRETS_ENCRYPTION_KEY" in result.stderr
