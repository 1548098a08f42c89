"""Every named extraction rule against its own examples (which must match) and negatives (which must not)."""

import pytest

import bot.extract  # noqa: F401  (registers every rule)
from bot.extract.rules import REGISTRY

CASES = [(name, text, True) for name, r in REGISTRY.items() for text in r.examples] + \
        [(name, text, False) for name, r in REGISTRY.items() for text in r.negatives]


def test_every_rule_has_a_reason_and_an_example():
    assert len(REGISTRY) > 20
    for name, r in REGISTRY.items():
        assert r.why and r.examples, name


@pytest.mark.parametrize("name, text, matches", CASES, ids=[f"{n}:{'+' if m else '-'}:{t[:30]}" for n, t, m in CASES])
def test_rule_examples(name, text, matches):
    assert bool(REGISTRY[name].search(text)) is matches
