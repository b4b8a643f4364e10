"""Scrapy settings for defwatch: polite by default (robots.txt, AutoThrottle, few requests per site).

``scrapy crawl news`` reads this module through scrapy.cfg; ``monitor.crawl`` starts from it and adds
overrides (ITEM_PIPELINES and anything from the user's config).

Fast loopback crawls (tests, benchmarks): AutoThrottle only ever waits about one response latency
per concurrent slot, so on 127.0.0.1 its waits are milliseconds after the first responses; the
start delay (0.5 s) and the delay halving per response are what a short local crawl pays. Tests turn
it off with ``AUTOTHROTTLE_ENABLED=False`` and lower ``DOWNLOAD_TIMEOUT`` / ``RETRY_TIMES``.

Our own settings (DEFWATCH_*):

* DEFWATCH_RELEVANCE_THRESHOLD - score from which an article counts as relevant when the spider
  builds the default lexicon itself (no ``lexicon`` argument, e.g. from the command line).
* DEFWATCH_SITEMAP_MAX_DEPTH - how many sitemap-index levels the spider follows (loops stop there).
* DEFWATCH_SITEMAP_MAX_BYTES - limit on a gunzipped .xml.gz sitemap (a gzip bomb stops there).
* DEFWATCH_CLEAN_BATCH, DEFWATCH_CLEAN_BATCH_WAIT - article pages are cleaned this many at a
  time, or what arrived within this many seconds, or as many as Scrapy holds before it stops
  downloading (SCRAPER_SLOT_MAX_ACTIVE_SIZE) (crawler.batching); 1 cleans each at once.
"""

from __future__ import annotations

BOT_NAME = "defwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves honestly, so a site owner can find and contact the project.
USER_AGENT = "defwatch/0.1 (+https://github.com/defwatch/defwatch)"
ROBOTSTXT_OBEY = True

# Politeness: a few parallel requests per site, adaptive delay on top.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Items processed in parallel per response. Scrapy starts this many asyncio workers for every
# response's output; an article page yields one item, so 100 (the default) is pure overhead.
CONCURRENT_ITEMS = 8

# Failures: give up on a slow page quickly, retry transient errors twice.
DOWNLOAD_TIMEOUT = 20
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 5
# Redirects off the source's site or to private addresses are refused (crawler.redirects); before
# robots.txt (100), so the other site sees no request at all. robots.txt itself is checked by
# crawler.robots, which also holds the pages that arrive while it is being fetched.
DOWNLOADER_MIDDLEWARES = {
    "crawler.redirects.SiteBoundRedirectMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.SharedRobotsTxtMiddleware": 100,
    # no sessions (COOKIES_ENABLED below); not even loaded, which spares its imports
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
}

# News pages are well under a megabyte; 10 MB stops runaway downloads.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 3 * 1024 * 1024

# No sessions: every fetch sees what an anonymous first-time reader sees.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote-control HTTP endpoint can run code in the crawler: not wanted in a service.
REMOTE_CONTROL_ENABLED = False
# Off above, and not loaded at all (the remote control alone imports aiohttp's web server).
# Scrapy 2.19 let every request queued for a site start at once (crawler/downloader.py).
DOWNLOADER = "crawler.downloader.SlotLimitedDownloader"
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
}
# A check for spider authors (a generator callback that returns a value): it reads the callback's
# source and parses it again whenever its cache has dropped the bound method, many times a crawl.
# This project's callbacks are checked by its tests and type checker instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
# `-o out.jsonl` / `-o out.json`: exporters that can write the raw page (bytes) as text.
FEED_EXPORTERS = {
    "json": "crawler.export.NewsJsonExporter",
    "jsonl": "crawler.export.NewsJsonLinesExporter",
    "jsonlines": "crawler.export.NewsJsonLinesExporter",
}

# Every item is recorded in the store (the database named by -s DEFWATCH_DB_URL=..., DEFWATCH_DB,
# or the user's default defwatch database). The monitor is reached by name, never imported here.
ITEM_PIPELINES = {"monitor.pipeline.StorePipeline": 800}

DEFWATCH_RELEVANCE_THRESHOLD = 0.5
DEFWATCH_SITEMAP_MAX_DEPTH = 3
DEFWATCH_SITEMAP_MAX_BYTES = 50 * 1024 * 1024
DEFWATCH_CLEAN_BATCH = 32
DEFWATCH_CLEAN_BATCH_WAIT = 0.2
