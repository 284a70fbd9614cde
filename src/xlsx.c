/* xlsx.c — renders the evaluated model as an XLSX workbook with libxlsxwriter:
 * 说明, 核心指标, 量化目标, 县区目标 and 附件N sheets, live formulas whose cached
 * values are the model's figures, written via a temporary file renamed into place. */
#define _GNU_SOURCE
#include "pe_xlsx.h"
#include "pe_fields.h"
#include "pe_collect.h"
#include "pe_eval.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

/* ---- names and presentation constants ---- */

#define SHEET_README    "填报说明"
#define SHEET_INDICATORS "核心指标"
#define SHEET_TARGETS   "量化目标"
#define SHEET_COUNTIES  "县区目标"

#define FONT_BODY       "宋体"
#define FONT_HEAD       "黑体"
#define SIZE_BODY       11
#define SIZE_TITLE      16

#define MAX_DEC         9         /* pe_number_format clamps to the same */
#define PAPER_A4        9
/* Header and footer in 11 pt (printed at 9.9 pt): the sheet's name on the
 * left of every page, so a loose page says where it belongs. */
#define HEADER_NAME     "&L&11&A"
#define HEADER_DRAFT    "&R&11样稿"
#define HEADER_TITLE    "&C&14"   /* then the title: 14 pt prints at 11.9 pt */
#define HEADER_TITLE_MAX 60       /* characters; Excel allows 255 in all */
#define FOOTER          "&C&11第 &P 页 共 &N 页"
#define MARGIN_TB_IN    PE_XLSX_MARGIN_TB_IN
#define MARGIN_HF_IN    0.3

#define COLOR_HEADER_BG 0xD9D9D9
#define COLOR_INPUT_BG  0xFFF2CC  /* every cell a department fills in */
#define COLOR_GROUP_FG  0x808080  /* repeated group values below the first */
#define COLOR_CHECK_FG  0xC00000
#define COLOR_CHECK_BG  0xFFC7CE

#define ANNEX_MIN_WIDTH 10.0      /* a text column shrinks to fit the page no further */
#define BLOCK_LABEL_W   10.0
#define INPUT_TEXT_MAX  255       /* characters a 数据来源 / 备注 cell accepts */
#define CHECK_COL_WIDTH 20.0
#define SOURCE_COL_WIDTH 14.0
#define FORMULA_MAX     8000      /* Excel: 8192 characters in a formula */
#define KEEP_WITH_TAIL  2         /* data rows printed with the 合计 row, note or block */
/* LibreOffice 7.4 fits 580 pt of rows where the nominal A4 landscape page
 * at 85 % holds 573 (measured with pdftotext -bbox): try ±3 % */
static const double page_slack[] = { 1.0, 0.985, 1.015, 0.97, 1.03 };

#define CHART_MAX_ITEMS 200       /* indicators one bar chart can still show */
#define CHART_SHEET_SUFFIX "进度图"
#define CHART_FONT_PT   10.0      /* axis labels and legend, printed unscaled */
#define CHART_PAGE_ITEMS 15       /* indicators per chart sheet: one label line each */
#define CHART_TITLE_PT  14.0

#define CELL_TEXT_MAX   32767     /* Excel: characters in one cell */

#define HEADER_WIDTH_MAX 10.0     /* headers wrap rather than widen a number column */
#define TEXT_COL_WIDTH  24.0      /* names, departments in a table */
#define REMARK_COL_WIDTH 40.0     /* 备注 and 评估说明: long notes take fewer lines */
#define ANNEX_COL_WIDTH 48.0
#define NARROW_TEXT_WIDTH 6.6     /* 6 digits or 3 CJK characters: centred */
#define README_TEXT_WIDTH 50.0
#define README_NOTE_WIDTH 36.0
#define ROW_LINE_PT     15.0      /* one line of 11 pt 宋体, in points */

/* Status colours: the status text stays in the cell, so print in black and
 * white still reads the same; the fill only helps on screen. */
static const struct { pe_state st; lxw_color_t fill, font; } status_colors[] = {
    { PE_ST_DONE_EARLY, 0xC6EFCE, 0x006100 },
    { PE_ST_DONE,       0xC6EFCE, 0x006100 },
    { PE_ST_AHEAD,      0xDDEBF7, 0x1F4E78 },
    { PE_ST_ON_TRACK,   0xE2EFDA, 0x375623 },
    { PE_ST_LAGGING,    0xFFEB9C, 0x9C5700 },
    { PE_ST_SLOW,       0xFFC7CE, 0x9C0006 },
    { PE_ST_MISSED,     0xFFC7CE, 0x9C0006 },
    { PE_ST_NO_DATA,    0xEDEDED, 0x595959 },
};
#define NSTATUS_COLORS (sizeof status_colors / sizeof status_colors[0])

/* ---- rendering context ---- */

typedef struct {
    lxw_format *title, *subtitle, *unit_line, *label, *key, *plain, *section;
    lxw_format *header, *text, *center, *year, *pct, *status, *total_label, *ratio;
    lxw_format *num[MAX_DEC + 1], *num_total[MAX_DEC + 1];
    lxw_format *status_fill[NSTATUS_COLORS];
    /* unlocked, in the input fill */
    lxw_format *in_num[MAX_DEC + 1], *in_text, *in_center, *in_label;
    lxw_format *check, *check_fill;
    /* repeated group values (annex `merge` columns): [starts a group][last row] */
    lxw_format *group[2][2];
} xfmt;

/* Everything one pe_xlsx_write needs while it builds the workbook. */
typedef struct {
    const pe_model *m;
    lxw_workbook *wb;
    lxw_error err;          /* first libxlsxwriter error */
    const char *err_where;  /* sheet it happened on */
    int sheets;
    xfmt f;
    pe_buf fb;              /* formula scratch buffer */
    pe_ident *id;           /* the hidden identification `merge` reads back */
    int oom;
} xctx;

/* A text cell that may wrap: its width decides its row's height once the
 * column widths are final. */
typedef struct {
    size_t row, col;
    double w;               /* pe_xlsx_text_width of its longest line */
    int nl;                 /* lines it has by itself (explicit newlines) */
} xwrap;

/* A title or note line merged over the columns of the first printed page
 * (never wider, so it is never cut at a page break); written at sheet_close,
 * once the page breaks are known. `c1` is its first column. */
typedef struct {
    size_t row, c1;
    const char *text;       /* owned by the model or the span list (copy) */
    size_t c2;              /* last column, or SPAN_PAGE: the first page's last */
    char *own;
    lxw_format *f;
    double min_height;
    int input;              /* an unlocked text field: gets a length validation */
} xspan;
#define SPAN_PAGE ((size_t)-1)

/* A cell kept until sheet_close, which writes the sheet's rows in order: the
 * workbook is written in libxlsxwriter's constant_memory mode (each row goes
 * to a temporary file when the next one starts; strings are inline), and a
 * row's height is known only once every column's width is. */
typedef enum { XC_BLANK, XC_STRING, XC_NUMBER, XC_FNUM, XC_FSTR, XC_MERGE } xc_kind;
typedef struct {
    uint32_t row;           /* written with this row (a merge over rows: its last) */
    uint32_t row1;          /* XC_MERGE: first row */
    uint16_t col, col2;     /* XC_MERGE: first and last column */
    uint8_t kind;
    lxw_format *f;
    double v;               /* XC_NUMBER, XC_FNUM: the value or the cached value */
    const char *text;       /* XC_STRING, XC_MERGE: the text; XC_F*: the formula */
    const char *shown;      /* XC_FSTR: the cached text */
} xcell;

/* One worksheet being filled: the widest text seen per column, the width
 * each column may grow to, and the text cells whose rows may need height. */
typedef struct {
    lxw_worksheet *ws;
    const char *name;
    size_t ncols;
    double *width;
    double *cap;
    unsigned char *force;   /* [ncols] a printed page starts at this column */
    unsigned char *shrink;  /* [ncols] may narrow (and wrap) to fit the page */
    unsigned char *hidden;  /* [ncols] hidden (and not printed) */
    size_t nkey;            /* leading columns repeated on every printed page */
    int fit;                /* narrow `shrink` columns to fit one page across */
    int landscape;          /* set by sheet_close */
    size_t repeat_first, repeat_last;   /* header rows repeated; last < first: none */
    size_t first_page_end;  /* last column of the first printed page (sheet_close) */
    /* A sheet printed in column bands prints from row body_first to last_row
     * with its title in the page header: the title rows' cells would be cut
     * where the key columns repeat. */
    char *print_title;
    size_t body_first, last_row;
    size_t tail_row;        /* first row printed after the data (合计, note, block); 0: none */
    int banded;             /* set by sheet_layout_pages */
    xwrap *wraps;
    size_t nwraps, capwraps;
    xspan *spans;
    size_t nspans, capspans;
    xcell *cells;           /* every cell, in the order written (sheet_close sorts) */
    size_t ncells, capcells;
    pe_arena *strs;         /* their texts and formulas */
    int oom;
} xsheet;

/* Keeps the first libxlsxwriter error (and the sheet it came from); later
 * writes go on so that one failure does not hide where it happened. */
static void note_err(xctx *x, const xsheet *s, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
        x->err = e;
        x->err_where = s ? s->name : NULL;
    }
}

static lxw_row_t R(size_t r) { return (lxw_row_t)r; }
static lxw_col_t C(size_t c) { return (lxw_col_t)c; }

/* ---- formats ---- */

/* A format in the workbook's body font, vertically centred; NULL on OOM. */
static lxw_format *fmt_new(xctx *x, const char *font, int bold, int border)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (!f) {
        x->oom = 1;
        return NULL;
    }
    format_set_font_name(f, font);
    format_set_font_size(f, SIZE_BODY);
    if (bold)
        format_set_bold(f);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
}

/* Excel number format for `dec` decimals: "0", "0.0", "0.00", … */
static void num_format_text(int dec, char *out, size_t n)
{
    if (dec <= 0)
        snprintf(out, n, "0");
    else
        snprintf(out, n, "0.%.*s", dec, "000000000");
}

/* Decimals (at least 2) that show a threshold exactly: 1.1 → 2 (“1.10”). */
static int any_threshold_dec(double v)
{
    char buf[64];
    int dec;
    for (dec = 2; dec < MAX_DEC; dec++) {
        snprintf(buf, sizeof buf, "%.*f", dec, v);
        if (strtod(buf, NULL) == v)
            return dec;
    }
    return MAX_DEC;
}

/* Decimals of the ratio column: those of the thresholds it is compared with. */
static int ratio_dec(const pe_model *m)
{
    int d = any_threshold_dec(m->ahead), e = any_threshold_dec(m->on_track),
        g = any_threshold_dec(m->at_risk);
    if (e > d)
        d = e;
    return g > d ? g : d;
}

/* Creates every format the workbook uses; returns 0 on OOM. */
static int formats_init(xctx *x)
{
    xfmt *f = &x->f;
    char nf[16];
    size_t i;
    int dec;

    f->title = fmt_new(x, FONT_HEAD, 1, 0);
    f->subtitle = fmt_new(x, FONT_BODY, 0, 0);
    f->unit_line = fmt_new(x, FONT_BODY, 0, 0);
    f->label = fmt_new(x, FONT_HEAD, 1, 0);
    f->key = fmt_new(x, FONT_HEAD, 1, 1);
    f->plain = fmt_new(x, FONT_BODY, 0, 1);
    f->section = fmt_new(x, FONT_HEAD, 1, 0);
    f->header = fmt_new(x, FONT_HEAD, 1, 1);
    f->text = fmt_new(x, FONT_BODY, 0, 1);
    f->center = fmt_new(x, FONT_BODY, 0, 1);
    f->year = fmt_new(x, FONT_BODY, 0, 1);
    f->pct = fmt_new(x, FONT_BODY, 0, 1);
    f->status = fmt_new(x, FONT_BODY, 0, 1);
    f->total_label = fmt_new(x, FONT_HEAD, 1, 1);
    for (dec = 0; dec <= MAX_DEC; dec++) {
        f->num[dec] = fmt_new(x, FONT_BODY, 0, 1);
        f->num_total[dec] = fmt_new(x, FONT_BODY, 1, 1);
    }
    f->ratio = fmt_new(x, FONT_BODY, 0, 1);
    for (dec = 0; dec <= MAX_DEC; dec++)
        f->in_num[dec] = fmt_new(x, FONT_BODY, 0, 1);
    f->in_text = fmt_new(x, FONT_BODY, 0, 1);
    f->in_center = fmt_new(x, FONT_BODY, 0, 1);
    f->in_label = fmt_new(x, FONT_BODY, 0, 1);
    f->check = fmt_new(x, FONT_BODY, 0, 1);
    for (i = 0; i < 4; i++)
        f->group[i / 2][i % 2] = fmt_new(x, FONT_BODY, 0, 0);
    for (i = 0; i < NSTATUS_COLORS; i++) {
        f->status_fill[i] = workbook_add_format(x->wb);
        if (!f->status_fill[i])
            x->oom = 1;
    }
    f->check_fill = workbook_add_format(x->wb);
    if (!f->check_fill)
        x->oom = 1;
    if (x->oom)
        return 0;

    for (dec = 0; dec <= MAX_DEC; dec++) {
        num_format_text(dec, nf, sizeof nf);
        format_set_num_format(f->in_num[dec], nf);
        format_set_unlocked(f->in_num[dec]);
        format_set_bg_color(f->in_num[dec], COLOR_INPUT_BG);
    }
    format_set_unlocked(f->in_text);
    format_set_bg_color(f->in_text, COLOR_INPUT_BG);
    format_set_text_wrap(f->in_text);
    format_set_num_format(f->in_text, "@");
    format_set_unlocked(f->in_center);
    format_set_bg_color(f->in_center, COLOR_INPUT_BG);
    format_set_align(f->in_center, LXW_ALIGN_CENTER);
    format_set_num_format(f->in_center, "@");
    format_set_unlocked(f->in_label);
    format_set_bg_color(f->in_label, COLOR_INPUT_BG);
    format_set_num_format(f->in_label, "@");
    format_set_text_wrap(f->check);
    format_set_font_color(f->check, COLOR_CHECK_FG);
    format_set_bg_color(f->check_fill, COLOR_CHECK_BG);
    for (i = 0; i < 4; i++) {
        lxw_format *g = f->group[i / 2][i % 2];
        int starts = (int)(i / 2), last = (int)(i % 2);
        format_set_align(g, LXW_ALIGN_CENTER);
        format_set_text_wrap(g);
        format_set_left(g, LXW_BORDER_THIN);
        format_set_right(g, LXW_BORDER_THIN);
        if (starts)
            format_set_top(g, LXW_BORDER_THIN);
        else
            format_set_font_color(g, COLOR_GROUP_FG);
        if (last)
            format_set_bottom(g, LXW_BORDER_THIN);
    }

    format_set_font_size(f->title, SIZE_TITLE);
    format_set_align(f->title, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->title);
    format_set_text_wrap(f->subtitle);
    format_set_align(f->unit_line, LXW_ALIGN_RIGHT);
    format_set_text_wrap(f->key);
    format_set_text_wrap(f->plain);
    format_set_align(f->header, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->header);
    format_set_bg_color(f->header, COLOR_HEADER_BG);
    format_set_text_wrap(f->text);
    format_set_align(f->center, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->center);
    format_set_align(f->year, LXW_ALIGN_CENTER);
    format_set_num_format(f->year, "0");
    format_set_num_format(f->pct, "0.0%");
    num_format_text(ratio_dec(x->m), nf, sizeof nf);
    format_set_num_format(f->ratio, nf);
    format_set_align(f->ratio, LXW_ALIGN_RIGHT);
    format_set_align(f->status, LXW_ALIGN_CENTER);
    format_set_align(f->total_label, LXW_ALIGN_CENTER);
    for (dec = 0; dec <= MAX_DEC; dec++) {
        num_format_text(dec, nf, sizeof nf);
        format_set_num_format(f->num[dec], nf);
        format_set_num_format(f->num_total[dec], nf);
    }
    for (i = 0; i < NSTATUS_COLORS; i++) {
        format_set_bg_color(f->status_fill[i], status_colors[i].fill);
        format_set_font_color(f->status_fill[i], status_colors[i].font);
    }
    return 1;
}

/* Decimals within the formats created (0..MAX_DEC). */
static int clamp_dec(int dec)
{
    return dec < 0 ? 0 : dec > MAX_DEC ? MAX_DEC : dec;
}

/* ---- cells: every write goes through these, which track column widths ---- */

static int count_lines(const char *text)
{
    int n = 1;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* Widens column `col` for `text`; a header only up to HEADER_WIDTH_MAX (it
 * wraps instead), and text cells are remembered for the row heights. */
static void track(xsheet *s, size_t row, size_t col, const char *text, int header, int wraps)
{
    double w;
    if (!text || col >= s->ncols)
        return;
    w = pe_xlsx_col_width(text);
    if (header && w > HEADER_WIDTH_MAX)
        w = HEADER_WIDTH_MAX;
    if (w > s->width[col])
        s->width[col] = w;
    if (!wraps)
        return;
    if (s->nwraps == s->capwraps) {
        size_t cap = s->capwraps ? 2 * s->capwraps : 64;
        xwrap *p = realloc(s->wraps, cap * sizeof *p);
        if (!p) {
            s->oom = 1;
            return;
        }
        s->wraps = p;
        s->capwraps = cap;
    }
    s->wraps[s->nwraps].row = row;
    s->wraps[s->nwraps].col = col;
    s->wraps[s->nwraps].w = pe_xlsx_text_width(text);
    s->wraps[s->nwraps].nl = count_lines(text);
    s->nwraps++;
}

/* A new cell of sheet s (in the store, see xcell); NULL on OOM. */
static xcell *cell_new(xctx *x, xsheet *s, xc_kind kind, size_t row, size_t col, lxw_format *f)
{
    xcell *c;
    if (row >= LXW_ROW_MAX || col >= LXW_COL_MAX) {
        note_err(x, s, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
        return NULL;
    }
    if (s->ncells == s->capcells) {
        size_t cap = s->capcells ? 2 * s->capcells : 256;
        xcell *p = realloc(s->cells, cap * sizeof *p);
        if (!p) {
            x->oom = 1;
            return NULL;
        }
        s->cells = p;
        s->capcells = cap;
    }
    c = &s->cells[s->ncells++];
    memset(c, 0, sizeof *c);
    c->row = (uint32_t)row;
    c->row1 = (uint32_t)row;
    c->col = (uint16_t)col;
    c->col2 = (uint16_t)col;
    c->kind = (uint8_t)kind;
    c->f = f;
    return c;
}

/* A copy of `t` kept with the sheet's cells; NULL on OOM. */
static const char *cell_copy(xctx *x, xsheet *s, const char *t)
{
    const char *p = pe_arena_strdup(s->strs, t ? t : "");
    if (!p)
        x->oom = 1;
    return p;
}

/* A string cell (never a formula); NULL or "" is a blank. */
static void put_string(xctx *x, xsheet *s, size_t row, size_t col, const char *text,
                       lxw_format *f)
{
    xcell *c = cell_new(x, s, text && *text ? XC_STRING : XC_BLANK, row, col, f);
    if (c && c->kind == XC_STRING)
        c->text = cell_copy(x, s, text);
}

/* Writes CSV or model text as a string (never a formula); NULL or "" is a blank. */
static void put_text(xctx *x, xsheet *s, size_t row, size_t col, const char *text,
                     lxw_format *f)
{
    put_string(x, s, row, col, text, f);
    if (text && *text)
        track(s, row, col, text, f == x->f.header, 1);
}

static void put_number(xctx *x, xsheet *s, size_t row, size_t col, double v, int dec,
                       lxw_format *f)
{
    char txt[64];
    xcell *c;
    pe_number_format(v, clamp_dec(dec), txt, sizeof txt);
    track(s, row, col, txt, 0, 0);
    c = cell_new(x, s, XC_NUMBER, row, col, f);
    if (c)
        c->v = v;
}

static void put_blank(xctx *x, xsheet *s, size_t row, size_t col, lxw_format *f)
{
    cell_new(x, s, XC_BLANK, row, col, f);
}

/* Writes the formula in x->fb with a numeric cached value; `shown` is the
 * text the value displays as (for the column width). */
static void put_fnum(xctx *x, xsheet *s, size_t row, size_t col, double v,
                     const char *shown, lxw_format *f)
{
    xcell *c;
    if (x->fb.oom) {
        x->oom = 1;
        return;
    }
    track(s, row, col, shown, 0, 0);
    c = cell_new(x, s, XC_FNUM, row, col, f);
    if (c) {
        c->v = v;
        c->text = cell_copy(x, s, x->fb.s);
    }
}

static void put_fstr(xctx *x, xsheet *s, size_t row, size_t col, const char *v,
                     lxw_format *f)
{
    xcell *c;
    if (x->fb.oom) {
        x->oom = 1;
        return;
    }
    track(s, row, col, v, 0, 0);
    c = cell_new(x, s, XC_FSTR, row, col, f);
    if (c) {
        c->text = cell_copy(x, s, x->fb.s);
        c->shown = cell_copy(x, s, v);
    }
}

/* Merges rows [r1, r2] × columns [c1, c2] holding `text`. A merge over rows
 * is written with its last row: its first cell and the rows above are kept
 * as cells of their own rows (worksheet_merge_range then only adds the range
 * and the last row's blanks; its writes to rows already written are refused). */
static void put_merged_rows(xctx *x, xsheet *s, size_t r1, size_t c1, size_t r2, size_t c2,
                            const char *text, lxw_format *f)
{
    size_t r, c;
    xcell *m;
    if (r2 > r1) {
        for (r = r1; r < r2; r++)
            for (c = c1; c <= c2; c++) {
                if (r == r1 && c == c1)
                    put_string(x, s, r, c, text, f);
                else
                    put_blank(x, s, r, c, f);
            }
    }
    m = cell_new(x, s, XC_MERGE, r2, c1, f);
    if (m) {
        m->row1 = (uint32_t)r1;
        m->col2 = (uint16_t)(c2 < LXW_COL_MAX ? c2 : LXW_COL_MAX - 1);
        m->text = cell_copy(x, s, text);
    }
}

/* The order cells are written in: by row, then column, then as recorded. */
static int cell_cmp(const void *a, const void *b, void *cells)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    const xcell *p = (const xcell *)cells + i, *q = (const xcell *)cells + j;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    if (p->col != q->col)
        return p->col < q->col ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* Writes one stored cell. */
static void cell_write(xctx *x, xsheet *s, const xcell *c)
{
    lxw_row_t r = c->row;
    lxw_col_t col = c->col;
    switch ((xc_kind)c->kind) {
    case XC_BLANK:
        note_err(x, s, worksheet_write_blank(s->ws, r, col, c->f));
        break;
    case XC_STRING:
        note_err(x, s, worksheet_write_string(s->ws, r, col, c->text, c->f));
        break;
    case XC_NUMBER:
        note_err(x, s, worksheet_write_number(s->ws, r, col, c->v, c->f));
        break;
    case XC_FNUM:
        note_err(x, s, worksheet_write_formula_num(s->ws, r, col, c->text, c->f, c->v));
        break;
    case XC_FSTR:
        note_err(x, s, worksheet_write_formula_str(s->ws, r, col, c->text, c->f, c->shown));
        break;
    case XC_MERGE:
        note_err(x, s, worksheet_merge_range(s->ws, c->row1, col, r, c->col2, c->text, c->f));
        break;
    }
}

/* Writes the sheet's rows in order: each row's height (rows below nrows),
 * then its cells. */
static void sheet_write_rows(xctx *x, xsheet *s, const double *height, size_t nrows)
{
    uint32_t *order = NULL;
    size_t i, k = 0, row;

    if (s->ncells > UINT32_MAX) {
        x->oom = 1;
        return;
    }
    order = malloc((s->ncells ? s->ncells : 1) * sizeof *order);
    if (!order) {
        x->oom = 1;
        return;
    }
    for (i = 0; i < s->ncells; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, s->ncells, sizeof *order, cell_cmp, s->cells);
    for (row = 0; row < nrows || k < s->ncells; row++) {
        if (row < nrows)
            note_err(x, s, worksheet_set_row(s->ws, R(row), height[row], NULL));
        for (; k < s->ncells && s->cells[order[k]].row == row; k++)
            cell_write(x, s, &s->cells[order[k]]);
        if (k < s->ncells && row >= nrows && s->cells[order[k]].row > row)
            row = s->cells[order[k]].row - 1;   /* skip empty rows past the heights */
    }
    free(order);
}

/* Records an input cell in the identification (ind_id NULL: contact block). */
static void id_input(xctx *x, xsheet *s, size_t row, size_t col, pe_id_role role,
                     const char *table, const char *ind_id, int year, const char *label)
{
    if (x->id && pe_ident_add_input(x->id, s->ws, (unsigned)row, (unsigned)col, role, table,
                                    ind_id, year, label) != 0)
        x->oom = 1;
}

/* Records a locked constant cell (text, NULL = empty) in the identification. */
static void id_locked_text(xctx *x, xsheet *s, size_t row, size_t col, const char *text)
{
    if (x->id && pe_ident_add_locked_string(x->id, s->ws, (unsigned)row, (unsigned)col,
                                            text ? text : "") != 0)
        x->oom = 1;
}

static void id_locked_number(xctx *x, xsheet *s, size_t row, size_t col, double v)
{
    if (x->id && pe_ident_add_locked_number(x->id, s->ws, (unsigned)row, (unsigned)col, v) != 0)
        x->oom = 1;
}

/* Empties the formula buffer for the next cell. */
static void fb_reset(xctx *x)
{
    x->fb.len = 0;
    if (x->fb.s)
        x->fb.s[0] = '\0';
}

/* Merges [c1, c2] of one row holding `text`; a single column is a plain write. */
static void put_merged(xctx *x, xsheet *s, size_t row, size_t c1, size_t c2,
                       const char *text, lxw_format *f)
{
    if (c2 <= c1) {
        put_text(x, s, row, c1, text, f);
        return;
    }
    put_merged_rows(x, s, row, c1, row, c2, text, f);
}

/* ---- sheets: creation, shared page setup, column widths ---- */

static int sheet_open(xctx *x, xsheet *s, const char *name, size_t ncols)
{
    size_t c;

    memset(s, 0, sizeof *s);
    s->name = name;
    s->ws = workbook_add_worksheet(x->wb, name);
    if (!s->ws) {
        note_err(x, NULL, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return 0;
    }
    s->ncols = ncols ? ncols : 1;
    s->width = calloc(s->ncols, sizeof *s->width);
    s->cap = calloc(s->ncols, sizeof *s->cap);
    s->force = calloc(s->ncols, 1);
    s->shrink = calloc(s->ncols, 1);
    s->hidden = calloc(s->ncols, 1);
    s->repeat_first = 1;
    s->repeat_last = 0;
    s->first_page_end = s->ncols - 1;
    s->landscape = 1;
    s->strs = pe_arena_new();
    if (!s->width || !s->cap || !s->force || !s->shrink || !s->hidden || !s->strs) {
        x->oom = 1;
        return 0;
    }
    for (c = 0; c < s->ncols; c++)
        s->cap[c] = PE_XLSX_WIDTH_MAX;
    x->sheets++;
    return 1;
}

/* Makes column `col` at least `w` wide (an input column that starts empty). */
static void sheet_min(xsheet *s, size_t col, double w)
{
    if (s->width && col < s->ncols && s->width[col] < w)
        s->width[col] = w;
}

/* Limits how wide column `col` may grow; longer text wraps. */
static void sheet_cap(xsheet *s, size_t col, double cap)
{
    if (s->cap && col < s->ncols)
        s->cap[col] = cap;
}

/* ---- data validation (Chinese prompts; no lists over 255 bytes) ---- */

/* The status words an office may give as its judgement (SPEC §4), NULL-ended. */
static void judgement_words(const char *words[PE_ST_COUNT + 1])
{
    int k;
    for (k = 0; k < PE_ST_COUNT; k++)
        words[k] = pe_state_name((pe_state)k);
    words[PE_ST_COUNT] = NULL;
}

/* A text input of at most INPUT_TEXT_MAX characters over [r1..r2] × [c1..c2]. */
static void validate_text(xctx *x, xsheet *s, size_t r1, size_t c1, size_t r2, size_t c2,
                          const char *title, const char *msg)
{
    lxw_data_validation dv;
    char t[96];
    memset(&dv, 0, sizeof dv);
    dv.validate = LXW_VALIDATION_TYPE_LENGTH;
    dv.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
    dv.value_number = INPUT_TEXT_MAX;
    snprintf(t, sizeof t, "%s", title);
    dv.input_title = t;
    dv.input_message = (char *)(msg ? msg : "请填写文字，不超过255个字。");
    dv.error_title = (char *)"内容过长";
    dv.error_message = (char *)"请控制在255个字以内。";
    note_err(x, s, worksheet_data_validation_range(s->ws, R(r1), C(c1), R(r2), C(c2), &dv));
}

/* A number in [lo, hi] (hi = HUGE_VAL: no upper bound) over the range. */
static void validate_number(xctx *x, xsheet *s, size_t r1, size_t c1, size_t r2, size_t c2,
                            double lo, double hi, const char *title, const char *msg,
                            const char *err)
{
    lxw_data_validation dv;
    memset(&dv, 0, sizeof dv);
    dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
    if (hi == HUGE_VAL) {
        dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
        dv.value_number = lo;
    } else {
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = lo;
        dv.maximum_number = hi;
    }
    dv.input_title = (char *)title;
    dv.input_message = (char *)msg;
    dv.error_title = (char *)"数值超出范围";
    dv.error_message = (char *)err;
    note_err(x, s, worksheet_data_validation_range(s->ws, R(r1), C(c1), R(r2), C(c2), &dv));
}

/* A choice among `words` (NULL-terminated) when their list stays under 255
 * bytes (libxlsxwriter 1.1.4 overflows on longer lists); else free text. */
static void validate_list(xctx *x, xsheet *s, size_t r1, size_t c1, size_t r2, size_t c2,
                          const char *const *words, const char *title, const char *msg)
{
    lxw_data_validation dv;
    size_t i, bytes = 0;
    for (i = 0; words[i]; i++)
        bytes += strlen(words[i]) + 1;
    if (bytes >= 255) {
        validate_text(x, s, r1, c1, r2, c2, title, msg);
        return;
    }
    memset(&dv, 0, sizeof dv);
    dv.validate = LXW_VALIDATION_TYPE_LIST;
    dv.value_list = (char **)words;
    dv.input_title = (char *)title;
    dv.input_message = (char *)msg;
    dv.error_title = (char *)"请从列表中选择";
    dv.error_message = (char *)"只能填写下拉列表中的状态，或留空。";
    note_err(x, s, worksheet_data_validation_range(s->ws, R(r1), C(c1), R(r2), C(c2), &dv));
}

/* Header rows [first, last] repeat on every printed page (applied at close). */
static void sheet_print_rows(xsheet *s, size_t first, size_t last)
{
    s->repeat_first = first;
    s->repeat_last = last;
}

/* Records a line merged over the first printed page's columns from c1 (see
 * xspan); `text` is copied. */
static void put_span(xctx *x, xsheet *s, size_t row, size_t c1, const char *text, lxw_format *f,
                     double min_height)
{
    xspan *sp;
    if (s->nspans == s->capspans) {
        size_t cap = s->capspans ? 2 * s->capspans : 8;
        xspan *p = realloc(s->spans, cap * sizeof *p);
        if (!p) {
            x->oom = 1;
            return;
        }
        s->spans = p;
        s->capspans = cap;
    }
    sp = &s->spans[s->nspans];
    memset(sp, 0, sizeof *sp);
    sp->own = strdup(text ? text : "");
    if (!sp->own) {
        x->oom = 1;
        return;
    }
    sp->text = sp->own;
    sp->row = row;
    sp->c1 = c1;
    sp->c2 = SPAN_PAGE;
    sp->f = f;
    sp->min_height = min_height;
    s->nspans++;
}

/* Narrows the widest `shrink` columns (down to ANNEX_MIN_WIDTH) until the
 * sheet fits one page across; returns the orientation that holds it:
 * portrait when it fits there, else landscape. */
static int fit_columns(xsheet *s)
{
    double total = 0.0;
    size_t c;
    for (c = 0; c < s->ncols; c++)
        total += pe_xlsx_col_points(s->width[c]);
    if (total <= pe_xlsx_page_points(0))
        return 0;
    while (total > pe_xlsx_page_points(1)) {
        size_t widest = s->ncols;
        for (c = 0; c < s->ncols; c++)
            if (s->shrink[c] && s->width[c] > ANNEX_MIN_WIDTH &&
                (widest == s->ncols || s->width[c] > s->width[widest]))
                widest = c;
        if (widest == s->ncols)
            break;
        s->width[widest] -= 1.0;
        total -= PE_XLSX_PT_PER_CHAR;
    }
    return 1;
}

/* A4 at a fixed scale, column breaks with the key columns repeated, header
 * rows repeated, the sheet's name and page number on every page. */
static void sheet_layout_pages(xctx *x, xsheet *s)
{
    size_t *brk = NULL, nb, i;
    lxw_col_t *vb = NULL;
    double *visible = NULL;
    int banded;

    s->landscape = s->fit ? fit_columns(s) : 1;
    brk = calloc(s->ncols + 1, sizeof *brk);
    vb = calloc(s->ncols + 1, sizeof *vb);
    visible = calloc(s->ncols, sizeof *visible);
    if (!brk || !vb || !visible) {
        x->oom = 1;
        goto cleanup;
    }
    for (i = 0; i < s->ncols; i++)
        visible[i] = s->hidden[i] ? -1.0 : s->width[i];
    nb = pe_xlsx_page_breaks(visible, s->ncols, s->nkey, s->force,
                             pe_xlsx_page_points(s->landscape), brk, s->ncols);
    if (nb > s->ncols)
        nb = s->ncols;
    s->first_page_end = nb > 0 ? brk[0] - 1 : s->ncols - 1;
    for (i = 0; i < nb; i++)
        vb[i] = C(brk[i]);
    if (nb > 0) {
        note_err(x, s, worksheet_set_v_pagebreaks(s->ws, vb));
        if (s->nkey > 0)
            note_err(x, s, worksheet_repeat_columns(s->ws, 0, C(s->nkey - 1)));
    }
    banded = nb > 0 && s->nkey > 0 && s->print_title;
    if (s->landscape)
        worksheet_set_landscape(s->ws);
    else
        worksheet_set_portrait(s->ws);
    worksheet_set_paper(s->ws, PAPER_A4);
    worksheet_set_print_scale(s->ws, PE_XLSX_PRINT_SCALE);
    worksheet_set_margins(s->ws, PE_XLSX_MARGIN_LR_IN, PE_XLSX_MARGIN_LR_IN, MARGIN_TB_IN,
                          MARGIN_TB_IN);
    {
        lxw_header_footer_options hf;
        pe_buf h;
        const char *t;
        memset(&hf, 0, sizeof hf);
        hf.margin = MARGIN_HF_IN;
        note_err(x, s, worksheet_set_footer_opt(s->ws, FOOTER, &hf));
        pe_buf_init(&h);
        pe_buf_puts(&h, HEADER_NAME);
        if (banded && pe_utf8_len(s->print_title) <= HEADER_TITLE_MAX) {
            pe_buf_puts(&h, HEADER_TITLE);
            for (t = s->print_title; *t; t++) {    /* '&' starts a code: double it */
                if (*t == '&')
                    pe_buf_puts(&h, "&&");
                else
                    pe_buf_add(&h, t, 1);
            }
        } else {
            banded = 0;
        }
        if (x->m->draft)
            pe_buf_puts(&h, HEADER_DRAFT);
        if (h.oom)
            x->oom = 1;
        else
            note_err(x, s, worksheet_set_header_opt(s->ws, h.s, &hf));
        pe_buf_release(&h);
    }
    if (banded)
        note_err(x, s, worksheet_print_area(s->ws, R(s->body_first), 0, R(s->last_row),
                                            C(s->ncols - 1)));
    s->banded = banded;
    if (s->repeat_last >= s->repeat_first)
        note_err(x, s, worksheet_repeat_rows(s->ws, R(s->repeat_first), R(s->repeat_last)));
cleanup:
    free(visible);
    free(vb);
    free(brk);
}

/* Writes the recorded spans over [c1, first page end] with the height their
 * wrapped text needs; `lines` collects the lines per row. */
static void sheet_write_spans(xctx *x, xsheet *s, double *height, size_t nrows)
{
    size_t i, c;
    for (i = 0; i < s->nspans; i++) {
        const xspan *sp = &s->spans[i];
        size_t c2 = sp->c2 != SPAN_PAGE ? sp->c2 : s->first_page_end;
        double w = 0.0, h;
        int n;
        if (c2 < sp->c1 || c2 >= s->ncols)
            c2 = sp->c1;
        for (c = sp->c1; c <= c2 && c < s->ncols; c++)
            w += s->width[c];
        n = count_lines(sp->text) * pe_xlsx_wrap_lines(pe_xlsx_text_width(sp->text), w);
        h = ROW_LINE_PT * n * (sp->f == x->f.title ? (double)SIZE_TITLE / SIZE_BODY : 1.0);
        if (h < sp->min_height)
            h = sp->min_height;
        if (sp->row < nrows && h > height[sp->row])
            height[sp->row] = h;
        if (c2 > sp->c1)
            put_merged_rows(x, s, sp->row, sp->c1, sp->row, c2, sp->text, sp->f);
        else
            put_string(x, s, sp->row, sp->c1, sp->text, sp->f);
        if (sp->input)
            validate_text(x, s, sp->row, sp->c1, sp->row, sp->c1, "请填写", NULL);
    }
}

/* Sets every column to the width its widest text needs (within its cap),
 * lays out the printed pages, writes the spans, sets every row holding
 * wrapped text to the height of its lines, protects the sheet (no password:
 * only formulas and plan data are locked) and releases s. */
static void sheet_close(xctx *x, xsheet *s)
{
    size_t c, i, nrows = 0;
    double *height = NULL;
    lxw_protection prot;

    if (!s->ws || !s->width || !s->cap)
        goto cleanup;
    for (c = 0; c < s->ncols; c++) {
        if (s->width[c] <= 0)
            s->width[c] = PE_XLSX_WIDTH_MIN;
        if (s->width[c] > s->cap[c])
            s->width[c] = s->cap[c];
    }
    sheet_layout_pages(x, s);
    for (c = 0; c < s->ncols; c++) {
        lxw_row_col_options opt;
        memset(&opt, 0, sizeof opt);
        opt.hidden = s->hidden[c];
        note_err(x, s, worksheet_set_column_opt(s->ws, C(c), C(c), s->width[c], NULL, &opt));
    }
    for (i = 0; i < s->nwraps; i++)
        if (s->wraps[i].row + 1 > nrows)
            nrows = s->wraps[i].row + 1;
    for (i = 0; i < s->nspans; i++)
        if (s->spans[i].row + 1 > nrows)
            nrows = s->spans[i].row + 1;
    if (s->last_row + 1 > nrows)
        nrows = s->last_row + 1;
    height = calloc(nrows ? nrows : 1, sizeof *height);
    if (!height) {
        x->oom = 1;
        goto cleanup;
    }
    for (i = 0; i < s->nwraps; i++) {
        const xwrap *w = &s->wraps[i];
        double h = ROW_LINE_PT * w->nl * pe_xlsx_wrap_lines(w->w, s->width[w->col]);
        if (h > height[w->row])
            height[w->row] = h;
    }
    sheet_write_spans(x, s, height, nrows);
    /* every row gets its height, so the pages below are the printer's */
    for (i = 0; i < nrows; i++)
        if (height[i] < ROW_LINE_PT)
            height[i] = ROW_LINE_PT;
    sheet_write_rows(x, s, height, nrows);
    if (s->tail_row > 0) {
        size_t brk;
        lxw_row_t hb[2];
        if (s->banded)
            for (i = 0; i < s->body_first && i < nrows; i++)
                height[i] = 0.0;
        /* a renderer's page holds a little more or less than the nominal
         * height: keep the tail with its rows for any of them */
        for (i = 0, brk = 0; brk == 0 && i < sizeof page_slack / sizeof page_slack[0]; i++)
            brk = pe_xlsx_keep_tail(height, nrows, s->repeat_first, s->repeat_last,
                                    s->tail_row, KEEP_WITH_TAIL,
                                    page_slack[i] * pe_xlsx_page_height_points(s->landscape));
        if (brk > 0) {
            hb[0] = R(brk);
            hb[1] = 0;
            note_err(x, s, worksheet_set_h_pagebreaks(s->ws, hb));
        }
    }

    memset(&prot, 0, sizeof prot);
    prot.autofilter = 1;
    prot.sort = 1;
    prot.format_columns = 1;
    prot.format_rows = 1;
    worksheet_protect(s->ws, NULL, &prot);
cleanup:
    if (s->oom)
        x->oom = 1;
    free(height);
    for (i = 0; i < s->nspans; i++)
        free(s->spans[i].own);
    free(s->spans);
    free(s->wraps);
    free(s->cells);
    s->cells = NULL;
    s->ncells = s->capcells = 0;
    pe_arena_free(s->strs);
    s->strs = NULL;
    free(s->cap);
    free(s->width);
    free(s->force);
    free(s->shrink);
    free(s->hidden);
    s->hidden = NULL;
    free(s->print_title);
    s->print_title = NULL;
    s->spans = NULL;
    s->wraps = NULL;
    s->cap = s->width = NULL;
    s->force = s->shrink = NULL;
}

/* Colours the status cells of rows [r1, r2] in column col. */
static void status_colours(xctx *x, xsheet *s, size_t r1, size_t r2, size_t col)
{
    size_t i;
    if (r2 < r1)
        return;
    for (i = 0; i < NSTATUS_COLORS; i++) {
        lxw_conditional_format cf;
        memset(&cf, 0, sizeof cf);
        cf.type = LXW_CONDITIONAL_TYPE_TEXT;
        cf.criteria = LXW_CONDITIONAL_CRITERIA_TEXT_CONTAINING;
        cf.value_string = (char *)pe_state_name(status_colors[i].st);
        cf.format = x->f.status_fill[i];
        note_err(x, s, worksheet_conditional_format_range(s->ws, R(r1), C(col), R(r2),
                                                          C(col), &cf));
    }
}

/* One conditional fill over [r1..r2] × [c1..c2] where `formula` (written for
 * the range's top-left cell) holds. */
static void cond_fill(xctx *x, xsheet *s, size_t r1, size_t c1, size_t r2, size_t c2,
                      const char *formula, lxw_format *f)
{
    lxw_conditional_format cf;
    memset(&cf, 0, sizeof cf);
    cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
    cf.value_string = (char *)formula;
    cf.format = f;
    note_err(x, s, worksheet_conditional_format_range(s->ws, R(r1), C(c1), R(r2), C(c2), &cf));
}

/* Red fill on a non-empty 数据检查 cell (column cc) and on text in the year
 * inputs [y0, y0 + ny) of rows r1..r2. */
static void check_fills(xctx *x, xsheet *s, size_t r1, size_t r2, size_t cc, size_t y0,
                        size_t ny)
{
    char ref[8], f[64];
    pe_xlsx_col_name((unsigned)cc, ref);
    snprintf(f, sizeof f, "=LEN(%s%zu)>0", ref, r1 + 1);
    cond_fill(x, s, r1, cc, r2, cc, f, x->f.check_fill);
    if (ny == 0)
        return;
    pe_xlsx_col_name((unsigned)y0, ref);
    snprintf(f, sizeof f, "=ISTEXT(%s%zu)", ref, r1 + 1);
    cond_fill(x, s, r1, y0, r2, y0 + ny - 1, f, x->f.check_fill);
}

/* The sheet's title line, over the first printed page's width. */
static void put_title(xctx *x, xsheet *s, size_t row, const char *title)
{
    put_span(x, s, row, 0, title, x->f.title, 30.0);
}

/* ---- 说明 ---- */

typedef struct {
    size_t base_year, target_year, eval_year, ahead, on_track, at_risk;
    size_t rank_first, rank_last;   /* the 状态排序 table */
} readme_rows;

/* One 项目 | 内容 | 说明 line of 说明, advancing *row. */
static void readme_pair(xctx *x, xsheet *s, size_t *row, const char *key, const char *val,
                        const char *remark)
{
    put_text(x, s, *row, 0, key, x->f.key);
    put_text(x, s, *row, 1, val, x->f.plain);
    put_text(x, s, *row, 2, remark, x->f.plain);
    (*row)++;
}

/* A numeric 说明 line whose row is stored in *where (for a defined name). */
static void readme_num(xctx *x, xsheet *s, size_t *row, const char *key, double v, int dec,
                       const char *remark, size_t *where)
{
    put_text(x, s, *row, 0, key, x->f.key);
    put_number(x, s, *row, 1, v, dec, x->f.num[clamp_dec(dec)]);
    put_text(x, s, *row, 2, remark, x->f.plain);
    *where = *row;
    (*row)++;
}

/* A blank line, then a section title. */
static void readme_section(xctx *x, xsheet *s, size_t *row, const char *title)
{
    (*row)++;
    put_text(x, s, *row, 0, title, x->f.section);
    (*row)++;
}

/* 填报说明, in the order an official reads it: what the workbook is, what to
 * fill in and how, how the figures are computed, the checks, protection. */
static const char *const guide_fill[][2] = {
    { "填写范围", "只填写浅黄色底色的单元格：核心指标、量化目标工作表中的各年份实际值、数据来源、备注、评估结论和研判说明，县区目标工作表中各县区各年的完成值，以及每张表下方的填报单位、填报人、联系电话、填报日期、审核人。其余单元格为规划数据和计算公式，已锁定，无需填写。" },
    { "数值与单位", "按“单位”列填写数值本身，不要输入单位、“%”号、空格或文字。单位为“%”的指标，0.54% 填 0.54；计数、金额类指标不能为负数。表格对每个输入单元格设有数值范围，超出时会提示。" },
    { "各类指标填什么", "水平值：当年年末的数值；年均增长：当年增长率（%）；累计：当年新增量（不是累计数），表格自动求和；累计降低：当年降低率（%）；上限、下限：当年数值；节点：已实现填 1，未实现填 0；定性：不填数值，在“评估结论”中选择状态，在“研判说明”中写明依据。" },
    { "年份", "按年份列逐年填写，已填的往年数据如有更正可直接修改。年均增长、累计降低和累计类指标须逐年连续填写，中间年份不能空缺。" },
    { "数据来源、备注", "数据来源填写统计年鉴、统计公报或部门统计报表等出处；备注填写口径变化、数据说明等。" },
    { "评估结论", "一般不填，由表格按公式测算状态。确需调整时，从下拉列表中选择状态，并在“研判说明”中写明理由；填写后“状态”列以评估结论为准，“测算状态”列仍显示公式结果。" },
};

static const char *const guide_calc[][2] = {
    { "时间进度", "（数据年份 − 基期年）÷（目标年 − 基期年）。数据年份为该指标有实际值的最近年份。" },
    { "完成进度", "水平值：（最新值 − 基期值）÷（目标值 − 基期值），无基期值时为 最新值 ÷ 目标值；年均增长：按各年增长率连乘得到累计增长，折算为目标累计增长的比例；累计：各年之和 ÷ 目标值；累计降低：按各年降低率连乘得到累计降低，折算为目标降低的比例。上限、下限、节点和定性指标不计算完成进度，显示“—”。" },
    { "进度比", "完成进度 ÷ 时间进度，与下方阈值比较（显示方式与阈值相同）。" },
    { "测算状态", "已达到目标的为“已完成”（在目标年以前达到的为“提前完成”）；目标年数据已填报仍未达到目标的为“未完成”；其余按进度比：不低于“快于”阈值为快于序时进度，不低于“符合”阈值为符合序时进度，不低于“滞后”阈值为滞后序时进度，低于的为进展缓慢；尚无数据的为暂无数据。上限、下限指标最新值在限值以内为符合序时进度（目标年为已完成），超出为滞后序时进度（目标年为未完成）；节点指标已实现为已完成（目标年以前为提前完成），未实现为滞后序时进度（目标年为未完成）；定性指标以评估结论为准。" },
    { "状态", "填写了评估结论的，以评估结论为准；否则与测算状态相同。" },
    { "较上年", "按上一年的数据再测算一次状态，比较得出好转、持平、下滑或新增数据。" },
    { "尚需", "按剩余年份平均，达到目标每年还需提高的数量或年均增速。" },
};

static const char *const guide_other[][2] = {
    { "数据检查", "每行的“数据检查”列自动检查本行填报：数字被存成文本、年均增长等序列中间年份空缺、某年数值与本指标的基期值、目标值或各年中位数相差20倍以上（常见于单位错误：在单位为“%”的单元格中输入“0.6%”，会被存成 0.006）或为负数时，写明年份和问题，并以红色底色标出。请逐条核对改正，改正后提示自动消失。" },
    { "工作表保护", "各工作表均已保护，防止误改公式，未设密码。确需修改锁定内容时，在 WPS 表格或 Excel 中点击“审阅—撤销工作表保护”，在 LibreOffice 中点击“工具—保护工作表”取消勾选，即可修改；修改后请重新保护。" },
    { "打印", "各工作表按 A4 纸设置打印：列数较多的表按“序号、指标名称、单位”重复的方式分页打印，先打印填报内容，再打印测算结果；进度图在单独的工作表中打印。" },
    { "报送", "填报完成并经审核人审核后，保存为 .xlsx 格式报送，请勿更改工作表名称、增删行列或另存为其他格式。" },
};

/* One 事项 | 说明 line of 填报说明 (说明 over columns B–C), advancing *row. */
static void guide_line(xctx *x, xsheet *s, size_t *row, const char *key, const char *text)
{
    put_text(x, s, *row, 0, key, x->f.key);
    put_span(x, s, *row, 1, text, x->f.plain, 0.0);
    put_blank(x, s, *row, 2, x->f.plain);
    (*row)++;
}

/* 填报说明: what to fill in and how, the evaluation parameters (the cells the
 * defined names point at; their rows go to rr), how statuses are computed,
 * the checks, protection, printing and whom to contact. */
static void readme_write(xctx *x, readme_rows *rr)
{
    const pe_model *m = x->m;
    xsheet s;
    size_t row = 0, i;
    char buf[1024];

    if (!sheet_open(x, &s, SHEET_README, 3))
        goto cleanup;
    sheet_cap(&s, 0, 16.0);
    sheet_cap(&s, 1, 40.0);
    sheet_cap(&s, 2, 40.0);

    put_title(x, &s, row++, m->title);
    snprintf(buf, sizeof buf,
             "本工作簿是%s中期评估的数据填报与测算表%s，由%s编制。请各牵头部门按本说明核对、填报本部门牵头指标的年度数据，经审核后报送%s。",
             m->title ? "规划" : "", m->draft ? "（样稿）" : "", m->issuer ? m->issuer : "规划编制单位",
             m->issuer ? m->issuer : "规划编制单位");
    put_span(x, &s, row++, 0, buf, x->f.subtitle, 0.0);
    row++;

    readme_section(x, &s, &row, "一、填报要求");
    for (i = 0; i < sizeof guide_fill / sizeof guide_fill[0]; i++)
        guide_line(x, &s, &row, guide_fill[i][0], guide_fill[i][1]);

    readme_section(x, &s, &row, "二、评估参数");
    snprintf(buf, sizeof buf, "%d—%d年", m->base_year + 1, m->target_year);
    readme_pair(x, &s, &row, "规划期", buf, NULL);
    readme_num(x, &s, &row, "基期年", m->base_year, 0, NULL, &rr->base_year);
    readme_num(x, &s, &row, "目标年", m->target_year, 0, NULL, &rr->target_year);
    readme_num(x, &s, &row, "评估年", m->eval_year, 0, "尚无数据的指标按评估年计算时间进度",
               &rr->eval_year);
    if (m->data_year > 0) {
        snprintf(buf, sizeof buf, "%d年", m->data_year);
        readme_pair(x, &s, &row, "数据截至", buf, "各指标有实际值的最近年份");
    }
    readme_num(x, &s, &row, "快于序时进度阈值", m->ahead, ratio_dec(m),
               "进度比不低于此值：快于序时进度", &rr->ahead);
    readme_num(x, &s, &row, "符合序时进度阈值", m->on_track, ratio_dec(m),
               "进度比不低于此值：符合序时进度", &rr->on_track);
    readme_num(x, &s, &row, "滞后序时进度阈值", m->at_risk, ratio_dec(m),
               "进度比不低于此值：滞后序时进度；低于此值：进展缓慢", &rr->at_risk);

    readme_section(x, &s, &row, "三、测算方法");
    for (i = 0; i < sizeof guide_calc / sizeof guide_calc[0]; i++)
        guide_line(x, &s, &row, guide_calc[i][0], guide_calc[i][1]);
    readme_section(x, &s, &row, "状态排序（较上年比较用，数值大者为好）");
    rr->rank_first = row;
    for (i = 0; i < PE_ST_COUNT; i++) {
        put_text(x, &s, row, 0, pe_state_name((pe_state)i), x->f.key);
        put_number(x, &s, row, 1, pe_state_rank((pe_state)i), 0, x->f.num[0]);
        put_blank(x, &s, row, 2, x->f.plain);
        row++;
    }
    rr->rank_last = row - 1;

    readme_section(x, &s, &row, "四、检查、保护与报送");
    for (i = 0; i < sizeof guide_other / sizeof guide_other[0]; i++)
        guide_line(x, &s, &row, guide_other[i][0], guide_other[i][1]);

    readme_section(x, &s, &row, "五、联系方式");
    snprintf(buf, sizeof buf, "填报中如有疑问，请与%s联系。", m->issuer ? m->issuer : "规划编制单位");
    guide_line(x, &s, &row, "联系单位", buf);
    put_text(x, &s, row, 0, "联系人", x->f.key);
    put_text(x, &s, row, 1, NULL, x->f.in_label);
    put_blank(x, &s, row, 2, x->f.plain);
    put_text(x, &s, row + 1, 0, "联系电话", x->f.key);
    put_text(x, &s, row + 1, 1, NULL, x->f.in_label);
    put_blank(x, &s, row + 1, 2, x->f.plain);
    validate_text(x, &s, row, 1, row + 1, 1, "联系人和电话", "由规划编制单位在发出本表前填写。");
    row += 2;

    sheet_print_rows(&s, 1, 0);
    worksheet_activate(s.ws);
cleanup:
    sheet_close(x, &s);
}

/* Defines the workbook names the formulas use, pointing into 说明. */
static void define_names(xctx *x, const readme_rows *rr)
{
    static const char *names[] = {
        PE_XLSX_NAME_BASE_YEAR, PE_XLSX_NAME_TARGET_YEAR, PE_XLSX_NAME_EVAL_YEAR,
        PE_XLSX_NAME_AHEAD, PE_XLSX_NAME_ON_TRACK, PE_XLSX_NAME_AT_RISK,
    };
    size_t rows[6];
    size_t i;
    char ref[64];

    rows[0] = rr->base_year;
    rows[1] = rr->target_year;
    rows[2] = rr->eval_year;
    rows[3] = rr->ahead;
    rows[4] = rr->on_track;
    rows[5] = rr->at_risk;
    for (i = 0; i < 6; i++) {
        snprintf(ref, sizeof ref, "='" SHEET_README "'!$B$%zu", rows[i] + 1);
        note_err(x, NULL, workbook_define_name(x->wb, names[i], ref));
    }
    snprintf(ref, sizeof ref, "='" SHEET_README "'!$A$%zu:$B$%zu", rr->rank_first + 1,
             rr->rank_last + 1);
    note_err(x, NULL, workbook_define_name(x->wb, PE_XLSX_NAME_RANK, ref));
}

/* ---- 核心指标 / 量化目标 ---- */

/* Column positions of an indicator sheet; NOCOL marks an absent column. The
 * order is the printed order: key columns (repeated on every page), the plan,
 * the department's inputs with their check, then (on a page of their own)
 * the evaluated figures. */
typedef struct {
    size_t id, name, unit;                                   /* key */
    size_t chapter, kind, dir, nature, base, target, target_max, target_text;   /* plan */
    size_t year0, check, source, remark;                     /* inputs */
    size_t y, a, f, s, c, tau, p, rho, cstatus, judge, jnote, status, change;
    size_t need_delta, need_rate, dept, evnote;
    /* the year before (hidden): 较上年 compares with its status */
    size_t py, pa, pf, ps, pc, ptau, pp, prho, pstatus;
    size_t scale;           /* hidden: the 数据检查 scale R of the row */
    size_t ncols;
    int dec_value;          /* decimals of every value column (one per column) */
    int dec_need;           /* decimals of 尚需每年提高 */
} icols;

#define NOCOL ((size_t)-1)
#define DEC_FACTOR  4       /* 累计增长系数 */
#define DEC_REDUCED 2       /* 累计降低率（%） */
#define DEC_RATE    1       /* 尚需年均增速（%） */

/* Decimals of 尚需每年提高 for one indicator, as pe_fmt_needed prints it. */
static int need_decimals(const pe_indicator *ind)
{
    int dec = clamp_dec(ind->decimals);
    return clamp_dec(dec + 1 > 2 ? dec + 1 : 2);
}

static int is_percent(const pe_indicator *ind)
{
    return ind->unit && strcmp(ind->unit, "%") == 0;
}

/* The kinds whose yearly values are inputs (a qualitative row has none). */
static int has_inputs(const pe_indicator *ind)
{
    return ind->kind != PE_KIND_QUALITATIVE;
}

/* Lays out an indicator sheet: optional columns only when some row uses them. */
static void icols_plan(const pe_indicator_table *t, icols *c)
{
    int chapter = 0, nature = 0, range = 0, dept = 0, evnote = 0, down = 0, text = 0;
    int kinds[PE_KIND_COUNT] = { 0 };
    size_t i, n = 0;

    c->dec_value = 0;
    c->dec_need = 0;
    for (i = 0; i < t->n; i++) {
        const pe_indicator *ind = &t->items[i];
        chapter |= ind->chapter != NULL;
        nature |= ind->nature != NULL;
        range |= ind->has_target_max;
        dept |= ind->dept != NULL;
        evnote |= ind->ev.note != NULL;
        down |= ind->dir == PE_DIR_DOWN;
        text |= ind->target_text != NULL;
        if ((unsigned)ind->kind < PE_KIND_COUNT)
            kinds[ind->kind] = 1;
        if (clamp_dec(ind->decimals) > c->dec_value)
            c->dec_value = clamp_dec(ind->decimals);
        if (need_decimals(ind) > c->dec_need)
            c->dec_need = need_decimals(ind);
    }
    c->id = n++;
    c->name = n++;
    c->unit = n++;
    c->chapter = chapter ? n++ : NOCOL;
    c->kind = n++;
    c->dir = down ? n++ : NOCOL;
    c->nature = nature ? n++ : NOCOL;
    c->base = n++;
    c->target = n++;
    c->target_max = range ? n++ : NOCOL;
    c->target_text = text ? n++ : NOCOL;
    c->year0 = n;
    n += t->nyears;
    c->check = n++;
    c->source = n++;
    c->remark = n++;
    c->y = n++;
    c->a = n++;
    c->f = kinds[PE_KIND_GROWTH] ? n++ : NOCOL;
    c->s = kinds[PE_KIND_CUMULATIVE] ? n++ : NOCOL;
    c->c = kinds[PE_KIND_REDUCTION] ? n++ : NOCOL;
    c->tau = n++;
    c->p = n++;
    c->rho = n++;
    c->cstatus = n++;
    c->judge = n++;
    c->jnote = n++;
    c->status = n++;
    c->change = n++;
    c->need_delta = n++;
    c->need_rate = n++;
    c->dept = dept ? n++ : NOCOL;
    c->evnote = evnote ? n++ : NOCOL;
    c->py = n++;
    c->pa = n++;
    c->pf = c->f != NOCOL ? n++ : NOCOL;
    c->ps = c->s != NOCOL ? n++ : NOCOL;
    c->pc = c->c != NOCOL ? n++ : NOCOL;
    c->ptau = n++;
    c->pp = n++;
    c->prho = n++;
    c->pstatus = n++;
    c->scale = n++;
    c->ncols = n;
}

/* One header cell, unless the column is absent. */
static void hdr(xctx *x, xsheet *s, size_t row, size_t col, const char *text)
{
    if (col != NOCOL)
        put_text(x, s, row, col, text, x->f.header);
}

/* The header row of an indicator sheet, in the column order of icols_plan. */
static void indicator_header(xctx *x, xsheet *s, const pe_indicator_table *t,
                             const icols *c, size_t row)
{
    char buf[64];
    size_t j;

    hdr(x, s, row, c->id, "序号");
    hdr(x, s, row, c->name, "指标名称");
    hdr(x, s, row, c->unit, "单位");
    hdr(x, s, row, c->chapter, "章节");
    hdr(x, s, row, c->kind, "类型");
    hdr(x, s, row, c->dir, "方向");
    hdr(x, s, row, c->nature, "属性");
    snprintf(buf, sizeof buf, "基期值（%d年）", x->m->base_year);
    hdr(x, s, row, c->base, buf);
    snprintf(buf, sizeof buf, "目标值（%d年）", x->m->target_year);
    hdr(x, s, row, c->target, buf);
    hdr(x, s, row, c->target_max, "目标上限");
    hdr(x, s, row, c->target_text, "目标表述");
    for (j = 0; j < t->nyears; j++) {
        snprintf(buf, sizeof buf, "%d年", t->years[j]);
        hdr(x, s, row, c->year0 + j, buf);
        id_locked_text(x, s, row, c->year0 + j, buf);
    }
    hdr(x, s, row, c->check, "数据检查");
    hdr(x, s, row, c->source, "数据来源");
    hdr(x, s, row, c->remark, "备注");
    hdr(x, s, row, c->y, "数据年份");
    hdr(x, s, row, c->a, "最新值");
    hdr(x, s, row, c->f, "累计增长系数");
    hdr(x, s, row, c->s, "累计值");
    hdr(x, s, row, c->c, "累计降低率（%）");
    hdr(x, s, row, c->tau, "时间进度");
    hdr(x, s, row, c->p, "完成进度");
    hdr(x, s, row, c->rho, "进度比");
    hdr(x, s, row, c->cstatus, "测算状态");
    hdr(x, s, row, c->judge, "评估结论");
    hdr(x, s, row, c->jnote, "研判说明");
    hdr(x, s, row, c->status, "状态");
    hdr(x, s, row, c->change, "较上年");
    hdr(x, s, row, c->need_delta, "尚需每年提高");
    hdr(x, s, row, c->need_rate, "尚需年均增速（%）");
    hdr(x, s, row, c->dept, "牵头部门");
    hdr(x, s, row, c->evnote, "评估说明");
    hdr(x, s, row, c->py, "上年数据年份");
    hdr(x, s, row, c->pa, "上年最新值");
    hdr(x, s, row, c->pf, "上年累计增长系数");
    hdr(x, s, row, c->ps, "上年累计值");
    hdr(x, s, row, c->pc, "上年累计降低率（%）");
    hdr(x, s, row, c->ptau, "上年时间进度");
    hdr(x, s, row, c->pp, "上年完成进度");
    hdr(x, s, row, c->prho, "上年进度比");
    hdr(x, s, row, c->pstatus, "上年测算状态");
    hdr(x, s, row, c->scale, "检查基准");
}

/* Fills the formula builders' view of one indicator row of sheet layout c:
 * this year's figures, or with `prev` the year before's. */
static void row_refs(const pe_model *m, const pe_indicator_table *t, const icols *c,
                     const pe_indicator *ind, size_t row, int prev, pe_xlsx_row *r)
{
    memset(r, 0, sizeof *r);
    r->row = (unsigned)row;
    r->col_base = (unsigned)c->base;
    r->col_target = (unsigned)c->target;
    r->col_year0 = (unsigned)c->year0;
    r->years = t->years;
    r->nyears = t->nyears;
    r->base_year = m->base_year;
    r->col_y = (unsigned)(prev ? c->py : c->y);
    r->col_a = (unsigned)(prev ? c->pa : c->a);
    r->col_f = (unsigned)(prev ? c->pf : c->f);
    r->col_s = (unsigned)(ind->kind == PE_KIND_CUMULATIVE ? (prev ? c->ps : c->s)
                                                           : (prev ? c->pc : c->c));
    r->col_tau = (unsigned)(prev ? c->ptau : c->tau);
    r->col_p = (unsigned)(prev ? c->pp : c->p);
    r->col_rho = (unsigned)(prev ? c->prho : c->rho);
    r->col_j = (unsigned)c->judge;
    r->kind = ind->kind;
    r->dir = ind->dir;
    r->has_base = ind->has_base;
    r->percent_unit = is_percent(ind);
    r->prev = prev;
    r->col_y_now = (unsigned)c->y;
}

/* The plausible range of one indicator's yearly inputs (SPEC §3.2 units):
 * growth and reduction rates within ±100 %, shares in % within 0–100,
 * counts and amounts not negative, milestones 0 or 1; widened to hold every
 * value the plan already has. */
static void input_range(const pe_indicator *ind, size_t nyears, double *lo, double *hi)
{
    size_t j;
    if (ind->kind == PE_KIND_GROWTH) {
        *lo = -99.99;
        *hi = 1000.0;
    } else if (ind->kind == PE_KIND_REDUCTION) {
        *lo = -99.99;
        *hi = 99.99;
    } else if (ind->kind == PE_KIND_MILESTONE) {
        *lo = 0.0;
        *hi = 1.0;
    } else if (is_percent(ind)) {
        *lo = 0.0;
        *hi = 100.0;
    } else {
        *lo = 0.0;
        *hi = HUGE_VAL;
    }
    for (j = 0; j < nyears; j++) {
        if (!ind->has_value[j])
            continue;
        if (ind->value[j] < *lo)
            *lo = floor(ind->value[j]);
        if (*hi != HUGE_VAL && ind->value[j] > *hi)
            *hi = ceil(ind->value[j]);
    }
}

/* The yearly inputs of one indicator: values in the input fill, unlocked,
 * with a validation that names the unit and the range. A qualitative row
 * has no actuals: its year cells stay locked and empty. */
static void indicator_inputs(xctx *x, xsheet *s, const pe_indicator_table *t, const icols *c,
                             const pe_indicator *ind, size_t row)
{
    lxw_format *in = x->f.in_num[c->dec_value];
    const char *unit = ind->unit && *ind->unit ? ind->unit : "—";
    double lo, hi;
    char msg[256], err[256], lo_t[64], hi_t[64];
    size_t j;

    if (!has_inputs(ind)) {
        for (j = 0; j < t->nyears; j++)
            put_blank(x, s, row, c->year0 + j, x->f.num[c->dec_value]);
        return;
    }
    for (j = 0; j < t->nyears; j++) {
        if (ind->has_value[j])
            put_number(x, s, row, c->year0 + j, ind->value[j], c->dec_value, in);
        else
            put_blank(x, s, row, c->year0 + j, in);
        id_input(x, s, row, c->year0 + j, PE_ID_ACTUAL, t->key, ind->id, t->years[j], NULL);
    }
    if (t->nyears == 0)
        return;
    input_range(ind, t->nyears, &lo, &hi);
    pe_number_format(lo, 2, lo_t, sizeof lo_t);
    pe_number_format(hi, 2, hi_t, sizeof hi_t);
    switch (ind->kind) {
    case PE_KIND_GROWTH:
        snprintf(msg, sizeof msg, "填写当年增长率（%%），只填数字，如增长8.5%%填 8.5。");
        break;
    case PE_KIND_REDUCTION:
        snprintf(msg, sizeof msg, "填写当年降低率（%%），只填数字，如降低2.7%%填 2.7。");
        break;
    case PE_KIND_CUMULATIVE:
        snprintf(msg, sizeof msg, "填写当年新增量（单位：%s），不是累计数；只填数字。", unit);
        break;
    case PE_KIND_MILESTONE:
        snprintf(msg, sizeof msg, "已实现填 1，未实现填 0。");
        break;
    default:
        if (is_percent(ind))
            snprintf(msg, sizeof msg, "单位为%%：只填数字，如 0.54%% 填 0.54，不要输入“%%”号。");
        else
            snprintf(msg, sizeof msg, "单位为%s：只填数字，不要输入单位或文字。", unit);
        break;
    }
    if (ind->kind == PE_KIND_MILESTONE)
        snprintf(err, sizeof err, "只能填 1（已实现）或 0（未实现）。");
    else if (hi == HUGE_VAL)
        snprintf(err, sizeof err, "请填写不小于 %s 的数字（单位：%s）。", lo_t, unit);
    else
        snprintf(err, sizeof err, "请填写 %s 至 %s 之间的数字（单位：%s）。", lo_t, hi_t, unit);
    validate_number(x, s, row, c->year0, row, c->year0 + t->nyears - 1, lo, hi, "填写实际值",
                    msg, err);
}

/* The 数据检查 cell of one indicator row: the live check and, as its cached
 * value, what it says about the model's own figures. */
static void indicator_check(xctx *x, xsheet *s, const pe_indicator_table *t, const icols *c,
                            const pe_indicator *ind, size_t row)
{
    const pe_model *m = x->m;
    pe_xlsx_check_row cr;
    pe_buf cached;

    memset(&cr, 0, sizeof cr);
    cr.row = (unsigned)row;
    cr.col_year0 = (unsigned)c->year0;
    cr.col_base = (unsigned)c->base;
    cr.col_target = (unsigned)c->target;
    cr.years = t->years;
    cr.nyears = t->nyears;
    cr.base_year = m->base_year;
    cr.target_is_total = ind->kind == PE_KIND_CUMULATIVE;
    cr.series = ind->kind == PE_KIND_GROWTH || ind->kind == PE_KIND_REDUCTION ||
                ind->kind == PE_KIND_CUMULATIVE;
    cr.nonneg = ind->kind != PE_KIND_GROWTH && ind->kind != PE_KIND_REDUCTION;
    cr.outliers = ind->kind != PE_KIND_MILESTONE;
    cr.col_scale = (unsigned)c->scale;
    fb_reset(x);
    pe_xlsx_f_check_scale(&x->fb, &cr);
    {
        double scale = 0.0;
        char txt[64];
        if (!pe_xlsx_check_scale(&cr, ind->has_value, ind->value, ind->has_base, ind->base,
                                 ind->has_target, ind->target,
                                 (double)(m->target_year - m->base_year), &scale)) {
            x->oom = 1;
            return;
        }
        pe_number_format(scale, 2, txt, sizeof txt);
        put_fnum(x, s, row, c->scale, scale, txt, x->f.plain);
    }
    fb_reset(x);
    pe_xlsx_f_check(&x->fb, &cr);
    if (x->fb.len > FORMULA_MAX) {
        cr.outliers = 0;        /* very many year columns: keep the formula legal */
        fb_reset(x);
        pe_xlsx_f_check(&x->fb, &cr);
    }
    pe_buf_init(&cached);
    pe_buf_puts(&cached, "");
    if (!pe_xlsx_check_text(&cached, &cr, ind->has_value, ind->value, ind->has_base, ind->base,
                            ind->has_target, ind->target,
                            (double)(m->target_year - m->base_year)) ||
        cached.oom)
        x->oom = 1;
    else
        put_fstr(x, s, row, c->check, cached.s ? cached.s : "", x->f.check);
    pe_buf_release(&cached);
}

/* What one row's figures are: this year's, or the year before's. */
typedef struct {
    const pe_eval *ev;
    size_t y, a, f, s, c, tau, p, rho, status;
} ifig;

/* The figures of one indicator from y to the computed status: live formulas
 * cached with the model's values, "—" where its kind has no such figure. */
static void indicator_figures(xctx *x, xsheet *s, const icols *c, const pe_indicator *ind,
                              const pe_xlsx_row *r, const ifig *g)
{
    const pe_eval *ev = g->ev;
    const int dec = c->dec_value, progress = pe_kind_has_progress(ind->kind);
    char txt[64];

    if (ind->kind == PE_KIND_QUALITATIVE && r->prev) {
        /* no actuals, no year before: 较上年 is “—” */
        size_t cols[9], k;
        cols[0] = g->y; cols[1] = g->a; cols[2] = g->f; cols[3] = g->s; cols[4] = g->c;
        cols[5] = g->tau; cols[6] = g->p; cols[7] = g->rho; cols[8] = g->status;
        for (k = 0; k < 9; k++)
            if (cols[k] != NOCOL)
                put_text(x, s, r->row, cols[k], "—", x->f.center);
        return;
    }
    fb_reset(x);
    pe_xlsx_f_latest_year(&x->fb, r);
    if (ev->has_actual) {
        snprintf(txt, sizeof txt, "%d", ev->year);
        put_fnum(x, s, r->row, g->y, ev->year, txt, x->f.year);
    } else {
        put_fstr(x, s, r->row, g->y, "", x->f.year);
    }

    fb_reset(x);
    pe_xlsx_f_latest_actual(&x->fb, r);
    if (ev->has_actual) {
        pe_number_format(ev->actual, dec, txt, sizeof txt);
        put_fnum(x, s, r->row, g->a, ev->actual, txt, x->f.num[dec]);
    } else {
        put_fstr(x, s, r->row, g->a, "", x->f.num[dec]);
    }

    if (g->f != NOCOL) {
        if (ind->kind == PE_KIND_GROWTH) {
            fb_reset(x);
            pe_xlsx_f_factor(&x->fb, r);
            if (ev->has_actual) {
                pe_number_format(ev->cum_factor, DEC_FACTOR, txt, sizeof txt);
                put_fnum(x, s, r->row, g->f, ev->cum_factor, txt, x->f.num[DEC_FACTOR]);
            } else {
                put_fstr(x, s, r->row, g->f, "", x->f.num[DEC_FACTOR]);
            }
        } else {
            put_text(x, s, r->row, g->f, "—", x->f.center);
        }
    }
    if (g->s != NOCOL) {
        if (ind->kind == PE_KIND_CUMULATIVE) {
            fb_reset(x);
            pe_xlsx_f_sum(&x->fb, r);
            if (ev->has_actual) {
                pe_number_format(ev->sum, dec, txt, sizeof txt);
                put_fnum(x, s, r->row, g->s, ev->sum, txt, x->f.num[dec]);
            } else {
                put_fstr(x, s, r->row, g->s, "", x->f.num[dec]);
            }
        } else {
            put_text(x, s, r->row, g->s, "—", x->f.center);
        }
    }
    if (g->c != NOCOL) {
        if (ind->kind == PE_KIND_REDUCTION) {
            fb_reset(x);
            pe_xlsx_f_reduced(&x->fb, r);
            if (ev->has_actual) {
                pe_number_format(ev->reduced, DEC_REDUCED, txt, sizeof txt);
                put_fnum(x, s, r->row, g->c, ev->reduced, txt, x->f.num[DEC_REDUCED]);
            } else {
                put_fstr(x, s, r->row, g->c, "", x->f.num[DEC_REDUCED]);
            }
        } else {
            put_text(x, s, r->row, g->c, "—", x->f.center);
        }
    }

    fb_reset(x);
    pe_xlsx_f_time_progress(&x->fb, r);
    pe_percent_format(ev->time_progress, txt, sizeof txt);
    put_fnum(x, s, r->row, g->tau, ev->time_progress, txt, x->f.pct);

    if (progress) {
        fb_reset(x);
        pe_xlsx_f_progress(&x->fb, r);
        if (ev->has_progress) {
            pe_percent_format(ev->progress, txt, sizeof txt);
            put_fnum(x, s, r->row, g->p, ev->progress, txt, x->f.pct);
        } else {
            put_fstr(x, s, r->row, g->p, "", x->f.pct);
        }
        fb_reset(x);
        pe_xlsx_f_ratio(&x->fb, r);
        if (ev->has_ratio) {
            pe_number_format(ev->ratio, ratio_dec(x->m), txt, sizeof txt);
            put_fnum(x, s, r->row, g->rho, ev->ratio, txt, x->f.ratio);
        } else {
            put_fstr(x, s, r->row, g->rho, "", x->f.ratio);
        }
    } else {
        /* ceiling, floor, milestone, qualitative: no progress figure (SPEC §4) */
        put_text(x, s, r->row, g->p, "—", x->f.center);
        put_text(x, s, r->row, g->rho, "—", x->f.center);
    }

    fb_reset(x);
    pe_xlsx_f_status(&x->fb, r);
    put_fstr(x, s, r->row, g->status,
             pe_state_name(r->prev ? ev->state : ev->computed_state), x->f.status);
}

/* The pace still needed: per year in the unit (level, cumulative) and as a
 * yearly rate (level outside %, growth, reduction); “—” for the others. */
static void indicator_needed(xctx *x, xsheet *s, const icols *c, const pe_indicator *ind,
                             const pe_xlsx_row *r)
{
    const pe_eval *ev = &ind->ev;
    char txt[64];
    int delta = ind->kind == PE_KIND_LEVEL || ind->kind == PE_KIND_CUMULATIVE;
    int rate = ind->kind == PE_KIND_GROWTH || ind->kind == PE_KIND_REDUCTION ||
               (ind->kind == PE_KIND_LEVEL && !r->percent_unit);

    if (delta) {
        fb_reset(x);
        pe_xlsx_f_needed_delta(&x->fb, r);
        if (ev->need == PE_NEED_LEVEL || ev->need == PE_NEED_CUMULATIVE) {
            pe_number_format(ev->needed_delta, c->dec_need, txt, sizeof txt);
            put_fnum(x, s, r->row, c->need_delta, ev->needed_delta, txt, x->f.num[c->dec_need]);
        } else {
            put_fstr(x, s, r->row, c->need_delta, "", x->f.num[c->dec_need]);
        }
    } else {
        put_text(x, s, r->row, c->need_delta, "—", x->f.center);
    }
    if (rate) {
        fb_reset(x);
        pe_xlsx_f_needed_rate(&x->fb, r);
        if (ev->has_needed_rate) {
            pe_number_format(ev->needed_rate, DEC_RATE, txt, sizeof txt);
            put_fnum(x, s, r->row, c->need_rate, ev->needed_rate, txt, x->f.num[DEC_RATE]);
        } else {
            put_fstr(x, s, r->row, c->need_rate, "", x->f.num[DEC_RATE]);
        }
    } else {
        put_text(x, s, r->row, c->need_rate, "—", x->f.center);
    }
}

/* One indicator: its plan data locked, its inputs unlocked, every evaluated
 * figure as a formula cached with the model's value ("" where it has none). */
static void indicator_row(xctx *x, xsheet *s, const pe_indicator_table *t, const icols *c,
                          const pe_indicator *ind, size_t row)
{
    const pe_eval *ev = &ind->ev;
    const int dec = c->dec_value;
    lxw_format *num = x->f.num[dec];
    pe_xlsx_row r;
    ifig g;

    put_text(x, s, row, c->id, ind->id, x->f.center);
    if (c->chapter != NOCOL)
        put_text(x, s, row, c->chapter, ind->chapter, x->f.text);
    put_text(x, s, row, c->name, ind->name, x->f.text);
    put_text(x, s, row, c->unit, ind->unit, x->f.center);
    put_text(x, s, row, c->kind, pe_kind_name(ind->kind), x->f.center);
    if (c->dir != NOCOL) {
        int has_dir = ind->kind == PE_KIND_LEVEL || ind->kind == PE_KIND_GROWTH;
        put_text(x, s, row, c->dir, !has_dir ? "—" : ind->dir == PE_DIR_DOWN ? "逆向" : "正向",
                 x->f.center);
    }
    if (c->nature != NOCOL)
        put_text(x, s, row, c->nature, ind->nature, x->f.center);
    if (ind->has_base)
        put_number(x, s, row, c->base, ind->base, dec, num);
    else
        put_text(x, s, row, c->base, "—", x->f.center);
    if (ind->has_target)
        put_number(x, s, row, c->target, ind->target, dec, num);
    else
        put_text(x, s, row, c->target, "—", x->f.center);
    if (c->target_max != NOCOL) {
        if (ind->has_target_max)
            put_number(x, s, row, c->target_max, ind->target_max, dec, num);
        else
            put_blank(x, s, row, c->target_max, num);
    }
    if (c->target_text != NOCOL)
        put_text(x, s, row, c->target_text, ind->target_text, x->f.center);
    indicator_inputs(x, s, t, c, ind, row);
    indicator_check(x, s, t, c, ind, row);
    put_text(x, s, row, c->source, NULL, x->f.in_text);
    put_text(x, s, row, c->remark, ind->note, x->f.in_text);
    id_input(x, s, row, c->source, PE_ID_SOURCE, t->key, ind->id, 0, NULL);
    id_input(x, s, row, c->remark, PE_ID_NOTE, t->key, ind->id, 0, NULL);
    id_locked_text(x, s, row, c->id, ind->id);
    id_locked_text(x, s, row, c->name, ind->name);
    id_locked_text(x, s, row, c->unit, ind->unit);
    if (ind->has_base)
        id_locked_number(x, s, row, c->base, ind->base);
    if (ind->has_target)
        id_locked_number(x, s, row, c->target, ind->target);

    /* this year's figures and computed status */
    row_refs(x->m, t, c, ind, row, 0, &r);
    g.ev = ev;
    g.y = c->y; g.a = c->a; g.f = c->f; g.s = c->s; g.c = c->c;
    g.tau = c->tau; g.p = c->p; g.rho = c->rho; g.status = c->cstatus;
    indicator_figures(x, s, c, ind, &r, &g);

    /* the office's judgement (an input) and the status shown */
    put_text(x, s, row, c->judge, ind->has_judgement ? pe_state_name(ind->judgement) : NULL,
             x->f.in_center);
    put_text(x, s, row, c->jnote, ind->judgement_note, x->f.in_text);
    id_input(x, s, row, c->judge, PE_ID_JUDGEMENT, t->key, ind->id, 0, NULL);
    id_input(x, s, row, c->jnote, PE_ID_JUDGEMENT_NOTE, t->key, ind->id, 0, NULL);
    fb_reset(x);
    pe_xlsx_f_final_status(&x->fb, (unsigned)row, (unsigned)c->judge, (unsigned)c->cstatus);
    put_fstr(x, s, row, c->status, pe_state_name(ev->state), x->f.status);

    /* the year before, for 较上年: the model's own evaluation of it */
    row_refs(x->m, t, c, ind, row, 1, &r);
    g.ev = &ind->prev_ev;
    g.y = c->py; g.a = c->pa; g.f = c->pf; g.s = c->ps; g.c = c->pc;
    g.tau = c->ptau; g.p = c->pp; g.rho = c->prho; g.status = c->pstatus;
    indicator_figures(x, s, c, ind, &r, &g);
    fb_reset(x);
    pe_xlsx_f_change(&x->fb, (unsigned)row, (unsigned)c->y, (unsigned)c->py,
                     (unsigned)c->status, (unsigned)c->pstatus);
    put_fstr(x, s, row, c->change, pe_change_name(ev->change), x->f.status);

    row_refs(x->m, t, c, ind, row, 0, &r);
    indicator_needed(x, s, c, ind, &r);
    if (c->dept != NOCOL)
        put_text(x, s, row, c->dept, ind->dept, x->f.text);
    if (c->evnote != NOCOL)
        put_text(x, s, row, c->evnote, ev->note, x->f.text);
}

#define FILL_IN_ROWS 5

/* The 填报单位 … 审核人 block under an input table, from column c1 over the
 * first printed page: a label and an unlocked field per line. */
static void fill_in_block(xctx *x, xsheet *s, size_t row, size_t c1, const char *table)
{
    static const char *const labels[FILL_IN_ROWS] = { "填报单位", "填报人", "联系电话", "填报日期",
                                                      "审核人" };
    size_t i;
    for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        xspan *sp;
        put_span(x, s, row + i, c1, labels[i], x->f.key, 0.0);
        if (x->oom)
            return;
        s->spans[s->nspans - 1].c2 = c1 + 1;
        put_span(x, s, row + i, c1 + 2, "", x->f.in_label, 0.0);
        if (x->oom)
            return;
        sp = &s->spans[s->nspans - 1];
        sp->input = 1;
        if (table)
            id_input(x, s, row + i, c1 + 2, PE_ID_CONTACT, table, NULL, 0, labels[i]);
    }
}

/* Which figure of an indicator a chart series shows. */
typedef enum { SERIES_PROGRESS, SERIES_TIME } series_kind;

/* Fills a series' number cache with the model's figures. libxlsxwriter 1.1.4
 * caches 0 for formula cells, so a viewer that does not recalculate would
 * draw empty bars; with ignore_cache set it writes the points given here
 * (allocated with calloc; the library frees them with the chart). */
static void chart_cache(xctx *x, lxw_chart_series *ser, const pe_indicator_table *t,
                        size_t i0, size_t i1, series_kind kind)
{
    lxw_series_range *range = ser ? ser->values : NULL;
    size_t i;

    if (!range || !range->data_cache || t->n > UINT16_MAX)
        return;
    range->ignore_cache = LXW_TRUE;
    for (i = i0; i <= i1 && i < t->n; i++) {
        const pe_eval *ev = &t->items[i].ev;
        lxw_series_data_point *pt = calloc(1, sizeof *pt);
        if (!pt) {
            x->oom = 1;
            return;
        }
        if (kind == SERIES_TIME)
            pt->number = ev->time_progress;
        else if (ev->has_progress)
            pt->number = ev->progress;
        else
            pt->no_data = LXW_TRUE;
        STAILQ_INSERT_TAIL(range->data_cache, pt, list_pointers);
        range->num_data_points++;
    }
}

/* Fills a series' category cache with the indicators' names: the workbook is
 * written in constant_memory mode, where libxlsxwriter cannot read them back
 * from the sheet (the strings are freed with the chart). */
static void chart_names(xctx *x, lxw_chart_series *ser, const pe_indicator_table *t,
                        size_t i0, size_t i1)
{
    lxw_series_range *range = ser ? ser->categories : NULL;
    size_t i;

    if (!range || !range->data_cache)
        return;
    range->ignore_cache = LXW_TRUE;
    range->has_string_cache = LXW_TRUE;
    for (i = i0; i <= i1 && i < t->n; i++) {
        lxw_series_data_point *pt = calloc(1, sizeof *pt);
        if (!pt || !(pt->string = strdup(t->items[i].name ? t->items[i].name : ""))) {
            free(pt);
            x->oom = 1;
            return;
        }
        pt->is_string = LXW_TRUE;
        STAILQ_INSERT_TAIL(range->data_cache, pt, list_pointers);
        range->num_data_points++;
    }
}

/* A table gets chart sheets when it has rows, and not too many to read:
 * one per CHART_PAGE_ITEMS indicators (more labels than that do not print). */
static size_t chart_sheets(const pe_indicator_table *t)
{
    if (t->n == 0 || t->n > CHART_MAX_ITEMS)
        return 0;
    return (t->n + CHART_PAGE_ITEMS - 1) / CHART_PAGE_ITEMS;
}

/* Name of chart sheet k (0-based) of table sheet `sheet`. */
static void chart_sheet_name(const char *sheet, size_t k, char *out, size_t n)
{
    if (k == 0)
        snprintf(out, n, "%s" CHART_SHEET_SUFFIX, sheet);
    else
        snprintf(out, n, "%s" CHART_SHEET_SUFFIX "%zu", sheet, k + 1);
}

/* The chart sheet of a table: a bar chart of p and τ per indicator, alone on
 * an A4 landscape page (a chart beside a wide table never prints whole). */
static void indicator_chart(xctx *x, const char *sheet, const pe_indicator_table *t,
                            const icols *c, size_t first, size_t k, const char *title)
{
    const size_t i0 = k * CHART_PAGE_ITEMS;
    const size_t i1 = i0 + CHART_PAGE_ITEMS - 1 < t->n - 1 ? i0 + CHART_PAGE_ITEMS - 1 : t->n - 1;
    const size_t r0 = first + i0, r1 = first + i1;
    lxw_chartsheet *cs;
    lxw_chart *ch;
    lxw_chart_series *ser;
    lxw_chart_font axis_font, title_font;
    char name[64];
    lxw_header_footer_options hf;

    chart_sheet_name(sheet, k, name, sizeof name);
    cs = workbook_add_chartsheet(x->wb, name);
    ch = workbook_add_chart(x->wb, LXW_CHART_BAR);
    if (!cs || !ch) {
        x->oom = 1;
        return;
    }
    x->sheets++;
    ser = chart_add_series(ch, NULL, NULL);
    if (ser) {
        chart_series_set_categories(ser, sheet, R(r0), C(c->name), R(r1), C(c->name));
        chart_series_set_values(ser, sheet, R(r0), C(c->p), R(r1), C(c->p));
        chart_series_set_name(ser, "完成进度");
        chart_cache(x, ser, t, i0, i1, SERIES_PROGRESS);
        chart_names(x, ser, t, i0, i1);
    }
    ser = chart_add_series(ch, NULL, NULL);
    if (ser) {
        chart_series_set_categories(ser, sheet, R(r0), C(c->name), R(r1), C(c->name));
        chart_series_set_values(ser, sheet, R(r0), C(c->tau), R(r1), C(c->tau));
        chart_series_set_name(ser, "时间进度");
        chart_cache(x, ser, t, i0, i1, SERIES_TIME);
        chart_names(x, ser, t, i0, i1);
    }
    memset(&axis_font, 0, sizeof axis_font);
    axis_font.size = CHART_FONT_PT;
    axis_font.name = (char *)FONT_BODY;
    memset(&title_font, 0, sizeof title_font);
    title_font.size = CHART_TITLE_PT;
    title_font.bold = LXW_TRUE;
    title_font.name = (char *)FONT_HEAD;
    chart_title_set_name(ch, title);
    chart_title_set_name_font(ch, &title_font);
    chart_axis_set_num_format(ch->x_axis, "0%");
    chart_axis_set_num_font(ch->x_axis, &axis_font);
    chart_axis_set_num_font(ch->y_axis, &axis_font);
    chart_axis_set_reverse(ch->y_axis);     /* first indicator on top, as in the table */
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_legend_set_font(ch, &axis_font);
    chart_axis_set_interval_unit(ch->y_axis, 1);   /* every indicator labelled */
    note_err(x, NULL, chartsheet_set_chart(cs, ch));
    chartsheet_set_landscape(cs);
    chartsheet_set_paper(cs, PAPER_A4);
    chartsheet_set_margins(cs, PE_XLSX_MARGIN_LR_IN, PE_XLSX_MARGIN_LR_IN, MARGIN_TB_IN,
                           MARGIN_TB_IN);
    memset(&hf, 0, sizeof hf);
    hf.margin = MARGIN_HF_IN;
    note_err(x, NULL, chartsheet_set_footer_opt(cs, FOOTER, &hf));
    note_err(x, NULL, chartsheet_set_header_opt(cs, x->m->draft ? HEADER_NAME HEADER_DRAFT
                                                                : HEADER_NAME, &hf));
}

/* 核心指标 or 量化目标: title, note line, header, one row per indicator, the
 * fill-in block; its chart follows on a chart sheet. */
static void indicator_sheet(xctx *x, const pe_indicator_table *t, const char *name)
{
    const pe_model *m = x->m;
    const size_t title_row = 0, sub_row = 1, head_row = 2, first = 3;
    xsheet s;
    icols c;
    size_t i, last = head_row;
    int opened;
    char buf[512];
    const char *words[PE_ST_COUNT + 1];

    icols_plan(t, &c);
    opened = sheet_open(x, &s, name, c.ncols);
    if (!opened)
        goto cleanup;
    s.nkey = c.unit + 1;
    s.force[c.y] = 1;               /* the results print apart from the inputs */
    for (i = c.py; i < c.ncols; i++)
        s.hidden[i] = 1;            /* the year before: only 较上年 reads them */
    sheet_cap(&s, c.jnote, TEXT_COL_WIDTH);
    sheet_min(&s, c.jnote, TEXT_COL_WIDTH / 2);
    sheet_min(&s, c.judge, 13.0);
    sheet_cap(&s, c.name, TEXT_COL_WIDTH);
    if (c.chapter != NOCOL)
        sheet_cap(&s, c.chapter, TEXT_COL_WIDTH / 2);
    if (c.dept != NOCOL)
        sheet_cap(&s, c.dept, TEXT_COL_WIDTH / 2);
    sheet_cap(&s, c.remark, REMARK_COL_WIDTH);
    sheet_min(&s, c.remark, TEXT_COL_WIDTH / 2);
    sheet_cap(&s, c.source, SOURCE_COL_WIDTH);
    sheet_min(&s, c.source, SOURCE_COL_WIDTH);
    sheet_cap(&s, c.check, CHECK_COL_WIDTH);
    sheet_min(&s, c.check, CHECK_COL_WIDTH);
    if (c.evnote != NOCOL)
        sheet_cap(&s, c.evnote, REMARK_COL_WIDTH);

    put_title(x, &s, title_row, t->title ? t->title : name);
    if (m->data_year > 0)
        snprintf(buf, sizeof buf, "基期%d年，目标年%d年，数据截至%d年。请在浅黄色单元格中填报，填报要求见“%s”工作表；进度与状态按公式自动测算。",
                 m->base_year, m->target_year, m->data_year, SHEET_README);
    else
        snprintf(buf, sizeof buf, "基期%d年，目标年%d年，尚无实际数据。请在浅黄色单元格中填报，填报要求见“%s”工作表。",
                 m->base_year, m->target_year, SHEET_README);
    put_span(x, &s, sub_row, 0, buf, x->f.subtitle, 0.0);
    indicator_header(x, &s, t, &c, head_row);
    for (i = 0; i < t->n; i++)
        indicator_row(x, &s, t, &c, &t->items[i], first + i);
    last = t->n > 0 ? first + t->n - 1 : head_row;
    if (t->n > 0) {
        validate_text(x, &s, first, c.source, last, c.source, "数据来源",
                      "填写数据出处，如统计年鉴、统计公报、部门统计报表。");
        validate_text(x, &s, first, c.remark, last, c.remark, "备注",
                      "填写口径变化、数据说明等，不超过255个字。");
        judgement_words(words);
        validate_list(x, &s, first, c.judge, last, c.judge, words, "评估结论",
                      "一般留空（按公式测算）。确需调整时从列表中选择状态，并在“研判说明”中写明理由。");
        validate_text(x, &s, first, c.jnote, last, c.jnote, "研判说明",
                      "评估结论与测算状态不同时，写明理由，不超过255个字。");
        check_fills(x, &s, first, last, c.check, c.year0, t->nyears);
    }
    fill_in_block(x, &s, last + 2, s.nkey, t->key);
    s.print_title = strdup(t->title ? t->title : name);
    s.body_first = head_row;
    s.last_row = last + 2 + FILL_IN_ROWS - 1;
    s.tail_row = t->n > KEEP_WITH_TAIL ? last + 1 : 0;
    if (!s.print_title)
        x->oom = 1;

    worksheet_freeze_panes(s.ws, R(first), C(c.name + 1));
    note_err(x, &s, worksheet_autofilter(s.ws, R(head_row), 0, R(last), C(c.ncols - 1)));
    if (t->n > 0) {
        status_colours(x, &s, first, last, c.status);
        status_colours(x, &s, first, last, c.cstatus);
    }
    sheet_print_rows(&s, head_row, head_row);
cleanup:
    sheet_close(x, &s);
    /* more bars than CHART_MAX_ITEMS cannot be read: the table carries them */
    for (i = 0; opened && !x->oom && i < chart_sheets(t); i++) {
        snprintf(buf, sizeof buf, "%s完成进度与时间进度%s", name, i > 0 ? "（续）" : "");
        indicator_chart(x, name, t, &c, first, i, buf);
    }
}

/* ---- 县区目标 ---- */

/* 完成率 and 状态 of one county row, or of the 合计 row. */
static void county_rate_cells(xctx *x, xsheet *s, const pe_xlsx_county_row *cr, size_t c_state,
                              int has_rate, double rate, pe_state st)
{
    char txt[64];

    fb_reset(x);
    pe_xlsx_f_county_rate(&x->fb, cr);
    if (has_rate) {
        pe_percent_format(rate, txt, sizeof txt);
        put_fnum(x, s, cr->row, cr->col_rate, rate, txt, x->f.pct);
    } else {
        put_fstr(x, s, cr->row, cr->col_rate, "", x->f.pct);
    }
    fb_reset(x);
    pe_xlsx_f_county_status(&x->fb, cr);
    put_fstr(x, s, cr->row, c_state, pe_state_name(st), x->f.status);
}

/* The county formula builders' view of row `row` (county rows r1..r2). */
static void county_refs(pe_xlsx_county_row *cr, size_t row, size_t r1, size_t r2, size_t c_t0,
                        size_t c_a0, size_t ny, size_t c_tot, int total_row)
{
    memset(cr, 0, sizeof *cr);
    cr->row = (unsigned)row;
    cr->r1 = (unsigned)r1;
    cr->r2 = (unsigned)r2;
    cr->col_t0 = (unsigned)c_t0;
    cr->col_a0 = (unsigned)c_a0;
    cr->ncols_years = (unsigned)ny;
    cr->col_total = (unsigned)c_tot;
    cr->col_cum_t = (unsigned)(c_tot + 1);
    cr->col_cum_a = (unsigned)(c_tot + 2);
    cr->col_rate = (unsigned)(c_tot + 3);
    cr->total_row = total_row;
}

/* The 合计 row of the county sheet, below county rows first..total_row−1. */
static void county_total_row(xctx *x, xsheet *sp, size_t first, size_t total_row, size_t ny,
                             size_t c_state)
{
    const pe_county_table *t = &x->m->counties;
    const int dec = clamp_dec(t->decimals);
    lxw_format *numt = x->f.num_total[dec];
    const size_t c_t0 = 1, c_a0 = 1 + ny, c_tot = 1 + 2 * ny, c_cum_t = c_tot + 1;
    pe_xlsx_county_row cr;
    char txt[64], a[8];
    size_t j;

    put_text(x, sp, total_row, 0, "合计", x->f.total_label);
    for (j = 0; j < ny + ny + 3; j++) {
        size_t col = 1 + j;
        double v;
        int has = 1;
        pe_xlsx_col_name((unsigned)col, a);
        fb_reset(x);
        if (j < ny) {
            v = t->year_target[j];
            pe_buf_printf(&x->fb, "=SUM(%s%zu:%s%zu)", a, first + 1, a, total_row);
        } else if (j < 2 * ny) {
            v = t->year_actual[j - ny];
            has = t->year_has_actual[j - ny];
            pe_buf_printf(&x->fb, "=IF(COUNT(%s%zu:%s%zu)=0,\"\",SUM(%s%zu:%s%zu))", a,
                          first + 1, a, total_row, a, first + 1, a, total_row);
        } else if (col == c_tot) {
            v = t->total_target;
            pe_buf_printf(&x->fb, "=SUM(%s%zu:%s%zu)", a, first + 1, a, total_row);
        } else if (col == c_cum_t) {
            v = t->cum_target;
            pe_buf_printf(&x->fb, "=SUM(%s%zu:%s%zu)", a, first + 1, a, total_row);
        } else {
            v = t->cum_actual;
            pe_buf_printf(&x->fb, "=SUM(%s%zu:%s%zu)", a, first + 1, a, total_row);
        }
        if (has) {
            pe_number_format(v, dec, txt, sizeof txt);
            put_fnum(x, sp, total_row, col, v, txt, numt);
        } else {
            put_fstr(x, sp, total_row, col, "", numt);
        }
    }
    county_refs(&cr, total_row, first, total_row - 1, c_t0, c_a0, ny, c_tot, 1);
    county_rate_cells(x, sp, &cr, c_state, t->has_rate, t->rate, t->state);
}

/* The 数据检查 cell of a county row: text-typed or negative actuals. */
static void county_check(xctx *x, xsheet *s, size_t row, size_t c_a0, size_t c_check,
                         const pe_county *co)
{
    const pe_county_table *t = &x->m->counties;
    pe_xlsx_check_row cr;
    pe_buf cached;

    memset(&cr, 0, sizeof cr);
    cr.row = (unsigned)row;
    cr.col_year0 = (unsigned)c_a0;
    cr.col_base = PE_XLSX_NOCOL;
    cr.col_target = PE_XLSX_NOCOL;
    cr.years = t->years;
    cr.nyears = t->nyears;
    cr.base_year = x->m->base_year;
    cr.nonneg = 1;
    cr.col_scale = PE_XLSX_NOCOL;
    fb_reset(x);
    pe_xlsx_f_check(&x->fb, &cr);
    pe_buf_init(&cached);
    pe_buf_puts(&cached, "");
    if (!pe_xlsx_check_text(&cached, &cr, co->has_actual, co->actual, 0, 0.0, 0, 0.0, 0.0) ||
        cached.oom)
        x->oom = 1;
    else
        put_fstr(x, s, row, c_check, cached.s ? cached.s : "", x->f.check);
    pe_buf_release(&cached);
}

/* 县区目标: one row per county with targets and actuals per year, its totals,
 * completion rate and status, and a 合计 row. */
static void county_sheet(xctx *x)
{
    const pe_county_table *t = &x->m->counties;
    const int dec = clamp_dec(t->decimals);
    lxw_format *num = x->f.num[dec];
    const size_t title_row = 0, sub_row = 1, h1 = 2, h2 = 3, first = 4;
    size_t ny = t->nyears, c_t0 = 1, c_a0 = 1 + ny, c_tot = 1 + 2 * ny, c_cum_t = c_tot + 1,
           c_cum_a = c_tot + 2, c_state = c_tot + 4, c_check = c_tot + 5, ncols = c_tot + 6;
    size_t i, j, row, last, total_row;
    xsheet s;
    pe_xlsx_county_row cr;
    char buf[256], txt[64], a[8], b[8];

    if (!sheet_open(x, &s, SHEET_COUNTIES, ncols))
        goto cleanup;

    s.nkey = 1;
    sheet_cap(&s, c_check, CHECK_COL_WIDTH);
    sheet_min(&s, c_check, CHECK_COL_WIDTH);
    put_title(x, &s, title_row, t->title ? t->title : SHEET_COUNTIES);
    snprintf(buf, sizeof buf, "指标：%s　　单位：%s。请在浅黄色单元格中填报各县区各年完成值。",
             t->measure ? t->measure : "", t->unit ? t->unit : "");
    put_span(x, &s, sub_row, 0, buf, x->f.subtitle, 0.0);

    put_merged_rows(x, &s, h1, 0, h2, 0, "县区", x->f.header);
    track(&s, h1, 0, "县区", 1, 0);
    if (ny > 0) {
        put_merged(x, &s, h1, c_t0, c_t0 + ny - 1, "目标", x->f.header);
        put_merged(x, &s, h1, c_a0, c_a0 + ny - 1, "完成", x->f.header);
    }
    for (j = 0; j < ny; j++) {
        snprintf(buf, sizeof buf, "%d年", t->years[j]);
        put_text(x, &s, h2, c_t0 + j, buf, x->f.header);
        put_text(x, &s, h2, c_a0 + j, buf, x->f.header);
    }
    {
        static const char *tail[] = { "目标合计", "累计目标", "累计完成", "完成率", "状态",
                                      "数据检查" };
        for (j = 0; j < 6; j++) {
            put_merged_rows(x, &s, h1, c_tot + j, h2, c_tot + j, tail[j], x->f.header);
            track(&s, h1, c_tot + j, tail[j], 1, 0);
        }
    }

    for (i = 0; i < t->n; i++) {
        const pe_county *co = &t->items[i];
        row = first + i;
        put_text(x, &s, row, 0, co->name, x->f.text);
        id_locked_text(x, &s, row, 0, co->name);
        for (j = 0; j < ny; j++) {
            if (co->has_target[j]) {
                put_number(x, &s, row, c_t0 + j, co->target[j], dec, num);
                id_locked_number(x, &s, row, c_t0 + j, co->target[j]);
            } else {
                put_blank(x, &s, row, c_t0 + j, num);
                id_locked_text(x, &s, row, c_t0 + j, NULL);
            }
            if (co->has_actual[j])
                put_number(x, &s, row, c_a0 + j, co->actual[j], dec, x->f.in_num[dec]);
            else
                put_blank(x, &s, row, c_a0 + j, x->f.in_num[dec]);
            id_input(x, &s, row, c_a0 + j, PE_ID_COUNTY_ACTUAL, "counties", co->name, t->years[j],
                     NULL);
        }
        county_refs(&cr, row, row, row, c_t0, c_a0, ny, c_tot, 0);
        pe_xlsx_col_name((unsigned)c_t0, a);
        pe_xlsx_col_name((unsigned)(c_t0 + (ny ? ny - 1 : 0)), b);
        fb_reset(x);
        pe_buf_printf(&x->fb, "=SUM(%s%zu:%s%zu)", a, row + 1, b, row + 1);
        pe_number_format(co->total_target, dec, txt, sizeof txt);
        put_fnum(x, &s, row, c_tot, co->total_target, txt, num);

        fb_reset(x);
        pe_xlsx_f_county_cum_target(&x->fb, &cr);
        pe_number_format(co->cum_target, dec, txt, sizeof txt);
        put_fnum(x, &s, row, c_cum_t, co->cum_target, txt, num);

        pe_xlsx_col_name((unsigned)c_a0, a);
        pe_xlsx_col_name((unsigned)(c_a0 + (ny ? ny - 1 : 0)), b);
        fb_reset(x);
        pe_buf_printf(&x->fb, "=SUM(%s%zu:%s%zu)", a, row + 1, b, row + 1);
        pe_number_format(co->cum_actual, dec, txt, sizeof txt);
        put_fnum(x, &s, row, c_cum_a, co->cum_actual, txt, num);

        county_rate_cells(x, &s, &cr, c_state, co->has_rate, co->rate, co->state);
    }

    /* 合计 row: column sums over the counties (none without counties: its
     * sums would include itself). */
    total_row = first + t->n;
    if (t->n > 0)
        county_total_row(x, &s, first, total_row, ny, c_state);
    last = t->n > 0 ? first + t->n - 1 : h2;
    for (i = 0; i < t->n; i++)
        county_check(x, &s, first + i, c_a0, c_check, &t->items[i]);
    if (t->n > 0 && ny > 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "填写该县区当年完成值（单位：%s），只填数字，不能为负数。",
                 t->unit ? t->unit : "—");
        validate_number(x, &s, first, c_a0, first + t->n - 1, c_a0 + ny - 1, 0.0, HUGE_VAL,
                        "填写完成值", msg, "请填写不小于 0 的数字。");
        check_fills(x, &s, first, first + t->n - 1, c_check, c_a0, ny);
    }
    fill_in_block(x, &s, (t->n > 0 ? total_row : last) + 2, s.nkey, NULL);
    s.print_title = strdup(t->title ? t->title : SHEET_COUNTIES);
    s.body_first = h1;
    s.last_row = (t->n > 0 ? total_row : last) + 2 + FILL_IN_ROWS - 1;
    s.tail_row = t->n > KEEP_WITH_TAIL ? (t->n > 0 ? total_row : last + 1) : 0;
    if (!s.print_title)
        x->oom = 1;
    worksheet_freeze_panes(s.ws, R(first), 1);
    note_err(x, &s, worksheet_autofilter(s.ws, R(h2), 0, R(last), C(ncols - 1)));
    if (t->n > 0)
        status_colours(x, &s, first, total_row, c_state);
    sheet_print_rows(&s, h1, h2);
cleanup:
    sheet_close(x, &s);
}

/* ---- 附件N ---- */

/* The text of an annex cell, NULL when empty. */
static const char *cell_text(const pe_annex *a, size_t r, size_t c)
{
    const char *t = a->rows[r][c].text;
    return t && *t ? t : NULL;
}

static int same_text(const char *p, const char *q)
{
    return p && q && strcmp(p, q) == 0;
}

/* Row r starts a new group in merge column c: its value differs from the row
 * above, or an earlier merge column starts a group there. */
static int group_starts(const pe_annex *a, size_t r, size_t c)
{
    size_t k;
    if (r == 0)
        return 1;
    for (k = 0; k <= c; k++)
        if (a->is_merge[k] && !a->is_total[k] &&
            !same_text(cell_text(a, r, k), cell_text(a, r - 1, k)))
            return 1;
    return 0;
}

/* A column whose every cell is short (序号, 级别 …) reads better centred. */
static int annex_narrow(const pe_annex *a, size_t c)
{
    size_t r;
    for (r = 0; r < a->nrows; r++)
        if (pe_xlsx_text_width(cell_text(a, r, c)) > NARROW_TEXT_WIDTH)
            return 0;
    return 1;
}

/* One data cell: a number in a 合计 column (so the SUM sees it), else text. */
static void annex_cell(xctx *x, xsheet *s, const pe_annex *a, size_t r, size_t c, size_t row,
                       int narrow)
{
    const char *t = cell_text(a, r, c);
    double v;
    int dec = 0;

    if (t && a->is_total[c] && pe_number_parse(t, &v, &dec) == PE_NUM_OK) {
        int td = a->total_decimals ? a->total_decimals[c] : dec;
        put_number(x, s, row, c, v, td, x->f.num[clamp_dec(td)]);
    } else {
        put_text(x, s, row, c, t, narrow ? x->f.center : x->f.text);
    }
}

/* 附件N: label, title, 单位 line, the CSV as text (merge columns merged over
 * equal neighbours, total columns as numbers), a 合计 row of SUMs, the note. */
static void annex_sheet(xctx *x, const pe_annex *a)
{
    const size_t label_row = 0, title_row = 1, unit_row = 2, head_row = 3, first = 4;
    size_t ncols = a->ncols ? a->ncols : 1, r, c, last, row;
    int any_total = 0, *narrow = NULL;
    xsheet s;
    char name[32], buf[256];

    snprintf(name, sizeof name, "附件%d", a->number);
    if (!sheet_open(x, &s, name, ncols))
        goto cleanup;
    narrow = calloc(ncols, sizeof *narrow);
    if (!narrow) {
        x->oom = 1;
        goto cleanup;
    }
    s.fit = 1;
    s.nkey = 1;
    for (c = 0; c < ncols; c++) {
        sheet_cap(&s, c, ANNEX_COL_WIDTH);
        narrow[c] = c < a->ncols && annex_narrow(a, c);
        s.shrink[c] = !narrow[c] && !(c < a->ncols && a->is_total[c]);
    }

    /* the label overflows into the next cells: it neither widens nor wraps column A */
    put_string(x, &s, label_row, 0, name, x->f.label);
    put_title(x, &s, title_row, a->title ? a->title : name);
    if (a->unit) {
        snprintf(buf, sizeof buf, "单位：%s", a->unit);
        put_span(x, &s, unit_row, 0, buf, x->f.unit_line, 0.0);
    }
    for (c = 0; c < a->ncols; c++)
        put_text(x, &s, head_row, c, a->header[c], x->f.header);

    /* group columns repeat their value on every row (filtering keeps it);
     * the group shows by its top rule and the greyed repeats */
    for (r = 0; r < a->nrows; r++) {
        row = first + r;
        for (c = 0; c < a->ncols; c++) {
            if (!a->is_merge[c] || a->is_total[c]) {
                annex_cell(x, &s, a, r, c, row, narrow[c]);
                continue;
            }
            put_text(x, &s, row, c, cell_text(a, r, c),
                     x->f.group[group_starts(a, r, c)][r + 1 == a->nrows]);
        }
    }
    last = a->nrows > 0 ? first + a->nrows - 1 : head_row;
    row = last + 1;

    for (c = 0; c < a->ncols; c++)
        any_total |= a->is_total[c];
    if (any_total && a->nrows > 0) {
        size_t first_total = 0;
        while (!a->is_total[first_total])
            first_total++;
        if (first_total > 0)
            put_text(x, &s, row, 0, "合计", x->f.total_label);
        for (c = 1; c < first_total; c++)
            put_blank(x, &s, row, c, x->f.text);
        for (c = first_total > 0 ? first_total : 0; c < a->ncols; c++) {
            char col[8], txt[64];
            int td;
            if (!a->is_total[c]) {
                put_blank(x, &s, row, c, x->f.text);
                continue;
            }
            td = clamp_dec(a->total_decimals ? a->total_decimals[c] : 0);
            pe_xlsx_col_name((unsigned)c, col);
            fb_reset(x);
            pe_buf_printf(&x->fb, "=SUM(%s%zu:%s%zu)", col, first + 1, col, last + 1);
            pe_number_format(a->total[c], td, txt, sizeof txt);
            put_fnum(x, &s, row, c, a->total[c], txt, x->f.num_total[td]);
        }
        row++;
    }
    if (a->note) {
        fb_reset(x);
        pe_buf_puts(&x->fb, "注：");
        pe_buf_puts(&x->fb, a->note);
        if (x->fb.oom)
            x->oom = 1;
        else
            put_span(x, &s, row, 0, x->fb.s, x->f.subtitle, 0.0);
    }
    s.last_row = a->note ? row : row - 1;
    if (a->nrows > KEEP_WITH_TAIL && s.last_row > last)
        s.tail_row = last + 1;

    worksheet_freeze_panes(s.ws, R(first), 0);
    note_err(x, &s, worksheet_autofilter(s.ws, R(head_row), 0, R(last), C(ncols - 1)));
    sheet_print_rows(&s, head_row, head_row);
cleanup:
    free(narrow);
    sheet_close(x, &s);
}

/* ---- workbook ---- */

/* [targets] is optional; its sheet exists when the section named a file. */
static int has_targets(const pe_model *m)
{
    return m->targets.file != NULL;
}

/* Collects the sheet names in order; returns how many (at most cap). */
static size_t sheet_names(const pe_model *m, char (*names)[64], size_t cap)
{
    size_t n = 0, i;
    if (n < cap)
        snprintf(names[n++], 64, "%s", SHEET_README);
    if (n < cap)
        snprintf(names[n++], 64, "%s", SHEET_INDICATORS);
    for (i = 0; i < chart_sheets(&m->indicators) && n < cap; i++, n++)
        chart_sheet_name(SHEET_INDICATORS, i, names[n], 64);
    if (has_targets(m) && n < cap)
        snprintf(names[n++], 64, "%s", SHEET_TARGETS);
    for (i = 0; has_targets(m) && i < chart_sheets(&m->targets) && n < cap; i++, n++)
        chart_sheet_name(SHEET_TARGETS, i, names[n], 64);
    if (m->counties.present && n < cap)
        snprintf(names[n++], 64, "%s", SHEET_COUNTIES);
    for (i = 0; i < m->nannexes && n < cap; i++)
        snprintf(names[n++], 64, "附件%d", m->annexes[i].number);
    return n;
}

static pe_src src_at(const char *file, int line, int col)
{
    pe_src at;
    at.file = file;
    at.line = line;
    at.col = col;
    return at;
}

/* Records an error at `at` when s is longer than one cell can hold. */
static void check_text(const char *s, pe_src at, const char *what, pe_diags *d, int *bad)
{
    if (s && pe_utf8_len(s) > CELL_TEXT_MAX) {
        pe_error(d, at, "%s超过 Excel 单元格上限 %d 个字符，请缩短", what, CELL_TEXT_MAX);
        *bad = 1;
    }
}

/* Limits of an indicator sheet: year columns, rows, cell texts. */
static void check_table(const pe_indicator_table *t, pe_diags *d, int *bad)
{
    size_t i;
    if (t->nyears > PE_XLSX_MAX_YEARS) {
        pe_error(d, src_at(t->file, 1, 0),
                 "年份列有 %zu 个，超过工作簿公式可处理的 %d 个，请删去多余的年份列",
                 t->nyears, PE_XLSX_MAX_YEARS);
        *bad = 1;
    }
    if (t->n + 3 >= LXW_ROW_MAX) {
        pe_error(d, src_at(t->file, 0, 0), "共 %zu 行，超过 Excel 工作表的行数上限", t->n);
        *bad = 1;
    }
    for (i = 0; i < t->n; i++) {
        const pe_indicator *ind = &t->items[i];
        check_text(ind->name, ind->src, "指标名称", d, bad);
        check_text(ind->chapter, ind->src, "章节", d, bad);
        check_text(ind->dept, ind->src, "牵头部门", d, bad);
        check_text(ind->note, ind->src, "备注", d, bad);
    }
}

pe_status pe_xlsx_check(const pe_model *m, pe_diags *d)
{
    const size_t cap = m->nannexes + 4 + CHART_MAX_ITEMS / CHART_PAGE_ITEMS * 2 + 2;
    char (*names)[64] = malloc(cap * sizeof *names);
    size_t n, i, j, k;
    int bad = 0;
    pe_src ini = src_at(m->ini_path, 0, 0);

    if (!names)
        return PE_ERR_NOMEM;
    n = sheet_names(m, names, cap);
    for (i = 0; i < n; i++) {
        const char *why = pe_xlsx_sheet_name_problem(names[i]);
        if (why) {
            pe_error(d, ini, "工作表名称“%s”无效：%s", names[i], why);
            bad = 1;
        }
        for (j = 0; j < i; j++)
            if (strcasecmp(names[i], names[j]) == 0) {
                pe_error(d, ini, "工作表名称“%s”重复：请检查附件编号是否重复", names[i]);
                bad = 1;
            }
    }
    free(names);

    check_table(&m->indicators, d, &bad);
    if (has_targets(m))
        check_table(&m->targets, d, &bad);
    if (m->counties.present && m->counties.n + 5 >= LXW_ROW_MAX) {
        pe_error(d, src_at(m->counties.file, 0, 0), "县区行数超过 Excel 工作表的行数上限");
        bad = 1;
    }
    if (m->counties.present && 2 * m->counties.nyears + 6 > LXW_COL_MAX) {
        pe_error(d, src_at(m->counties.file, 0, 0), "年份过多，超过 Excel 工作表的列数上限");
        bad = 1;
    }
    for (i = 0; i < m->nannexes; i++) {
        const pe_annex *a = &m->annexes[i];
        if (a->ncols > LXW_COL_MAX) {
            pe_error(d, src_at(a->file, 1, 0), "共 %zu 列，超过 Excel 工作表的列数上限 %d",
                     a->ncols, LXW_COL_MAX);
            bad = 1;
        }
        if (a->nrows + 6 >= LXW_ROW_MAX) {
            pe_error(d, src_at(a->file, 0, 0), "共 %zu 行，超过 Excel 工作表的行数上限",
                     a->nrows);
            bad = 1;
        }
        for (k = 0; k < a->ncols; k++)
            check_text(a->header[k], a->header_src ? a->header_src[k] : src_at(a->file, 1, 0),
                       "表头", d, &bad);
        for (j = 0; j < a->nrows; j++)
            for (k = 0; k < a->ncols; k++)
                check_text(a->rows[j][k].text,
                           src_at(a->file, a->rows[j][k].line, a->rows[j][k].col), "单元格内容",
                           d, &bad);
        check_text(a->note, src_at(m->ini_path, 0, 0), "附件注释", d, &bad);
    }
    return bad ? PE_ERR_INPUT : PE_OK;
}

/* Seconds since the epoch of the report date at 00:00 UTC; 0 if unset. */
static long long report_date_epoch(const pe_model *m)
{
    struct tm tm;
    if (m->year <= 1970 || m->month < 1 || m->day < 1)
        return 0;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = m->year - 1900;
    tm.tm_mon = m->month - 1;
    tm.tm_mday = m->day;
    return (long long)timegm(&tm);
}

/* Title, author = issuer, created = `timestamp` (else the report date): a
 * fixed created time is what makes the bytes reproducible. */
static void set_properties(xctx *x, long long timestamp)
{
    const pe_model *m = x->m;
    lxw_doc_properties p;

    if (timestamp <= 0)
        timestamp = report_date_epoch(m);
    if (timestamp <= 0)
        timestamp = 1;          /* never 0: libxlsxwriter would use the clock */
    memset(&p, 0, sizeof p);
    p.title = (char *)m->title;
    p.subject = (char *)"中期评估支撑表格";
    p.author = (char *)m->issuer;
    p.company = (char *)m->issuer;
    p.comments = (char *)"由 planeval 生成；进度、状态与合计为公式，修改数据后自动重算。";
    p.status = m->draft ? (char *)"样稿" : NULL;
    p.created = (time_t)timestamp;
    note_err(x, NULL, workbook_set_properties(x->wb, &p));
}

/* Builds every sheet into x->wb. */
static void build(xctx *x, long long timestamp)
{
    const pe_model *m = x->m;
    readme_rows rr;
    size_t i;

    memset(&rr, 0, sizeof rr);
    set_properties(x, timestamp);
    if (!formats_init(x))
        return;
    readme_write(x, &rr);
    define_names(x, &rr);
    indicator_sheet(x, &m->indicators, SHEET_INDICATORS);
    if (has_targets(m))
        indicator_sheet(x, &m->targets, SHEET_TARGETS);
    if (m->counties.present)
        county_sheet(x);
    for (i = 0; i < m->nannexes; i++)
        annex_sheet(x, &m->annexes[i]);
    /* last: a hidden sheet must not be the first */
    if (x->id && !x->oom)
        note_err(x, NULL, pe_ident_write(x->id, x->wb));
}

pe_status pe_xlsx_write_file(const pe_model *m, const char *file, const char *shown,
                             long long timestamp, pe_diags *d, pe_xlsx_result *res)
{
    pe_status st = PE_ERR_IO;
    pe_src at = { shown, 0, 0 };
    lxw_workbook_options opt;
    lxw_error e;
    xctx x;

    memset(&x, 0, sizeof x);
    x.m = m;
    pe_buf_init(&x.fb);
    if (res)
        memset(res, 0, sizeof *res);

    if (pe_xlsx_check(m, d) != PE_OK) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    memset(&opt, 0, sizeof opt);
    opt.constant_memory = LXW_TRUE;     /* rows written in order: sheet_close */
    x.wb = workbook_new_opt(file, &opt);
    if (!x.wb) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    /* the shared workbook holds every department; the year collected is
     * eval_year (as pe_collect_year) */
    x.id = pe_ident_new(m, NULL, m->eval_year);
    if (!x.id) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    build(&x, timestamp);
    if (x.oom || x.fb.oom) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    if (x.err != LXW_NO_ERROR) {
        if (x.err_where)
            pe_error(d, at, "生成工作表“%s”时出错：%s", x.err_where, lxw_strerror(x.err));
        else
            pe_error(d, at, "生成工作簿时出错：%s", lxw_strerror(x.err));
        goto cleanup;
    }
    e = workbook_close(x.wb);
    x.wb = NULL;
    if (e != LXW_NO_ERROR) {
        pe_error(d, at, "写入工作簿失败：%s", lxw_strerror(e));
        goto cleanup;
    }
    if (res)
        res->sheets = x.sheets;
    st = PE_OK;

cleanup:
    if (x.wb)
        lxw_workbook_free(x.wb);
    pe_buf_release(&x.fb);
    pe_ident_free(x.id);
    return st;
}

pe_status pe_xlsx_write(const pe_model *m, const char *path, long long timestamp,
                        pe_diags *d, pe_xlsx_result *res)
{
    pe_outfile out = { NULL, NULL };
    pe_status st = pe_outfile_begin(&out, path, d);

    if (st == PE_OK)
        st = pe_xlsx_write_file(m, out.tmp, path, timestamp, d, res);
    if (st == PE_OK)
        st = pe_outfile_commit(&out, d, res ? &res->bytes : NULL);
    pe_outfile_abort(&out);
    return st;
}
