"""Email digests: rendering, and real SMTP delivery to an aiosmtpd server on loopback."""

from __future__ import annotations

import functools
import socket
import ssl
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.config import Config, Digest, EmailConfig
from bot.notify.email import send_due_digests
from bot.history import Store
from bot.models import Alert, UnitRating
from bot.notify.email import EmailNotifier, open_smtp
from bot.notify.email_format import render_digest

FROM = "Probation alerts <alerts@example.org>"
MONDAY_0800_BST = datetime(2026, 3, 30, 7, 0, tzinfo=timezone.utc)
PREVIOUS_MONDAY = datetime(2026, 3, 23, 8, 0, tzinfo=timezone.utc)  # 08:00 GMT

# A self-signed certificate for 127.0.0.1 (valid 2020-2120), for the TLS tests only.
TEST_CERT = """-----BEGIN CERTIFICATE-----
MIIBbTCCAROgAwIBAgIUSALddxYgh5//xTtBqVG/Ky2W4NswCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSaG1pcC1ib3QgdGVzdCBTTVRQMCAXDTIwMDEwMTAwMDAwMFoY
DzIxMjAwMTAxMDAwMDAwWjAdMRswGQYDVQQDDBJobWlwLWJvdCB0ZXN0IFNNVFAw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQkk9Rpc0U6NeKydD8GWVsEqSuy3ULs
/xLHym2U/7f3FWEUbyBwVC8RMP3ZamC0UXMLdcC8xIpWCvm6hO/8tCqToy8wLTAa
BgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNIADBFAiEAxcl+o5gs51karKhhYLeT52tOc35fGkFJScbbJFkwMUkC
IAOgp5yWtZwvrFzc9Picu1h0ZVBp1e3mJbKWBbmYBkMz
-----END CERTIFICATE-----
"""
TEST_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgd9Sh11h6v2/DS57N
nXRuu9ZVdNE+mGWMY0K/SGlxuRyhRANCAAQkk9Rpc0U6NeKydD8GWVsEqSuy3ULs
/xLHym2U/7f3FWEUbyBwVC8RMP3ZamC0UXMLdcC8xIpWCvm6hO/8tCqT
-----END PRIVATE KEY-----
"""


def alert(event_id: str, name: str, direction: str | None, previous: str | None, rating: str | None,
          **changes) -> Alert:
    """An alert as the pipeline makes it, with three findings and two links."""
    unit = UnitRating(name=name, type="PDU", region=changes.pop("region", "Yorkshire and the Humber"),
                      rating=rating, previous_rating=previous, direction=direction)
    fields = dict(
        event_id=event_id, unit=unit, direction=direction, previous_rating=previous,
        previous_published="2023-03-01", published="2026-03-25", title=f"{name} rated {rating}",
        findings=(f"{name} finding one.", f"{name} finding two.", f"{name} finding three."),
        links=(f"https://www.gov.uk/news/{event_id}", f"https://hmiprobation.example/{event_id}"),
    )
    return Alert(**{**fields, **changes})


THREE = [
    alert("e1", "Kirklees PDU", "down", "Good", "Inadequate"),
    alert("e2", "Leeds PDU", "up", "Requires improvement", "Good"),
    alert("e3", "Bradford PDU", "down", "Requires improvement", "Inadequate", published="2026-03-26"),
]


def weekly(**changes) -> Digest:
    return Digest(**{"name": "weekly", "to": ("team@example.org", "chief@example.org"),
                     "schedule": "0 8 * * 1", **changes})


def email_config(server, *digests: Digest, **smtp) -> EmailConfig:
    return EmailConfig(smtp=server.config(**smtp), from_addr=FROM, digests=digests or (weekly(),))


def whole(email: EmailConfig, tmp_path) -> Config:
    return Config(path=None, state_dir=tmp_path / "state", email=email)


def queued(tmp_path, email: EmailConfig, alerts: list[Alert], *, last_sent=PREVIOUS_MONDAY) -> None:
    """Queue `alerts` as a run would, into a state whose digests were last sent at `last_sent`."""
    with Store(tmp_path / "state") as store:
        EmailNotifier(email).queue(alerts, store)
        for digest in email.digests:
            store.set_digest_last_sent(digest.name, last_sent)


def send(tmp_path, email: EmailConfig, now=MONDAY_0800_BST, **options):
    with Store(tmp_path / "state") as store:
        return send_due_digests(whole(email, tmp_path), store, now=now, **options)


def pending(tmp_path, digest="weekly") -> list[str]:
    with Store(tmp_path / "state") as store:
        return [e["event_id"] for e in store.digest_entries(digest)]


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


class Tags(HTMLParser):
    """Every tag and attribute of an HTML document."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


# --- rendering -----------------------------------------------------------------------


def test_subjects_say_what_is_inside():
    same = alert("e9", "Kirklees PDU", "same", "Inadequate", "Inadequate")
    render = functools.partial(render_digest, weekly(), from_addr=FROM, now=MONDAY_0800_BST)
    assert render(THREE)["Subject"] == "3 probation inspections: 2 down, 1 up"
    assert render([same])["Subject"] == "1 probation inspection: Kirklees PDU Inadequate (same)"
    assert render([THREE[0]])["Subject"] == "1 probation inspection: Kirklees PDU Inadequate (down from Good)"
    assert render([])["Subject"] == "No new probation inspections"
    mixed = THREE + [same, alert("e5", "York PDU", "new", None, "Good"),
                     alert("e6", "Hull PDU", None, None, None)]
    assert render(mixed)["Subject"] == "6 probation inspections: 2 down, 1 up, 1 same, 1 new, 1 unknown"


def test_headers_and_a_message_id_that_survives_a_resend():
    first = render_digest(weekly(), THREE, from_addr=FROM, now=MONDAY_0800_BST)
    again = render_digest(weekly(), list(reversed(THREE)), from_addr=FROM, now=PREVIOUS_MONDAY)
    assert first["From"] == FROM and first["To"] == "team@example.org, chief@example.org"
    assert first["Date"] == "Mon, 30 Mar 2026 08:00:00 +0100"  # local time in the digest's zone
    assert first["Message-ID"].endswith("@example.org>") and first["Message-ID"] == again["Message-ID"]
    assert first["List-Id"] == "hmip-bot weekly digest <weekly.hmip-bot.example.org>"
    assert first.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in first.iter_parts()] == ["text/plain", "text/html"]


def test_html_has_no_external_assets_and_links_only_http():
    odd = alert("e4", "Hull PDU", "down", "Good", "Inadequate",
                links=("javascript:alert(1)", "file:///etc/passwd", "https://www.gov.uk/hull"))
    html = parts(render_digest(weekly(), [odd], from_addr=FROM, now=MONDAY_0800_BST))[1]
    tags = Tags(html).tags
    assert not [t for t, a in tags if t in ("img", "link", "script", "style", "iframe")]
    assert [a["href"] for t, a in tags if t == "a"] == ["https://www.gov.uk/hull"]
    assert all("style" in a for t, a in tags if t in ("td", "h1", "h2", "div", "a"))


# --- delivery --------------------------------------------------------------------------


def test_a_weekly_digest_of_three_events_is_delivered_grouped_downgrades_first(tmp_path, smtp_server):
    email = email_config(smtp_server)
    queued(tmp_path, email, THREE)
    report = send(tmp_path, email)

    assert report.ok and report.sent == [("weekly", 3, ("team@example.org", "chief@example.org"))]
    [(mail_from, rcpt_tos, message)] = smtp_server.received
    assert mail_from == "alerts@example.org"
    assert rcpt_tos == ["team@example.org", "chief@example.org"]
    assert message["Subject"] == "3 probation inspections: 2 down, 1 up"
    assert message["Message-ID"] and message["Date"] and message["List-Id"]
    text, html = parts(message)
    for body in (text, html):
        # Downgrades first (newest first inside a group), then the upgrade.
        order = [body.index(name) for name in ("Bradford PDU", "Kirklees PDU", "Leeds PDU")]
        assert order == sorted(order)
        assert "Kirklees PDU finding one." in body and "Kirklees PDU finding two." in body
        assert "finding three" not in body  # two headline findings each
        assert "Yorkshire and the Humber" in body and "25 March 2026" in body
        assert "weekly" in body and "email.digests" in body  # the footer
    assert "Good → Inadequate" in text and "https://www.gov.uk/news/e1" in text
    assert 'href="https://www.gov.uk/news/e1"' in html and 'href="https://hmiprobation.example/e2"' in html
    assert text.index("RATED LOWER (2)") < text.index("RATED HIGHER (1)")
    assert pending(tmp_path) == []
    with Store(tmp_path / "state") as store:
        assert store.digest_last_sent("weekly") == MONDAY_0800_BST


def test_hostile_scraped_text_cannot_inject_markup(tmp_path, smtp_server):
    hostile = alert(
        "e1", "<script>alert(1)</script> PDU", "down", "Good", "Inadequate",
        region='<img src=x onerror="alert(2)">',
        findings=('Staff said <a href=javascript:alert(3)>click here</a> & "more".', "<b>bold</b> claim"),
        links=("javascript:alert(4)", 'https://www.gov.uk/x"><script>alert(5)</script>',
               "https://www.gov.uk/ok"),
    )
    email = email_config(smtp_server)
    queued(tmp_path, email, [hostile])
    send(tmp_path, email)

    [(_, _, message)] = smtp_server.received
    text, html = parts(message)
    tags = Tags(html).tags
    assert not [t for t, a in tags if t in ("script", "img", "b")]
    assert [a["href"] for t, a in tags if t == "a"] == ["https://www.gov.uk/ok"]
    assert not [a for t, a in tags if any(k.startswith("on") for k in a)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; PDU" in html
    assert "&lt;a href=javascript:alert(3)&gt;click here&lt;/a&gt; &amp; &#34;more&#34;." in html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in html
    # The plain part shows the text as it was: it is not markup there.
    assert "<script>alert(1)</script> PDU" in text and "javascript:alert(4)" not in text


def test_a_421_leaves_the_digest_pending_and_the_retry_sends_it_once(tmp_path, smtp_server):
    email = email_config(smtp_server)
    queued(tmp_path, email, THREE)
    smtp_server.handler.data_reply = "421 4.3.2 Service not available, try again later"
    report = send(tmp_path, email)

    assert smtp_server.received == [] and report.sent == []
    assert report.failures == [f"email weekly: 127.0.0.1:{smtp_server.port}: server answered 421 "
                               "4.3.2 Service not available, try again later; will retry"]
    assert pending(tmp_path) == ["e1", "e2", "e3"]
    with Store(tmp_path / "state") as store:
        assert store.digest_last_sent("weekly") == PREVIOUS_MONDAY

    smtp_server.handler.data_reply = None
    later = datetime(2026, 3, 30, 7, 30, tzinfo=timezone.utc)
    assert send(tmp_path, email, now=later).sent == [("weekly", 3, ("team@example.org", "chief@example.org"))]
    assert send(tmp_path, email, now=datetime(2026, 3, 30, 8, 0, tzinfo=timezone.utc)).sent == []
    assert len(smtp_server.received) == 1 and pending(tmp_path) == []


def test_connection_refused_is_one_line_and_nothing_is_lost(tmp_path, smtp_server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    email = email_config(smtp_server, port=port)
    queued(tmp_path, email, THREE)
    report = send(tmp_path, email)
    assert report.failures == [f"email weekly: 127.0.0.1:{port}: connection refused; will retry"]
    assert pending(tmp_path) == ["e1", "e2", "e3"]


def test_a_crash_mid_send_leaves_the_digest_pending(tmp_path, smtp_server):
    def crashing_factory(smtp):
        raise RuntimeError("the process died here")

    email = email_config(smtp_server)
    queued(tmp_path, email, THREE)
    with pytest.raises(RuntimeError):
        send(tmp_path, email, smtp_factory=crashing_factory)
    assert pending(tmp_path) == ["e1", "e2", "e3"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_with_the_right_password_and_one_line_for_a_wrong_one(tmp_path, smtp_server_factory):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data == (b"bot", b"s3cret-Pa55")
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    server = smtp_server_factory(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    wrong = email_config(server, username="bot", password="not-the-Pa55word")
    queued(tmp_path, wrong, THREE)
    with Store(tmp_path / "state") as store:
        delivery = EmailNotifier(wrong).deliver(store, now=MONDAY_0800_BST)
    [line] = delivery.failures
    assert line.startswith(f"email weekly: 127.0.0.1:{server.port}: login refused for user 'bot' (535")
    assert line.endswith("; will retry") and "\n" not in line
    assert "not-the-Pa55word" not in line and "not-the-Pa55word" not in repr(wrong)
    assert server.received == [] and pending(tmp_path) == ["e1", "e2", "e3"]

    right = email_config(server, username="bot", password="s3cret-Pa55")
    with Store(tmp_path / "state") as store:
        delivery = EmailNotifier(right).deliver(store, now=MONDAY_0800_BST)
    assert delivery.ok and delivery.sent == 1 and len(server.received) == 1


def test_one_recipient_refused_with_550_does_not_block_the_others(tmp_path, smtp_server):
    smtp_server.handler.refuse["chief@example.org"] = "550 5.1.1 No such user"
    email = email_config(smtp_server)
    queued(tmp_path, email, THREE)
    report = send(tmp_path, email)

    [(_, rcpt_tos, _)] = smtp_server.received
    assert rcpt_tos == ["team@example.org"]
    assert report.sent == [("weekly", 3, ("team@example.org",))]
    assert report.refused == ["email weekly: chief@example.org: 550 5.1.1 No such user; not retried"]
    assert not report.ok and pending(tmp_path) == []  # the others had it: not sent twice


def test_every_recipient_refused_for_good_is_reported_once_not_retried(tmp_path, smtp_server):
    smtp_server.handler.refuse.update({"chief@example.org": "550 5.1.1 No such user",
                                       "team@example.org": "550 5.1.1 No such user"})
    email = email_config(smtp_server)
    queued(tmp_path, email, THREE)
    report = send(tmp_path, email)
    assert report.failures == []
    assert sorted(line.split(": ")[1] for line in report.refused) == ["chief@example.org", "team@example.org"]
    assert all("550" in line and "not retried" in line for line in report.refused)
    assert pending(tmp_path) == []  # a 5xx for every address would only fail again each run


def _server_tls() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_pem_files())
    return context


@functools.cache
def _pem_files() -> tuple[str, str]:
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="hmip-bot-tls-"))
    (folder / "cert.pem").write_text(TEST_CERT)
    (folder / "key.pem").write_text(TEST_KEY)
    return str(folder / "cert.pem"), str(folder / "key.pem")


def _client_tls() -> ssl.SSLContext:
    return ssl.create_default_context(cadata=TEST_CERT)


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_tls_starttls_and_implicit(tmp_path, smtp_server_factory, mode):
    if mode == "starttls":
        server = smtp_server_factory(tls_context=_server_tls(), require_starttls=True)
    else:
        server = smtp_server_factory(ssl_context=_server_tls())
    email = email_config(server, starttls=mode == "starttls", ssl=mode == "ssl")
    queued(tmp_path, email, THREE)
    report = send(tmp_path, email, smtp_factory=functools.partial(open_smtp, tls_context=_client_tls()))
    assert report.ok and len(server.received) == 1


def test_starttls_is_never_skipped_when_the_server_lacks_it(tmp_path, smtp_server):
    email = email_config(smtp_server, starttls=True)
    queued(tmp_path, email, THREE)
    [line] = send(tmp_path, email).failures
    assert line == (f"email weekly: 127.0.0.1:{smtp_server.port}: STARTTLS extension not supported "
                    "by server; will retry")
    assert smtp_server.received == []


def test_dry_run_writes_the_html_and_changes_nothing(tmp_path, smtp_server):
    email = email_config(smtp_server)
    queued(tmp_path, email, THREE)
    state = tmp_path / "state"
    before = {p: p.read_bytes() for p in state.rglob("*") if p.is_file()}
    out = tmp_path / "preview" / "weekly.html"
    report = send(tmp_path, email, dry_run=True, html_out=out)

    assert smtp_server.received == [] and report.sent == []
    [preview] = report.previews
    assert preview.subject == "3 probation inspections: 2 down, 1 up" and preview.html_path == out
    assert "Kirklees PDU" in preview.text and out.read_text(encoding="utf-8") == preview.html
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert {p: p.read_bytes() for p in state.rglob("*") if p.is_file()} == before
    assert f"HTML written to {out}" in report.lines()[0]
