"""Money as ``Decimal`` in a currency's minor units (ISO 4217 exponents); never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINOR_UNITS: dict[str, int] = {
    "AUD": 2,
    "BHD": 3,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "ILS": 2,
    "INR": 2,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "MXN": 2,
    "NOK": 2,
    "NZD": 2,
    "OMR": 3,
    "PHP": 2,
    "PLN": 2,
    "SEK": 2,
    "SGD": 2,
    "TND": 3,
    "USD": 2,
    "ZAR": 2,
}
"""The ISO 4217 exponent (digits after the decimal point) of each currency mailflow bills in."""


def minor_units(currency: str) -> int:
    """The number of decimal places of ``currency``; ``KeyError`` naming the known codes if it is not in the table."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        known = ", ".join(sorted(MINOR_UNITS))
        raise KeyError(f"unknown currency {currency!r}; use an ISO 4217 code: {known}") from None


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal("0.01")`` for USD, ``Decimal("1")`` for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the currency's minor units (cents are never lost to banker's rounding)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, got {type(amount).__name__}")
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def per_minute(minutes: int, hourly_rate: Decimal, currency: str) -> Decimal:
    """The price of ``minutes`` at ``hourly_rate``, computed exactly, then rounded once to minor units."""
    return quantize(Decimal(minutes) * hourly_rate / 60, currency)


def format_money(amount: Decimal, currency: str) -> str:
    """``"USD 1,275.00"``: the code, then the amount with thousands separators and the currency's decimals."""
    value = quantize(amount, currency)
    digits = minor_units(currency)
    return f"{currency} {value:,.{digits}f}"
