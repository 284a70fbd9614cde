/* csvpatch.c — edits cells of a CSV in place, byte for byte: the loader
 * (pe_csv_parse) gives each cell's line and column; this file maps them back
 * to byte offsets in the original encoding and replaces only those fields. */
#include "pe_collect.h"

#include <ctype.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t start, end;      /* raw byte range replaced ([start, end) may be empty) */
    const char *text;       /* UTF-8, already quoted when needed */
    size_t seq;             /* insertions at one place keep their order */
} patch_op;

/* A column the CSV lacks, added on every row. */
typedef struct {
    const char *column;     /* as the edits name it */
    int year;               /* 0 for other columns */
    char header[64];
} added_col;

/* A header like 2021 or 2021年: the year, else 0 (as the indicator loader reads it). */
static int header_year(const char *h)
{
    size_t n = strlen(h);
    if (n >= 3 && strcmp(h + n - 3, "年") == 0)
        n -= 3;
    if (n != 4)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)h[i]))
            return 0;
    return (int)strtol(h, NULL, 10);
}

static int is_id_header(const char *h)
{
    return strcmp(h, "id") == 0 || strcmp(h, "序号") == 0 || strcmp(h, "编号") == 0;
}

/* The county table's key columns, spelled as the loader accepts them. */
static int is_county_header(const char *h)
{
    return strcmp(h, "county") == 0 || strcmp(h, "县区") == 0 || strcmp(h, "县（市、区）") == 0;
}

static int is_year_header(const char *h)
{
    return strcmp(h, "year") == 0 || strcmp(h, "年份") == 0 || strcmp(h, "年度") == 0;
}

/* The columns that find a row: the id column, or the county and year columns. */
typedef struct {
    size_t id, county, year;    /* (size_t)-1 when absent */
} row_key;

static row_key key_columns(const pe_csv *csv)
{
    row_key k = { (size_t)-1, (size_t)-1, (size_t)-1 };
    for (size_t c = 0; c < csv->ncols; c++) {
        const char *h = csv->header[c].text ? csv->header[c].text : "";
        if (is_id_header(h) && k.id == (size_t)-1)
            k.id = c;
        if (is_county_header(h) && k.county == (size_t)-1)
            k.county = c;
        if (is_year_header(h) && k.year == (size_t)-1)
            k.year = c;
    }
    return k;
}

/* Whether row `row` is the one edit `e` names. */
static int row_matches(const pe_cell *row, const row_key *k, const pe_csv_edit *e)
{
    if (!e->year)
        return k->id != (size_t)-1 && row[k->id].text && strcmp(row[k->id].text, e->id) == 0;
    return k->county != (size_t)-1 && k->year != (size_t)-1 && row[k->county].text &&
           strcmp(row[k->county].text, e->id) == 0 && row[k->year].text &&
           header_year(row[k->year].text) == e->year;
}

typedef struct {
    const char *raw;
    size_t len;
    int gb;                 /* GB18030 rather than UTF-8 */
    size_t bom;             /* bytes of a UTF-8 BOM */
    size_t *line_starts;
    size_t nlines;
} raw_text;

/* Byte offset of the 1-based (line, col in characters) position. */
static size_t raw_offset(const raw_text *r, int line, int col)
{
    size_t off = (size_t)line - 1 < r->nlines ? r->line_starts[line - 1] : r->len;
    if (line == 1)
        off += r->bom;
    for (int c = 1; c < col && off < r->len; c++) {
        unsigned char b = (unsigned char)r->raw[off];
        size_t n = 1;
        if (r->gb) {
            if (b >= 0x80)
                n = (off + 1 < r->len && r->raw[off + 1] >= '0' && r->raw[off + 1] <= '9') ? 4 : 2;
        } else {
            if (b >= 0xF0)
                n = 4;
            else if (b >= 0xE0)
                n = 3;
            else if (b >= 0xC0)
                n = 2;
        }
        off += n;
    }
    return off > r->len ? r->len : off;
}

/* End of the raw field starting at `off`: past a quoted part (doubled quotes
 * inside), up to the next `,`, CR, LF or the end. GB18030 trail bytes are
 * never `,` `"` CR LF, so a byte scan is safe in both encodings. */
static size_t field_end(const raw_text *r, size_t off)
{
    size_t i = off;
    while (i < r->len && (r->raw[i] == ' ' || r->raw[i] == '\t'))
        i++;
    if (i < r->len && r->raw[i] == '"') {
        i++;
        while (i < r->len) {
            if (r->raw[i] == '"') {
                if (i + 1 < r->len && r->raw[i + 1] == '"') {
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            i++;
        }
    }
    while (i < r->len && r->raw[i] != ',' && r->raw[i] != '\r' && r->raw[i] != '\n')
        i++;
    return i;
}

/* `text` as a CSV field: quoted when it holds `,` `"` CR LF or edge spaces. */
static char *csv_field(const char *text)
{
    size_t n = strlen(text);
    int q = n > 0 && (text[0] == ' ' || text[n - 1] == ' ');
    for (size_t i = 0; i < n; i++)
        if (text[i] == ',' || text[i] == '"' || text[i] == '\r' || text[i] == '\n')
            q = 1;
    pe_buf b;
    pe_buf_init(&b);
    if (q)
        pe_buf_add(&b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '"')
            pe_buf_add(&b, "\"", 1);
        pe_buf_add(&b, text + i, 1);
    }
    if (q)
        pe_buf_add(&b, "\"", 1);
    pe_buf_add(&b, "", 0);
    if (b.oom) {
        pe_buf_release(&b);
        return NULL;
    }
    if (!b.s)
        return strdup("");
    return b.s;
}

/* UTF-8 → GB18030 (malloc'd); NULL when a character has no GB18030 form. */
static char *to_gb18030(const char *s, size_t *outlen)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t inl = strlen(s), cap = inl * 4 + 8, outl = cap;
    char *out = malloc(cap), *in = (char *)s, *o = out;
    if (out && iconv(cd, &in, &inl, &o, &outl) == (size_t)-1) {
        free(out);
        out = NULL;
    }
    iconv_close(cd);
    if (out)
        *outlen = cap - outl;
    return out;
}

static int op_cmp(const void *a, const void *b)
{
    const patch_op *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int column_matches(const pe_csv_edit *e, const char *header)
{
    int y = header_year(e->column);
    return strcmp(header, e->column) == 0 || (y && header_year(header) == y);
}

/* Compares the tables before and after, column by header: every cell equal
 * except the edited ones, which must hold their new text, and the added
 * columns, empty where nothing was edited. Returns 0 when the patch is exact. */
static int verify(const pe_csv *a, const pe_csv *b, const pe_csv_edit *edits, size_t nedits,
                  size_t nadded)
{
    if (b->ncols != a->ncols + nadded || b->nrows != a->nrows)
        return -1;
    row_key ka = key_columns(a), kb = key_columns(b);
    if ((ka.id == (size_t)-1) != (kb.id == (size_t)-1) ||
        (ka.county == (size_t)-1) != (kb.county == (size_t)-1) ||
        (ka.year == (size_t)-1) != (kb.year == (size_t)-1))
        return -1;
    for (size_t cb = 0; cb < b->ncols; cb++) {
        const char *hb = b->header[cb].text ? b->header[cb].text : "";
        size_t ca = (size_t)-1;
        for (size_t k = 0; k < a->ncols; k++)
            if (a->header[k].text && strcmp(a->header[k].text, hb) == 0)
                ca = k;
        for (size_t r = 0; r < b->nrows; r++) {
            const char *tb = b->rows[r][cb].text ? b->rows[r][cb].text : "";
            const char *want = ca == (size_t)-1 ? "" : a->rows[r][ca].text ? a->rows[r][ca].text : "";
            char *edited = NULL;
            for (size_t e = 0; e < nedits; e++)
                if (column_matches(&edits[e], hb) && row_matches(b->rows[r], &kb, &edits[e])) {
                    free(edited);
                    edited = strdup(edits[e].text);
                    if (!edited)
                        return -1;
                    pe_trim(edited);
                }
            int same = strcmp(tb, edited ? edited : want) == 0;
            free(edited);
            if (!same)
                return -1;
        }
    }
    return 0;
}

pe_status pe_csv_patch(const char *buf, size_t len, const char *file,
                       const pe_csv_edit *edits, size_t nedits,
                       pe_diags *d, char **out, size_t *outlen)
{
    pe_status st = PE_ERR_INPUT;
    pe_arena *arena = pe_arena_new();
    pe_csv *csv = NULL, *after = NULL;
    raw_text r;
    patch_op *ops = NULL;
    char **owned = NULL;
    size_t nops = 0, nowned = 0, nadded = 0;
    row_key key;
    added_col *adds = NULL;
    pe_buf ob;
    pe_diags scratch;

    memset(&r, 0, sizeof r);
    pe_buf_init(&ob);
    pe_diags_init(&scratch);
    *out = NULL;
    *outlen = 0;
    if (!arena)
        return PE_ERR_NOMEM;
    r.raw = buf;
    r.len = len;
    r.bom = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    r.gb = !pe_utf8_valid(buf + r.bom, len - r.bom);
    if (r.gb)
        r.bom = 0;
    if (pe_csv_parse(buf, len, r.gb ? PE_ENC_GB18030 : PE_ENC_UTF8, file, arena, d, &csv) != PE_OK)
        goto cleanup;

    r.line_starts = malloc((len + 2) * sizeof(size_t));
    ops = calloc(nedits * (csv->nrows + 2) + 2, sizeof *ops);
    owned = calloc(nedits * (csv->nrows + 2) + 2, sizeof *owned);
    if (!r.line_starts || !ops || !owned) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    r.line_starts[r.nlines++] = 0;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n')
            r.line_starts[r.nlines++] = i + 1;

    size_t last_year_col = (size_t)-1;
    for (size_t c = 0; c < csv->ncols; c++) {
        const char *h = csv->header[c].text ? csv->header[c].text : "";
        if (header_year(h))
            last_year_col = c;
    }
    key = key_columns(csv);
    for (size_t e = 0; e < nedits; e++) {
        if (!edits[e].year && key.id == (size_t)-1) {
            pe_error(d, ((pe_src){ file, csv->header_line, 1 }), "表头中没有 id（序号）列，无法定位要改写的行");
            goto cleanup;
        }
        if (edits[e].year && (key.county == (size_t)-1 || key.year == (size_t)-1)) {
            pe_error(d, ((pe_src){ file, csv->header_line, 1 }),
                     "表头中没有 county（县区）或 year（年份）列，无法定位要改写的行");
            goto cleanup;
        }
    }

    /* columns to add: years the table lacks (after the last year column, in
     * ascending order), then other columns (at the end of each line) */
    adds = calloc(nedits + 1, sizeof *adds);
    if (!adds) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t e = 0; e < nedits; e++) {
        int y = header_year(edits[e].column);
        int found = 0;
        for (size_t c = 0; c < csv->ncols && !found; c++) {
            const char *h = csv->header[c].text ? csv->header[c].text : "";
            found = strcmp(h, edits[e].column) == 0 || (y && header_year(h) == y);
        }
        for (size_t k = 0; k < nadded && !found; k++)
            found = y ? adds[k].year == y : strcmp(adds[k].column, edits[e].column) == 0;
        if (found)
            continue;
        if (!*edits[e].column || strchr(edits[e].column, ',') || strchr(edits[e].column, '"')) {
            pe_error(d, ((pe_src){ file, csv->header_line, 0 }), "无法新增列“%s”", edits[e].column);
            goto cleanup;
        }
        adds[nadded].column = edits[e].column;
        adds[nadded].year = y;
        nadded++;
    }
    {
        const char *lh = last_year_col != (size_t)-1 ? csv->header[last_year_col].text : NULL;
        int suffix = lh && strlen(lh) > 4;     /* the 2021年 style */
        for (size_t k = 0; k < nadded; k++) {
            if (adds[k].year)
                snprintf(adds[k].header, sizeof adds[k].header, suffix ? "%d年" : "%d", adds[k].year);
            else
                snprintf(adds[k].header, sizeof adds[k].header, "%s", adds[k].column);
        }
        /* years ascending, before other columns */
        for (size_t i = 1; i < nadded; i++)
            for (size_t k = i; k > 0; k--) {
                int ya = adds[k - 1].year, yb = adds[k].year;
                int swap = (!ya && yb) || (ya && yb && yb < ya);
                if (!swap)
                    break;
                added_col t = adds[k - 1];
                adds[k - 1] = adds[k];
                adds[k] = t;
            }
    }

    /* replacements of existing cells */
    for (size_t e = 0; e < nedits; e++) {
        int y = header_year(edits[e].column);
        size_t col = (size_t)-1, row = (size_t)-1;
        for (size_t c = 0; c < csv->ncols; c++) {
            const char *h = csv->header[c].text ? csv->header[c].text : "";
            if (strcmp(h, edits[e].column) == 0 || (y && header_year(h) == y))
                col = c;
        }
        for (size_t i = 0; i < csv->nrows; i++)
            if (row_matches(csv->rows[i], &key, &edits[e]))
                row = i;
        if (row == (size_t)-1) {
            if (edits[e].year)
                pe_error(d, ((pe_src){ file, 0, 0 }), "表中没有“%s”%d 年的行", edits[e].id, edits[e].year);
            else
                pe_error(d, ((pe_src){ file, 0, 0 }), "表中没有 id 为“%s”的行", edits[e].id);
            goto cleanup;
        }
        if (col == (size_t)-1)
            continue;       /* goes into the added column below */
        const pe_cell *cell = &csv->rows[row][col];
        size_t s = raw_offset(&r, cell->line, cell->col);
        char *f = csv_field(edits[e].text);
        if (!f) {
            st = PE_ERR_NOMEM;
            goto cleanup;
        }
        owned[nowned++] = f;
        ops[nops] = (patch_op){ s, field_end(&r, s), f, nops };
        nops++;
    }

    /* added columns: a field on every row */
    for (size_t k = 0; k < nadded; k++) {
        size_t after_col = adds[k].year && last_year_col != (size_t)-1 ? last_year_col : csv->ncols - 1;
        for (size_t i = 0; i <= csv->nrows; i++) {
            const pe_cell *rowc = i == 0 ? csv->header : csv->rows[i - 1];
            const pe_cell *cell = &rowc[after_col];
            size_t s = field_end(&r, raw_offset(&r, cell->line, cell->col));
            const char *val = i == 0 ? adds[k].header : "";
            for (size_t e = 0; i > 0 && e < nedits; e++)
                if (row_matches(rowc, &key, &edits[e]) &&
                    (adds[k].year ? header_year(edits[e].column) == adds[k].year
                                  : strcmp(edits[e].column, adds[k].column) == 0))
                    val = edits[e].text;
            char *f = csv_field(val);
            char *g = f ? malloc(strlen(f) + 2) : NULL;
            if (g)
                sprintf(g, ",%s", f);
            free(f);
            if (!g) {
                st = PE_ERR_NOMEM;
                goto cleanup;
            }
            owned[nowned++] = g;
            ops[nops] = (patch_op){ s, s, g, nops };
            nops++;
        }
    }

    qsort(ops, nops, sizeof *ops, op_cmp);
    size_t pos = 0;
    for (size_t i = 0; i < nops; i++) {
        if (ops[i].start < pos) {
            pe_error(d, ((pe_src){ file, 0, 0 }), "同一单元格被改写了两次，请检查导入的数据");
            goto cleanup;
        }
        pe_buf_add(&ob, buf + pos, ops[i].start - pos);
        if (r.gb) {
            size_t gl = 0;
            char *g = to_gb18030(ops[i].text, &gl);
            if (!g) {
                pe_error(d, ((pe_src){ file, 0, 0 }), "“%s”中有 GBK/GB18030 无法表示的字符，无法写入该文件",
                         ops[i].text);
                goto cleanup;
            }
            pe_buf_add(&ob, g, gl);
            free(g);
        } else {
            pe_buf_puts(&ob, ops[i].text);
        }
        pos = ops[i].end;
    }
    pe_buf_add(&ob, buf + pos, len - pos);
    if (ob.oom) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }

    /* read the result back: only the edited cells may differ */
    if (pe_csv_parse(ob.s ? ob.s : "", ob.len, r.gb ? PE_ENC_GB18030 : PE_ENC_UTF8, file, arena,
                     &scratch, &after) != PE_OK ||
        verify(csv, after, edits, nedits, nadded) != 0) {
        pe_error(d, ((pe_src){ file, 0, 0 }),
                 "改写后复核不一致，为避免损坏数据未写入该文件；请手工核对此 CSV 的引号和列");
        goto cleanup;
    }
    *out = ob.s;
    *outlen = ob.len;
    ob.s = NULL;
    st = PE_OK;

cleanup:
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    free(ops);
    free(adds);
    free(r.line_starts);
    pe_buf_release(&ob);
    pe_diags_release(&scratch);
    pe_arena_free(arena);
    return st;
}
