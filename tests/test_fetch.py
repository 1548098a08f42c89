"""bot.fetch against real loopback servers: each failure mode is a fixture, nothing is mocked."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response as WzResponse

from bot.config import Config, PollConfig
from bot.errors import SourceError
from bot.fetch import Fetcher

UA = "hmip-bot-tests/1.0 (+mailto:test@example.org)"


class DictCache:
    """What the state store offers the fetcher: validators per URL."""

    def __init__(self):
        self.data = {}

    def get_validators(self, url):
        return self.data.get(url)

    def set_validators(self, url, etag, last_modified):
        self.data[url] = {"etag": etag, "last_modified": last_modified}


class SleepRecorder:
    """An injectable `sleep` that records how long it was asked to wait."""

    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps():
    return SleepRecorder()


def make(sleeps, **kw) -> Fetcher:
    kw.setdefault("timeout", 5)
    kw.setdefault("min_interval", 0)
    return Fetcher(user_agent=UA, sleep=sleeps, **kw)


def statuses(httpserver) -> list[int]:
    return [response.status_code for _, response in httpserver.log]


def test_get_returns_body_final_url_and_sends_user_agent(httpserver, sleeps):
    httpserver.expect_request("/feed/", headers={"User-Agent": UA}).respond_with_data(
        "<rss/>", headers={"Content-Type": "application/rss+xml", "X-Thing": "1"}
    )
    response = make(sleeps).get(httpserver.url_for("/feed/"))
    assert response.status == 200 and response.body == b"<rss/>"
    assert response.url == httpserver.url_for("/feed/")
    assert response.headers["content-type"] == "application/rss+xml"
    assert response.headers["x-thing"] == "1"
    assert response.not_modified is False


def test_redirect_is_followed_and_final_url_reported(httpserver, sleeps):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data("moved here")
    response = make(sleeps).get(httpserver.url_for("/old"))
    assert response.body == b"moved here"
    assert response.url == httpserver.url_for("/new")


def _etag_handler(request):
    if request.headers.get("If-None-Match") == '"v1"':
        return WzResponse(status=304, headers={"ETag": '"v1"'})
    return WzResponse("<rss>first</rss>", headers={"ETag": '"v1"'})


def test_etag_then_304_is_not_modified_without_body(httpserver, sleeps):
    httpserver.expect_request("/feed/").respond_with_handler(_etag_handler)
    cache = DictCache()
    fetcher = make(sleeps, cache=cache)
    url = httpserver.url_for("/feed/")

    first = fetcher.get(url, conditional=True)
    assert first.body == b"<rss>first</rss>"
    assert cache.get_validators(url)["etag"] == '"v1"'

    second = fetcher.get(url, conditional=True)
    assert second.not_modified is True and second.status == 304 and second.body == b""
    (req1, _), (req2, resp2) = httpserver.log
    assert "If-None-Match" not in req1.headers
    assert req2.headers["If-None-Match"] == '"v1"'
    assert resp2.status_code == 304 and resp2.get_data() == b""


def test_last_modified_then_304(httpserver, sleeps):
    stamp = "Fri, 15 Nov 2024 00:05:00 GMT"

    def handler(request):
        if request.headers.get("If-Modified-Since") == stamp:
            return WzResponse(status=304)
        return WzResponse("<feed/>", headers={"Last-Modified": stamp})

    httpserver.expect_request("/atom").respond_with_handler(handler)
    fetcher = make(sleeps, cache=DictCache())
    url = httpserver.url_for("/atom")
    assert fetcher.get(url, conditional=True).body == b"<feed/>"
    assert fetcher.get(url, conditional=True).not_modified
    assert httpserver.log[1][0].headers["If-Modified-Since"] == stamp


def test_unconditional_get_sends_no_validators(httpserver, sleeps):
    httpserver.expect_request("/feed/").respond_with_handler(_etag_handler)
    cache = DictCache()
    cache.set_validators(httpserver.url_for("/feed/"), '"v1"', None)
    response = make(sleeps, cache=cache).get(httpserver.url_for("/feed/"))
    assert response.body == b"<rss>first</rss>"
    assert "If-None-Match" not in httpserver.log[0][0].headers


def test_500_then_200_recovers_after_backoff(httpserver, sleeps):
    httpserver.expect_ordered_request("/flaky").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_data("fine")
    response = make(sleeps, backoff=1.5).get(httpserver.url_for("/flaky"))
    assert response.body == b"fine"
    assert statuses(httpserver) == [500, 200]
    assert sleeps.calls == [1.5]


def test_persistent_503_gives_up_naming_url_status_and_attempts(httpserver, sleeps):
    httpserver.expect_request("/down").respond_with_data("busy", status=503)
    url = httpserver.url_for("/down")
    with pytest.raises(SourceError) as e:
        make(sleeps, retries=3, backoff=1).get(url)
    assert str(e.value) == f"GET {url}: HTTP 503 after 3 attempts"
    assert statuses(httpserver) == [503, 503, 503]
    assert sleeps.calls == [1, 2]  # exponential, and no pointless sleep after the last try


def test_429_retry_after_seconds_is_honoured(httpserver, sleeps):
    httpserver.expect_ordered_request("/api").respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    httpserver.expect_ordered_request("/api").respond_with_data("{}")
    assert make(sleeps).get(httpserver.url_for("/api")).body == b"{}"
    assert sleeps.calls == [7]


def test_retry_after_http_date_is_honoured_and_capped(httpserver, sleeps):
    soon = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    httpserver.expect_ordered_request("/a").respond_with_data("", status=503, headers={"Retry-After": soon})
    httpserver.expect_ordered_request("/a").respond_with_data("", status=429, headers={"Retry-After": "86400"})
    httpserver.expect_ordered_request("/a").respond_with_data("ok")
    make(sleeps, max_retry_after=60).get(httpserver.url_for("/a"))
    assert 27 <= sleeps.calls[0] <= 30
    assert sleeps.calls[1] == 60


def test_404_is_not_retried(httpserver, sleeps):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    url = httpserver.url_for("/gone")
    with pytest.raises(SourceError, match=r"HTTP 404$") as e:
        make(sleeps).get(url)
    assert url in str(e.value)
    assert statuses(httpserver) == [404] and sleeps.calls == []


@pytest.fixture
def threaded_server():
    """A server that answers while another handler is still stuck (for the slow test)."""
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_slow_response_times_out_quickly(threaded_server, sleeps):
    release = threading.Event()

    def slow(request):
        release.wait(2)  # "sleeps 2 s", but lets go as soon as the test is done
        return WzResponse("too late")

    threaded_server.expect_request("/slow").respond_with_handler(slow)
    url = threaded_server.url_for("/slow")
    started = time.monotonic()
    try:
        with pytest.raises(SourceError) as e:
            make(sleeps, timeout=0.5, retries=2).get(url)
    finally:
        release.set()
    assert time.monotonic() - started < 1.9
    assert str(e.value) == f"GET {url}: timed out after 0.5s after 2 attempts"


def test_oversized_body_is_rejected(httpserver, sleeps):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(SourceError, match="response larger than 1000 bytes"):
        make(sleeps, max_bytes=1000).get(httpserver.url_for("/big"))


def test_oversized_streamed_body_without_length_is_rejected(httpserver, sleeps):
    def endless(request):
        return WzResponse((b"y" * 1024 for _ in range(100)), direct_passthrough=True)

    httpserver.expect_request("/stream").respond_with_handler(endless)
    with pytest.raises(SourceError, match="response larger than 4096 bytes"):
        make(sleeps, max_bytes=4096).get(httpserver.url_for("/stream"))


def test_redirect_loop_is_rejected(httpserver, sleeps):
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(SourceError, match="too many redirects"):
        make(sleeps, max_redirects=5).get(httpserver.url_for("/loop"))
    assert len(httpserver.log) == 6  # the first request and five redirects, then stop


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.xml", "feed.xml"])
def test_non_http_urls_are_rejected(url, sleeps):
    with pytest.raises(SourceError, match="only http\\(s\\) URLs") as e:
        make(sleeps).get(url)
    assert url in str(e.value)


@pytest.mark.parametrize("url, shown", [("http://", "http://"), ("http://[::1", "<invalid URL>"),
                                        ("http://127.0.0.1:99999/", "http://127.0.0.1:99999/"),
                                        ("https://exa mple.org/", "https://exa mple.org/")])
def test_a_malformed_http_url_is_called_not_a_valid_url(url, shown, sleeps):
    with pytest.raises(SourceError) as e:  # http(s), so "only http(s) URLs" or a class name would mislead
        make(sleeps).get(url)
    assert str(e.value) == f"GET {shown}: not a valid URL"


def test_connection_refused_is_a_source_error(sleeps):
    server = HTTPServer()
    server.start()
    url = server.url_for("/feed/")
    server.stop()  # nothing listens on that port any more
    with pytest.raises(SourceError, match=r"^GET .*/feed/: connection refused after 2 attempts$"):
        make(sleeps, retries=2).get(url)


def test_credentials_never_appear_in_messages(httpserver, sleeps):
    httpserver.expect_request("/private").respond_with_data("no", status=403)
    url = httpserver.url_for("/private").replace("://", "://alice:s3cret@")
    with pytest.raises(SourceError) as e:
        make(sleeps).get(url)
    assert "s3cret" not in str(e.value) and "alice" not in str(e.value)
    assert str(e.value) == f"GET {httpserver.url_for('/private')}: HTTP 403"


def test_same_host_waits_min_interval_other_host_does_not(httpserver, sleeps):
    httpserver.expect_request("/a").respond_with_data("a")
    fetcher = make(sleeps, min_interval=5)
    fetcher.get(httpserver.url_for("/a"))
    assert sleeps.calls == []
    fetcher.get(httpserver.url_for("/a"))
    assert len(sleeps.calls) == 1 and 4 < sleeps.calls[0] <= 5
    # 127.0.0.1 is another host name for the same loopback server: no wait for it
    fetcher.get(f"http://127.0.0.1:{httpserver.port}/a")
    assert len(sleeps.calls) == 1


def test_from_config_uses_user_agent_timeout_and_byte_cap(httpserver):
    config = Config(path=None, state_dir=None, user_agent=UA, poll=PollConfig(timeout_seconds=7, max_bytes=10))
    fetcher = Fetcher.from_config(config)
    assert fetcher.timeout == 7
    httpserver.expect_request("/x", headers={"User-Agent": UA}).respond_with_data("0123456789ABC")
    with pytest.raises(SourceError, match="larger than 10 bytes"):
        fetcher.get(httpserver.url_for("/x"))


def test_the_proxy_environment_is_honoured_for_every_request_and_no_proxy_bypasses_it(httpserver, monkeypatch):
    # The fetcher reads the proxy settings once per host (a quiet poll's CPU): still those of
    # the environment, for each request, and NO_PROXY still names the hosts reached directly.
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            seen.append(self.path)  # a proxy is asked for the absolute URL
            self.send_response(200)
            self.send_header("Content-Length", "7")
            self.end_headers()
            self.wfile.write(b"proxied")

        def log_message(self, *args):
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    httpserver.expect_request("/direct").respond_with_data("direct")
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    try:
        with Fetcher(user_agent=UA, timeout=5, min_interval=0) as fetcher:
            bodies = [fetcher.get("http://feeds.example.invalid/a").body for _ in range(2)]
            direct = fetcher.get(httpserver.url_for("/direct")).body
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert bodies == [b"proxied", b"proxied"]
    assert seen == ["http://feeds.example.invalid/a"] * 2
    assert direct == b"direct"
