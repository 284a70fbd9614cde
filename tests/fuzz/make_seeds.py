#!/usr/bin/python3
"""make_seeds.py SRC OUT — writes the seed corpora of the fuzz targets into
OUT/<target>/ from the repository's inputs (input/, tests/bad/, tests/fixtures/,
templates/), so that no corpus is committed. The first byte of a CSV seed is
the selector the harness reads (encoding mode or table kind)."""
import hashlib
import os
import sys

src, out = sys.argv[1], sys.argv[2]
MAX = 64 * 1024          # big generated inputs are left to the large-input test


def files(*dirs):
    for d in dirs:
        for root, _, names in os.walk(os.path.join(src, d)):
            for n in sorted(names):
                p = os.path.join(root, n)
                if os.path.getsize(p) <= MAX:
                    yield n, p


def put(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def table_kind(name):
    if name.startswith("indicators"):
        return 0
    if name.startswith("targets"):
        return 1
    if name.startswith("counties"):
        return 2
    return 3


cells = set()
for name, path in files("input", "tests/bad", "tests/fixtures", "templates"):
    data = open(path, "rb").read()
    if name.endswith(".csv"):
        for mode in (0, 1, 2):
            put("fuzz_csv", bytes([mode]) + data)
            put("fuzz_encoding", bytes([mode]) + data)
        put("fuzz_tables", bytes([table_kind(name)]) + data)
        try:
            for line in data.decode("utf-8").splitlines()[:200]:
                for cell in line.split(","):
                    cells.add(cell.strip())
        except UnicodeDecodeError:
            pass
    elif name.endswith(".ini"):
        put("fuzz_ini", data)
        put("fuzz_encoding", b"\x00" + data)
    elif name.endswith(".md"):
        put("fuzz_template", data)
        put("fuzz_ofd", data[:16384])
        for line in data.splitlines():
            if line.strip():
                put("fuzz_break", bytes([40, 2]) + line)
                put("fuzz_break", bytes([5, 0]) + line[:200])
for c in sorted(cells)[:3000]:
    put("fuzz_number", c.encode())
for s in ("1e300", "-1e15", "1e15", "999999999999999", "1234567.890123456", "0.000000001",
          "1,234,567.5", "－60", "１２３．５", "+3%", "1e-400", "NaN", "-0.00", "　12　"):
    put("fuzz_number", s.encode())
