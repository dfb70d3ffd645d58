"""Request budgets per account: the token bucket, the cap on requests in flight, the config, IMAP on Dovecot."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.imap import ImapConnector
from mailflow.config import load_settings
from mailflow.errors import ConfigError, Interrupted
from mailflow.ratelimit import Budget, Limits, budget_for, forget_budgets
from tests.servers.dovecot import DovecotServer, DovecotUser


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_burst_up_to_the_bucket_then_the_average_rate() -> None:
    t = FakeTime()
    budget = Budget(Limits(5, 1.0), clock=t.clock, sleep=t.sleep)
    for _ in range(5):
        budget.take()
    assert t.slept == [], "a full bucket lets a burst through"
    for _ in range(7):
        budget.take()
    assert budget.requests == 12 and t.now == pytest.approx(101.4), "then 5 a second: 7 more take 1.4 s"
    t.now += 10  # idle: the bucket refills to its size, not beyond
    for _ in range(5):
        budget.take()
    assert t.now == pytest.approx(111.4)
    budget.take(cost=50)  # more than the bucket holds: waits for a full bucket, never forever
    assert t.now == pytest.approx(112.4)


@given(st.lists(st.floats(0.1, 20), min_size=1, max_size=40), st.integers(1, 50), st.floats(0.5, 600))
def test_no_window_ever_gets_more_than_its_budget(costs: list[float], requests: int, per: float) -> None:
    t = FakeTime()
    budget = Budget(Limits(requests, per), clock=t.clock, sleep=t.sleep)
    spent = 0.0
    for cost in costs:
        budget.take(cost)
        spent += min(cost, requests)
    elapsed = t.now - 100.0
    assert spent <= requests + elapsed * requests / per + 1e-6  # the bucket plus what refilled meanwhile


def test_concurrent_requests_are_capped() -> None:
    budget = Budget(Limits(1000, 1.0, concurrent=2))
    gate, inside, peak, lock = threading.Event(), [0], [0], threading.Lock()

    def one() -> None:
        with budget.request():
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            gate.wait(10)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=one) for _ in range(5)]
    for th in threads:
        th.start()
    for _ in range(1000):
        with lock:
            if inside[0] == 2:
                break
        threading.Event().wait(0.01)
    assert budget._slots is not None and not budget._slots.acquire(blocking=False), "both slots are taken"
    gate.set()
    for th in threads:
        th.join(10)
    assert peak[0] == 2 and budget.requests == 5


def test_a_stop_interrupts_a_wait() -> None:
    stop = threading.Event()
    stop.set()
    budget = Budget(Limits(1, 3600.0), stop=stop)
    budget.take()
    with pytest.raises(Interrupted):
        budget.take()


CONFIG = """
[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"
{top}
[[clients]]
id = "dana"
name = "Dana Whitfield"
email = "dana@acme.example"

[[clients.accounts]]
kind = "imap"
host = "127.0.0.1"
username = "dana"
password = "x"
{own}
[[clients.accounts]]
kind = "imap"
host = "127.0.0.1"
username = "dana2"
password = "x"
"""


def test_rate_limits_in_the_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        CONFIG.format(
            top='[rate_limits.imap]\nrequests = 600\nper = "10m"\n',
            own='rate_limit = { requests = 30, per = "1m", concurrent = 2 }\n',
        )
    )
    own, default = load_settings(path).clients[0].accounts
    assert own.kind == "imap" and own.rate_limit is not None and own.rate_limit.limits() == Limits(30, 60.0, 2)
    assert default.kind == "imap" and default.rate_limit is not None
    assert default.rate_limit.limits() == Limits(600, 600.0), "[rate_limits.imap] for accounts without their own"

    path.write_text(CONFIG.format(top="", own='rate_limit = { requests = 0, per = "soon" }\n'))
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    text = "\n".join(err.value.problems)
    assert "clients[0].accounts[0].rate_limit.requests" in text and "rate_limit.per" in text, text


def test_every_connection_of_an_imap_account_shares_its_budget(
    dovecot_server: DovecotServer, imap_user: DovecotUser
) -> None:
    forget_budgets()
    account = imap_user.account(rate_limit={"requests": 4, "per": "1s"})
    reader, writer = ImapConnector(account), ImapConnector(account)
    assert reader._budget is writer._budget is budget_for(account.id, Limits(4, 1.0))
    budget = reader._budget
    assert budget is not None
    with reader, writer:
        for _ in range(4):
            assert reader.changes("INBOX", None).refs == []
            assert writer.changes("INBOX", None).refs == []
    assert budget.requests == 10, "two logins and eight listings, each one request"
    assert budget.waited > 0, "ten requests against four a second: some waited for the bucket"
    assert ImapConnector(imap_user.account())._budget is None, "no rate_limit, no budget"
    forget_budgets()
