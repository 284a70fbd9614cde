/* pe_xlsx.h — the XLSX workbook (libxlsxwriter): 说明, 核心指标, 量化目标,
 * 县区目标, 附件N sheets with live formulas whose cached values are the model's. */
#ifndef PE_XLSX_H
#define PE_XLSX_H

#include "pe_model.h"

typedef struct {
    int sheets;
    long bytes;
} pe_xlsx_result;

/* Validates sheet names and other workbook constraints without writing. */
pe_status pe_xlsx_check(const pe_model *m, pe_diags *d);
/* Writes the workbook to `path` via a temporary file renamed on success.
 * `timestamp` (seconds since epoch, UTC) is the created date. */
pe_status pe_xlsx_write(const pe_model *m, const char *path, long long timestamp,
                        pe_diags *d, pe_xlsx_result *res);
/* Writes the workbook to exactly `file` (a temporary file the caller renames
 * once every output succeeded); `shown` names the output in messages.
 * res->bytes is left 0. */
pe_status pe_xlsx_write_file(const pe_model *m, const char *file, const char *shown,
                             long long timestamp, pe_diags *d, pe_xlsx_result *res);

/* ---- pure helpers, exposed for tests (src/xlsx_formula.c) ---- */

/* Defined names (on sheet 说明) that every formula uses for the plan period
 * and the [assessment] thresholds, so an office can change them in one place. */
#define PE_XLSX_NAME_BASE_YEAR   "BaseYear"
#define PE_XLSX_NAME_TARGET_YEAR "TargetYear"
#define PE_XLSX_NAME_EVAL_YEAR   "EvalYear"
#define PE_XLSX_NAME_AHEAD       "AheadRatio"
#define PE_XLSX_NAME_ON_TRACK    "OnTrackRatio"
#define PE_XLSX_NAME_AT_RISK     "AtRiskRatio"
/* The 状态排序 table (status word, rank by pe_state_rank) 较上年 compares with. */
#define PE_XLSX_NAME_RANK        "StatusRank"

#define PE_XLSX_WIDTH_MAX   60.0    /* widest column; longer text wraps */
#define PE_XLSX_WIDTH_MIN   6.0
#define PE_XLSX_MAX_YEARS   60      /* year columns a formula may chain (Excel nests ≤ 64) */

/* Column width in Excel character units for `s`: 2 per wide (CJK, full-width)
 * character, 1.1 per other character, plus 1 of padding, for the longest line;
 * clamped to [PE_XLSX_WIDTH_MIN, PE_XLSX_WIDTH_MAX]. NULL or "" gives the minimum. */
double pe_xlsx_col_width(const char *s);
/* Unclamped estimate of the same (no padding), for deciding whether to wrap. */
double pe_xlsx_text_width(const char *s);

/* Lines a text of width `text_width` (pe_xlsx_text_width) takes when wrapped
 * in a column `col_width` wide; at least 1. */
int pe_xlsx_wrap_lines(double text_width, double col_width);

/* NULL when `name` is a valid worksheet name (1–31 characters, none of
 * []:*?/\, not starting or ending with an apostrophe, not "History"),
 * else a static Chinese description of the problem. */
const char *pe_xlsx_sheet_name_problem(const char *name);

/* Column letters for a 0-based column ("A", "Z", "AA"); out needs 4 bytes. */
void pe_xlsx_col_name(unsigned col, char out[4]);

/* Positions (0-based) of the cells one indicator row's formulas refer to.
 * Year columns are contiguous from col_year0, one per years[i]. With `prev`
 * set, the builders evaluate the year before (SPEC §4 year over year): only
 * the years before this year's y (in col_y_now) count, and the other col_*
 * point at the year-before figures. */
typedef struct {
    unsigned row;
    unsigned col_base, col_target;
    unsigned col_year0;
    const int *years;
    size_t nyears;
    int base_year;          /* growth, reduction, cumulative: only years after it count */
    unsigned col_y, col_a, col_f, col_tau, col_p, col_rho;
    unsigned col_s;         /* cumulative: S; reduction: C in % */
    unsigned col_j;         /* qualitative: the judgement cell */
    pe_kind kind;
    pe_direction dir;
    int has_base;
    int percent_unit;       /* level in %: the pace is in 个百分点, no rate */
    int prev;               /* the year-before evaluation */
    unsigned col_y_now;     /* with prev: this year's y */
} pe_xlsx_row;

/* The tolerance of pe_state_for_ratio (src/eval.c PE_RATIO_EPS), as a literal. */
#define PE_XLSX_RATIO_EPS "1E-9"

/* Formula builders: each appends one formula, starting with '=', to `b`.
 * They follow SPEC §4 as pe_indicator_evaluate does, reading the thresholds and
 * years through the defined names above, and yield "" (never an error value)
 * wherever the model's figure is undefined. */
void pe_xlsx_f_latest_year(pe_buf *b, const pe_xlsx_row *r);    /* y */
void pe_xlsx_f_latest_actual(pe_buf *b, const pe_xlsx_row *r);  /* A */
void pe_xlsx_f_factor(pe_buf *b, const pe_xlsx_row *r);         /* growth F = ∏(1 + r/100) */
void pe_xlsx_f_sum(pe_buf *b, const pe_xlsx_row *r);            /* cumulative S (SUM) */
void pe_xlsx_f_reduced(pe_buf *b, const pe_xlsx_row *r);        /* reduction C = (1 − ∏(1 − r/100))·100 */
void pe_xlsx_f_time_progress(pe_buf *b, const pe_xlsx_row *r);  /* τ */
void pe_xlsx_f_progress(pe_buf *b, const pe_xlsx_row *r);       /* p (kinds with progress) */
void pe_xlsx_f_ratio(pe_buf *b, const pe_xlsx_row *r);          /* ρ */
/* The computed status of every kind: the thresholds on ρ, the bound test of
 * ceiling and floor, the milestone test, the judgement of a qualitative row. */
void pe_xlsx_f_status(pe_buf *b, const pe_xlsx_row *r);
void pe_xlsx_f_needed_delta(pe_buf *b, const pe_xlsx_row *r);   /* per year, unit (level, cumulative) */
void pe_xlsx_f_needed_rate(pe_buf *b, const pe_xlsx_row *r);    /* % per year (level, growth, reduction) */
/* The status shown: IF(judgement<>"", judgement, computed). */
void pe_xlsx_f_final_status(pe_buf *b, unsigned row, unsigned col_judgement,
                            unsigned col_computed);
/* 较上年: "—" without an actual, 新增数据 without one the year before, else
 * 好转/持平/下滑 by the rank of the status shown against the year before's. */
void pe_xlsx_f_change(pe_buf *b, unsigned row, unsigned col_y, unsigned col_prev_y,
                      unsigned col_status, unsigned col_prev_status);

/* County sheet: a county's (or, with several rows, the 合计 row's) status from
 * its target cells, actual cells (each the same shape, rows r1..r2) and the
 * cells holding 目标合计, 累计目标 and 累计完成 on row `row`. */
typedef struct {
    unsigned row, r1, r2;
    unsigned col_t0, col_a0, ncols_years;
    unsigned col_total, col_cum_t, col_cum_a, col_rate;
    int total_row;          /* the 合计 row: no “any actual” guard of its own */
} pe_xlsx_county_row;
void pe_xlsx_f_county_cum_target(pe_buf *b, const pe_xlsx_county_row *r);
void pe_xlsx_f_county_rate(pe_buf *b, const pe_xlsx_county_row *r);
void pe_xlsx_f_county_status(pe_buf *b, const pe_xlsx_county_row *r);

/* ---- printed pages (src/xlsx_formula.c) ---- */

/* Every sheet prints on A4 at PE_XLSX_PRINT_SCALE % with fixed column breaks
 * (no fit-to-width shrinking): 11 pt body type prints at 9.35 pt. Column widths
 * are in character units of the workbook's default font (Calibri 11). Excel
 * prints one unit as 7 px = 5.25 pt; LibreOffice without Carlito measures
 * DejaVu Sans instead, 7.0 pt a unit (measured: pdftotext -bbox of a printed
 * sheet). Pages are planned for the wider of the two, so both print whole;
 * libxlsxwriter stores w + 0.71 units (5 px of padding). */
#define PE_XLSX_PRINT_SCALE   85
#define PE_XLSX_MARGIN_LR_IN  0.4
#define PE_XLSX_A4_SHORT_MM   210.0
#define PE_XLSX_A4_LONG_MM    297.0
#define PE_XLSX_PT_PER_CHAR   7.0
#define PE_XLSX_PT_PAD        5.0
#define PE_XLSX_PRINT_SAFETY  0.96

#define PE_XLSX_MARGIN_TB_IN  0.75
#define PE_XLSX_PRINT_SAFETY_V 1.0   /* the body starts under the header: see page_slack */

/* Height in points of sheet (at 100 %) that one A4 page holds. */
double pe_xlsx_page_height_points(int landscape);
/* Rows print top to bottom in pages `page` points high, the rows
 * [repeat_first, repeat_last] repeated on every page after the first. When
 * the rows from `tail` on (a 合计 row, a note, a fill-in block) would start a
 * page with no row above `tail`, returns the row before which a manual page
 * break carries the last `keep` rows over with them; else 0. */
size_t pe_xlsx_keep_tail(const double *height, size_t nrows, size_t repeat_first,
                         size_t repeat_last, size_t tail, size_t keep, double page);

/* Printed width in points (at 100 %) of a column `width` characters wide. */
double pe_xlsx_col_points(double width);
/* Width in points of sheet (at 100 %) that one A4 page holds across. */
double pe_xlsx_page_points(int landscape);
/* Column page breaks: the first `nkey` columns repeat on every printed page;
 * the others (a negative width: hidden, not printed) are packed left to right
 * into pages `avail` points wide, and a
 * new page also starts before every column c with force[c] (force may be NULL).
 * Writes up to `cap` break columns (each the first column of a new page) to
 * `brk`; returns how many breaks there are (may exceed cap). */
size_t pe_xlsx_page_breaks(const double *width, size_t n, size_t nkey,
                           const unsigned char *force, double avail, size_t *brk, size_t cap);

/* ---- 数据检查 (src/xlsx_formula.c) ---- */

#define PE_XLSX_NOCOL ((unsigned)-1)
/* Messages of the check column, each after "2022年"; a value is out of its
 * row's range when |v| > FACTOR·R or 0 < FACTOR·|v| < R, where R is the
 * largest of |base|, |target| (a total: per year) and |median of the years|. */
#define PE_XLSX_CHECK_TEXT      "为文本，请改为数字；"
#define PE_XLSX_CHECK_NEGATIVE  "为负数；"
#define PE_XLSX_CHECK_OUTLIER   "数值相差20倍以上，请核对单位；"
#define PE_XLSX_CHECK_GAP       "空缺，请补填；"
#define PE_XLSX_CHECK_FACTOR    "20"
#define PE_XLSX_CHECK_FACTOR_N  20.0

/* The cells one row's check reads. */
typedef struct {
    unsigned row, col_year0;
    unsigned col_base, col_target;   /* PE_XLSX_NOCOL when the sheet has none */
    const int *years;
    size_t nyears;
    int base_year;          /* a series starts after it */
    int target_is_total;    /* cumulative: compare with target/(T − B) */
    int series;             /* growth, reduction, cumulative: a blank between two years is a gap */
    int nonneg;             /* negative values are implausible (counts, amounts, shares) */
    int outliers;           /* compare each year with the row's scale R */
    unsigned col_scale;     /* the cell holding R (pe_xlsx_f_check_scale), or PE_XLSX_NOCOL: inline */
} pe_xlsx_check_row;

/* The 数据检查 formula: per year, a text-typed number, then for a number a
 * negative value and one far outside the row's range, for a blank a gap. */
void pe_xlsx_f_check(pe_buf *b, const pe_xlsx_check_row *r);
/* The scale R of a row as a formula of its own (0 when no year is filled in). */
void pe_xlsx_f_check_scale(pe_buf *b, const pe_xlsx_check_row *r);
/* R for numeric inputs (the cached value); 0 on OOM. */
int pe_xlsx_check_scale(const pe_xlsx_check_row *r, const int *has, const double *v,
                        int has_base, double base, int has_target, double target,
                        double period_years, double *out);
/* What that formula yields for numeric inputs (the cached value): has[i]/v[i]
 * per year column. Returns 0 on OOM. */
int pe_xlsx_check_text(pe_buf *b, const pe_xlsx_check_row *r, const int *has, const double *v,
                       int has_base, double base, int has_target, double target,
                       double period_years);

#endif
