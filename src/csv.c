/* csv.c — strict CSV with libcsv. libcsv does not count lines, strip a BOM or
 * check row lengths: this file does, and gives every cell its line and column.
 *
 * Positions: the buffer is fed to libcsv in chunks that end at each special
 * byte (`,` `"` CR LF). A field or row can only end while such a byte is
 * processed, so when a callback fires we know the exact byte that ended it.
 * Fields start at increasing offsets, so a cursor (offset, line, column)
 * moves forward only and the whole file costs one pass.
 *
 * Limits (each an error at its place, and parsing stops there): a row longer
 * than PE_CSV_MAX_ROW bytes, more than PE_CSV_MAX_COLS cells in a row, more
 * than PE_CSV_MAX_ROWS data rows (Excel's sheet: 1,048,576 rows with the
 * header). Memory stays a small multiple of the input. */
#include "pe_csv.h"

#include <csv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PE_CSV_MAX_FIELD (64 * 1024)
#define PE_CSV_MAX_RAGGED 10   /* ragged-row errors reported per file */

typedef struct {
    const char *text;       /* UTF-8 buffer, NUL-ended; owned by the arena */
    char *wtext;            /* the same, where cells are unescaped in place */
    size_t len;
    size_t cur_off;         /* position cursor: offset, its 1-based line and column */
    int cur_line, cur_col;
    pe_arena *arena;
    pe_diags *d;
    const char *file;
    /* state */
    size_t pos;             /* offset of the byte being processed */
    size_t field_start;     /* offset where the current field starts */
    pe_cell *row;           /* cells of the row being built */
    size_t rown, rowcap;
    pe_cell **rows;         /* all rows, header first */
    size_t *rowlen;
    size_t nrows, rowscap;
    size_t row_start;       /* offset of the first byte of the row being read */
    int failed;             /* out of memory */
    int stopped;            /* a limit was hit: the error is recorded, stop reading */
    int too_long_reported;
    pe_csv_limits lim;      /* rows_msg NULL: Excel's sheet limit */
} csv_state;

/* Line and column (in characters) of byte `off`. Moves the cursor forward;
 * an offset before the cursor (only on error paths) rescans from the start. */
static void offset_position(csv_state *s, size_t off, int *line, int *col)
{
    if (off > s->len)
        off = s->len;
    if (off < s->cur_off) {
        s->cur_off = 0;
        s->cur_line = 1;
        s->cur_col = 1;
    }
    size_t i = s->cur_off;
    int l = s->cur_line, c = s->cur_col;
    for (; i < off; i++) {
        unsigned char b = (unsigned char)s->text[i];
        if (b == '\n') {
            l++;
            c = 1;
        } else if ((b & 0xC0) != 0x80) {
            c++;
        }
    }
    s->cur_off = off;
    s->cur_line = l;
    s->cur_col = c;
    *line = l;
    *col = c;
}

/* Records a limit error at line:col and stops reading the file. */
static void stop_at(csv_state *s, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void stop_at(csv_state *s, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pe_diag_vadd(s->d, PE_SEV_ERROR, (pe_src){ s->file, line, col }, fmt, ap);
    va_end(ap);
    s->stopped = 1;
}

static size_t skip_newlines(const csv_state *s, size_t off)
{
    while (off < s->len && (s->text[off] == '\r' || s->text[off] == '\n'))
        off++;
    return off;
}

static void on_field(void *field, size_t len, void *data)
{
    csv_state *s = data;
    if (s->failed || s->stopped)
        return;
    if (s->rown == PE_CSV_MAX_COLS) {
        int line, col;
        offset_position(s, s->field_start, &line, &col);
        stop_at(s, line, col,
                "这一行超过 %d 列（Excel 工作表的列数上限）：请检查是否多写了逗号，或把表拆成几张",
                PE_CSV_MAX_COLS);
        return;
    }
    if (s->rown == s->rowcap) {
        size_t cap = s->rowcap ? s->rowcap * 2 : 16;
        pe_cell *r = realloc(s->row, cap * sizeof(*r));
        if (!r) {
            s->failed = 1;
            return;
        }
        s->row = r;
        s->rowcap = cap;
    }
    pe_cell *c = &s->row[s->rown++];
    /* field_start already skips the newlines between rows (on_row); an empty
     * last field starts at its own row's newline */
    offset_position(s, s->field_start, &c->line, &c->col);
    c->text = NULL;
    /* the cursor passes this field's raw bytes before they are overwritten below */
    int next_line, next_col;
    offset_position(s, s->pos + 1, &next_line, &next_col);
    if (field && len > PE_CSV_MAX_FIELD) {
        pe_error(s->d, ((pe_src){ s->file, c->line, c->col }),
                 "单元格内容过长（%zu 字节，上限 %d 字节），请检查是否漏写了引号或把整段文字粘进了一个单元格",
                 len, PE_CSV_MAX_FIELD);
        s->too_long_reported = 1;
    } else if (field) {
        /* In place: the unescaped field is never longer than its raw bytes
         * [field_start, pos), and the delimiter at pos (or the buffer's final
         * NUL) takes the terminator. libcsv has consumed these bytes already;
         * the text buffer belongs to the arena. No per-cell copy. */
        char *t = s->wtext + s->field_start;
        memmove(t, field, len);
        t[len] = '\0';
        pe_trim(t);
        c->text = *t ? t : NULL;
    }
    s->field_start = s->pos + 1;
}

static void on_row(int term, void *data)
{
    csv_state *s = data;
    (void)term;
    if (s->failed || s->stopped)
        return;
    int empty = 1;
    for (size_t i = 0; i < s->rown; i++)
        if (s->row[i].text)
            empty = 0;
    if (!empty && s->lim.bytes_msg && s->pos >= s->lim.max_bytes) {
        stop_at(s, s->row[0].line, s->row[0].col, "%s", s->lim.bytes_msg);
        return;
    }
    if (!empty && s->nrows > s->lim.max_rows) {
        if (s->lim.rows_msg)
            stop_at(s, s->row[0].line, s->row[0].col, "%s", s->lim.rows_msg);
        else
            stop_at(s, s->row[0].line, s->row[0].col,
                    "数据超过 %d 行（Excel 工作表的行数上限），从这一行起未读取：请把表拆成几个文件",
                    PE_CSV_MAX_ROWS);
        return;
    }
    if (!empty) {
        if (s->nrows == s->rowscap) {
            size_t cap = s->rowscap ? s->rowscap * 2 : 64;
            pe_cell **r = realloc(s->rows, cap * sizeof(*r));
            size_t *l = realloc(s->rowlen, cap * sizeof(*l));
            if (r)
                s->rows = r;
            if (l)
                s->rowlen = l;
            if (!r || !l) {
                s->failed = 1;
                return;
            }
            s->rowscap = cap;
        }
        pe_cell *copy = pe_arena_alloc(s->arena, s->rown * sizeof(pe_cell));
        if (!copy) {
            s->failed = 1;
            return;
        }
        memcpy(copy, s->row, s->rown * sizeof(pe_cell));
        s->rows[s->nrows] = copy;
        s->rowlen[s->nrows] = s->rown;
        s->nrows++;
    }
    s->rown = 0;
    s->field_start = skip_newlines(s, s->pos + 1);
    s->row_start = s->field_start;
}

static int is_special(char c)
{
    return c == ',' || c == '"' || c == '\r' || c == '\n';
}

pe_status pe_csv_parse(const char *buf, size_t len, pe_encoding enc, const char *file,
                       pe_arena *arena, pe_diags *d, pe_csv **out)
{
    pe_csv_limits lim = { PE_CSV_MAX_ROWS, NULL, (size_t)-1, NULL };
    return pe_csv_parse_max(buf, len, enc, file, &lim, arena, d, out);
}

pe_status pe_csv_parse_max(const char *buf, size_t len, pe_encoding enc, const char *file,
                           const pe_csv_limits *lim, pe_arena *arena, pe_diags *d,
                           pe_csv **out)
{
    struct csv_parser p;
    csv_state s;
    char *text = NULL;
    size_t tlen = 0, errors_before = d->nerrors;
    pe_status st = PE_OK;
    int parser_ready = 0;
    size_t open_quote = (size_t)-1;

    memset(&s, 0, sizeof s);
    *out = NULL;
    st = pe_text_to_utf8(buf, len, enc, file, d, &text, &tlen);
    if (st != PE_OK)
        goto cleanup;

    if (pe_arena_adopt(arena, text) != 0) {
        text = NULL;
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    s.text = text;
    s.wtext = text;
    s.len = tlen;
    s.arena = arena;
    s.d = d;
    s.file = pe_arena_strdup(arena, file);
    s.cur_off = 0;
    s.cur_line = 1;
    s.cur_col = 1;
    s.lim = *lim;
    if (s.lim.max_rows >= PE_CSV_MAX_ROWS) {
        s.lim.max_rows = PE_CSV_MAX_ROWS;
        s.lim.rows_msg = NULL;
    }

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    parser_ready = 1;
    /* libcsv grows a field's buffer by blk_size bytes per realloc: the default
     * (128) makes a multi-megabyte field quadratic */
    csv_set_blk_size(&p, 1u << 20);
    s.field_start = skip_newlines(&s, 0);
    s.row_start = s.field_start;

    /* Feed chunks ending at each special byte. A quote that opens a field is
     * remembered so that an unterminated one is reported where it starts. */
    size_t i = 0;
    int in_quotes = 0;
    while (i < tlen && !s.failed && !s.stopped) {
        size_t j = i;
        while (j < tlen && !is_special(text[j]))
            j++;
        if (j >= s.row_start && j - s.row_start >= PE_CSV_MAX_ROW) {
            /* reported at the cell being read when the row passed the limit */
            size_t at = skip_newlines(&s, s.field_start);
            int line, col;
            offset_position(&s, at, &line, &col);
            if (j - at > PE_CSV_MAX_FIELD)
                stop_at(&s, line, col,
                        "单元格内容过长（超过 %d 字节，所在行超过 1 MB），请检查是否漏写了引号"
                        "或把整段文字粘进了一个单元格",
                        PE_CSV_MAX_FIELD);
            else
                stop_at(&s, line, col,
                        "这一行超过 %d 字节（1 MB）的上限，读到这个单元格时超出：请检查是否有"
                        "未闭合的引号，或把过长的内容拆开",
                        PE_CSV_MAX_ROW);
            break;
        }
        if (j > i) {
            s.pos = j - 1;
            if (csv_parse(&p, text + i, j - i, on_field, on_row, &s) != j - i)
                break;
        }
        if (j < tlen) {
            if (text[j] == '"') {
                if (!in_quotes && skip_newlines(&s, s.field_start) == j)
                    open_quote = j;
                in_quotes = !in_quotes;   /* doubled quotes toggle twice */
            }
            s.pos = j;
            if (csv_parse(&p, text + j, 1, on_field, on_row, &s) != 1)
                break;
        }
        i = j + 1;
    }
    if (s.stopped) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    if (!s.failed && csv_error(&p) == CSV_SUCCESS) {
        s.pos = tlen;
        if (csv_fini(&p, on_field, on_row, &s) != 0 && csv_error(&p) == CSV_EPARSE) {
            int line, col;
            offset_position(&s, open_quote != (size_t)-1 ? open_quote : tlen, &line, &col);
            pe_error(d, ((pe_src){ s.file, line, col }),
                     "引号未闭合：从这里开始的带引号字段直到文件末尾都没有结束引号，请补上“\"”");
        }
    } else if (!s.failed) {
        int line, col;
        offset_position(&s, s.pos, &line, &col);
        if (csv_error(&p) == CSV_EPARSE)
            pe_error(d, ((pe_src){ s.file, line, col }),
                     "引号使用不规范：字段中间出现了引号，或结束引号后紧跟了其他字符。"
                     "含逗号或引号的字段应整体用英文双引号括起，字段内的引号写成两个（\"\"）");
        else
            pe_error(d, ((pe_src){ s.file, line, col }), "CSV 解析失败：%s",
                     csv_strerror(csv_error(&p)));
    }
    if (s.failed) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }

    if (s.nrows == 0) {
        if (d->nerrors == errors_before)
            pe_error(d, ((pe_src){ s.file, 0, 0 }), "文件中没有任何内容（连表头都没有），请填写表头行和数据");
        st = PE_ERR_INPUT;
        goto cleanup;
    }

    pe_csv *t = pe_arena_alloc(arena, sizeof *t);
    if (!t) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    t->file = s.file;
    t->bytes = tlen;
    t->header = s.rows[0];
    t->ncols = s.rowlen[0];
    t->header_line = s.rows[0][0].line;
    for (size_t c = 0; c < t->ncols; c++)
        if (!t->header[c].text)
            pe_error(d, ((pe_src){ s.file, t->header[c].line, t->header[c].col }),
                     "表头第 %zu 列没有列名，请填写列名或删除这一空列", c + 1);
    t->rows = pe_arena_alloc(arena, (s.nrows - 1 + 1) * sizeof(pe_cell *));
    if (!t->rows) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    size_t ragged = 0;
    for (size_t r = 1; r < s.nrows; r++) {
        if (s.rowlen[r] != t->ncols) {
            if (ragged++ < PE_CSV_MAX_RAGGED) {
                const pe_cell *c0 = &s.rows[r][s.rowlen[r] > t->ncols ? t->ncols : 0];
                pe_error(d, ((pe_src){ s.file, c0->line, c0->col }),
                         "这一行有 %zu 列，而表头有 %zu 列：请检查是否多写或少写了逗号"
                         "（含逗号的内容要用英文双引号括起）",
                         s.rowlen[r], t->ncols);
            }
            continue;
        }
        t->rows[t->nrows++] = s.rows[r];
    }
    if (ragged > PE_CSV_MAX_RAGGED)
        pe_error(d, ((pe_src){ s.file, 0, 0 }), "另有 %zu 行列数与表头不一致，未逐一列出",
                 ragged - PE_CSV_MAX_RAGGED);
    *out = t;
    if (d->nerrors > errors_before)
        st = PE_ERR_INPUT;

cleanup:
    if (parser_ready)
        csv_free(&p);
    free(s.row);
    free(s.rows);
    free(s.rowlen);
    if (st == PE_OK && d->nerrors > errors_before)
        st = PE_ERR_INPUT;
    return st;
}

pe_status pe_csv_load(const char *path, const char *shown, pe_encoding enc,
                      pe_arena *arena, pe_diags *d, pe_csv **out)
{
    char *buf = NULL;
    size_t len = 0;
    *out = NULL;
    pe_status st = pe_file_read(path, shown, d, &buf, &len);
    if (st != PE_OK)
        return st;
    st = pe_csv_parse(buf, len, enc, shown, arena, d, out);
    free(buf);
    return st;
}
