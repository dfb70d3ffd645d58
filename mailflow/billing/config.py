"""The ``[clients.billing]`` table: how one client is billed.

::

    [clients.billing]
    plan = "hourly"            # or "retainer"
    currency = "USD"
    rate = "85.00"             # hourly rate
    increment = "6m"           # rounding increment: 1m, 5m, 6m, 10m, 15m or 30m
    rounding = "up"            # "up" | "nearest" | "down"
    round_per = "entry"        # or "day" (days in the client's time zone)
    minimum = "15m"            # minimum billable per entry

A retainer has ``monthly_fee``, ``included_hours`` and ``overage_rate`` instead
of ``rate``, and may roll unused hours over (``rollover_cap_hours``,
``rollover_expiry_months``) and prorate its first month (``start_date``).
Amounts are strings (``"85.00"``): a TOML number with a point is a float, and
no float ever holds money here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from .durations import parse_seconds
from .money import MINOR_UNITS, quantize

__all__ = ["ALLOWED_INCREMENTS", "BillingConfig"]

ALLOWED_INCREMENTS = (1, 5, 6, 10, 15, 30)
"""Rounding increments, in minutes."""

_RETAINER_KEYS = (
    "monthly_fee",
    "included_hours",
    "overage_rate",
    "rollover_cap_hours",
    "rollover_expiry_months",
    "start_date",
)
_AMOUNT_HINT = 'write amounts as strings, e.g. "85.00" (a TOML number with a point is a float, which cannot hold cents)'
_HOURS_HINT = 'write hours as a whole number (20) or a string ("7.5")'


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _decimal(value: Any, hint: str) -> Decimal:
    if isinstance(value, float):
        raise ValueError(f"got the float {value!r}; {hint}")
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}; {hint}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number; {hint}") from None
    else:
        raise ValueError(f"expected a string; {hint}")
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number; {hint}")
    if number < 0:
        raise ValueError(f"{value!r} is negative")
    return number


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError('expected a duration string like "6m", "1h30m" or "90s"')
    return timedelta(seconds=parse_seconds(value))


class BillingConfig(_Strict):
    """How one client is billed: an hourly rate, or a monthly retainer with included hours."""

    plan: Literal["hourly", "retainer"]
    currency: str
    rate: Decimal | None = None  # hourly plan: the price of one hour
    increment: timedelta = timedelta(minutes=6)
    rounding: Literal["up", "nearest", "down"] = "up"
    round_per: Literal["entry", "day"] = "entry"
    minimum: timedelta = timedelta(0)  # each billable entry bills at least this
    non_billable_activities: tuple[str, ...] = ()  # entries of these activities are never billed
    monthly_fee: Decimal | None = None
    included_hours: Decimal | None = None
    overage_rate: Decimal | None = None
    rollover_cap_hours: Decimal = Decimal(0)  # 0: unused hours do not roll over
    rollover_expiry_months: int | None = None  # None: rolled-over hours never expire (the cap still holds)
    start_date: date | None = None  # the retainer's first day: a partial first month is prorated

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        code = value.strip().upper()
        if code not in MINOR_UNITS:
            known = ", ".join(sorted(MINOR_UNITS))
            raise ValueError(f"unknown currency {value!r}; use one of {known}")
        return code

    @field_validator("rate", "monthly_fee", "overage_rate", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        return None if value is None else _decimal(value, _AMOUNT_HINT)

    @field_validator("included_hours", "rollover_cap_hours", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        if value is None:
            return None
        hours = _decimal(value, _HOURS_HINT)
        minutes = hours * 60
        if minutes != minutes.to_integral_value():
            raise ValueError(f"{value!r} hours is not a whole number of minutes")
        return hours

    @field_validator("increment", mode="before")
    @classmethod
    def _increment(cls, value: Any) -> Any:
        step = _duration(value)
        allowed = ", ".join(f"{m}m" for m in ALLOWED_INCREMENTS)
        if step % timedelta(minutes=1) or step // timedelta(minutes=1) not in ALLOWED_INCREMENTS:
            raise ValueError(f"must be one of {allowed}, got {value!r}")
        return step

    @field_validator("minimum", mode="before")
    @classmethod
    def _minimum(cls, value: Any) -> Any:
        least = _duration(value)
        if least % timedelta(minutes=1):
            raise ValueError(f"must be a whole number of minutes, got {value!r}")
        if least > timedelta(hours=8):
            raise ValueError(f"must be at most 8h, got {value!r}")
        return least

    @field_validator("rollover_expiry_months")
    @classmethod
    def _expiry(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 120:
            raise ValueError(f"must be between 1 and 120 months, got {value}")
        return value

    @field_validator("start_date", mode="before")
    @classmethod
    def _start(cls, value: Any) -> Any:
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f'expected a date like "2026-11-12", got {value!r}')

    @field_validator("non_billable_activities")
    @classmethod
    def _activities(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not name.strip() for name in value):
            raise ValueError("an activity name cannot be empty")
        return value

    @model_validator(mode="after")
    def _plan_keys(self) -> BillingConfig:
        problems: list[str] = []
        given = self.model_fields_set
        if self.plan == "hourly":
            if self.rate is None:
                problems.append('rate is required when plan = "hourly" (the price of one hour, e.g. rate = "85.00")')
            problems += [
                f'{key} applies only to plan = "retainer"'
                for key in _RETAINER_KEYS
                if key in given and getattr(self, key) is not None
            ]
        else:
            if self.rate is not None:
                problems.append('rate applies only to plan = "hourly"; a retainer bills extra hours at overage_rate')
            for key, example in (
                ("monthly_fee", 'monthly_fee = "1500.00"'),
                ("included_hours", "included_hours = 20"),
                ("overage_rate", 'overage_rate = "90.00"'),
            ):
                if getattr(self, key) is None:
                    problems.append(f'{key} is required when plan = "retainer" (e.g. {example})')
            if self.included_hours is not None and self.included_hours == 0:
                problems.append("included_hours must be more than 0")
            if self.rollover_expiry_months is not None and self.rollover_cap_hours == 0:
                problems.append("rollover_expiry_months needs rollover_cap_hours (more than 0) to roll hours over")
        for key in ("rate", "monthly_fee", "overage_rate"):
            amount: Decimal | None = getattr(self, key)
            if amount is not None and quantize(amount, self.currency) != amount:
                digits = MINOR_UNITS[self.currency]
                problems.append(f"{key} {str(amount)!r} has more decimal places than {self.currency} has ({digits})")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def increment_minutes(self) -> int:
        return self.increment // timedelta(minutes=1)

    @property
    def minimum_minutes(self) -> int:
        return self.minimum // timedelta(minutes=1)

    @property
    def included_minutes(self) -> int:
        """A retainer's included time per (whole) month, in minutes; 0 on an hourly plan."""
        return int((self.included_hours or 0) * 60)

    @property
    def rollover_cap_minutes(self) -> int:
        return int(self.rollover_cap_hours * 60)

    def bills(self, activity: str) -> bool:
        """Whether time spent on ``activity`` is billable under this plan."""
        return activity not in self.non_billable_activities
