/* pe_layout.h — the page geometry of GB/T 9704-2012 and the layout arithmetic
 * (pagination, keeps, table columns), on measured sizes only: no fonts, no
 * output format. The layout stage (src/pages.c) measures and places. */
#ifndef PE_LAYOUT_H
#define PE_LAYOUT_H

#include <stddef.h>
#include "pe_util.h"

/* ---- geometry: every length in PDF points (1/72 in), from GB/T 9704-2012 ---- */
#define PE_PT_PER_MM        (72.0 / 25.4)
#define PE_MM(x)            ((x) * PE_PT_PER_MM)

#define PE_PAGE_W           PE_MM(210.0)    /* 5.2.1 幅面尺寸: A4 210 × 297 mm */
#define PE_PAGE_H           PE_MM(297.0)
#define PE_MARGIN_TOP       PE_MM(37.0)     /* 5.2.2 天头 37 mm */
#define PE_MARGIN_LEFT      PE_MM(28.0)     /* 5.2.2 订口 28 mm */
#define PE_BLOCK_W          PE_MM(156.0)    /* 5.2.2 版心 156 × 225 mm */
#define PE_BLOCK_H          PE_MM(225.0)
#define PE_BLOCK_TOP        (PE_PAGE_H - PE_MARGIN_TOP)      /* y of the block's top edge */
#define PE_BLOCK_BOTTOM     (PE_BLOCK_TOP - PE_BLOCK_H)
/* 10.1 表格: an A4 table set across (横排) — here an annex too wide for the
 * portrait block — goes on a landscape page: the portrait page turned a
 * quarter clockwise to read, so its margins turn with it (the 订口 side, 28 mm,
 * at the top; the text block 225 × 156 mm), and the page number stays where
 * every page has it (页码位置与公文其他页码保持一致), read with the sheet upright:
 * a portrait point (x, y) is the landscape point (PE_LAND_X, PE_LAND_Y), and
 * text running along +x runs down the landscape page (−90°). */
#define PE_LAND_PAGE_W      PE_PAGE_H
#define PE_LAND_PAGE_H      PE_PAGE_W
#define PE_LAND_BLOCK_W     PE_BLOCK_H
#define PE_LAND_BLOCK_H     PE_BLOCK_W
#define PE_LAND_X(x, y)     (y)
#define PE_LAND_Y(x, y)     (PE_PAGE_W - (x))
#define PE_LAND_LEFT        PE_BLOCK_BOTTOM                  /* x of the block's left edge */
#define PE_LAND_TOP         (PE_PAGE_W - PE_MARGIN_LEFT)     /* y of its top edge */
#define PE_LINES_PER_PAGE   22              /* 5.2.3 每面排22行 */
#define PE_CHARS_PER_LINE   28              /* 5.2.3 每行排28个字，并撑满版心 */
#define PE_LINE_PITCH       (PE_BLOCK_H / PE_LINES_PER_PAGE) /* 28.95 pt */

#define PE_SIZE_BODY        16.0    /* 3号 (6 字体和字号; 7.3.3 正文 仿宋) */
#define PE_SIZE_TITLE       22.0    /* 2号 (7.3.1 标题 小标宋, 居中, 梯形/菱形回行) */
#define PE_SIZE_PAGENUM     14.0    /* 4号 (7.5 页码: 半角宋体阿拉伯数字) */
/* 5.2.3: 28 full-width characters fill the 156 mm measure, so body type is set
 * 16 pt with a slightly negative character spacing (156 mm / 28 = 15.79 pt). */
#define PE_BODY_CHAR_PITCH  (PE_BLOCK_W / PE_CHARS_PER_LINE)
#define PE_BODY_TRACKING    (PE_BODY_CHAR_PITCH - PE_SIZE_BODY)   /* −0.21 pt */
#define PE_INDENT_CHARS     2       /* 7.3.3 每个自然段左空二字，回行顶格 */
#define PE_CJK_ASCENT       0.88    /* baseline below the em box top, in em */

#define PE_PAGENUM_GAP      PE_MM(7.0)  /* 7.5 一字线上距版心下边缘 7 mm */
#define PE_PAGENUM_INSET    1           /* 7.5 单页码居右空一字，双页码居左空一字 */
#define PE_DASH_RISE        0.33        /* height of the 一字线 above the baseline, in em */

/* 7.3.5.2 不加盖印章的公文: 署名右空二字, 成文日期首字比署名首字右移二字
 * (or, when the date is longer, the date 右空二字 and the issuer moved left). */
#define PE_SIGN_RIGHT_CHARS 2
#define PE_SIGN_SHIFT_CHARS 2
#define PE_SIGN_SPACE_LINES 1       /* 正文下空一行 */

/* 7.3.7 附件: 另面编排; “附件N” 3号黑体顶格第一行; 附件标题居中第三行. */
#define PE_ANNEX_TITLE_LINE 2       /* 0-based grid line of the annex title */

/* Tables (SPEC §6; 表格 in 4号/小4; 10.5 pt 五号 only as a last resort for
 * very wide tables so that the table stays within the 156 mm measure). */
#define PE_TABLE_SIZE_MAX   14.0    /* 4号 */
#define PE_TABLE_SIZE       12.0    /* 小4 */
#define PE_TABLE_SIZE_MIN   10.5    /* 五号 */
#define PE_TABLE_LEADING    1.3     /* line height in em inside a cell */
#define PE_TABLE_PAD_X      2.0     /* pt between a rule and the cell text */
#define PE_TABLE_PAD_Y      3.0
#define PE_TABLE_RULE       0.5     /* inner rules */
#define PE_TABLE_FRAME      1.0     /* outer frame */
#define PE_TABLE_CAPTION_SIZE PE_SIZE_BODY  /* table title: 3号 黑体, centred */
#define PE_TABLE_BIG_COLS   4       /* tables of up to 4 columns may use 4号 */
#define PE_TABLE_ONE_LINE   4       /* cells of up to 4 characters never wrap … */
#define PE_TABLE_MIN_CHARS  3       /* … longer ones keep at least 3 per line … */
#define PE_TABLE_MAX_LINES  3       /* … and aim at no more than 3 lines; */
#define PE_TABLE_NAME_LINES 2       /* names (the first text column) at most 2 */
#define PE_TABLE_LINES_NAMES_FIRST 12 /* … or, when names need the width, up to this */
#define PE_TABLE_BREAK_COST 3.0   /* lines a piece broken off a number or word costs,
                                       beyond its line, in a table too wide for its
                                       pieces (pe_columns_squeeze) … */
#define PE_TABLE_SQUEEZE_GRID 0.5 /* … whose widths it weighs every half point; */
#define PE_TABLE_HEAD_WEIGHT 3.0  /* a header's lines and pieces count this much (it
                                     is read with every row, on every page), and a
                                     合计 row's (the figures read first) */
#define PE_TABLE_HEAD_LINE  3       /* headers of up to 3 characters never wrap */
#define PE_TABLE_CONT_H     1.8     /* em: the 续表 / 单位 line */
#define PE_TABLE_NOTE_LEAD  1.5     /* em: line height of 注 under a table */
#define PE_TABLE_NOTE_GAP   0.4     /* em between the table and its 注 */
#define PE_TABLE_AFTER      0.6     /* em after a table (then the grid resumes), and
                                       before one that has no title */

/* Chart (SPEC §6): vectors, greys only, readable in black and white. */
#define PE_CHART_LABEL_SIZE 10.5    /* chart labels, 五号 */
#define PE_CHART_LEADING    1.25    /* em */
#define PE_CHART_LABEL_SHARE 0.34   /* of the measure, for indicator names */
#define PE_CHART_GAP        6.0     /* pt: labels to bars; space above the plot */
#define PE_CHART_ROW_MIN    18.0    /* pt per bar row */
#define PE_CHART_BAR_MAX    10.0    /* pt: bar thickness (at most half a row) */
#define PE_CHART_MAX_P      1.5     /* bars are clipped at 150 % */
#define PE_CHART_TICK_STEP  0.25    /* axis ticks every 25 % */
#define PE_CHART_AXIS_H     1.8     /* em: tick labels */
#define PE_CHART_LEGEND_H   2.2     /* em */
#define PE_CHART_BAR_GRAY   0.55
#define PE_CHART_GRID_GRAY  0.75
#define PE_CHART_NOTE_GRAY  0.35    /* 暂无数据 */
#define PE_CHART_MARK_SIZE  5.0     /* pt: the square marker of a kind without progress */
#define PE_CHART_MARK_X     4.0     /* pt: the marker right of the axis */
#define PE_CHART_CUT_AT     9.0     /* pt: a bar cut at the axis end breaks this far before it */
#define PE_CHART_CUT_GAP    1.5     /* pt: width of each white gap of the break */
#define PE_CHART_GRID_W     0.3     /* pt */
#define PE_CHART_AXIS_W     0.6
#define PE_CHART_TAU_W      0.9     /* dashed time-progress mark, … */
#define PE_CHART_DASH_ON    3.0     /* … 3 pt on … */
#define PE_CHART_DASH_OFF   2.0     /* … 2 pt off */
#define PE_CHART_SWATCH_W   16.0    /* legend key */
#define PE_CHART_SWATCH_H   8.0
#define PE_CHART_KEY_GAP    4.0     /* key to its words */
#define PE_CHART_LEGEND_GAP 24.0    /* between the two legend entries */
#define PE_FIGURE_AFTER     0.5     /* lines after a figure caption */
#define PE_CHART_MIN_BARS   3       /* a chart part split to a page's rest holds this many */

/* No page ends above this share of the block unless the document or a part
 * (附件) ends there (issue 14). */
#define PE_PAGE_FILL_MIN    0.60

#define PE_WATERMARK_SIZE   150.0   /* 样稿, light grey, 45° */
#define PE_WATERMARK_GRAY   0.88

/* ---- pagination of a vertical flow ---- */
enum {
    PE_FLOW_GLUE    = 1,    /* no page break between this item and the next */
    PE_FLOW_NEWPAGE = 2,    /* the item starts a new page */
    PE_FLOW_GRID    = 4,    /* the item starts on a body grid line */
    PE_FLOW_DISCARD = 8     /* vertical space that vanishes at the top of a page */
};

typedef struct {
    double height;          /* pt */
    double cont_height;     /* > 0: when a page starts with this item, this much
                               (续表 line + repeated header) is set above it */
    unsigned flags;         /* PE_FLOW_* */
} pe_flow_item;

typedef struct {
    int page;               /* 0-based page */
    double y;               /* top of the item below the block's top edge, pt */
    int cont;               /* 1: the page starts here with the repeated header above */
    int dropped;            /* 1: a DISCARD item at a page top (not drawn, no height) */
} pe_flow_place;

/* Places `n` items on pages of height `page_h` (grid pitch `pitch`), honouring
 * GLUE (keeps: headings with the next lines, widow/orphan, table header with
 * its first row), NEWPAGE, GRID and DISCARD. An item taller than the page, or
 * a glued chain longer than a page, is broken where it must. `out` has n
 * entries; *npages gets the page count (at least 1). */
void pe_flow_paginate(const pe_flow_item *items, size_t n, double page_h, double pitch,
                      pe_flow_place *out, int *npages);

/* Sets the glue flags of the `n` line items of one paragraph so that neither
 * its first nor its last line stands alone at a page foot or head
 * (orphan/widow control): lines 0–1 and n−2–n−1 are kept together. */
void pe_flow_keep_paragraph(pe_flow_item *lines, size_t n);

/* ---- tables ---- */
/* A table's columns as a browser sizes them (CSS 2.1 automatic table layout),
 * with the spare width given where it saves the most lines. */
typedef struct {
    size_t ncols, nrows;
    const double *minw;     /* ncols: widest unbreakable piece (+ pad): never narrower */
    const double *maxw;     /* ncols: longest line unwrapped (+ pad) */
    const double *nat;      /* nrows × ncols: natural width of each cell's text (no
                               pad); 0 = the cell does not set its row's height */
    const int *prio;        /* ncols or NULL: 1 = wins a tie (names before numbers) */
    double pad;             /* of each column width, what the text cannot use */
    double step;            /* smallest widening considered (a character), pt */
    size_t primary;         /* the names column, set first; ncols = none */
    size_t cap_lines;       /* other columns aim at no more lines than this */
} pe_table_cols;

typedef struct {
    size_t primary_lines;   /* most lines of a cell in the primary column */
    size_t other_lines;     /* most lines of a cell in the other columns */
    size_t total;           /* pe_table_lines at the chosen widths */
} pe_cols_result;

/* Lines a text of natural width `nat` takes in `inner` (estimate: ceil(nat /
 * inner), at least 1; 0 for nat <= 0). */
size_t pe_cell_lines(double nat, double inner);

/* Widths that fill `measure` exactly: when the longest lines fit, each column
 * gets its maximum plus a share of the rest in proportion to it. Otherwise
 * the names first: the primary column gets the width that wraps its cells
 * into the fewest lines Lp ≤ cap for which the other columns can still hold
 * theirs in Lo ≤ cap lines (cap = cap_lines, raised a line at a time while
 * no pair fits; without a primary column, the smallest Lo that fits), every
 * other column the width for Lo lines, none below its minimum nor above its
 * maximum. Then the spare width goes, a step at a
 * time, to the column whose widening saves the most table lines (sum over
 * rows of the row's tallest cell) per point, ties to `prio` columns then to
 * the left; what no widening can use is shared in proportion to what each
 * column still lacks of its maximum. Returns 0 and fills `res` (may be
 * NULL), or −1 if the minima exceed `measure` (`out` untouched). */
int pe_columns_lines(const pe_table_cols *tc, double measure, double *out,
                     pe_cols_result *res);

/* A table whose columns do not fit `measure` even with one character a line
 * for text and every unbreakable piece whole (issue 14): its pieces break
 * between characters, as a browser's overflow-wrap: anywhere does. */
typedef struct {
    double nat;         /* the cell's text, pt, all its lines together (0: empty) */
    double unit;        /* its widest unbreakable piece (a number, a Latin word) */
    size_t nchars;      /* its characters */
    double weight;      /* how much its lines and pieces count (1; a header more) */
} pe_cell_text;

typedef struct {
    size_t ncols, nrows;
    const pe_cell_text *cells;  /* nrows × ncols, row by row (the header a row) */
    const double *lo;   /* ncols: its widest character + pad: never narrower */
    const double *hi;   /* ncols: its longest line + pad: no use in more */
    double pad;         /* of each column width, what the text cannot use */
    double grid;        /* widths are lo + a whole number of grid steps, pt */
    double break_cost;  /* what a piece broken off a unit costs, in lines */
} pe_table_squeeze;

/* Column widths lo[k] + g·grid, within [lo, hi] and within `measure`, that
 * minimise the table's estimated cost: each cell's lines (its characters at
 * the column's whole characters a line, at their mean width) plus
 * break_cost for every piece a unit is broken into beyond its first
 * (ceil(unit / inner) − 1). Exact on the grid (a knapsack over the columns).
 * Returns 0; −1 when even the lo widths exceed the measure (`fit`, may be
 * NULL, gets how many of the first columns fit); −2 out of memory. */
int pe_columns_squeeze(const pe_table_squeeze *ts, double measure, double *out, size_t *fit);

/* Sum over rows of the tallest cell's estimated lines at widths `w`. */
size_t pe_table_lines(const pe_table_cols *tc, const double *w);

/* Evens out the widths `w` (which span the measure) as a type shop would,
 * looking at whole rows: moves a character's width (tc->step) from one
 * column to another while that lowers pe_table_lines, never taking a column
 * below its minimum nor giving one more than its maximum, and never letting
 * the primary column's cells take more than `primary_cap` lines. The best
 * move first (each costed in O(rows)); stops when none helps, or after 8
 * moves per column. Returns how many moves it made. */
size_t pe_columns_balance(const pe_table_cols *tc, size_t primary_cap, double *w);

typedef struct { size_t first, last; } pe_row_span;

/* Splits the rows [first, last] of a merged cell into runs on one page each
 * (`row_page[i]` is the page of row i), so that each run repeats the label.
 * `out` needs room for last − first + 1 spans; returns the number of runs. */
size_t pe_merge_segments(const int *row_page, size_t first, size_t last, pe_row_span *out);

/* Character spacing that stretches a line of `nchars` characters whose natural
 * width (at zero spacing) is `natural` to exactly `measure`; 0 for n < 2. */
double pe_justify_spacing(double natural, size_t nchars, double measure);

#endif
