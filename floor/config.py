"""Settings: floor.toml overridden by FLOOR_* environment variables.

Top-level keys are typed fields of `Settings`. Each feature owns a table of its own
(`[scanner]`, `[wedge]`, `[scale]`, `[printer]`, `[scan_language]`, ...) and reads it with
`settings.section("scanner")`, turning it into its own typed settings.

Environment: `FLOOR_DATABASE_URL`, `FLOOR_STATION`, `FLOOR_WAREHOUSE`, ... set a top-level
key; `FLOOR_SCANNER__PORT=/dev/ttyACM0` sets `port` in `[scanner]` (two underscores).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "floor"
ENV_PREFIX = "FLOOR_"
CONFIG_ENV = "FLOOR_CONFIG"


class ConfigError(ValueError):
    """A setting is missing or has a value of the wrong kind."""


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "floor.toml"


def user_data_dir() -> Path:
    return Path(os.environ.get("FLOOR_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def default_database_url() -> str:
    return f"sqlite:///{user_data_dir() / 'floor.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default="", repr=False)  # may hold a password: never shown
    station: str = "ST01"
    warehouse: str = "DEMO"
    gs1_company_prefix: str = "0614141"
    language: str = "en"
    bell: bool = True
    idle_logout_seconds: int = 900
    data_dir: str = ""
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str = "defaults"

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.sections.get(name, {}))

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.resolved_data_dir / 'floor.db'}"

    @property
    def resolved_data_dir(self) -> Path:
        return Path(self.data_dir) if self.data_dir else user_data_dir()


_TOP_LEVEL = {f.name: f for f in fields(Settings) if f.name not in ("sections", "source")}


def _coerce(name: str, value: Any, kind: type) -> Any:
    if kind is bool or kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}: expected true or false, got {value!r}")
    if kind is int or kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a whole number, got {value!r}") from None
    return str(value)


def _env_value(raw: str) -> Any:
    """Environment values are strings; numbers and booleans in sections are guessed."""
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return float(raw)
    except ValueError:
        return raw


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read floor.toml (explicit path, $FLOOR_CONFIG, or the user config dir), then FLOOR_*."""
    env = dict(os.environ if env is None else env)
    explicit = path or env.get(CONFIG_ENV)
    config_path = Path(explicit) if explicit else user_config_path()
    data: dict[str, Any] = {}
    source = "defaults"
    if config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_path}: not valid TOML: {exc}") from None
        source = str(config_path)
    elif explicit:
        raise ConfigError(f"{config_path}: configuration file not found")

    top: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            sections[key] = dict(value)
        elif key in _TOP_LEVEL:
            top[key] = value
        else:
            raise ConfigError(f"{config_path}: unknown setting {key!r}")

    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        key = name[len(ENV_PREFIX) :].lower()
        if "__" in key:
            section, _, sub = key.partition("__")
            sections.setdefault(section, {})[sub] = _env_value(raw)
        elif key in _TOP_LEVEL:
            top[key] = raw

    values = {}
    for key, value in top.items():
        values[key] = _coerce(key, value, _TOP_LEVEL[key].type)  # type: ignore[arg-type]
    return replace(Settings(), **values, sections=sections, source=source)
