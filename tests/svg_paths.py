"""A small interpreter of the SVG path grammar the charts write (github_stats/ui/line_paths.py):
what a browser draws, as absolute points, to check against the points a chart meant."""

import re

TOKEN = re.compile(r"[MmLlVvHhZza]|-?(?:\d+(?:\.\d*)?|\.\d+)")


def drawn(d: str) -> list[list[tuple[float, float]]]:
    """The subpaths of `d` as absolute points, the way the SVG path grammar reads them (a pair
    after `M`/`m` or `L`/`l` repeats the command as a lineto; `z` returns to the start)."""
    tokens = TOKEN.findall(d)
    assert "".join(tokens) == re.sub(r"[ ,]", "", d), f"unread characters in {d!r}"
    subpaths: list[list[tuple[float, float]]] = []
    x = y = 0.0
    command = ""
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                x, y = subpaths[-1][0]
                subpaths[-1].append((x, y))
                continue
        if command in "Mm":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            x, y = (x + dx, y + dy) if command == "m" else (dx, dy)
            subpaths.append([(x, y)])
            command = "l" if command == "m" else "L"
            i += 2
        elif command in "Ll":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            x, y = (x + dx, y + dy) if command == "l" else (dx, dy)
            subpaths[-1].append((x, y))
            i += 2
        elif command in "VvHh":
            value = float(tokens[i])
            if command == "V":
                y = value
            elif command == "v":
                y += value
            elif command == "H":
                x = value
            else:
                x += value
            subpaths[-1].append((x, y))
            i += 1
        else:
            raise AssertionError(f"{command!r} is not read here")
    return [[(round(px, 1), round(py, 1)) for px, py in path] for path in subpaths]
