/* xlsx.c — renders the evaluated model as an XLSX workbook with libxlsxwriter:
 * 说明, 核心指标, 量化目标, 县区目标 and 附件N sheets, live formulas whose cached
 * values are the model's figures, written via a temporary file renamed into place. */
#define _GNU_SOURCE
#include "pe_xlsx.h"
#include "pe_fields.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

/* ---- names and presentation constants ---- */

#define SHEET_README    "说明"
#define SHEET_INDICATORS "核心指标"
#define SHEET_TARGETS   "量化目标"
#define SHEET_COUNTIES  "县区目标"

#define FONT_BODY       "宋体"
#define FONT_HEAD       "黑体"
#define SIZE_BODY       11
#define SIZE_TITLE      16

#define MAX_DEC         9         /* pe_number_format clamps to the same */
#define PAPER_A4        9
#define FOOTER          "&C第 &P 页 共 &N 页"
#define HEADER_DRAFT    "&R样稿"

#define COLOR_HEADER_BG 0xD9D9D9

#define CHART_W_PX      640.0     /* libxlsxwriter's default chart is 480 × 288 px */
#define CHART_ROW_PX    22.0
#define CHART_MIN_H_PX  288.0
#define CHART_DEF_W_PX  480.0
#define CHART_DEF_H_PX  288.0
#define CHART_MAX_ITEMS 200       /* indicators one bar chart can still show */

#define CELL_TEXT_MAX   32767     /* Excel: characters in one cell */

#define HEADER_WIDTH_MAX 10.0     /* headers wrap rather than widen a number column */
#define TEXT_COL_WIDTH  30.0      /* names, departments, notes in a table */
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
    { PE_ST_NO_DATA,    0xEDEDED, 0x595959 },
};
#define NSTATUS_COLORS (sizeof status_colors / sizeof status_colors[0])

/* ---- rendering context ---- */

typedef struct {
    lxw_format *title, *subtitle, *unit_line, *label, *key, *plain, *section;
    lxw_format *header, *text, *center, *year, *pct, *status, *total_label;
    lxw_format *num[MAX_DEC + 1], *num_total[MAX_DEC + 1];
    lxw_format *status_fill[NSTATUS_COLORS];
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
    int oom;
} xctx;

/* A text cell that may wrap: its width decides its row's height once the
 * column widths are final. */
typedef struct {
    size_t row, col;
    double w;               /* pe_xlsx_text_width of its longest line */
    int nl;                 /* lines it has by itself (explicit newlines) */
} xwrap;

/* One worksheet being filled: the widest text seen per column, the width
 * each column may grow to, and the text cells whose rows may need height. */
typedef struct {
    lxw_worksheet *ws;
    const char *name;
    size_t ncols;
    double *width;
    double *cap;
    xwrap *wraps;
    size_t nwraps, capwraps;
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
    for (i = 0; i < NSTATUS_COLORS; i++) {
        f->status_fill[i] = workbook_add_format(x->wb);
        if (!f->status_fill[i])
            x->oom = 1;
    }
    if (x->oom)
        return 0;

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

/* Writes CSV or model text as a string (never a formula); NULL or "" is a blank. */
static void put_text(xctx *x, xsheet *s, size_t row, size_t col, const char *text,
                     lxw_format *f)
{
    lxw_error e;
    if (!text || !*text) {
        e = worksheet_write_blank(s->ws, R(row), C(col), f);
    } else {
        e = worksheet_write_string(s->ws, R(row), C(col), text, f);
        track(s, row, col, text, f == x->f.header, 1);
    }
    note_err(x, s, e);
}

static void put_number(xctx *x, xsheet *s, size_t row, size_t col, double v, int dec,
                       lxw_format *f)
{
    char txt[64];
    pe_number_format(v, clamp_dec(dec), txt, sizeof txt);
    track(s, row, col, txt, 0, 0);
    note_err(x, s, worksheet_write_number(s->ws, R(row), C(col), v, f));
}

static void put_blank(xctx *x, xsheet *s, size_t row, size_t col, lxw_format *f)
{
    note_err(x, s, worksheet_write_blank(s->ws, R(row), C(col), f));
}

/* Writes the formula in x->fb with a numeric cached value; `shown` is the
 * text the value displays as (for the column width). */
static void put_fnum(xctx *x, xsheet *s, size_t row, size_t col, double v,
                     const char *shown, lxw_format *f)
{
    if (x->fb.oom) {
        x->oom = 1;
        return;
    }
    track(s, row, col, shown, 0, 0);
    note_err(x, s, worksheet_write_formula_num(s->ws, R(row), C(col), x->fb.s, f, v));
}

static void put_fstr(xctx *x, xsheet *s, size_t row, size_t col, const char *v,
                     lxw_format *f)
{
    if (x->fb.oom) {
        x->oom = 1;
        return;
    }
    track(s, row, col, v, 0, 0);
    note_err(x, s, worksheet_write_formula_str(s->ws, R(row), C(col), x->fb.s, f, v));
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
    note_err(x, s, worksheet_merge_range(s->ws, R(row), C(c1), R(row), C(c2),
                                         text ? text : "", f));
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
    if (!s->width || !s->cap) {
        x->oom = 1;
        return 0;
    }
    for (c = 0; c < s->ncols; c++)
        s->cap[c] = PE_XLSX_WIDTH_MAX;
    x->sheets++;
    return 1;
}

/* Limits how wide column `col` may grow; longer text wraps. */
static void sheet_cap(xsheet *s, size_t col, double cap)
{
    if (s->cap && col < s->ncols)
        s->cap[col] = cap;
}

/* A4 landscape, one page wide, header rows repeated, page footer. */
static void sheet_page_setup(xctx *x, xsheet *s, size_t repeat_first, size_t repeat_last)
{
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, PAPER_A4);
    worksheet_fit_to_pages(s->ws, 1, 0);
    worksheet_center_horizontally(s->ws);
    worksheet_set_margins(s->ws, 0.5, 0.5, 0.75, 0.75);
    note_err(x, s, worksheet_set_footer(s->ws, FOOTER));
    if (x->m->draft)
        note_err(x, s, worksheet_set_header(s->ws, HEADER_DRAFT));
    if (repeat_last >= repeat_first)
        note_err(x, s, worksheet_repeat_rows(s->ws, R(repeat_first), R(repeat_last)));
}

/* Sets every column to the width its widest text needs (within its cap),
 * every row holding wrapped text to the height of its lines, and releases s. */
static void sheet_close(xctx *x, xsheet *s)
{
    size_t c, i, nrows = 0;
    int *lines = NULL;

    if (!s->ws || !s->width || !s->cap)
        goto cleanup;
    for (c = 0; c < s->ncols; c++) {
        if (s->width[c] <= 0)
            s->width[c] = PE_XLSX_WIDTH_MIN;
        if (s->width[c] > s->cap[c])
            s->width[c] = s->cap[c];
        note_err(x, s, worksheet_set_column(s->ws, C(c), C(c), s->width[c], NULL));
    }
    for (i = 0; i < s->nwraps; i++)
        if (s->wraps[i].row + 1 > nrows)
            nrows = s->wraps[i].row + 1;
    lines = calloc(nrows ? nrows : 1, sizeof *lines);
    if (!lines) {
        x->oom = 1;
        goto cleanup;
    }
    for (i = 0; i < s->nwraps; i++) {
        const xwrap *w = &s->wraps[i];
        int n = w->nl * pe_xlsx_wrap_lines(w->w, s->width[w->col]);
        if (n > lines[w->row])
            lines[w->row] = n;
    }
    for (i = 0; i < nrows; i++)
        if (lines[i] > 1)
            note_err(x, s, worksheet_set_row(s->ws, R(i), ROW_LINE_PT * lines[i], NULL));
cleanup:
    if (s->oom)
        x->oom = 1;
    free(lines);
    free(s->wraps);
    free(s->cap);
    free(s->width);
    s->wraps = NULL;
    s->cap = s->width = NULL;
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

/* The sheet's title line, merged over the table's width. */
static void put_title(xctx *x, xsheet *s, size_t row, size_t ncols, const char *title)
{
    put_merged(x, s, row, 0, ncols ? ncols - 1 : 0, title, x->f.title);
    note_err(x, s, worksheet_set_row(s->ws, R(row), 30, NULL));
}

/* ---- 说明 ---- */

typedef struct {
    size_t base_year, target_year, eval_year, ahead, on_track, at_risk;
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

static const char *const indicator_columns[][2] = {
    { "序号", "指标的编号（输入表 id 列）。" },
    { "章节", "规划文本中的章节（仅量化目标表）。" },
    { "指标名称 / 单位 / 类型 / 方向 / 属性", "来自输入表。类型：水平值或年均增长；方向：正向（越大越好）或逆向（越小越好）；属性：预期性或约束性。" },
    { "基期值、目标值、目标上限", "基期年的数值与目标年的目标；区间目标（如 2–3 家）按下限评估。年均增长类指标的目标值为年均增速（%）。" },
    { "各年份列", "各年实际值（年均增长类指标为当年增速 %），空白表示尚无数据。修改或填入数值后，右侧各列自动重算。" },
    { "数据年份 y", "有实际值的最近年份：从最后一个年份列向前找第一个数值。" },
    { "最新值 A", "数据年份 y 的实际值。" },
    { "累计增长系数 F", "年均增长类指标：基期后各年 (1 + 增速/100) 的连乘积。" },
    { "时间进度 τ", "(y − 基期年) ÷ (目标年 − 基期年)；尚无数据时按评估年计算。" },
    { "完成进度 p", "水平值：(A − 基期值) ÷ (目标值 − 基期值)；无基期值的正向指标：A ÷ 目标值；无基期值的逆向指标：已达到目标为 100%，否则目标值 ÷ A（A ≤ 0 时无法计算）；年均增长：ln F ÷ ((目标年 − 基期年) × ln(1 + 目标增速/100))。无法计算（如分母为零）时留空，原因见评估说明。" },
    { "进度比 ρ", "完成进度 ÷ 时间进度。" },
    { "状态", "无数据：暂无数据；已达到目标（正向 A ≥ 目标值，逆向 A ≤ 目标值；年均增长 p ≥ 100%，目标增速为 0 时看 F ≥ 1，逆向 F ≤ 1）：数据年份早于目标年为提前完成，否则已完成；其余按进度比与上方阈值比较：≥ 快于阈值为快于序时进度，≥ 符合阈值为符合序时进度，≥ 滞后阈值为滞后序时进度，否则（含进度比无法计算）为进展缓慢。" },
    { "尚需每年提高", "水平值指标未达到目标时，剩余每年需变化的量：(目标值 − A) ÷ (目标年 − y)，单位同指标（% 指标为百分点）。" },
    { "尚需年均增速（%）", "非 % 单位的水平值指标（A 与目标值均为正）：((目标值 ÷ A)^(1 ÷ (目标年 − y)) − 1) × 100；年均增长指标：(((1 + 目标增速/100)^(目标年 − 基期年) ÷ F)^(1 ÷ (目标年 − y)) − 1) × 100。已达到目标或已到目标年时留空。" },
    { "条形图", "表格右侧的条形图按指标显示完成进度与时间进度，随表中数据更新。" },
    { "评估说明", "无法计算某项数值时的原因（如目标值与基期值相同）。" },
};

/* 说明: report facts, the period and thresholds (the cells the defined names
 * point at; their rows go to rr), input files, and every column in words. */
static void readme_write(xctx *x, readme_rows *rr)
{
    const pe_model *m = x->m;
    xsheet s;
    size_t row = 0, i;
    char buf[256];

    if (!sheet_open(x, &s, SHEET_README, 3))
        goto cleanup;

    put_title(x, &s, row++, 3, m->title);
    snprintf(buf, sizeof buf, "本工作簿为中期评估报告的支撑表格%s。", m->draft ? "（样稿）" : "");
    put_merged(x, &s, row++, 0, 2, buf, x->f.subtitle);
    row++;
    put_text(x, &s, row, 0, "项目", x->f.header);
    put_text(x, &s, row, 1, "内容", x->f.header);
    put_text(x, &s, row, 2, "说明", x->f.header);
    row++;
    readme_pair(x, &s, &row, "报告标题", m->title, NULL);
    readme_pair(x, &s, &row, "发布单位", m->issuer, NULL);
    readme_pair(x, &s, &row, "评估日期", m->date_text, NULL);
    snprintf(buf, sizeof buf, "%d–%d年", m->base_year + 1, m->target_year);
    readme_pair(x, &s, &row, "规划期", buf, NULL);
    readme_num(x, &s, &row, "基期年", m->base_year, 0, "公式中的名称 " PE_XLSX_NAME_BASE_YEAR,
               &rr->base_year);
    readme_num(x, &s, &row, "目标年", m->target_year, 0,
               "公式中的名称 " PE_XLSX_NAME_TARGET_YEAR, &rr->target_year);
    readme_num(x, &s, &row, "评估年", m->eval_year, 0,
               "公式中的名称 " PE_XLSX_NAME_EVAL_YEAR "；尚无数据的指标按此计算时间进度",
               &rr->eval_year);
    if (m->data_year > 0) {
        snprintf(buf, sizeof buf, "%d年", m->data_year);
        readme_pair(x, &s, &row, "数据截至", buf, "各指标有实际值的最近年份");
    }
    readme_num(x, &s, &row, "快于序时进度阈值", m->ahead, any_threshold_dec(m->ahead),
               "进度比 ≥ 此值：快于序时进度（名称 " PE_XLSX_NAME_AHEAD "，可修改）", &rr->ahead);
    readme_num(x, &s, &row, "符合序时进度阈值", m->on_track, any_threshold_dec(m->on_track),
               "进度比 ≥ 此值：符合序时进度（名称 " PE_XLSX_NAME_ON_TRACK "，可修改）",
               &rr->on_track);
    readme_num(x, &s, &row, "滞后序时进度阈值", m->at_risk, any_threshold_dec(m->at_risk),
               "进度比 ≥ 此值：滞后序时进度，低于此值：进展缓慢（名称 " PE_XLSX_NAME_AT_RISK
               "，可修改）", &rr->at_risk);

    readme_section(x, &s, &row, "输入文件");
    readme_pair(x, &s, &row, "配置文件", m->ini_path, NULL);
    readme_pair(x, &s, &row, SHEET_INDICATORS, m->indicators.file, m->indicators.title);
    if (m->targets.file)
        readme_pair(x, &s, &row, SHEET_TARGETS, m->targets.file, m->targets.title);
    if (m->counties.present)
        readme_pair(x, &s, &row, SHEET_COUNTIES, m->counties.file, m->counties.title);
    for (i = 0; i < m->nannexes; i++) {
        snprintf(buf, sizeof buf, "附件%d", m->annexes[i].number);
        readme_pair(x, &s, &row, buf, m->annexes[i].file, m->annexes[i].title);
    }

    readme_section(x, &s, &row, "核心指标、量化目标工作表的各列");
    for (i = 0; i < sizeof indicator_columns / sizeof indicator_columns[0]; i++)
        readme_pair(x, &s, &row, indicator_columns[i][0], indicator_columns[i][1], NULL);

    if (m->counties.present) {
        readme_section(x, &s, &row, "县区目标工作表的各列");
        readme_pair(x, &s, &row, "目标 / 完成（各年份）", "各县区各年的目标与实际完成值；合计行为各县区之和。", NULL);
        readme_pair(x, &s, &row, "目标合计", "所有年份目标之和。", NULL);
        readme_pair(x, &s, &row, "累计目标", "有完成值的年份的目标之和。", NULL);
        readme_pair(x, &s, &row, "累计完成", "各年完成值之和。", NULL);
        readme_pair(x, &s, &row, "完成率", "累计完成 ÷ 累计目标；累计目标为零时留空。", NULL);
        readme_pair(x, &s, &row, "状态", "无完成值：暂无数据；累计完成达到目标合计：各有目标的年份都已有完成值为已完成，否则为提前完成；其余按完成率与上方阈值比较（完成率已按有数据年份的目标计算，本身即进度比）；累计目标为零时为暂无数据。", NULL);
    }
    if (m->nannexes > 0) {
        readme_section(x, &s, &row, "附件工作表");
        readme_pair(x, &s, &row, "各列", "与输入表相同；分组列的相同内容合并为一格。", NULL);
        readme_pair(x, &s, &row, "合计", "合计行为该列各行数值之和（SUM 公式）。", NULL);
    }
    readme_section(x, &s, &row, "使用提示");
    readme_pair(x, &s, &row, "修改数据", "在核心指标、量化目标、县区目标工作表中修改实际值，进度与状态自动更新；修改本表阈值，所有状态随之更新。", NULL);
    readme_pair(x, &s, &row, "文字内容", "输入表中的文字一律按文本写入，不作为公式执行。", NULL);

    sheet_page_setup(x, &s, 3, 3);
    worksheet_freeze_panes(s.ws, R(4), 0);
    /* 说明 reads as prose: the text columns wrap at a readable measure. */
    sheet_cap(&s, 1, README_TEXT_WIDTH);
    sheet_cap(&s, 2, README_NOTE_WIDTH);
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
}

/* ---- 核心指标 / 量化目标 ---- */

/* Column positions of an indicator sheet; NOCOL marks an absent column. */
typedef struct {
    size_t id, chapter, name, unit, kind, dir, nature, base, target, target_max, year0;
    size_t y, a, f, tau, p, rho, status, need_delta, need_rate, dept, note, evnote;
    size_t ncols;
} icols;

#define NOCOL ((size_t)-1)

/* Lays out an indicator sheet: optional columns only when some row uses them. */
static void icols_plan(const pe_indicator_table *t, icols *c)
{
    int chapter = 0, nature = 0, range = 0, growth = 0, dept = 0, note = 0, evnote = 0;
    size_t i, n = 0;

    for (i = 0; i < t->n; i++) {
        const pe_indicator *ind = &t->items[i];
        chapter |= ind->chapter != NULL;
        nature |= ind->nature != NULL;
        range |= ind->has_target_max;
        growth |= ind->kind == PE_KIND_GROWTH;
        dept |= ind->dept != NULL;
        note |= ind->note != NULL;
        evnote |= ind->ev.note != NULL;
    }
    c->id = n++;
    c->chapter = chapter ? n++ : NOCOL;
    c->name = n++;
    c->unit = n++;
    c->kind = n++;
    c->dir = n++;
    c->nature = nature ? n++ : NOCOL;
    c->base = n++;
    c->target = n++;
    c->target_max = range ? n++ : NOCOL;
    c->year0 = n;
    n += t->nyears;
    c->y = n++;
    c->a = n++;
    c->f = growth ? n++ : NOCOL;
    c->tau = n++;
    c->p = n++;
    c->rho = n++;
    c->status = n++;
    c->need_delta = n++;
    c->need_rate = n++;
    c->dept = dept ? n++ : NOCOL;
    c->note = note ? n++ : NOCOL;
    c->evnote = evnote ? n++ : NOCOL;
    c->ncols = n;
}

/* The header row of an indicator sheet, in the column order of icols_plan. */
static void indicator_header(xctx *x, xsheet *s, const pe_indicator_table *t,
                             const icols *c, size_t row)
{
    char buf[64];
    size_t j;
    lxw_format *h = x->f.header;

    put_text(x, s, row, c->id, "序号", h);
    if (c->chapter != NOCOL)
        put_text(x, s, row, c->chapter, "章节", h);
    put_text(x, s, row, c->name, "指标名称", h);
    put_text(x, s, row, c->unit, "单位", h);
    put_text(x, s, row, c->kind, "类型", h);
    put_text(x, s, row, c->dir, "方向", h);
    if (c->nature != NOCOL)
        put_text(x, s, row, c->nature, "属性", h);
    snprintf(buf, sizeof buf, "基期值（%d年）", x->m->base_year);
    put_text(x, s, row, c->base, buf, h);
    snprintf(buf, sizeof buf, "目标值（%d年）", x->m->target_year);
    put_text(x, s, row, c->target, buf, h);
    if (c->target_max != NOCOL)
        put_text(x, s, row, c->target_max, "目标上限", h);
    for (j = 0; j < t->nyears; j++) {
        snprintf(buf, sizeof buf, "%d年", t->years[j]);
        put_text(x, s, row, c->year0 + j, buf, h);
    }
    put_text(x, s, row, c->y, "数据年份", h);
    put_text(x, s, row, c->a, "最新值", h);
    if (c->f != NOCOL)
        put_text(x, s, row, c->f, "累计增长系数", h);
    put_text(x, s, row, c->tau, "时间进度", h);
    put_text(x, s, row, c->p, "完成进度", h);
    put_text(x, s, row, c->rho, "进度比", h);
    put_text(x, s, row, c->status, "状态", h);
    put_text(x, s, row, c->need_delta, "尚需每年提高", h);
    put_text(x, s, row, c->need_rate, "尚需年均增速（%）", h);
    if (c->dept != NOCOL)
        put_text(x, s, row, c->dept, "牵头部门", h);
    if (c->note != NOCOL)
        put_text(x, s, row, c->note, "备注", h);
    if (c->evnote != NOCOL)
        put_text(x, s, row, c->evnote, "评估说明", h);
}

/* Fills the formula builders' view of one indicator row of sheet layout c. */
static void row_refs(const pe_model *m, const pe_indicator_table *t, const icols *c,
                     const pe_indicator *ind, size_t row, pe_xlsx_row *r)
{
    memset(r, 0, sizeof *r);
    r->row = (unsigned)row;
    r->col_base = (unsigned)c->base;
    r->col_target = (unsigned)c->target;
    r->col_year0 = (unsigned)c->year0;
    r->years = t->years;
    r->nyears = t->nyears;
    r->base_year = m->base_year;
    r->col_y = (unsigned)c->y;
    r->col_a = (unsigned)c->a;
    r->col_f = c->f != NOCOL ? (unsigned)c->f : 0;
    r->col_tau = (unsigned)c->tau;
    r->col_p = (unsigned)c->p;
    r->col_rho = (unsigned)c->rho;
    r->kind = ind->kind;
    r->dir = ind->dir;
    r->has_base = ind->has_base;
    r->percent_unit = ind->unit && strcmp(ind->unit, "%") == 0;
}

/* One indicator: its inputs as values, every evaluated figure as a formula
 * cached with the model's value ("" where the model has none). */
static void indicator_row(xctx *x, xsheet *s, const pe_indicator_table *t, const icols *c,
                          const pe_indicator *ind, size_t row)
{
    const pe_eval *ev = &ind->ev;
    const int dec = clamp_dec(ind->decimals);
    const int need_dec = clamp_dec(dec + 1 > 2 ? dec + 1 : 2);   /* as pe_fmt_needed */
    lxw_format *num = x->f.num[dec];
    pe_xlsx_row r;
    char txt[64];
    size_t j;

    put_text(x, s, row, c->id, ind->id, x->f.center);
    if (c->chapter != NOCOL)
        put_text(x, s, row, c->chapter, ind->chapter, x->f.text);
    put_text(x, s, row, c->name, ind->name, x->f.text);
    put_text(x, s, row, c->unit, ind->unit, x->f.center);
    put_text(x, s, row, c->kind, ind->kind == PE_KIND_GROWTH ? "年均增长" : "水平值", x->f.center);
    put_text(x, s, row, c->dir, ind->dir == PE_DIR_DOWN ? "逆向" : "正向", x->f.center);
    if (c->nature != NOCOL)
        put_text(x, s, row, c->nature, ind->nature, x->f.center);
    if (ind->has_base)
        put_number(x, s, row, c->base, ind->base, dec, num);
    else
        put_text(x, s, row, c->base, "—", x->f.center);
    put_number(x, s, row, c->target, ind->target, dec, num);
    if (c->target_max != NOCOL) {
        if (ind->has_target_max)
            put_number(x, s, row, c->target_max, ind->target_max, dec, num);
        else
            put_blank(x, s, row, c->target_max, num);
    }
    for (j = 0; j < t->nyears; j++) {
        if (ind->has_value[j])
            put_number(x, s, row, c->year0 + j, ind->value[j], dec, num);
        else
            put_blank(x, s, row, c->year0 + j, num);
    }

    row_refs(x->m, t, c, ind, row, &r);

    fb_reset(x);
    pe_xlsx_f_latest_year(&x->fb, &r);
    if (ev->has_actual) {
        snprintf(txt, sizeof txt, "%d", ev->year);
        put_fnum(x, s, row, c->y, ev->year, txt, x->f.year);
    } else {
        put_fstr(x, s, row, c->y, "", x->f.year);
    }

    fb_reset(x);
    pe_xlsx_f_latest_actual(&x->fb, &r);
    if (ev->has_actual) {
        pe_fmt_value(ind, ev->actual, txt, sizeof txt);
        put_fnum(x, s, row, c->a, ev->actual, txt, num);
    } else {
        put_fstr(x, s, row, c->a, "", num);
    }

    if (c->f != NOCOL) {
        if (ind->kind == PE_KIND_GROWTH) {
            fb_reset(x);
            pe_xlsx_f_factor(&x->fb, &r);
            if (ev->has_actual) {
                pe_number_format(ev->cum_factor, 4, txt, sizeof txt);
                put_fnum(x, s, row, c->f, ev->cum_factor, txt, x->f.num[4]);
            } else {
                put_fstr(x, s, row, c->f, "", x->f.num[4]);
            }
        } else {
            put_text(x, s, row, c->f, "—", x->f.center);
        }
    }

    fb_reset(x);
    pe_xlsx_f_time_progress(&x->fb, &r);
    pe_percent_format(ev->time_progress, txt, sizeof txt);
    put_fnum(x, s, row, c->tau, ev->time_progress, txt, x->f.pct);

    fb_reset(x);
    pe_xlsx_f_progress(&x->fb, &r);
    if (ev->has_progress) {
        pe_percent_format(ev->progress, txt, sizeof txt);
        put_fnum(x, s, row, c->p, ev->progress, txt, x->f.pct);
    } else {
        put_fstr(x, s, row, c->p, "", x->f.pct);
    }

    fb_reset(x);
    pe_xlsx_f_ratio(&x->fb, &r);
    if (ev->has_ratio) {
        pe_percent_format(ev->ratio, txt, sizeof txt);
        put_fnum(x, s, row, c->rho, ev->ratio, txt, x->f.pct);
    } else {
        put_fstr(x, s, row, c->rho, "", x->f.pct);
    }

    fb_reset(x);
    pe_xlsx_f_status(&x->fb, &r);
    put_fstr(x, s, row, c->status, pe_state_name(ev->state), x->f.status);

    if (ind->kind == PE_KIND_LEVEL) {
        fb_reset(x);
        pe_xlsx_f_needed_delta(&x->fb, &r);
        if (ev->need == PE_NEED_LEVEL) {
            pe_number_format(ev->needed_delta, need_dec, txt, sizeof txt);
            put_fnum(x, s, row, c->need_delta, ev->needed_delta, txt, x->f.num[need_dec]);
        } else {
            put_fstr(x, s, row, c->need_delta, "", x->f.num[need_dec]);
        }
    } else {
        put_text(x, s, row, c->need_delta, "—", x->f.center);
    }

    if (ind->kind == PE_KIND_GROWTH || !r.percent_unit) {
        fb_reset(x);
        pe_xlsx_f_needed_rate(&x->fb, &r);
        if (ev->has_needed_rate) {
            pe_number_format(ev->needed_rate, 1, txt, sizeof txt);
            put_fnum(x, s, row, c->need_rate, ev->needed_rate, txt, x->f.num[1]);
        } else {
            put_fstr(x, s, row, c->need_rate, "", x->f.num[1]);
        }
    } else {
        put_text(x, s, row, c->need_rate, "—", x->f.center);
    }

    if (c->dept != NOCOL)
        put_text(x, s, row, c->dept, ind->dept, x->f.text);
    if (c->note != NOCOL)
        put_text(x, s, row, c->note, ind->note, x->f.text);
    if (c->evnote != NOCOL)
        put_text(x, s, row, c->evnote, ev->note, x->f.text);
}

/* Which figure of an indicator a chart series shows. */
typedef enum { SERIES_PROGRESS, SERIES_TIME } series_kind;

/* Fills a series' number cache with the model's figures. libxlsxwriter 1.1.4
 * caches 0 for formula cells, so a viewer that does not recalculate would
 * draw empty bars; with ignore_cache set it writes the points given here
 * (allocated with calloc; the library frees them with the chart). */
static void chart_cache(xctx *x, lxw_chart_series *ser, const pe_indicator_table *t,
                        series_kind kind)
{
    lxw_series_range *range = ser ? ser->values : NULL;
    size_t i;

    if (!range || !range->data_cache || t->n > UINT16_MAX)
        return;
    range->ignore_cache = LXW_TRUE;
    for (i = 0; i < t->n; i++) {
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

/* A bar chart of p and τ per indicator, placed right of the table. */
static void indicator_chart(xctx *x, xsheet *s, const pe_indicator_table *t, const icols *c,
                            size_t first, size_t last, const char *title)
{
    lxw_chart *ch;
    lxw_chart_series *ser;
    lxw_chart_options opt;
    double h;

    if (last < first)
        return;
    ch = workbook_add_chart(x->wb, LXW_CHART_BAR);
    if (!ch) {
        x->oom = 1;
        return;
    }
    ser = chart_add_series(ch, NULL, NULL);
    if (ser) {
        chart_series_set_categories(ser, s->name, R(first), C(c->name), R(last), C(c->name));
        chart_series_set_values(ser, s->name, R(first), C(c->p), R(last), C(c->p));
        chart_series_set_name(ser, "完成进度");
        chart_cache(x, ser, t, SERIES_PROGRESS);
    }
    ser = chart_add_series(ch, NULL, NULL);
    if (ser) {
        chart_series_set_categories(ser, s->name, R(first), C(c->name), R(last), C(c->name));
        chart_series_set_values(ser, s->name, R(first), C(c->tau), R(last), C(c->tau));
        chart_series_set_name(ser, "时间进度");
        chart_cache(x, ser, t, SERIES_TIME);
    }
    chart_title_set_name(ch, title);
    chart_axis_set_num_format(ch->x_axis, "0%");
    chart_axis_set_reverse(ch->y_axis);     /* first indicator on top, as in the table */
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);

    h = CHART_ROW_PX * (double)(t->n * 2) + 120.0;
    if (h < CHART_MIN_H_PX)
        h = CHART_MIN_H_PX;
    memset(&opt, 0, sizeof opt);
    opt.x_scale = CHART_W_PX / CHART_DEF_W_PX;
    opt.y_scale = h / CHART_DEF_H_PX;
    opt.object_position = LXW_OBJECT_MOVE_DONT_SIZE;
    opt.description = (char *)title;
    note_err(x, s, worksheet_insert_chart_opt(s->ws, R(first - 1), C(c->ncols + 1), ch, &opt));
}

/* 核心指标 or 量化目标: title, note line, header, one row per indicator, chart. */
static void indicator_sheet(xctx *x, const pe_indicator_table *t, const char *name)
{
    const pe_model *m = x->m;
    const size_t title_row = 0, sub_row = 1, head_row = 2, first = 3;
    xsheet s;
    icols c;
    size_t i, last;
    char buf[512];

    icols_plan(t, &c);
    if (!sheet_open(x, &s, name, c.ncols))
        goto cleanup;
    sheet_cap(&s, c.name, TEXT_COL_WIDTH);
    if (c.chapter != NOCOL)
        sheet_cap(&s, c.chapter, TEXT_COL_WIDTH / 2);
    if (c.dept != NOCOL)
        sheet_cap(&s, c.dept, TEXT_COL_WIDTH / 2);
    if (c.note != NOCOL)
        sheet_cap(&s, c.note, TEXT_COL_WIDTH);
    if (c.evnote != NOCOL)
        sheet_cap(&s, c.evnote, TEXT_COL_WIDTH);

    put_title(x, &s, title_row, c.ncols, t->title ? t->title : name);
    if (m->data_year > 0)
        snprintf(buf, sizeof buf, "基期%d年，目标年%d年，数据截至%d年。进度阈值见“说明”工作表，可修改；修改各年实际值后进度与状态自动重算。",
                 m->base_year, m->target_year, m->data_year);
    else
        snprintf(buf, sizeof buf, "基期%d年，目标年%d年，尚无实际数据。进度阈值见“说明”工作表。",
                 m->base_year, m->target_year);
    put_merged(x, &s, sub_row, 0, c.ncols - 1, buf, x->f.subtitle);
    indicator_header(x, &s, t, &c, head_row);
    for (i = 0; i < t->n; i++)
        indicator_row(x, &s, t, &c, &t->items[i], first + i);
    last = t->n > 0 ? first + t->n - 1 : head_row;

    worksheet_freeze_panes(s.ws, R(first), C(c.name + 1));
    note_err(x, &s, worksheet_autofilter(s.ws, R(head_row), 0, R(last), C(c.ncols - 1)));
    if (t->n > 0)
        status_colours(x, &s, first, last, c.status);
    sheet_page_setup(x, &s, head_row, head_row);
    note_err(x, &s, worksheet_print_area(s.ws, 0, 0, R(last), C(c.ncols - 1)));
    /* more bars than CHART_MAX_ITEMS cannot be read: the table carries them */
    if (t->n > 0 && t->n <= CHART_MAX_ITEMS) {
        snprintf(buf, sizeof buf, "%s完成进度", name);
        indicator_chart(x, &s, t, &c, first, last, buf);
    }
cleanup:
    sheet_close(x, &s);
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

/* 县区目标: one row per county with targets and actuals per year, its totals,
 * completion rate and status, and a 合计 row. */
static void county_sheet(xctx *x)
{
    const pe_county_table *t = &x->m->counties;
    const int dec = clamp_dec(t->decimals);
    lxw_format *num = x->f.num[dec];
    const size_t title_row = 0, sub_row = 1, h1 = 2, h2 = 3, first = 4;
    size_t ny = t->nyears, c_t0 = 1, c_a0 = 1 + ny, c_tot = 1 + 2 * ny, c_cum_t = c_tot + 1,
           c_cum_a = c_tot + 2, c_state = c_tot + 4, ncols = c_tot + 5;
    size_t i, j, row, last, total_row;
    xsheet s;
    pe_xlsx_county_row cr;
    char buf[256], txt[64], a[8], b[8];

    if (!sheet_open(x, &s, SHEET_COUNTIES, ncols))
        goto cleanup;

    put_title(x, &s, title_row, ncols, t->title ? t->title : SHEET_COUNTIES);
    snprintf(buf, sizeof buf, "指标：%s　　单位：%s", t->measure ? t->measure : "",
             t->unit ? t->unit : "");
    put_merged(x, &s, sub_row, 0, ncols - 1, buf, x->f.subtitle);

    note_err(x, &s, worksheet_merge_range(s.ws, R(h1), 0, R(h2), 0, "县区", x->f.header));
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
        static const char *tail[] = { "目标合计", "累计目标", "累计完成", "完成率", "状态" };
        for (j = 0; j < 5; j++) {
            note_err(x, &s, worksheet_merge_range(s.ws, R(h1), C(c_tot + j), R(h2),
                                                  C(c_tot + j), tail[j], x->f.header));
            track(&s, h1, c_tot + j, tail[j], 1, 0);
        }
    }

    for (i = 0; i < t->n; i++) {
        const pe_county *co = &t->items[i];
        row = first + i;
        put_text(x, &s, row, 0, co->name, x->f.text);
        for (j = 0; j < ny; j++) {
            if (co->has_target[j])
                put_number(x, &s, row, c_t0 + j, co->target[j], dec, num);
            else
                put_blank(x, &s, row, c_t0 + j, num);
            if (co->has_actual[j])
                put_number(x, &s, row, c_a0 + j, co->actual[j], dec, num);
            else
                put_blank(x, &s, row, c_a0 + j, num);
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
    worksheet_freeze_panes(s.ws, R(first), 1);
    note_err(x, &s, worksheet_autofilter(s.ws, R(h2), 0, R(last), C(ncols - 1)));
    if (t->n > 0)
        status_colours(x, &s, first, total_row, c_state);
    sheet_page_setup(x, &s, h1, h2);
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
    for (c = 0; c < ncols; c++) {
        sheet_cap(&s, c, ANNEX_COL_WIDTH);
        narrow[c] = c < a->ncols && annex_narrow(a, c);
    }

    /* the label overflows into the next cells: it neither widens nor wraps column A */
    note_err(x, &s, worksheet_write_string(s.ws, R(label_row), 0, name, x->f.label));
    put_title(x, &s, title_row, ncols, a->title ? a->title : name);
    if (a->unit) {
        snprintf(buf, sizeof buf, "单位：%s", a->unit);
        put_merged(x, &s, unit_row, 0, ncols - 1, buf, x->f.unit_line);
    }
    for (c = 0; c < a->ncols; c++)
        put_text(x, &s, head_row, c, a->header[c], x->f.header);

    for (r = 0; r < a->nrows; r++) {
        row = first + r;
        for (c = 0; c < a->ncols; c++) {
            size_t end;
            if (!a->is_merge[c] || a->is_total[c]) {
                annex_cell(x, &s, a, r, c, row, narrow[c]);
                continue;
            }
            if (!group_starts(a, r, c))
                continue;       /* covered by the merge started above */
            for (end = r + 1; end < a->nrows && !group_starts(a, end, c); end++)
                ;
            if (end - r > 1 && cell_text(a, r, c)) {
                note_err(x, &s, worksheet_merge_range(s.ws, R(row), C(c),
                                                      R(first + end - 1), C(c),
                                                      cell_text(a, r, c), x->f.center));
                track(&s, row, c, cell_text(a, r, c), 0, 0);
            } else {
                size_t k;
                for (k = r; k < end; k++)
                    put_text(x, &s, first + k, c, cell_text(a, k, c), x->f.center);
            }
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
            put_merged(x, &s, row, 0, first_total - 1, "合计", x->f.total_label);
        for (c = first_total; c < a->ncols; c++) {
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
            put_merged(x, &s, row, 0, ncols - 1, x->fb.s, x->f.subtitle);
    }

    worksheet_freeze_panes(s.ws, R(first), 0);
    note_err(x, &s, worksheet_autofilter(s.ws, R(head_row), 0, R(last), C(ncols - 1)));
    sheet_page_setup(x, &s, head_row, head_row);
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
    if (has_targets(m) && n < cap)
        snprintf(names[n++], 64, "%s", SHEET_TARGETS);
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
    const size_t cap = m->nannexes + 4;
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
    x.wb = workbook_new_opt(file, &opt);
    if (!x.wb) {
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
