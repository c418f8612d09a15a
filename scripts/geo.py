#!/usr/bin/env python3
"""Make the shapes quire's maps ship with: US states and world countries as GeoJSON.

Run once by a maintainer (not by builds or tests), from npm's registry:
  us-atlas 3.0.1       US Census Bureau cartographic boundaries, 2017, 1:10m (public domain)
  world-atlas 2.0.2    Natural Earth 1:110m admin 0 countries, v4.1 (public domain)
  i18n-iso-countries   ISO 3166 codes for Natural Earth's numeric ids (MIT)

The TopoJSON is decoded, each shared arc simplified once (Douglas-Peucker; borders stay
shared, so neighbours still meet), coordinates rounded to 0.001 degrees (about 100 m), and
written as FeatureCollections into crates/quire-build/shapes/.

    python3 scripts/geo.py
"""

import json
import os
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "crates", "quire-build", "shapes")

PACKAGES = ["us-atlas@3.0.1", "world-atlas@2.0.2", "i18n-iso-countries@7.14.0"]

# FIPS state codes to USPS abbreviations: the 50 states and the District of Columbia.
STATES = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY",
}


def fetch(tmp):
    subprocess.run(["npm", "pack", "--silent", *PACKAGES], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    roots = {}
    for name in os.listdir(tmp):
        if name.endswith(".tgz"):
            d = os.path.join(tmp, name[:-4])
            with tarfile.open(os.path.join(tmp, name)) as t:
                t.extractall(d, filter="data")
            roots[name.rsplit("-", 1)[0]] = os.path.join(d, "package")
    return roots


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def simplify(pts, tol):
    """Douglas-Peucker, iterative, keeping both ends."""
    if len(pts) < 3 or tol <= 0:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        far, at = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if d > far:
                far, at = d, i
        if far > tol:
            keep[at] = True
            stack.append((a, at))
            stack.append((at, b))
    return [p for p, k in zip(pts, keep) if k]


def ring(indices, arcs):
    out = []
    for i in indices:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(pts if not out else pts[1:])
    # Rings that cross the 180th meridian jump from 180 to -180: made continuous (running
    # past 180), so no edge of the ring spans the whole world.
    unwrapped = []
    shift = 0.0
    for i, (x, y) in enumerate(out):
        if i and abs(x + shift - unwrapped[-1][0]) > 180:
            shift += 360.0 if unwrapped[-1][0] > x + shift else -360.0
        unwrapped.append((x + shift, y))
    out = unwrapped
    rounded = []
    for x, y in out:
        p = [round(x, 3), round(y, 3)]
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    return rounded if len(rounded) >= 4 else None


def geometry(g, arcs):
    if g["type"] == "Polygon":
        polys = [g["arcs"]]
    elif g["type"] == "MultiPolygon":
        polys = g["arcs"]
    else:
        return None
    out = []
    for poly in polys:
        rings = [ring(r, arcs) for r in poly]
        if rings and rings[0]:
            out.append([r for r in rings if r])
    if not out:
        return None
    return {"type": "MultiPolygon", "coordinates": out} if len(out) > 1 else {"type": "Polygon", "coordinates": out[0]}


def write(name, features, licence):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "licence": licence, "features": features}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: {len(features)} features, {os.path.getsize(path):,} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        roots = fetch(tmp)
        us = json.load(open(os.path.join(roots["us-atlas"], "states-10m.json")))
        arcs = [simplify(a, 0.02) for a in decode_arcs(us)]
        features = []
        for g in us["objects"]["states"]["geometries"]:
            if g["id"] not in STATES:
                continue
            geom = geometry(g, arcs)
            props = {"name": g["properties"]["name"], "abbreviation": STATES[g["id"]], "fips": g["id"]}
            features.append({"type": "Feature", "properties": props, "geometry": geom})
        features.sort(key=lambda f: f["properties"]["name"])
        write("us-states.geojson", features, "US Census Bureau cartographic boundaries 2017 (public domain), via us-atlas 3.0.1")

        world = json.load(open(os.path.join(roots["world-atlas"], "countries-110m.json")))
        codes = {n: (a2, a3) for a2, a3, n, _ in json.load(open(os.path.join(roots["i18n-iso-countries"], "codes.json")))}
        arcs = decode_arcs(world)
        features = []
        for g in world["objects"]["countries"]["geometries"]:
            geom = geometry(g, arcs)
            if geom is None:
                continue
            a2, a3 = codes.get(g.get("id"), (None, None))
            props = {"name": g["properties"]["name"], "iso_a2": a2, "iso_a3": a3, "iso_n3": g.get("id")}
            features.append({"type": "Feature", "properties": props, "geometry": geom})
        features.sort(key=lambda f: f["properties"]["name"])
        write("world-countries.geojson", features, "Natural Earth 1:110m admin 0 countries v4.1 (public domain), via world-atlas 2.0.2")


if __name__ == "__main__":
    sys.exit(main())
