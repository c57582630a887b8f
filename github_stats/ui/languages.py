"""Languages as people see them: GitHub's colours, and sizes as shares of a whole with the long
tail folded into "Other"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

OTHER_LABEL = "Other"
TOP_LANGUAGES = 8

# GitHub's linguist colours for the languages people meet most; others get a palette slot.
LANGUAGE_COLORS: dict[str, str] = {
    "C": "#555555",
    "C#": "#178600",
    "C++": "#f34b7d",
    "CSS": "#563d7c",
    "Clojure": "#db5855",
    "CoffeeScript": "#244776",
    "Dart": "#00B4AB",
    "Dockerfile": "#384d54",
    "Elixir": "#6e4a7e",
    "Elm": "#60B5CC",
    "Erlang": "#B83998",
    "Go": "#00ADD8",
    "HCL": "#844FBA",
    "HTML": "#e34c26",
    "Haskell": "#5e5086",
    "Java": "#b07219",
    "JavaScript": "#f1e05a",
    "Jupyter Notebook": "#DA5B0B",
    "Kotlin": "#A97BFF",
    "Lua": "#000080",
    "Makefile": "#427819",
    "Nix": "#7e7eff",
    "OCaml": "#ef7a08",
    "Objective-C": "#438eff",
    "PHP": "#4F5D95",
    "Perl": "#0298c3",
    "PowerShell": "#012456",
    "Python": "#3572A5",
    "R": "#198CE7",
    "Ruby": "#701516",
    "Rust": "#dea584",
    "SCSS": "#c6538c",
    "Scala": "#c22d40",
    "Shell": "#89e051",
    "Swift": "#F05138",
    "TeX": "#3D6117",
    "TypeScript": "#3178c6",
    "Vim Script": "#199f4b",
    "Vue": "#41b883",
    "Zig": "#ec915c",
}


@dataclass(frozen=True)
class LanguageShare:
    """One language (or "Other"): bytes or repositories, and its share of the total."""

    name: str
    value: int
    share: float


def top_shares(pairs: Iterable[tuple[str, int]], top: int = TOP_LANGUAGES) -> list[LanguageShare]:
    """The `top` largest (name, value) pairs as shares of the whole, the rest folded into
    "Other". Largest first; ties by name."""
    positive = [(name, value) for name, value in pairs if isinstance(value, int) and value > 0]
    total = sum(value for _, value in positive)
    if not total:
        return []
    ordered = sorted(positive, key=lambda pair: (-pair[1], pair[0]))
    head, tail = ordered[:top], ordered[top:]
    shares = [LanguageShare(name=name, value=value, share=value / total) for name, value in head]
    rest = sum(value for _, value in tail)
    if rest:
        shares.append(LanguageShare(name=OTHER_LABEL, value=rest, share=rest / total))
    return shares
