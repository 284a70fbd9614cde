"""ident_records.py — the records of a workbook's hidden identification sheet
(include/pe_collect.h), version 1 (one record a row) or 2 (packed per sheet),
in version 1's layout: ("in", sheet, ref, role, table, id, year, label) or
("lock", sheet, ref, hash). Written independently of planeval's reader."""

_ESC = {"\\": "\\", "t": "\t", "n": "\n"}


def _unescape(field):
    out, i = [], 0
    while i < len(field):
        ch = field[i]
        if ch != "\\":
            out.append(ch)
            i += 1
        elif field[i + 1] == "x":
            out.append(chr(int(field[i + 2:i + 4], 16)))
            i += 4
        else:
            out.append(_ESC[field[i + 1]])
            i += 2
    return "".join(out)


def version(ws):
    return ws["B1"].value


def records(ws):
    rows = list(ws.iter_rows(min_row=9, values_only=True))
    if version(ws) == "1":
        return [tuple("" if v is None else v for v in r[:8 if r[0] == "in" else 4])
                for r in rows if r and r[0] in ("in", "lock")]
    out = []
    for r in rows:
        if not r or not r[0]:
            break
        for line in (r[1] or "").split("\n"):
            f = [_unescape(x) for x in line.split("\t")]
            out.append(tuple([f[0], r[0]] + f[1:]))
    return out
