"""The package's imports point one way (issue 12, section 2), and the README's Layout says how."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bot"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """Every bot module `path` imports, at the top or deferred inside a function (ast, not runtime)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from bot.sources import feed` imports the submodule; `from bot import x` may too.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]  # bot.history.Store -> bot.history
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(path, set(mods)) for name, path in mods.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_a_deferred_import():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    # A deferred import inside a function counts: it is a cycle all the same at run time.
    source = "def f():\n    from bot.config import load_config\n"
    probe = PACKAGE / "_probe_for_test.py"
    probe.write_text(source)
    try:
        assert "bot.config" in imports(probe, set(modules()))
    finally:
        probe.unlink()


def test_no_import_cycle_in_the_package():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


# Each layer imports only from the layers before it (and itself, without cycles).
# The README's "Layout" section lists the same modules in the same order.
def readme_layers() -> list[tuple[str, list[str]]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    layers = []
    for item in re.split(r"\n(?=\d+\. )", section):  # one numbered item, its lines wrapped
        m = re.match(r"^\d+\. \*\*(.+?)\*\*: (.+?)(?: —|$)", " ".join(item.split()))
        if m:
            layers.append((m.group(1), re.findall(r"`([\w./]+)`", m.group(2))))
    return layers


def layer_of() -> dict[str, int]:
    """Module name -> its layer's index, from the README (a folder `x/` covers its modules)."""
    out = {}
    for index, (_, entries) in enumerate(readme_layers()):
        for entry in entries:
            dotted = "bot." + entry.removesuffix(".py").rstrip("/").replace("/", ".")
            for name in modules():
                if name == dotted or (entry.endswith("/") and name.startswith(dotted + ".")):
                    out[name] = index
    return out


def test_the_readme_layout_lists_every_module_once():
    listed = [e for _, entries in readme_layers() for e in entries]
    assert len(listed) == len(set(listed))
    missing = sorted(set(modules()) - set(layer_of()) - {"bot", "bot.__main__"})
    assert not missing, f"modules missing from the README's Layout: {missing}"


# Imports that break the rule today, each with the reason it is still there (none now:
# convert.py no longer borrows the extractor's date rule).
KNOWN: dict[tuple[str, str], str] = {}


def same_package(a: str, b: str) -> bool:
    """Two modules of one folder: bot.sources and bot.sources.feed, bot.notify.email and bot.notify."""
    top = lambda name: ".".join(name.split(".")[:2])  # noqa: E731
    return top(a) == top(b) and (PACKAGE / top(a).split(".")[1]).is_dir()


def test_each_layer_imports_only_from_the_layers_above_it_in_the_list():
    layers, names = layer_of(), [name for name, _ in readme_layers()]
    last = len(names) - 1  # the shells may call each other (cli starts serve and the demo)
    wrong = []
    for a, targets in graph().items():
        for b in targets:
            if a not in layers or b not in layers or (a, b) in KNOWN or same_package(a, b):
                continue
            if layers[b] > layers[a] or (layers[b] == layers[a] and layers[a] != last):
                wrong.append(f"{a} ({names[layers[a]]}) imports {b} ({names[layers[b]]})")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_the_layer_checker_flags_an_import_beside_or_below():
    assert same_package("bot.sources.feed", "bot.sources")
    assert same_package("bot.notify.email", "bot.notify.email_format")
    assert same_package("bot.extract", "bot.extract.units")
    assert not same_package("bot.convert", "bot.extract.facts")
    assert not same_package("bot.notify.email", "bot.digest")
