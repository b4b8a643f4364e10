"""URL canonicalisation, tracking-parameter stripping, same-site checks, article-likeness.

Public API::

    strip_tracking(url) -> str         the URL without tracking parameters and fragment
    url_key(url) -> str                a canonical key for dedupe (query sorted, host lowered)
    registrable_domain(host) -> str    "www.bbc.co.uk" -> "bbc.co.uk"; IPs and single labels as is
    same_site(url_a, url_b) -> bool    same registrable domain
    host_allowed(url, domains) -> bool the host is one of ``domains`` or below one
    looks_like_article(url) -> bool    default heuristic when a source gives no article patterns
    is_excluded_page(url) -> bool      obviously not an article: tag/author/search pages, files
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from tldextract import TLDExtract

# Query parameters that only say where a reader came from: the same article with and without them is
# the same page, so they are dropped before dedupe and before a URL is stored.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "dclid",  # Google display ads
        "gclsrc",  # Google Ads
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "twclid",  # Twitter / X
        "igshid",  # Instagram
        "mc_cid",  # Mailchimp campaign
        "mc_eid",  # Mailchimp recipient
        "ocid",  # Microsoft / MSN
        "cmpid",  # campaign id used by many publishers
        "cmp",  # campaign, e.g. SCMP
        "ito",  # BBC internal tracking
        "at_medium",  # AT Internet (BBC, others)
        "at_campaign",  # AT Internet
        "ns_mchannel",  # comScore
        "ns_source",  # comScore
        "ns_campaign",  # comScore
        "ns_linkname",  # comScore
        "ns_fee",  # comScore
        "_ga",  # Google Analytics cross-domain
        "_gl",  # Google Analytics cross-domain
        "ref_src",  # Twitter share links
        "smid",  # NYT share links
        "guccounter",  # Yahoo consent redirect
        "guce_referrer",  # Yahoo consent redirect
        "guce_referrer_sig",  # Yahoo consent redirect
        "share",  # share buttons
        "src",  # newsletter / share source on many sites
    }
)
# Parameter-name prefixes with the same meaning (utm_source, utm_medium, pk_campaign, hsa_ad...).
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "at_", "ns_", "mtm_", "_hs")

# Hub pages: "/tag/<name>", "/author/<name>", "/section/<name>" list articles. A hub word ends the
# path or is followed by one name only; deeper paths below a hub ("/sections/health/2022/11/09/
# 1135211525/slug" at NPR) can be articles and go on to the article test.
HUB_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "topic",
        "topics",
        "author",
        "authors",
        "byline",
        "category",
        "categories",
        "section",
        "sections",
        "search",
        "feed",
        "feeds",
        "rss",
    }
)
# Site pages that are never articles when they end the path ("/about", "/account/login").
SITE_PAGE_SEGMENTS = frozenset(
    {
        "about",
        "about-us",
        "contact",
        "contact-us",
        "privacy",
        "privacy-policy",
        "terms",
        "cookies",
        "cookie-policy",
        "login",
        "logout",
        "signin",
        "sign-in",
        "signup",
        "register",
        "subscribe",
        "subscription",
        "account",
        "my-account",
        "newsletter",
        "newsletters",
        "advertise",
        "jobs",
        "careers",
        "shop",
        "events",
        "share",
        "amp",  # AMP copies duplicate the canonical article
        "print",  # print copies, ditto
    }
)
# Never article pages wherever they appear.
ADMIN_SEGMENTS = frozenset({"wp-admin", "wp-login.php", "cdn-cgi", "wp-json"})
# File types that are never article pages.
NON_ARTICLE_EXTENSIONS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "zip",
        "gz",
        "rar",
        "7z",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "svg",
        "ico",
        "bmp",
        "tif",
        "tiff",
        "mp3",
        "mp4",
        "m4a",
        "mov",
        "avi",
        "webm",
        "wav",
        "ogg",
        "css",
        "js",
        "json",
        "xml",
        "rss",
        "atom",
        "txt",
        "csv",
        "ics",
        "epub",
        "exe",
        "dmg",
        "apk",
        "woff",
        "woff2",
        "ttf",
    }
)

# An article slug: at least three words joined by hyphens or underscores ("navy-commissions-new-frigate").
_SLUG = re.compile(
    r"^[^/]*?[A-Za-z0-9\u00C0-\uFFFF]+(?:[-_][A-Za-z0-9\u00C0-\uFFFF]+){2,}"
)
# A date in the path: /2024/05/12/, /2024-05-12/, /20240512
_DATE = re.compile(
    r"/(?:19|20)\d\d(?:[/-](?:0?[1-9]|1[0-2])(?:[/-]\d{1,2})?/|(?:0[1-9]|1[0-2])\d\d)"
)
# A numeric id of five or more digits in the path or in a query value: /article/3245678, ?id=12345
_NUMERIC_ID = re.compile(r"(?:^|[/=_.-])\d{5,}(?:$|[/&_.-])")
# An opaque article id as the last segment: BBC "/news/articles/c4ngk0e1jv4o", 8+ letters and
# digits mixed (a plain word or number is not one).
_OPAQUE_ID = re.compile(
    r"^(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{8,}$", re.IGNORECASE
)
_SCHEMES = frozenset({"http", "https"})


@lru_cache(maxsize=16384)  # a page's URL is stripped when requested, fetched and keyed
def strip_tracking(url: str) -> str:
    """Drop tracking parameters and the fragment; keep everything else as it was."""
    parts = urlsplit(url.strip())
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    ]
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, urlencode(query, doseq=True), "")
    )


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@lru_cache(maxsize=16384)  # a crawl asks for the same URLs' keys again and again
def url_key(url: str) -> str:
    """A canonical form for dedupe: tracking and fragment dropped, query sorted, host lowered."""
    return canonicalize_url(strip_tracking(url))


@lru_cache(maxsize=1)
def _extractor() -> TLDExtract:
    # The bundled Public Suffix List snapshot only: never fetch the list over the network. Private
    # suffixes (github.io, blogspot.com) count, so two blogs on one host are two sites.
    # Imported here: tldextract (with requests) costs ~50 ms of start-up that a crawl whose links
    # all stay on their page's host never needs.
    from tldextract import TLDExtract

    return TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def host_of(url: str) -> str:
    """The URL's host name in lower case, without port ("" when there is none)."""
    return (urlsplit(url).hostname or "").lower()


def registrable_domain(host: str) -> str:
    """The domain a registrant owns: "news.bbc.co.uk" -> "bbc.co.uk"; IPs and "localhost" as is."""
    host = host.lower().rstrip(".")
    result = _extractor()(host)
    if not result.suffix or not result.domain:
        return host
    return f"{result.domain}.{result.suffix}"


def same_site(url_a: str, url_b: str) -> bool:
    """True when both URLs are http(s) on the same registrable domain."""
    host_a, host_b = host_of(url_a), host_of(url_b)
    if not host_a or not host_b:
        return False
    if host_a == host_b:  # the common case; spares loading the Public Suffix List
        return True
    return registrable_domain(host_a) == registrable_domain(host_b)


def host_allowed(url: str, domains: tuple[str, ...] | frozenset[str]) -> bool:
    """True when the URL is http(s) and its host is one of ``domains`` or a subdomain of one."""
    if urlsplit(url).scheme.lower() not in _SCHEMES:
        return False
    host = host_of(url)
    return any(host == d or host.endswith("." + d) for d in domains)


def is_excluded_page(url: str) -> bool:
    """Obviously not an article: the home page, a tag/author/search/login page, a file."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments and not parts.query:
        return True
    if _is_hub_or_site_page(segments):
        return True
    if segments and "." in segments[-1]:
        extension = segments[-1].rsplit(".", 1)[1]
        return extension in NON_ARTICLE_EXTENSIONS
    return False


def _is_hub_or_site_page(segments: list[str]) -> bool:
    if not segments:
        return False
    if segments[-1] in SITE_PAGE_SEGMENTS or any(s in ADMIN_SEGMENTS for s in segments):
        return True
    if any(s in HUB_SEGMENTS for s in segments[-2:]):
        return True
    # pagination: /news/page/2
    return len(segments) >= 2 and segments[-2] == "page" and segments[-1].isdigit()


def looks_like_article(url: str) -> bool:
    """Default article test: not excluded, and a multi-word slug, a date or a numeric id in the URL."""
    if is_excluded_page(url):
        return False
    parts = urlsplit(url)
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if segments and _SLUG.match(segments[-1].rsplit(".", 1)[0]):
        return True
    if len(segments) >= 2 and _SLUG.match(segments[-2]) and segments[-1].isdigit():
        return True  # /news/some-long-slug/2
    if _DATE.search(path + "/"):
        return bool(segments) and not _DATE.fullmatch("/" + "/".join(segments) + "/")
    if len(segments) >= 2 and _OPAQUE_ID.match(segments[-1]):
        return True
    return bool(_NUMERIC_ID.search(path) or _NUMERIC_ID.search(parts.query))
