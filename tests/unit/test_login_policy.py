"""The `[login]` settings: the lockout after repeated failed logins, and its growing delay."""

from __future__ import annotations

from pathlib import Path

import pytest

from floor.config import ConfigError, load_settings
from floor.logins import LockoutPolicy


def test_defaults_lock_after_five_failures_for_30_s_doubling_up_to_an_hour() -> None:
    policy = LockoutPolicy.from_section({})
    assert [policy.lock_seconds(n) for n in range(1, 14)] == [
        0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip
    assert policy.lock_seconds(10_000) == 3600  # no overflow however long the attack


def test_floor_toml_then_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "floor.toml"
    cfg.write_text("[login]\nmax_failures = 3\nlockout_seconds = 60\n", encoding="utf-8")
    settings = load_settings(cfg, env={"FLOOR_LOGIN__MAX_LOCKOUT_SECONDS": "600"})
    assert LockoutPolicy.from_settings(settings) == LockoutPolicy(3, 60, 600)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"max_failures": 0}, "login.max_failures: expected a positive whole number, got 0"),
        ({"lockout_seconds": "30"}, "login.lockout_seconds: expected a positive whole number"),
        ({"max_failures": True}, "login.max_failures: expected a positive whole number"),
        ({"lock_for": 30}, "login.lock_for: unknown setting"),
        (
            {"lockout_seconds": 120, "max_lockout_seconds": 60},
            "login.max_lockout_seconds: expected at least lockout_seconds (120), got 60",
        ),
    ],
)
def test_a_wrong_value_names_the_key_and_what_was_expected(section: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        LockoutPolicy.from_section(section)
    assert message in str(raised.value)
