"""Item identity that survives the web's habits: one key per article, however it is linked."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that say how a reader arrived, never which article it is.
_TRACKING = frozenset({"fbclid", "gclid", "ocid", "cmpid", "xtor", "mc_cid", "mc_eid"})
_TRACKING_PREFIXES = ("utm_", "at_")
# Host prefixes that serve the same pages as the bare host (desktop and mobile BBC, GOV.UK).
_HOST_PREFIXES = ("www.", "m.")
# HMI Probation is published both on its own subdomain and under a path of the shared
# justiceinspectorates site; both map to the subdomain form.
_HMIP_HOST = "hmiprobation.justiceinspectorates.gov.uk"
_JI_HOST = "justiceinspectorates.gov.uk"
_HMIP_PATH = "/hmiprobation"
_DEFAULT_PORTS = {"http": 80, "https": 443}


# The hosts whose word is the inspectorate's: HMI Probation's sites (justiceinspectorates.gov.uk
# and its subdomains) and GOV.UK, where it publishes too. Not every *.gov.uk host: councils'
# pages are news about an inspection, not the inspectorate's word.
OFFICIAL_HOST_SUFFIXES = ("justiceinspectorates.gov.uk",)
OFFICIAL_HOSTS = ("gov.uk", "www.gov.uk")


def official_url(url: str) -> bool:
    """True for a URL on HMI Probation's sites or GOV.UK, the hosts whose word confirms a rating."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    return host in OFFICIAL_HOSTS or any(host == s or host.endswith("." + s) for s in OFFICIAL_HOST_SUFFIXES)


def official_label(url: str) -> str | None:
    """How people know an official host: 'HMI Probation' or 'GOV.UK'; None for any other."""
    if not official_url(url):
        return None
    return "GOV.UK" if (urlsplit(url).hostname or "").lower().rstrip(".") in OFFICIAL_HOSTS else "HMI Probation"


def absolute_link(base: str, href: str) -> str | None:
    """`href` as an absolute http(s) URL against `base`, or None for anything else.

    Scraped hrefs are untrusted: one that is no URL ('http://[::1', 'http://@/', port 99999)
    makes urllib raise or yields no host, and must be skipped, never stop a listing or a page.
    """
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number or out of range)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        return None
    return url


def canonical_url(url: str) -> str:
    """The key for an article URL: https, bare host, no fragment or tracking, sorted query."""
    url = unwrap_redirect(url.strip())
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url  # not a URL we can take apart: the text itself is the best key
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return url
    host = _bare_host(parts.hostname or "")
    path = parts.path or "/"
    host, path = _merge_hmip(host, path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = _clean_query(parts.query)
    return f"https://{netloc}{path}" + (f"?{query}" if query else "")


def unwrap_redirect(url: str) -> str:
    """The article URL inside a Bing News click-through link; any other URL unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if not (host == "bing.com" or host.endswith(".bing.com")):
        return url
    if parts.path.lower() != "/news/apiclick.aspx":
        return url
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() == "url" and value.lower().startswith(("http://", "https://")):
            return value
    return url


def _bare_host(host: str) -> str:
    """Lower-case host without a trailing dot or a www./m. prefix."""
    host = host.lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and "." in host[len(prefix):]:
            return host[len(prefix):]
    return host


def _merge_hmip(host: str, path: str) -> tuple[str, str]:
    """Map justiceinspectorates.gov.uk/hmiprobation/... to the hmiprobation subdomain."""
    if host != _JI_HOST:
        return host, path
    if path == _HMIP_PATH or path.startswith(_HMIP_PATH + "/"):
        return _HMIP_HOST, path[len(_HMIP_PATH):] or "/"
    return host, path


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in _TRACKING or name.startswith(_TRACKING_PREFIXES)


def _clean_query(query: str) -> str:
    """The query without tracking parameters, sorted so that order does not matter."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k)]
    return urlencode(sorted(pairs))


def display_url(url: str) -> str:
    """The link as people should see it: the address as published, less tracking and fragment."""
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
