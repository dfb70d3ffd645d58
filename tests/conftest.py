"""Shared fixtures. Real servers live in tests/servers/, one module each."""

pytest_plugins = [
    "tests.servers.oauth",
    "tests.servers.dovecot",
    "tests.servers.postgres",
    "tests.servers.brokers",
    "tests.servers.smtp",
    "tests.servers.radicale",
]
