"""Errors as data (issue 12, section 4): decisions read fields, never message text."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from bot.config import load_config
from bot.errors import InputError, SourceError
from bot.fetch import Fetcher
from bot.history import Store
from bot.pipeline import run_cycle

ROOT = Path(__file__).resolve().parents[1]


class Sleeps(list):
    """An injectable sleep that records what it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def offline(monkeypatch):
    """No name resolves except localhost, as on a machine with no network (the OS's own answer)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host in ("localhost", "127.0.0.1", "::1"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_that_does_not_resolve_is_one_attempt_and_not_transient(offline):
    sleeps = Sleeps()
    with Fetcher(user_agent="t", timeout=5, sleep=sleeps) as fetcher, pytest.raises(SourceError) as e:
        fetcher.get("https://feeds.example.invalid/rss.xml")
    assert str(e.value) == "GET https://feeds.example.invalid/rss.xml: host not found"
    assert (e.value.transient, e.value.status) == (False, None)
    assert sleeps == []  # no backoff: asking again will not make the name exist


def test_statuses_are_fields(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=410)
    httpserver.expect_request("/busy").respond_with_data("later", status=503)
    with Fetcher(user_agent="t", timeout=5, min_interval=0, retries=2, sleep=Sleeps()) as fetcher:
        with pytest.raises(SourceError) as gone:
            fetcher.get(httpserver.url_for("/gone"))
        with pytest.raises(SourceError) as busy:
            fetcher.get(httpserver.url_for("/busy"))
    assert (gone.value.status, gone.value.transient, gone.value.gone) == (410, False, True)
    assert (busy.value.status, busy.value.transient, busy.value.gone) == (503, True, False)
    assert str(busy.value).endswith("HTTP 503 after 2 attempts")


def test_an_offline_run_with_the_shipped_config_waits_for_nothing(tmp_path, offline):
    # Before issue 12: three tries with backoff per host, 13.5 s of silence.
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    config = load_config(tmp_path / "config.yaml")
    sleeps = Sleeps()
    fetcher = Fetcher(user_agent=config.user_agent, timeout=config.poll.timeout_seconds,
                      min_interval=config.poll.min_interval_seconds, sleep=sleeps)
    with Store(config.state_dir, lock=False) as store, fetcher:
        report = run_cycle(config, store, dry_run=True, fetcher=fetcher)
    assert len(report.source_failures) == len(config.sources) >= 4
    assert all(line.endswith(": host not found") for line in report.source_failures), report.source_failures
    assert sleeps == []  # no retry, no backoff, and no politeness owed to a host never reached


def test_offline_run_cli_reports_each_source_once_and_exits_1(tmp_path, offline, cli):
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    result = cli("run", "--dry-run", "--config", tmp_path / "config.yaml")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert lines and all("host not found" in line for line in lines), result.err
    assert "Traceback" not in result.err


def test_an_encrypted_pdf_is_named_as_such_by_its_error_type():
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Kirklees PDU is rated Good.")
    pdf.set_encryption(owner_password="owner", user_password="reader")
    from bot.convert import bytes_to_page

    with pytest.raises(InputError, match=r"not a readable PDF \(encrypted\)"):
        bytes_to_page(bytes(pdf.output()), "report.pdf")


def test_an_unwritable_html_preview_is_one_line_and_exit_2(tmp_path, cli):
    # Before issue 12: `digest --dry-run --html /proc/x.html` ended in a traceback.
    config = tmp_path / "config.yaml"
    config.write_text("""state_dir: state
sources:
  - {name: hmi, type: feed, url: "http://127.0.0.1:9/feed/"}
email:
  smtp: {host: 127.0.0.1, port: 1}
  from: bot@example.org
  digests:
    - {name: weekly, to: [a@example.org], schedule: "0 8 * * 1", send_empty: true}
""")
    target = tmp_path / "not-a-folder"
    target.write_text("a file where a folder should be")
    result = cli("digest", "--config", config, "--name", "weekly", "--force", "--dry-run",
                 "--html", target / "preview.html")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert result.err.strip().splitlines() == [result.err.strip()]
    assert result.err.startswith(f"hmip-bot: {target}")  # the path, then what went wrong


def test_an_smtp_server_that_never_greets_is_a_timeout_by_the_error_type():
    import threading
    from email.message import EmailMessage

    from bot.config import SmtpConfig
    from bot.errors import DeliveryError
    from bot.notify.email import SmtpSender

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    accepted, done = [], threading.Event()
    threading.Thread(target=lambda: (accepted.append(listener.accept()[0]), done.wait(5)), daemon=True).start()
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bot@example.org", "a@example.org", "t"
    msg.set_content("x")
    smtp = SmtpConfig(host="127.0.0.1", port=listener.getsockname()[1], starttls=False, timeout_seconds=0.3)
    try:
        with SmtpSender(smtp) as sender, pytest.raises(DeliveryError) as e:
            sender.send(msg)
    finally:
        done.set()
        listener.close()
        for conn in accepted:
            conn.close()
    assert str(e.value) == "timed out after 0.3s"
