"""We own HTTP: one session, a timeout, a byte cap, polite retries and conditional GET."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3.exceptions

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


class _Retryable(Exception):
    """A failure worth another attempt: connection error, timeout, 429 or 5xx."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def safe_url(url: str) -> str:
    """The URL without user:password@, fit for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


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
        # `retries` counts attempts in all: 3 means one try and two retries.
        self.retries = max(1, retries)
        self.backoff = backoff
        self.max_redirects = max_redirects
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        # Building a Session does no I/O; connections open on the first get().
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.max_redirects = max_redirects

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
        delay, reason = 0.0, ""
        for attempt in range(1, self.retries + 1):
            self._wait_turn(host, delay)
            try:
                response = self._once(url, headers)
            except _Retryable as e:
                reason = e.reason
                delay = e.retry_after if e.retry_after is not None else self.backoff * 2 ** (attempt - 1)
                continue
            if conditional and self.cache is not None and not response.not_modified:
                self.cache.set_validators(
                    url, response.headers.get("etag"), response.headers.get("last-modified")
                )
            return response
        tries = f"{self.retries} attempts" if self.retries > 1 else "1 attempt"
        raise SourceError(f"GET {safe_url(url)}: {reason} after {tries}")

    def _check_url(self, url: str) -> str:
        """The URL's host; only http(s) URLs with a host may be fetched."""
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise SourceError(f"GET {safe_url(url)}: only http(s) URLs can be fetched")
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

    def _wait_turn(self, host: str, at_least: float) -> None:
        """Sleep for the retry delay and so that `host` sees one request per min_interval."""
        last = self._last_request.get(host)
        polite = self.min_interval - (time.monotonic() - last) if last is not None else 0.0
        wait = max(at_least, polite)
        if wait > 0:
            self._sleep(wait)
        self._last_request[host] = time.monotonic()

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        """One attempt; raises _Retryable for transient failures, SourceError for others."""
        where = f"GET {safe_url(url)}"
        try:
            r = self.session.get(url, headers=headers, timeout=self.timeout, stream=True)
        except requests.TooManyRedirects:
            raise SourceError(f"{where}: too many redirects (more than {self.max_redirects})") from None
        except requests.Timeout:
            raise _Retryable(f"timed out after {self.timeout:g}s") from None
        except requests.ConnectionError as e:
            raise _Retryable(_connection_reason(e)) from None
        except requests.RequestException as e:
            raise SourceError(f"{where}: {type(e).__name__}") from None
        except (ValueError, UnicodeError) as e:  # urllib3 and idna reject some URLs directly
            raise SourceError(f"{where}: invalid URL ({type(e).__name__})") from None
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
        if status == 429 or status >= 500:
            raise _Retryable(f"HTTP {status}", self._retry_after(headers.get("retry-after")))
        if not 200 <= status < 300:
            raise SourceError(f"{where}: HTTP {status}")
        body = self._read(r, where)
        return Response(url=r.url, status=status, body=body, headers=headers)

    def _read(self, r: requests.Response, where: str) -> bytes:
        """The body, stopping as soon as it passes max_bytes or the body deadline."""
        too_big = SourceError(f"{where}: response larger than {self.max_bytes} bytes")
        declared = r.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big  # refuse before downloading a byte of it
        allowed = self.timeout * _BODY_DEADLINE_FACTOR
        deadline = time.monotonic() + allowed
        chunks, size = [], 0
        try:
            for chunk in r.iter_content(_CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    raise too_big
                if time.monotonic() > deadline:
                    raise _Retryable(f"timed out after {allowed:g}s reading the body")
                chunks.append(chunk)
        except requests.RequestException as e:
            if e.args and isinstance(e.args[0], urllib3.exceptions.ReadTimeoutError):
                raise _Retryable(f"timed out after {self.timeout:g}s") from None
            raise _Retryable(f"connection broken while reading ({type(e).__name__})") from None
        return b"".join(chunks)

    def _retry_after(self, value: str | None) -> float | None:
        """Seconds to wait from a Retry-After header (seconds or HTTP date), capped."""
        if not value:
            return None
        value = value.strip()
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            seconds = (when - datetime.now(timezone.utc)).total_seconds()
        return min(max(seconds, 0.0), self.max_retry_after)


def _connection_reason(e: requests.ConnectionError) -> str:
    """A short, credential-free reason for a connection failure."""
    text = repr(e)
    if "NameResolution" in text or "Name or service not known" in text:
        return "host not found"
    if "Connection refused" in text or "ConnectionRefused" in text:
        return "connection refused"
    if "SSL" in text:
        return "TLS error"
    if "RemoteDisconnected" in text or "ConnectionReset" in text:
        return "connection closed by the server"
    return "connection failed"
