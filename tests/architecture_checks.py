"""Checkers of the architecture rules, for any package tree: the real one or one a test plants.

Each checker takes the package's folder (``.../gnapp``) and returns what breaks its rule, as sorted
strings naming the module; an empty list means the rule holds. docs/architecture.md has the rules.
"""

import ast
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# --- Modules and their imports -------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    """One import statement's target, resolved to a module name, and where it stands."""

    module: str
    line: int


def modules_of(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its __init__)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_package(name: str, modules: Mapping[str, Path]) -> bool:
    return name in modules and modules[name].name == "__init__.py"


def imports_of(name: str, modules: Mapping[str, Path]) -> list[Import]:
    """Every import in a module, at any depth (functions, ``if``, ``try``), as module names.

    ``from pkg import name`` counts as an import of ``pkg.name`` when that is a module, else of
    ``pkg``; relative imports are resolved against the module's package.
    """
    path = modules[name]
    package = name if _is_package(name, modules) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                found.append(Import(submodule if submodule in modules else origin, node.lineno))
    return found


def _internal_imports(package: Path) -> Iterator[tuple[str, Import]]:
    modules = modules_of(package)
    for name in modules:
        for target in imports_of(name, modules):
            if target.module in modules:
                yield name, target


# --- Qt through one gate -------------------------------------------------------------------------

QT_PACKAGES = ("PySide6", "shiboken6")


def qt_gate_offenders(package: Path) -> list[str]:
    """Modules importing PySide6 other than the GUI's single gate, a module ``qt.py`` under ui/.

    There must be exactly one such gate (``ui/qt.py`` or ``ui/common/qt.py``).
    """
    modules = modules_of(package)
    gates = [name for name, path in modules.items() if path.name == "qt.py" and ".ui." in name]
    problems = [] if len(gates) == 1 else [f"{len(gates)} Qt gates (ui/…/qt.py), want 1: {gates}"]
    problems += [
        f"{name}:{target.line} imports {target.module}"
        for name in modules
        if name not in gates
        for target in imports_of(name, modules)
        if target.module.split(".")[0] in QT_PACKAGES
    ]
    return sorted(problems)


# --- SQL only in the store packages --------------------------------------------------------------

# A statement's opening words, whatever the letter case (a template with holes, or a fragment
# completed elsewhere, has them too). Prose such as "Update the list", "With …" or "Select a
# household" has none of these shapes, nor has a regular expression naming SQL words.
SQL_SHAPE = re.compile(
    r"""\s*(
        SELECT\b.*?\bFROM\s
      | SELECT\s+\w+\(
      | (INSERT(\s+OR\s+\w+)?|REPLACE)\s+INTO\s
      | UPDATE(\s+OR\s+\w+)?\s+\S+\s+SET\s
      | DELETE\s+FROM\s
      | WITH\s.*?\bSELECT\b.*?\bFROM\s
      | CREATE\s+(UNIQUE\s+|TEMP\s+|TEMPORARY\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s
      | DROP\s+(TABLE|INDEX|VIEW|TRIGGER)\s
      | ALTER\s+TABLE\s
      | PRAGMA\s+[\w.]+\s*($|=|\()
    )""",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)
FORMATTED_VALUE = "x"  # an f-string's {…} parts, read as an identifier


def looks_like_sql(text: str) -> bool:
    """Whether a string is an SQL statement, or the start of one: it opens with a statement's
    shape (``SELECT … FROM``, ``SELECT f(``, ``INSERT INTO``, ``UPDATE name SET``, ``DELETE FROM``,
    ``WITH … SELECT … FROM``, ``CREATE TABLE``, ``PRAGMA name`` …)."""
    return bool(SQL_SHAPE.match(text))


def _string_text(node: ast.AST) -> str | None:
    """The text of a string expression: a constant (implicit concatenations are one constant), an
    f-string (its constant parts, each {…} as an identifier) or ``+`` of those; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else FORMATTED_VALUE
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string_text(node.left), _string_text(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _strings(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Every string expression of a module but its docstrings; a ``+`` chain of strings is one
    string, not also its parts."""
    skip = _docstrings(tree)
    pending = [tree]
    while pending:
        node = pending.pop()
        text = None if id(node) in skip else _string_text(node)
        if text is not None:
            yield node, text
        else:
            pending.extend(ast.iter_child_nodes(node))


def sql_offenders(package: Path, sql_homes: Sequence[str]) -> list[str]:
    """SQL statements in Python strings of modules outside the packages in ``sql_homes``."""
    found = []
    for name, path in modules_of(package).items():
        if any(name == home or name.startswith(f"{home}.") for home in sql_homes):
            continue
        for node, text in _strings(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if looks_like_sql(text):
                found.append(f"{name}:{node.lineno}: {' '.join(text.split())[:70]}")
    return sorted(found)


# --- Imports point one way -----------------------------------------------------------------------


@dataclass(frozen=True)
class LayerMap:
    """Layers from the bottom up, each a tuple of components: a module, or a package with all its
    modules (the top package itself, e.g. ``gnapp`` for its ``__init__``, holds only itself).

    A module may import its own component, any component of a lower layer, and the components of
    its own layer that ``sideways`` allows it (component -> the components it may import).
    """

    layers: tuple[tuple[str, ...], ...]
    sideways: Mapping[str, tuple[str, ...]]

    def component_of(self, module: str) -> str | None:
        """The most specific component holding a module (``gnapp.cli`` rather than ``gnapp``)."""
        holders = [
            component
            for layer in self.layers
            for component in layer
            if module == component or ("." in component and module.startswith(f"{component}."))
        ]
        return max(holders, key=len, default=None)

    def level_of(self, component: str) -> int:
        return next(level for level, layer in enumerate(self.layers) if component in layer)

    def allows(self, importer: str, imported: str) -> bool:
        """Whether a module of one component may import a module of another."""
        if importer == imported or imported in self.sideways.get(importer, ()):
            return True
        return self.level_of(imported) < self.level_of(importer)


def layer_offenders(package: Path, layer_map: LayerMap) -> list[str]:
    """Imports the layer map does not allow, and modules it does not place."""
    problems = {
        f"{name}: in no layer of the map"
        for name in modules_of(package)
        if layer_map.component_of(name) is None
    }
    for name, target in _internal_imports(package):
        importer, imported = layer_map.component_of(name), layer_map.component_of(target.module)
        if importer and imported and not layer_map.allows(importer, imported):
            problems.add(f"{name}:{target.line} imports {target.module} ({importer} -> {imported})")
    return sorted(problems)


# --- No import cycles ----------------------------------------------------------------------------


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (every import statement, lazy ones included)."""
    graph: dict[str, set[str]] = {name: set() for name in modules_of(package)}
    for name, target in _internal_imports(package):
        if target.module != name:
            graph[name].add(target.module)
    return graph


def strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of a directed graph (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def _cycle_through(component: Sequence[str], graph: Mapping[str, set[str]]) -> list[str]:
    """One cycle inside a strongly connected component, from its first module back to it."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    pending = [start]
    while pending:
        node = pending.pop(0)
        for successor in sorted(graph[node] & members):
            if successor == start:
                return [*paths[node], start]
            if successor not in paths:
                paths[successor] = [*paths[node], successor]
                pending.append(successor)
    raise AssertionError(f"{component} is not strongly connected")


def cycle_offenders(package: Path) -> list[str]:
    """Every import cycle between modules, one per group of modules that import each other round."""
    graph = import_graph(package)
    return sorted(
        f"{' -> '.join(_cycle_through(component, graph))} (the group: {', '.join(component)})"
        for component in strongly_connected(graph)
        if len(component) > 1
    )
