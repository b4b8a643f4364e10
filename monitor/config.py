"""The configuration file (``defwatch.toml``): find it, parse it, validate it.

No other module reads ``os.environ`` for settings: the CLI passes the environment in here and
hands the resulting frozen ``AppConfig`` down.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.sources import SourceSpec
from monitor.diffing import AlertPolicy
from monitor.errors import ConfigError

CONFIG_FILENAME = "defwatch.toml"
# the source name of articles watched directly with --url / --urls-file (any site)
URLS_SOURCE = "urls"
# option names that would hold a secret; the config must name an environment variable instead
SECRET_KEYS = frozenset({"password", "webhook_url", "token", "api_key", "secret"})
ALERT_MODES = ("any", "min_words", "headline_only")


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceConfig:
    """A source as configured: what to crawl and when to alert."""

    spec: SourceSpec
    alert_policy: AlertPolicy = field(default_factory=AlertPolicy)
    discover_every_min: float = (
        60  # fractions allowed (0.05 = 3 s, for tests and soaks)
    )
    schedule: str | None = (
        None  # crontab expression; replaces discover_every_min when set
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleConfig:
    """How ``defwatch run`` paces its jobs (the ``[schedule]`` table)."""

    recheck_every_s: float = (
        60.0  # how often the daemon looks for articles due for a re-check
    )
    alerts_every_s: float = 60.0  # how often the outbox is swept between crawls
    health_every_s: float = 300.0  # how often source health is evaluated
    jitter_s: float = (
        30.0  # random delay added to each discovery run (spreads load on sites)
    )
    misfire_grace_s: float = (
        600.0  # a run late by more than this is skipped, not run late
    )
    crawl_timeout_s: float = 3600.0  # a crawl child running longer is stopped
    max_parallel_crawls: int = (
        2  # crawl children at once (each source still runs alone)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthConfig:
    """When a source counts as unhealthy (the ``[health]`` table)."""

    no_success_hours: float = 24.0  # no successful crawl of the source for this long
    error_rate: float = (
        0.5  # or at least this share of its pages failed in its last crawl
    )
    min_pages: int = 4  # the error rate needs this many pages to mean anything


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelConfig:
    """One configured alert channel: its kind, its own options, and which changes it receives."""

    name: str
    kind: str
    options: Mapping[str, object]
    sources: tuple[str, ...] = ()  # empty: every source
    keywords: tuple[
        str, ...
    ] = ()  # empty: every change; else the article must mention one
    digest: str | None = None  # None (send each change), "hourly" or "daily"
    digest_hour: int = 8  # daily digests go out at this hour, UTC


@dataclass(frozen=True, slots=True, kw_only=True)
class AppConfig:
    """Everything defwatch needs to run, validated."""

    path: Path | None = None
    database_url: str | None = None
    sources: tuple[SourceConfig, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()
    relevance_threshold: float | None = None  # None: the lexicon's default
    relevance_terms: Mapping[str, float] = field(default_factory=dict)
    alert_on_new: bool = False
    alert_on_removed: bool = True
    web_base_url: str | None = None
    user_agent: str | None = None
    download_timeout_s: float = 20.0
    concurrency_per_domain: int = 4
    obey_robots: bool = True
    max_delivery_attempts: int = 8
    delivery_lease_s: float = (
        600.0  # a 'sending' delivery is re-sent only after this long
    )
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    health: HealthConfig = field(default_factory=HealthConfig)

    def source(self, name: str) -> SourceConfig:
        """The source called ``name``; ConfigError listing the known ones otherwise."""
        for source in self.sources:
            if source.spec.name == name:
                return source
        known = ", ".join(s.spec.name for s in self.sources) or "none configured"
        raise ConfigError(f"no source named {name!r} (known: {known})")


def find_config_path(
    explicit: str | None, environ: Mapping[str, str], cwd: Path
) -> Path | None:
    """``--config``, else ``DEFWATCH_CONFIG``, else ``./defwatch.toml`` if it exists."""
    if explicit:
        return Path(explicit)
    if environ.get("DEFWATCH_CONFIG"):
        return Path(environ["DEFWATCH_CONFIG"])
    candidate = cwd / CONFIG_FILENAME
    return candidate if candidate.is_file() else None


class _Table:
    """A TOML table being validated; every error names the file and the key path."""

    def __init__(self, data: Mapping[str, object], where: str, file: str) -> None:
        self.data = data
        self.where = where
        self.file = file
        self.used: set[str] = set()

    def error(self, key: str, problem: str) -> ConfigError:
        path = f"{self.where}.{key}" if self.where else key
        return ConfigError(f"{self.file}: {path}: {problem}")

    def get(
        self, key: str, kind: type | tuple[type, ...], default: object = None
    ) -> object:
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            raise self.error(key, f"expected a number, got {value!r}")
        if not isinstance(value, kind):
            names = (
                kind.__name__
                if isinstance(kind, type)
                else " or ".join(k.__name__ for k in kind)
            )
            raise self.error(
                key, f"expected {names}, got {type(value).__name__} {value!r}"
            )
        return value

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.get(key, str, default)
        return value if isinstance(value, str) else None

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if not value:
            raise self.error(key, "missing (a non-empty string is required)")
        return value

    def number(self, key: str, default: float, minimum: float = 0.0) -> float:
        value = self.get(key, (int, float), default)
        assert isinstance(value, int | float)
        if value < minimum:
            raise self.error(key, f"must be at least {minimum}, got {value}")
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        return bool(self.get(key, bool, default))

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, list, [])
        assert isinstance(value, list)
        for item in value:
            if not isinstance(item, str):
                raise self.error(key, f"expected a list of strings, found {item!r}")
        return tuple(value)

    def urls(self, key: str) -> tuple[str, ...]:
        values = self.strings(key)
        for value in values:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise self.error(key, f"not an http(s) URL: {value!r}")
        return values

    def patterns(self, key: str) -> tuple[str, ...]:
        values = self.strings(key)
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise self.error(
                    key, f"invalid regular expression {value!r}: {exc}"
                ) from exc
        return values

    def table(self, key: str) -> _Table:
        value = self.get(key, dict, {})
        assert isinstance(value, dict)
        return _Table(value, f"{self.where}.{key}" if self.where else key, self.file)

    def tables(self, key: str) -> list[_Table]:
        value = self.get(key, list, [])
        assert isinstance(value, list)
        tables = []
        for index, item in enumerate(value):
            where = f"{self.where}.{key}[{index}]" if self.where else f"{key}[{index}]"
            if not isinstance(item, dict):
                raise ConfigError(
                    f"{self.file}: {where}: expected a table, got {item!r}"
                )
            tables.append(_Table(item, where, self.file))
        return tables

    def reject_unknown(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used))
            raise self.error(unknown[0], f"unknown key (known keys here: {known})")


def _parse_source(table: _Table) -> SourceConfig:
    name = table.required_text("name")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise table.error("name", f"use letters, digits, '-', '_' or '.', got {name!r}")
    spec = SourceSpec(
        name=name,
        feeds=table.urls("feeds"),
        sitemaps=table.urls("sitemaps"),
        listing_pages=table.urls("listing_pages"),
        article_urls=table.urls("article_urls"),
        allowed_domains=table.strings("allowed_domains"),
        article_patterns=table.patterns("article_patterns"),
        deny_patterns=table.patterns("deny_patterns"),
        all_relevant=table.flag("all_relevant", False),
        max_articles=int(table.number("max_articles", 0, minimum=0)) or None,
    )
    if not (spec.feeds or spec.sitemaps or spec.listing_pages or spec.article_urls):
        raise table.error(
            "feeds", "a source needs feeds, sitemaps, listing_pages or article_urls"
        )
    mode = table.text("alert", "any") or "any"
    if mode not in ALERT_MODES:
        raise table.error(
            "alert", f"must be one of {', '.join(ALERT_MODES)}, got {mode!r}"
        )
    policy = AlertPolicy(
        mode=mode,  # type: ignore[arg-type]  # checked against ALERT_MODES above
        min_words=int(table.number("alert_min_words", 0)),
        min_significance=table.number("alert_min_significance", 0.0),
        alert_on_metadata_only=table.flag("alert_on_metadata_only", False),
    )
    source = SourceConfig(
        spec=spec,
        alert_policy=policy,
        discover_every_min=table.number("discover_every_min", 60, minimum=0.05),
        schedule=_crontab(table, "schedule"),
    )
    table.reject_unknown()
    return source


# crontab counts weekdays from Sunday = 0 (7 is Sunday too); APScheduler 3 from Monday = 0, so
# numeric weekdays are translated to names before APScheduler reads them
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def crontab_fields(expr: str) -> dict[str, str]:
    """The five fields of a crontab expression as APScheduler CronTrigger keyword arguments."""
    values = expr.split()
    if len(values) != 5:
        raise ValueError(
            f"expected 5 fields (minute hour day month weekday), got {len(values)}"
        )

    def day_name(match: re.Match[str]) -> str:
        number = int(match.group())
        if number > 7:
            raise ValueError(f"weekday {number} is out of range 0-7")
        return _CRON_DAYS[number]

    weekday = re.sub(r"(?<![/\d])\d+", day_name, values[4])
    # a range from Sunday ("0-5") wraps in APScheduler's Monday-first order: split it
    weekday = re.sub(r"\bsun-(?=[a-z])", "sun,mon-", weekday)
    return dict(
        zip(
            ("minute", "hour", "day", "month", "day_of_week"),
            (*values[:4], weekday),
            strict=True,
        )
    )


def _crontab(table: _Table, key: str) -> str | None:
    expr = table.text(key)
    if expr is None:
        return None
    from apscheduler.triggers.cron import CronTrigger  # late: keeps `--help` fast

    try:
        CronTrigger(**crontab_fields(expr), timezone="UTC")
    except ValueError as exc:
        raise table.error(
            key, f'invalid cron expression {expr!r}: {exc} (example: "*/30 * * * *")'
        ) from exc
    return expr


def _parse_schedule(table: _Table) -> ScheduleConfig:
    return ScheduleConfig(
        recheck_every_s=table.number("recheck_every_s", 60.0, minimum=1.0),
        alerts_every_s=table.number("alerts_every_s", 60.0, minimum=1.0),
        health_every_s=table.number("health_every_s", 300.0, minimum=1.0),
        jitter_s=table.number("jitter_s", 30.0),
        misfire_grace_s=table.number("misfire_grace_s", 600.0, minimum=1.0),
        crawl_timeout_s=table.number("crawl_timeout_s", 3600.0, minimum=10.0),
        max_parallel_crawls=int(table.number("max_parallel_crawls", 2, minimum=1)),
    )


def _parse_health(table: _Table) -> HealthConfig:
    rate = table.number("error_rate", 0.5)
    if rate > 1:
        raise table.error("error_rate", f"must be a share between 0 and 1, got {rate}")
    return HealthConfig(
        no_success_hours=table.number("no_success_hours", 24.0, minimum=0.001),
        error_rate=rate,
        min_pages=int(table.number("min_pages", 4, minimum=1)),
    )


def _parse_channel(table: _Table, index: int) -> ChannelConfig:
    kind = table.required_text("kind")
    name = table.text("name") or f"{kind}-{index + 1}"
    sources = table.strings("sources")
    keywords = table.strings("keywords")
    digest = table.text("digest")
    if digest not in (None, "hourly", "daily"):
        raise table.error("digest", f"must be 'hourly' or 'daily', got {digest!r}")
    digest_hour = table.number("digest_hour", 8, minimum=0)
    if digest_hour > 23 or digest_hour != int(digest_hour):
        raise table.error(
            "digest_hour", f"must be a whole hour 0..23 (UTC), got {digest_hour:g}"
        )
    options = {k: v for k, v in table.data.items() if k not in table.used}
    for key in options:
        if key in SECRET_KEYS:
            raise table.error(
                key,
                f'secrets are not stored in the config: set {key}_env = "VARIABLE" and put '
                "the value in that environment variable",
            )
    return ChannelConfig(
        name=name,
        kind=kind,
        options=options,
        sources=sources,
        keywords=keywords,
        digest=digest,
        digest_hour=int(digest_hour),
    )


def _resolve_database_url(url: str | None, config_dir: Path) -> str | None:
    """A relative SQLite path in the config is relative to the config file's folder."""
    prefix = "sqlite:///"
    if url and url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix) :]
        if rest and rest != ":memory:" and not rest.startswith("file:"):
            return prefix + str((config_dir / rest).resolve())
    return url


def parse_config(data: Mapping[str, object], file: str, config_dir: Path) -> AppConfig:
    """Validate a parsed TOML document; ConfigError names the file, the key and the problem."""
    root = _Table(data, "", file)
    database = root.table("database")
    crawl = root.table("crawl")
    relevance = root.table("relevance")
    alerts = root.table("alerts")
    web = root.table("web")
    schedule = root.table("schedule")
    health = root.table("health")
    sources = tuple(_parse_source(t) for t in root.tables("sources"))
    names = [s.spec.name for s in sources]
    if len(set(names)) != len(names):
        duplicate = next(n for n in names if names.count(n) > 1)
        raise ConfigError(f"{file}: sources: two sources are named {duplicate!r}")
    terms_table = relevance.table("terms")
    terms = {key: terms_table.number(key, 0.0) for key in terms_table.data}
    channels = tuple(
        _parse_channel(t, i) for i, t in enumerate(alerts.tables("channels"))
    )
    config = AppConfig(
        path=Path(file),
        database_url=_resolve_database_url(database.text("url"), config_dir),
        sources=sources,
        channels=channels,
        relevance_threshold=(
            relevance.number("threshold", 0.0)
            if "threshold" in relevance.data
            else None
        ),
        relevance_terms=terms,
        alert_on_new=alerts.flag("on_new_article", False),
        alert_on_removed=alerts.flag("on_removed", True),
        max_delivery_attempts=int(alerts.number("max_attempts", 8, minimum=1)),
        delivery_lease_s=alerts.number("lease_s", 600.0, minimum=1.0),
        web_base_url=web.text("base_url"),
        user_agent=crawl.text("user_agent"),
        download_timeout_s=crawl.number("download_timeout_s", 20.0, minimum=1.0),
        concurrency_per_domain=int(
            crawl.number("concurrency_per_domain", 4, minimum=1)
        ),
        obey_robots=crawl.flag("obey_robots", True),
        schedule=_parse_schedule(schedule),
        health=_parse_health(health),
    )
    for table in (database, crawl, relevance, alerts, web, schedule, health, root):
        table.reject_unknown()
    return config


def load_config(path: Path) -> AppConfig:
    """Read and validate a config file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the config file: {exc.strerror}"
        ) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    return parse_config(data, str(path), path.resolve().parent)


def default_database_path(environ: Mapping[str, str]) -> Path:
    """Where the SQLite store lives when nothing else says: the user's data folder."""
    base = environ.get("XDG_DATA_HOME") or os.path.join(
        environ.get("HOME", "."), ".local", "share"
    )
    return Path(base) / "defwatch" / "defwatch.sqlite3"


def database_url_from_environment(environ: Mapping[str, str]) -> str:
    """``DEFWATCH_DB``, else the SQLite file in the user's data folder."""
    return environ.get("DEFWATCH_DB") or f"sqlite:///{default_database_path(environ)}"
