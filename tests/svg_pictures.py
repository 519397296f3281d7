"""Reading the app's SVG panels in tests: the named groups (matplotlib ``gid``s) of a
picture, their points, texts and colours."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e-?\d+)?")


def parse(svg: str | bytes) -> ET.Element:
    return ET.fromstring(svg)


def group(root: ET.Element, gid: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@id='{gid}']")
    assert found is not None, f"no group {gid!r} in the picture"
    return found


def drawn(element: ET.Element, tag: str) -> list[ET.Element]:
    """The ``tag`` elements drawn in ``element`` (not the definitions of markers)."""
    found = []
    for child in element:
        if child.tag == f"{SVG}defs":
            continue
        if child.tag == f"{SVG}{tag}":
            found.append(child)
        found += drawn(child, tag)
    return found


def points(element: ET.Element) -> np.ndarray:
    """Every point of the paths (vertices and curves' control points) and every placed
    marker in ``element`` (x, y; y down)."""
    xy = []
    for path in drawn(element, "path"):
        numbers = [float(n) for n in NUMBER.findall(path.get("d", ""))]
        xy += list(zip(numbers[::2], numbers[1::2], strict=True))
    for use in drawn(element, "use"):
        xy.append((float(use.get("x")), float(use.get("y"))))
    return np.array(xy).reshape(-1, 2)


def box(element: ET.Element) -> tuple[float, float, float, float]:
    """Left, top, right and bottom of the points of ``element``."""
    xy = points(element)
    return xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max()


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in element.iter(f"{SVG}text")]


def fills(element: ET.Element) -> list[str]:
    """The fill colours of the paths in ``element``."""
    found = [re.search(r"fill:\s*(#[0-9a-fA-F]{6})", p.get("style", ""))
             for p in drawn(element, "path")]
    return [m.group(1).lower() for m in found if m]


def fraction(root: ET.Element, x: float, y: float) -> tuple[float, float]:
    """A point of the picture as fractions of its width and height (0, 0 at the top left)."""
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    return x / width, y / height
