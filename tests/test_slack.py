"""Slack delivery against a loopback fake of Slack's Web API, through the real slack_sdk clients."""

from __future__ import annotations

import json
import socket

import pytest
from slack_fake import TOKEN

from bot.config import SlackConfig, Subscription
from bot.errors import DeliveryError
from bot.history import Store
from bot.models import Alert, UnitRating
from bot.notify.slack import SlackNotifier
from bot.notify.slack_format import build_message, escape, header_text, safe_url


class Crash(BaseException):
    """Stands for the process being killed: nothing in the bot catches it."""


def make_alert(name="Northamptonshire PDU", event_id="ev-north", **kw) -> Alert:
    unit_fields = {k: kw.pop(k) for k in ("type", "region", "rating", "score", "recommendations")
                   if k in kw}
    unit = UnitRating(name=name, **{"type": "PDU", "region": "East Midlands", "rating": "Inadequate",
                                    **unit_fields})
    base = dict(direction="down", previous_rating="Requires improvement",
                previous_published="2022-03-01", published="2024-11-15",
                title="Probation services in Northamptonshire rated 'Inadequate'",
                findings=("Staffing levels were too low.", "Risk assessments were often late."),
                links=("https://www.justiceinspectorates.gov.uk/hmiprobation/media/press-releases/2024/11/north/",))
    return Alert(event_id=event_id, unit=unit, **{**base, **kw})


def slack_config(fake, *subs, token=TOKEN, ops_channel=None) -> SlackConfig:
    subs = subs or (Subscription(channel="#probation-alerts"),)
    return SlackConfig(token=token, base_url=fake.base_url, subscriptions=subs, ops_channel=ops_channel)


def notifier(config, sleeps=None) -> SlackNotifier:
    return SlackNotifier(config, sleep=(sleeps if sleeps is not None else []).append, timeout=2)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "state") as s:
        yield s


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"


def post_calls(fake, channel=None):
    return [c for c in fake.calls_to("chat.postMessage")
            if channel is None or c.args["channel"] == channel]


# --- routing ---------------------------------------------------------------------------------


def test_alerts_are_routed_by_each_subscriptions_filters(slack_api, store):
    subs = (
        Subscription(channel="#probation-alerts", regions=("east midlands",), directions=("down", "same")),
        Subscription(channel="yjs-alerts", unit_types=("YJS",), regions=("North West",),
                     include_unknown_region=True),
        Subscription(channel="C0OPSNOTICE"),
        Subscription(channel="#probation-alerts", unit_types=("PDU",)),  # same channel twice: one post
    )
    north = make_alert()
    wirral = make_alert("Wirral YJS", "ev-wirral", type="YJS", region=None, direction="new",
                        previous_rating=None, rating="Good")
    kirklees = make_alert("Kirklees PDU", "ev-kirk", region="Yorkshire and the Humber", direction="same")
    bolton = make_alert("Bolton YJS", "ev-bolton", type="YJS", region="North West", direction="up")
    n = notifier(slack_config(slack_api, *subs))

    assert n.queue([north, wirral, kirklees, bolton], store) == 8
    report = n.deliver(store)

    assert report.ok and report.sent == 8
    routed = sorted((c.args["channel"], c.args["metadata"]["event_payload"]["event_id"])
                    for c in post_calls(slack_api))
    assert routed == sorted([
        ("#probation-alerts", "ev-north"),  # region and direction match
        ("#probation-alerts", "ev-kirk"),  # not its region, but the PDU-only subscription
        ("yjs-alerts", "ev-wirral"),  # no known region, and the subscription accepts that
        ("yjs-alerts", "ev-bolton"),
        ("C0OPSNOTICE", "ev-north"), ("C0OPSNOTICE", "ev-wirral"),
        ("C0OPSNOTICE", "ev-kirk"), ("C0OPSNOTICE", "ev-bolton"),
    ])
    assert store.pending("slack") == []


def test_unknown_region_passes_a_region_filter_only_when_asked(slack_api, store):
    strict = Subscription(channel="#probation-alerts", regions=("North West",))
    lenient = Subscription(channel="yjs-alerts", regions=("North West",), include_unknown_region=True)
    nowhere = make_alert("Wirral YJS", "ev-w", type="YJS", region=None)
    n = notifier(slack_config(slack_api, strict, lenient))
    assert n.queue([nowhere], store) == 1
    n.deliver(store)
    assert [c.args["channel"] for c in post_calls(slack_api)] == ["yjs-alerts"]


# --- the message -------------------------------------------------------------------------------


def test_message_reads_at_a_glance(slack_api, store):
    alert = make_alert(
        score="3/24", recommendations=8,
        findings=("Staffing levels were too low.", "Risk assessments were late.",
                  "Leaders knew the problems.", "Partnerships were strong.", "A fifth finding."),
        links=("https://www.justiceinspectorates.gov.uk/hmiprobation/media/press-releases/2024/11/north/",
               "https://www.justiceinspectorates.gov.uk/hmiprobation/wp-content/uploads/sites/5/2024/11/north.pdf",
               "https://www.bbc.co.uk/news/articles/c123"),
    )
    n = notifier(slack_config(slack_api))
    n.queue([alert], store)
    assert n.deliver(store).sent == 1

    [call] = post_calls(slack_api)
    assert call.auth == f"Bearer {TOKEN}"
    args = call.args
    header = args["blocks"][0]
    assert header["type"] == "header"
    assert header["text"]["text"] == "▼ Northamptonshire PDU: Requires improvement → Inadequate (down)"
    assert args["text"].startswith("▼ Northamptonshire PDU: Requires improvement → Inadequate (down)")
    assert "East Midlands" in args["text"] and "15 November 2024" in args["text"]
    body = json.dumps(args["blocks"], ensure_ascii=False)
    for expected in ("*Region*\\nEast Midlands", "*Type*\\nProbation delivery unit",
                     "*Published*\\n15 November 2024", "*Score*\\n3/24", "*Recommendations*\\n8",
                     "*Previous*\\nRequires improvement (1 March 2022)",
                     "rated 'Inadequate'", "• Staffing levels were too low.",
                     "• Partnerships were strong.",
                     "<https://www.justiceinspectorates.gov.uk/hmiprobation/media/press-releases/2024/11/north/|Press release>",
                     "|Report>", "<https://www.bbc.co.uk/news/articles/c123|News: bbc.co.uk>"):
        assert expected in body
    assert "A fifth finding" not in body  # at most four headline findings
    assert args["metadata"] == {"event_type": "hmip_alert",
                                "event_payload": {"event_id": "ev-north", "unit": "Northamptonshire PDU"}}
    assert args["unfurl_links"] is False and args["link_names"] is False
    assert "<!" not in json.dumps(args)  # no @channel of our own


@pytest.mark.parametrize("direction, previous, rating, expected", [
    ("up", "Inadequate", "Good", "Kirklees PDU: Inadequate → Good (up)"),
    ("same", "Inadequate", "Inadequate", "Kirklees PDU: still Inadequate (no change)"),
    ("new", None, "Good", "Kirklees PDU: Good (new: first inspection)"),
    (None, None, "Good", "Kirklees PDU: rated Good"),
    (None, "Good", "Good", "Kirklees PDU: rated Good (previously Good)"),
    (None, None, None, "Kirklees PDU: inspection published (rating not stated)"),
])
def test_header_says_the_change_in_words(direction, previous, rating, expected):
    alert = make_alert("Kirklees PDU", direction=direction, previous_rating=previous, rating=rating)
    assert header_text(alert) == expected


def test_a_message_with_little_known_is_still_valid(slack_api, store):
    bare = Alert(event_id="ev-bare", unit=UnitRating(name="Somewhere YJS", type="YJS"),
                 direction=None, previous_rating=None, previous_published=None, published=None)
    msg = build_message(bare)
    assert [b["type"] for b in msg["blocks"]] == ["header", "section"]  # header + the type field
    n = notifier(slack_config(slack_api))
    n.queue([bare], store)
    assert n.deliver(store).sent == 1


def test_hostile_scraped_text_cannot_ping_mention_or_disguise_a_link(slack_api, store):
    alert = make_alert(
        "Evil <!channel> PDU", region="<!here|here> & co",
        title="Read <https://evil.example/phish|www.gov.uk> now <@U123ABC> <!subteam^S1>",
        findings=("@channel look: <!everyone>", "x > y & y < z", "&lt;!channel&gt; sneaky"),
        links=("javascript:alert(1)", "https://ok.example/a|b>c <!channel>", "ftp://x.example/f",
               "https://www.bbc.co.uk/news/1?a=1&b=2"),
    )
    n = notifier(slack_config(slack_api))
    n.queue([alert], store)
    assert n.deliver(store).sent == 1

    [call] = post_calls(slack_api)
    sent = json.dumps({k: call.args[k] for k in ("text", "blocks")}, ensure_ascii=False)
    for bad in ("<!", "<@", "<https://evil", "javascript:", "ftp://", "@channel", "@everyone", "<!here"):
        assert bad not in sent
    assert "&lt;!channel&gt;" in sent  # shown, inert
    assert "&amp;lt;!channel&amp;gt; sneaky" in sent  # entities in the page stay literal
    assert "x &gt; y &amp; y &lt; z" in sent
    assert "<https://ok.example/a%7Cb%3Ec%20%3C!channel%3E|News: ok.example>" not in sent  # has a space: refused
    assert "<https://www.bbc.co.uk/news/1?a=1&amp;b=2|News: bbc.co.uk>" in sent
    assert call.args["blocks"][0]["text"]["text"].startswith("▼ Evil ‹!channel› PDU")
    # Every `<` left in the message opens one of our own links.
    links = [part.split("|")[0] for part in sent.split("<")[1:]]
    assert links == ["https://www.bbc.co.uk/news/1?a=1&amp;b=2"]


@pytest.mark.parametrize("raw, safe", [
    ("https://example.org/a|b", "https://example.org/a%7Cb"),
    ("https://example.org/<x>", "https://example.org/%3Cx%3E"),
    ("http://example.org/?q=a&b", "http://example.org/?q=a&amp;b"),
    ("mailto:x@example.org", None), ("https://", None), ("https://a.example/ b", None), (None, None),
])
def test_only_plain_http_urls_become_links(raw, safe):
    assert safe_url(raw) == safe


def test_escape_defuses_markup_and_broadcasts():
    assert escape("<!channel> & @here") == "&lt;!channel&gt; &amp; @\u2060here"


# --- outages, rate limits, permanent errors -----------------------------------------------------


def test_an_outage_then_recovery_delivers_each_alert_once(slack_api, store):
    alerts = [make_alert(), make_alert("Kirklees PDU", "ev-kirk", direction="same")]
    config = slack_config(slack_api)

    # 1. Slack unreachable: nothing is lost, the run says which channel failed, in one line.
    down = SlackNotifier(SlackConfig(token=TOKEN, base_url=closed_port_url(),
                                     subscriptions=config.subscriptions), sleep=lambda s: None, timeout=2)
    assert down.queue(alerts, store) == 2
    report = down.deliver(store)
    assert report.failures == [
        "slack #probation-alerts: cannot reach Slack (connection refused), will retry next run (2 alerts queued)"]
    assert [e["status"] for e in store.pending("slack")] == ["pending", "pending"]

    # 2. Slack answers 500, then drops the connection: still queued.
    slack_api.fail("chat.postMessage", 500)
    report = notifier(config).deliver(store)
    assert report.failures == ["slack #probation-alerts: HTTP 500, will retry next run (2 alerts queued)"]
    slack_api.fail("chat.postMessage", "drop")
    report = notifier(config).deliver(store)
    assert report.failures == ["slack #probation-alerts: connection dropped before Slack replied; "
                               "will check the channel before retrying (2 alerts queued)"]
    assert [e["status"] for e in store.pending("slack")] == ["sending", "pending"]
    assert slack_api.posted() == []

    # 3. Back up: the unsure one is checked first (it never arrived), then both go, once.
    report = notifier(config).deliver(store)
    assert report.ok and report.sent == 2
    assert len(slack_api.calls_to("conversations.history")) == 1
    assert sorted(m["metadata"]["event_payload"]["event_id"] for m in slack_api.posted()) == [
        "ev-kirk", "ev-north"]
    assert store.pending("slack") == []
    entries = store.outbox_entries()
    assert [e["ts"] for e in entries] == [m["ts"] for m in slack_api.posted()]
    assert {e["channel_id"] for e in entries} == {"C0PROBATION"}

    # 4. Later runs send nothing more.
    before = len(slack_api.calls)
    assert notifier(config).deliver(store).sent == 0
    assert len(slack_api.calls) == before


def test_a_short_retry_after_is_waited_out(slack_api, store):
    slack_api.fail("chat.postMessage", 429, retry_after=2, times=2)
    sleeps = []
    n = notifier(slack_config(slack_api), sleeps)
    n.queue([make_alert()], store)
    report = n.deliver(store)
    assert report.ok and report.sent == 1
    assert sleeps == [2, 2]
    assert len(slack_api.posted()) == 1


def test_a_long_retry_after_leaves_the_alert_queued(slack_api, store):
    slack_api.fail("chat.postMessage", 429, retry_after=120)
    sleeps = []
    n = notifier(slack_config(slack_api), sleeps)
    n.queue([make_alert()], store)
    report = n.deliver(store)
    assert sleeps == []
    assert report.failures == ["slack #probation-alerts: rate limited by Slack (Retry-After 120 s), "
                               "will retry next run"]
    [entry] = store.pending("slack")
    assert entry["status"] == "pending" and "rate limited" in entry["last_error"]
    assert notifier(slack_config(slack_api)).deliver(store).sent == 1


@pytest.mark.parametrize("channel, code, hint", [
    ("#nowhere", "channel_not_found", "invite the bot or fix the channel name"),
    ("#outsiders", "not_in_channel", "invite the bot to the channel, or add the chat:write.public scope"),
])
def test_a_channel_refusal_stops_that_channel_and_keeps_its_alerts(slack_api, store, channel, code, hint):
    subs = (Subscription(channel=channel), Subscription(channel="#probation-alerts"))
    n = notifier(slack_config(slack_api, *subs))
    n.queue([make_alert(), make_alert("Kirklees PDU", "ev-kirk")], store)
    report = n.deliver(store)

    reason = f"{code} (needs fixing: {hint}; alerts are kept until then)"
    assert report.permanent == [f"slack {channel}: {reason}"] and report.failures == []
    assert report.sent == 2  # the good channel still got both
    assert len(post_calls(slack_api, channel)) == 1  # no second try at a refusing channel
    held = [e for e in store.outbox_entries() if e["channel"] == channel]
    assert [(e["status"], e["permanent"]) for e in held] == [("pending", False), ("pending", False)]
    assert held[0]["last_error"] == reason
    # Until it is fixed, each run makes one attempt at that channel, and loses nothing.
    notifier(slack_config(slack_api, *subs)).deliver(store)
    assert len(post_calls(slack_api, channel)) == 2
    assert all(not e["permanent"] for e in store.outbox_entries() if e["channel"] == channel)


@pytest.mark.parametrize("code", ["invalid_auth", "account_inactive"])
def test_a_token_refusal_stops_the_pass_and_never_shows_the_token(slack_api, store, code):
    if code == "invalid_auth":
        config = slack_config(slack_api, token="xoxb-wrong-secret")
    else:
        config = slack_config(slack_api)
        slack_api.fail("chat.postMessage", code)
    n = notifier(config)
    n.queue([make_alert(), make_alert("Kirklees PDU", "ev-kirk")], store)
    report = n.deliver(store)
    assert len(report.permanent) == 1 and report.permanent[0].startswith(f"slack #probation-alerts: {code} (needs fixing: ")
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    # Both alerts wait for the fix: nothing is thrown away.
    assert [(e["status"], e["permanent"]) for e in store.outbox_entries()] == [("pending", False)] * 2
    text = json.dumps([report.permanent, store.outbox_entries()])
    assert "xoxb" not in text


# --- the crash window ----------------------------------------------------------------------------


def crash_after_send(store, monkeypatch):
    def boom(*args, **kwargs):
        raise Crash()
    monkeypatch.setattr(store, "mark_sent", boom)


def test_no_duplicate_after_a_crash_between_send_and_record(slack_api, tmp_path, monkeypatch):
    config = slack_config(slack_api)
    with Store(tmp_path / "state") as store:
        notifier(config).queue([make_alert()], store)
        crash_after_send(store, monkeypatch)
        with pytest.raises(Crash):
            notifier(config).deliver(store)
    assert len(slack_api.posted()) == 1  # Slack has it; our state says "sending"

    with Store(tmp_path / "state") as store:  # the next run
        [entry] = store.pending("slack")
        assert entry["status"] == "sending"
        report = notifier(config).deliver(store)
        assert report.ok and report.sent == 1
        [entry] = store.outbox_entries()
        assert entry["status"] == "sent" and entry["ts"] == slack_api.posted()[0]["ts"]
    assert len(slack_api.calls_to("chat.postMessage")) == 1  # never posted twice


def test_a_reply_lost_after_slack_posted_is_not_posted_again(slack_api, store):
    slack_api.fail("chat.postMessage", "drop_after")
    config = slack_config(slack_api)
    n = notifier(config)
    n.queue([make_alert()], store)
    assert n.deliver(store).failures
    assert notifier(config).deliver(store).sent == 1
    assert len(slack_api.posted()) == 1 and len(slack_api.calls_to("chat.postMessage")) == 1


def test_a_reply_that_times_out_is_checked_not_reposted(slack_api, store):
    slack_api.fail("chat.postMessage", "hang", retry_after=0.6)
    config = slack_config(slack_api)
    n = SlackNotifier(config, sleep=lambda s: None, timeout=0.2)
    n.queue([make_alert()], store)
    assert n.deliver(store).failures == [
        "slack #probation-alerts: no reply within 0.2 s; will check the channel before retrying"]
    assert notifier(config).deliver(store).sent == 1
    assert len(slack_api.calls_to("chat.postMessage")) == 1 and len(slack_api.posted()) == 1


def test_a_crash_before_the_request_left_posts_on_the_next_run(slack_api, store, monkeypatch):
    config = slack_config(slack_api, Subscription(channel="#probation-alerts"))
    n = notifier(config)
    n.queue([make_alert()], store)
    client = n.client()

    def dies(**kwargs):
        raise Crash()
    monkeypatch.setattr(client, "chat_postMessage", dies)
    with pytest.raises(Crash):
        n.deliver(store)
    # The channel is a name and nothing was sent to it before: it is looked up, then checked.
    assert notifier(config).deliver(store).sent == 1
    assert len(slack_api.calls_to("conversations.list")) == 1
    assert len(slack_api.posted()) == 1


def test_an_unverifiable_interrupted_post_is_not_reposted(slack_api, store, monkeypatch):
    slack_api.scopes.discard("channels:history")
    config = slack_config(slack_api)
    n = notifier(config)
    n.queue([make_alert()], store)
    crash_after_send(store, monkeypatch)
    with pytest.raises(Crash):
        n.deliver(store)
    monkeypatch.undo()

    report = notifier(config).deliver(store)
    assert report.sent == 0 and len(report.permanent) == 1
    assert report.permanent[0].startswith("slack #probation-alerts: may or may not have been posted")
    assert "missing_scope" in report.permanent[0] and report.permanent[0].endswith("check the channel")
    [entry] = store.outbox_entries()
    assert entry["status"] == "failed" and entry["permanent"]
    assert len(slack_api.calls_to("chat.postMessage")) == 1


# --- updates in place ------------------------------------------------------------------------------


def test_a_later_source_updates_the_message_in_place(slack_api, store):
    config = slack_config(slack_api)
    first = make_alert()
    notifier(config).queue([first], store)
    notifier(config).deliver(store)

    richer = make_alert(links=first.links + ("https://www.bbc.co.uk/news/articles/c9",),
                        score="3/24", is_update=True)
    notifier(config).queue([richer], store)
    report = notifier(config).deliver(store)

    assert report.ok and (report.sent, report.updated) == (0, 1)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    [update] = slack_api.calls_to("chat.update")
    [msg] = slack_api.posted()
    assert update.args["channel"] == "C0PROBATION" and update.args["ts"] == msg["ts"]
    assert msg["edited"] and "News: bbc.co.uk" in json.dumps(msg["blocks"])
    assert store.pending("slack") == []


def test_a_failed_update_is_retried_as_an_edit(slack_api, store):
    config = slack_config(slack_api)
    notifier(config).queue([make_alert()], store)
    notifier(config).deliver(store)
    notifier(config).queue([make_alert(score="3/24")], store)
    slack_api.fail("chat.update", 503)
    assert notifier(config).deliver(store).failures == [
        "slack #probation-alerts: HTTP 503, will retry next run"]
    report = notifier(config).deliver(store)
    assert report.updated == 1 and len(slack_api.calls_to("chat.postMessage")) == 1


# --- webhook mode ----------------------------------------------------------------------------------


def webhook_config(fake) -> SlackConfig:
    return SlackConfig(webhook_url=fake.webhook_url, subscriptions=(
        Subscription(channel="webhook", directions=("down",)), Subscription(channel="webhook")))


def test_webhook_mode_posts_once_per_alert(slack_api, store):
    n = notifier(webhook_config(slack_api))
    assert n.queue([make_alert(), make_alert("Kirklees PDU", "ev-kirk", direction="same")], store) == 2
    report = n.deliver(store)
    assert report.ok and report.sent == 2
    [first] = [p for p in slack_api.webhook_posts if "Northamptonshire" in p["text"]]
    assert first["text"].startswith("▼ Northamptonshire PDU")
    assert first["blocks"][0]["type"] == "header" and first["unfurl_links"] is False
    assert slack_api.calls == []  # no Web API calls: no token
    # A later update can't edit a webhook post, and is not posted again.
    n.queue([make_alert(score="3/24")], store)
    assert n.deliver(store).sent == 0 and len(slack_api.webhook_posts) == 2
    assert store.pending("slack") == []


def test_webhook_errors_are_classified_and_never_show_the_url(slack_api, store):
    config = webhook_config(slack_api)
    notifier(config).queue([make_alert()], store)
    slack_api.fail("webhook", 500)
    assert notifier(config).deliver(store).failures == ["slack webhook: HTTP 500, will retry next run"]
    slack_api.fail("webhook", "no_service")
    report = notifier(config).deliver(store)
    assert report.permanent == ["slack webhook: no_service (needs fixing: the webhook was removed or "
                                "disabled; check slack.webhook_url; alerts are kept until then)"]
    assert "webhooksecret" not in json.dumps([report.permanent, store.outbox_entries()])
    assert slack_api.webhook_posts == []


def test_webhook_interrupted_post_counts_as_sent_unverified(slack_api, tmp_path, monkeypatch):
    config = webhook_config(slack_api)
    with Store(tmp_path / "state") as store:
        notifier(config).queue([make_alert(), make_alert("Kirklees PDU", "ev-kirk")], store)
        slack_api.fail("webhook", "drop_after")  # the reply to the first post is lost
        report = notifier(config).deliver(store)
        assert report.sent == 1 and report.failures == []
        assert report.permanent == ["slack webhook: no reply to a post; it may have arrived, and "
                                    "webhooks can't be checked, so it counts as sent (check the channel)"]
        assert [e["status"] for e in store.outbox_entries()] == ["sent", "sent"]
        # A crash mid-send: the leftover "sending" entry is not posted again either.
        notifier(config).queue([make_alert("Wirral YJS", "ev-wirral")], store)
        crash_after_send(store, monkeypatch)
        with pytest.raises(Crash):
            notifier(config).deliver(store)
    with Store(tmp_path / "state") as store:
        report = notifier(config).deliver(store)
        assert report.sent == 0 and "interrupted last run" in report.permanent[0]
        assert store.pending("slack") == []
    assert len(slack_api.webhook_posts) == 3


# --- operations notices and construction --------------------------------------------------------------


def test_post_ops_sends_escaped_plain_text(slack_api):
    n = notifier(slack_config(slack_api, ops_channel="#ops"))
    assert n.post_ops("source bbc-england failing: <!channel> HTTP 500") is not None
    [call] = post_calls(slack_api)
    assert call.args["channel"] == "#ops"
    assert call.args["text"] == "source bbc-england failing: &lt;!channel&gt; HTTP 500"
    n.post_ops("hmip-bot: source a has failed 3 polls in a row\nhmip-bot: source b has recovered")
    assert post_calls(slack_api)[-1].args["text"] == (
        "hmip-bot: source a has failed 3 polls in a row\nhmip-bot: source b has recovered")
    assert notifier(slack_config(slack_api)).post_ops("no ops channel") is None


def test_post_ops_failure_raises_a_delivery_error_without_the_token(slack_api):
    n = notifier(slack_config(slack_api, token="xoxb-not-right", ops_channel="#ops"))
    with pytest.raises(DeliveryError) as info:
        n.post_ops("hello")
    assert info.value.permanent and str(info.value).startswith("slack #ops: invalid_auth")
    assert "xoxb" not in str(info.value)


def test_construction_does_no_io_and_an_empty_outbox_makes_no_calls(store):
    n = SlackNotifier(SlackConfig(token=TOKEN, base_url=closed_port_url(),
                                  subscriptions=(Subscription(channel="#a"),)))
    report = n.deliver(store)
    assert report.ok and report.sent == 0


def test_slack_sdk_retries_an_unreachable_slack_once_and_a_timeout_not_at_all(slack_api, store):
    # Issue 12 §4: slack-sdk's retry handlers, narrowed so that nothing is ever posted twice.
    sleeps = []
    down = SlackNotifier(SlackConfig(token=TOKEN, base_url=closed_port_url(),
                                     subscriptions=(Subscription(channel="#probation-alerts"),)),
                         sleep=sleeps.append, timeout=2)
    down.queue([make_alert()], store)
    assert down.deliver(store).failures[0].startswith("slack #probation-alerts: cannot reach Slack")
    assert sleeps == [1.0]  # the request never left: one more try after a second

    slack_api.fail("chat.postMessage", "hang", retry_after=0.6)
    sleeps.clear()
    n = SlackNotifier(slack_config(slack_api), sleep=sleeps.append, timeout=0.2)
    n.deliver(store)
    assert sleeps == []  # sent but unanswered: checked in the channel next run, never re-sent blind


def test_a_month_only_date_from_the_record_reads_as_words_in_slack_email_and_on_the_site():
    # The record of past ratings dates many inspections to the month ('2022-05'): Slack and email
    # showed '2022-05' while the site said 'May 2022'. One wording now, from bot.dates.
    from bot.notify.email_format import _event
    from bot.notify.slack_format import build_message
    from bot.publish.view import nice_date

    alert = make_alert(previous_published="2022-05", published="2024-11-15")
    body = json.dumps(build_message(alert)["blocks"], ensure_ascii=False)
    assert "*Previous*\\nRequires improvement (May 2022)" in body
    assert _event(alert)["previous_published"] == "May 2022"
    assert nice_date("2022-05") == "May 2022" and nice_date("2024-11-15") == "15 November 2024"
