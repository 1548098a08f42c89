"""We own HTTP: one session, a timeout, a byte cap, polite retries and conditional GET.

Retries are urllib3's `Retry` under the requests session (backoff, `Retry-After`, which statuses
and errors to try again); what it cannot do stays here: the least time between two requests to
one host, the byte cap and the body deadline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3.exceptions as u3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from bot.errors import SourceError

if TYPE_CHECKING:
    from bot.config import Config

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024
# A server that drips a byte just inside each read timeout would otherwise never time
# out, so the whole body must arrive within this many timeouts.
_BODY_DEADLINE_FACTOR = 3


@dataclass(frozen=True)
class Response:
    """A fetched URL: final URL, status, body and lower-cased headers."""

    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False


# Statuses worth another try: rate limits and server errors. Anything else is the answer.
RETRY_STATUSES = frozenset({429} | set(range(500, 600)))


class _Retry(Retry):
    """urllib3's Retry, with what it lacks for us (see below)."""

    # Added: a name that does not resolve is not tried again; exponential backoff from the first
    # retry (urllib3 retries the first at once); a cap on Retry-After; an injectable sleep, which
    # tests record; and a count of the attempts made, for the error message.

    def __init__(self, *args, sleep=time.sleep, max_retry_after: float = 60.0, attempts=None, **kw):
        super().__init__(*args, **kw)
        self._sleep, self._max_retry_after = sleep, max_retry_after
        self._attempts = attempts if attempts is not None else [0]

    def new(self, **kw) -> _Retry:
        retry = super().new(**kw)  # urllib3 copies the counters; we carry our own settings along
        retry._sleep, retry._max_retry_after, retry._attempts = self._sleep, self._max_retry_after, self._attempts
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        self._attempts[0] = len(self.history) + 1
        if isinstance(error, u3.NameResolutionError):
            # DNS says no such host: asking again in a second will not change its mind.
            raise u3.MaxRetryError(_pool, url, error) from error
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def get_backoff_time(self) -> float:
        return min(self.backoff_factor * 2 ** (len(self.history) - 1), self.backoff_max) if self.history else 0.0

    def sleep(self, response=None) -> None:
        wait = None
        if response is not None and self.respect_retry_after_header:
            try:
                wait = self.get_retry_after(response)
            except u3.InvalidHeader:
                wait = None  # a Retry-After we cannot read: fall back to our backoff
        wait = self.get_backoff_time() if wait is None else min(max(wait, 0.0), self._max_retry_after)
        if wait > 0:
            self._sleep(wait)


def safe_url(url: str) -> str:
    """The URL without user:password@, fit for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


class _Session(requests.Session):
    """A requests Session that reads the proxy and CA-bundle environment once per host.

    requests reads it again for every request (all of os.environ, then `no_proxy` matching):
    a fifth of the CPU of a quiet poll's requests. A process's environment does not change
    under it, so the answer for a scheme and host is kept.
    """

    def __init__(self):
        super().__init__()
        self._environment: dict[tuple, dict] = {}

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        if proxies or not self.trust_env:  # a request's own proxies: merged as requests does
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, stream, verify, cert)
        if key not in self._environment:
            self._environment[key] = super().merge_environment_settings(url, {}, stream, verify, cert)
        settings = self._environment[key]
        return {**settings, "proxies": dict(settings["proxies"])}


class Fetcher:
    """GETs http(s) URLs for the sources; every failure becomes a SourceError."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        max_bytes: int = DEFAULT_MAX_BYTES,
        cache=None,
        min_interval: float = 1.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_redirects: int = 5,
        sleep=time.sleep,
        max_retry_after: float = 60.0,
    ):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.cache = cache
        self.min_interval = min_interval
        self.retries = max(1, retries)  # attempts in all: 3 means one try and two retries
        self.max_redirects = max_redirects
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._attempts = [0]
        # Building a Session does no I/O; connections open on the first get().
        self.session = _Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.max_redirects = max_redirects
        retry = _Retry(total=self.retries - 1, redirect=False, status_forcelist=RETRY_STATUSES,
                       allowed_methods={"GET"}, backoff_factor=backoff, raise_on_status=False,
                       sleep=sleep, max_retry_after=max_retry_after, attempts=self._attempts)
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, HTTPAdapter(max_retries=retry))

    @classmethod
    def from_config(cls, config: Config, cache=None) -> Fetcher:
        """A Fetcher with the configured User-Agent, timeout and byte cap."""
        return cls(
            user_agent=config.user_agent,
            timeout=config.poll.timeout_seconds,
            max_bytes=config.poll.max_bytes,
            min_interval=config.poll.min_interval_seconds,
            cache=cache,
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, *, conditional: bool = False) -> Response:
        """GET `url`, retrying transient failures; raises SourceError on failure."""
        host = self._check_url(url)
        headers = self._validators(url) if conditional else {}
        self._wait_turn(host)
        self._attempts[0] = 0
        response = self._once(url, headers)
        if conditional and self.cache is not None and not response.not_modified:
            self.cache.set_validators(url, response.headers.get("etag"), response.headers.get("last-modified"))
        return response

    def _tries(self) -> str:
        """' after 3 attempts' when urllib3 tried more than once, else ''."""
        n = max(1, self._attempts[0])
        return f" after {n} attempts" if n > 1 else ""

    def _check_url(self, url: str) -> str:
        """The URL's host; only http(s) URLs with a host may be fetched."""
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if parts is not None and parts.scheme.lower() not in ("http", "https"):
            raise SourceError(f"GET {safe_url(url)}: only http(s) URLs can be fetched")
        if parts is None or not parts.hostname:  # 'http://', 'http://[::1': http, but no host to ask
            raise SourceError(f"GET {safe_url(url)}: not a valid URL")
        return parts.hostname.lower()

    def _validators(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the cache, if it has any for `url`."""
        if self.cache is None:
            return {}
        stored = self.cache.get_validators(url) or {}
        headers = {}
        if stored.get("etag"):
            headers["If-None-Match"] = stored["etag"]
        if stored.get("last_modified"):
            headers["If-Modified-Since"] = stored["last_modified"]
        return headers

    def _wait_turn(self, host: str) -> None:
        """Sleep so that `host` sees at most one request per min_interval (urllib3 cannot)."""
        last = self._last_request.get(host)
        wait = self.min_interval - (time.monotonic() - last) if last is not None else 0.0
        if wait > 0:
            self._sleep(wait)
        self._last_request[host] = time.monotonic()

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        """The request, with urllib3's retries inside it; every failure a SourceError."""
        where = f"GET {safe_url(url)}"
        try:
            r = self.session.get(url, headers=headers, timeout=self.timeout, stream=True)
        except requests.TooManyRedirects:
            raise SourceError(f"{where}: too many redirects (more than {self.max_redirects})") from None
        except requests.RequestException as e:
            reason, transient = _failure(e, self.timeout)
            if isinstance(_cause(e), u3.NameResolutionError):
                self._last_request.pop(_host(url), None)  # nothing reached that host: no wait owed
            raise SourceError(f"{where}: {reason}{self._tries() if transient else ''}",
                              transient=transient) from None
        except (ValueError, UnicodeError):  # urllib3 and idna reject some URLs directly
            raise SourceError(f"{where}: not a valid URL") from None
        with r:
            return self._response(r, where)

    def _response(self, r: requests.Response, where: str) -> Response:
        """Turn a streamed requests response into our Response, or raise."""
        status = r.status_code
        headers = {k.lower(): v for k, v in r.headers.items()}
        if status == 304:
            # Read the (empty) body: the connection then goes back to the pool for the next
            # source on this host, instead of being closed and opened again (a TLS handshake).
            r.content  # noqa: B018
            return Response(url=r.url, status=status, body=b"", headers=headers, not_modified=True)
        if not 200 <= status < 300:
            tries = self._tries() if status in RETRY_STATUSES else ""
            raise SourceError(f"{where}: HTTP {status}{tries}", status=status, transient=status in RETRY_STATUSES)
        body = self._read(r, where)
        return Response(url=r.url, status=status, body=body, headers=headers)

    def _read(self, r: requests.Response, where: str) -> bytes:
        """The body, stopping as soon as it passes max_bytes or the body deadline."""
        too_big = SourceError(f"{where}: response larger than {self.max_bytes} bytes", status=r.status_code)
        declared = r.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big  # refuse before downloading a byte of it
        # A server that drips a byte just inside each read timeout would otherwise never time
        # out, so the whole body must arrive within a few timeouts.
        allowed = self.timeout * _BODY_DEADLINE_FACTOR
        deadline = time.monotonic() + allowed
        chunks, size = [], 0
        try:
            for chunk in r.iter_content(_CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    raise too_big
                if time.monotonic() > deadline:
                    raise SourceError(f"{where}: timed out after {allowed:g}s reading the body", transient=True)
                chunks.append(chunk)
        except requests.RequestException as e:
            reason, _ = _failure(e, self.timeout)
            raise SourceError(f"{where}: {reason} while reading the body", transient=True) from None
        return b"".join(chunks)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _cause(e: requests.RequestException):
    """The urllib3 error under a requests error (MaxRetryError holds the last attempt's)."""
    cause = e.args[0] if e.args else None
    return getattr(cause, "reason", cause)


def _failure(e: requests.RequestException, timeout: float) -> tuple[str, bool]:
    """A short, credential-free reason for a failed request, and whether it is worth retrying later.

    Decided by the exception types urllib3 wraps, never by their text.
    """
    cause = _cause(e)
    if isinstance(e, requests.exceptions.InvalidURL):  # a space in the host, port 99999
        return "not a valid URL", False
    if isinstance(cause, u3.NameResolutionError):
        return "host not found", False
    if isinstance(cause, u3.NewConnectionError):  # (a subclass of urllib3's timeout errors)
        refused = isinstance(cause.__cause__ or cause.__context__, ConnectionRefusedError)
        return ("connection refused" if refused else "connection failed"), True
    if isinstance(e, requests.Timeout) or isinstance(cause, (u3.TimeoutError, TimeoutError)):
        return f"timed out after {timeout:g}s", True
    if isinstance(e, requests.exceptions.SSLError) or isinstance(cause, u3.SSLError):
        return "TLS error", False
    if isinstance(cause, u3.ProtocolError) or isinstance(e, requests.exceptions.ChunkedEncodingError):
        return "connection closed by the server", True
    if isinstance(e, requests.ConnectionError):
        return "connection failed", True
    return type(e).__name__, False
