/* xlsx_formula.c — the pure arithmetic of the XLSX renderer: column widths for
 * CJK text, sheet-name rules, and the formula text of each evaluated figure. */
#include "pe_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Width of one code point in Excel character units (see pe_xlsx_col_width). */
static double cp_width(unsigned cp)
{
    if (cp >= 0x1100 &&
        (cp <= 0x115F ||                       /* Hangul Jamo */
         (cp >= 0x2E80 && cp <= 0xA4CF) ||     /* CJK radicals … Yi */
         (cp >= 0xAC00 && cp <= 0xD7A3) ||     /* Hangul syllables */
         (cp >= 0xF900 && cp <= 0xFAFF) ||     /* CJK compatibility ideographs */
         (cp >= 0xFE30 && cp <= 0xFE4F) ||     /* CJK compatibility forms */
         (cp >= 0xFF00 && cp <= 0xFF60) ||     /* full-width forms */
         (cp >= 0xFFE0 && cp <= 0xFFE6) ||
         (cp >= 0x2014 && cp <= 0x201D) ||     /* —‘’“”, full-width in CJK fonts */
         cp == 0x2026 || cp == 0x2116 ||       /* … № */
         (cp >= 0x20000 && cp <= 0x3FFFD)))
        return 2.0;
    return 1.1;
}

double pe_xlsx_text_width(const char *s)
{
    double best = 0.0, line = 0.0;
    size_t len;

    if (!s)
        return 0.0;
    len = strlen(s);
    while (len > 0) {
        unsigned cp = 0;
        size_t k = pe_utf8_decode(s, len, &cp);
        if (k == 0) {           /* invalid byte: count it as one narrow character */
            k = 1;
            cp = '?';
        }
        if (cp == '\n') {
            if (line > best)
                best = line;
            line = 0.0;
        } else if (cp != '\r') {
            line += cp_width(cp);
        }
        s += k;
        len -= k;
    }
    return line > best ? line : best;
}

double pe_xlsx_col_width(const char *s)
{
    double w = pe_xlsx_text_width(s) + 1.0;
    if (w < PE_XLSX_WIDTH_MIN)
        w = PE_XLSX_WIDTH_MIN;
    if (w > PE_XLSX_WIDTH_MAX)
        w = PE_XLSX_WIDTH_MAX;
    return w;
}

int pe_xlsx_wrap_lines(double text_width, double col_width)
{
    /* pe_xlsx_col_width adds 1 of padding: a text that set the width fits */
    double usable = col_width - 1.0;
    double n;
    if (usable < 1.0)
        usable = 1.0;
    if (text_width <= usable)
        return 1;
    n = text_width / usable;
    if (n > 1000.0)
        return 1000;
    return (int)n + ((double)(int)n < n ? 1 : 0);
}

const char *pe_xlsx_sheet_name_problem(const char *name)
{
    size_t len, n = 0;
    const char *p;

    if (!name || !*name)
        return "工作表名称为空";
    len = strlen(name);
    if (!pe_utf8_valid(name, len))
        return "工作表名称不是有效的 UTF-8 文本";
    for (p = name; *p; p++) {
        if (strchr("[]:*?/\\", *p))
            return "工作表名称不能包含 [ ] : * ? / \\ 这些字符";
        if ((unsigned char)*p < 0x20)
            return "工作表名称不能包含控制字符";
    }
    /* Excel counts UTF-16 code units: characters outside the BMP count twice. */
    for (p = name; *p;) {
        unsigned cp = 0;
        size_t k = pe_utf8_decode(p, strlen(p), &cp);
        if (k == 0)
            return "工作表名称不是有效的 UTF-8 文本";
        n += cp > 0xFFFF ? 2 : 1;
        p += k;
    }
    if (n > 31)
        return "工作表名称超过 31 个字符";
    if (name[0] == '\'' || name[len - 1] == '\'')
        return "工作表名称不能以单引号开头或结尾";
    if (strcasecmp(name, "History") == 0)
        return "“History”是 Excel 保留的工作表名称";
    return NULL;
}

void pe_xlsx_col_name(unsigned col, char out[4])
{
    char tmp[4];
    size_t n = 0, i;

    col++;                      /* bijective base 26: A=1 … Z=26, AA=27 */
    while (col > 0 && n < 3) {
        unsigned rem = (col - 1) % 26;
        tmp[n++] = (char)('A' + rem);
        col = (col - 1) / 26;
    }
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* Appends the decimal digits of v (formulas are built per cell: no printf). */
static void put_uint(pe_buf *b, unsigned long v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    pe_buf_add(b, tmp + n, sizeof tmp - n);
}

/* Appends "text" in double quotes (status words have no quotes of their own). */
static void put_quoted(pe_buf *b, const char *text)
{
    pe_buf_puts(b, "\"");
    pe_buf_puts(b, text);
    pe_buf_puts(b, "\"");
}

static void put_state(pe_buf *b, pe_state st)
{
    put_quoted(b, pe_state_name(st));
}

/* Appends the relative reference of (row, col), e.g. "J5". */
static void put_ref(pe_buf *b, unsigned row, unsigned col)
{
    char name[4];
    pe_xlsx_col_name(col, name);
    pe_buf_puts(b, name);
    put_uint(b, (unsigned long)row + 1);
}

static void put_cell(pe_buf *b, const pe_xlsx_row *r, unsigned col)
{
    put_ref(b, r->row, col);
}

/* Appends a year literal (years may be negative in tests). */
static void put_year(pe_buf *b, int year)
{
    if (year < 0)
        pe_buf_puts(b, "-");
    put_uint(b, (unsigned long)(year < 0 ? -(long)year : year));
}

/* Year column i takes part: after the base year, and for the year-before
 * evaluation (r->prev) before this year's y. Appends the condition of the
 * latter ("2022<K5") and returns 1 when there is one to test. */
static int put_cut(pe_buf *b, const pe_xlsx_row *r, size_t i)
{
    if (!r->prev)
        return 0;
    put_year(b, r->years[i]);
    pe_buf_puts(b, "<");
    put_cell(b, r, r->col_y_now);
    return 1;
}

/* Appends the chain IF(ISNUMBER(last),<what last>,IF(…,"")) over the year
 * columns, newest first: `years` selects the year literal, else the cell.
 * The year-before evaluation skips the years from this year's y on. */
static void put_latest_chain(pe_buf *b, const pe_xlsx_row *r, int years)
{
    size_t i, opened = 0;

    if (r->prev) {
        pe_buf_puts(b, "IF(");
        put_cell(b, r, r->col_y_now);
        pe_buf_puts(b, "=\"\",\"\",");
    }
    for (i = r->nyears; i-- > 0;) {
        unsigned col = r->col_year0 + (unsigned)i;
        pe_buf_puts(b, r->prev ? "IF(AND(ISNUMBER(" : "IF(ISNUMBER(");
        put_cell(b, r, col);
        pe_buf_puts(b, ")");
        if (r->prev) {
            pe_buf_puts(b, ",");
            put_cut(b, r, i);
            pe_buf_puts(b, ")");
        }
        pe_buf_puts(b, ",");
        if (years)
            put_year(b, r->years[i]);
        else
            put_cell(b, r, col);
        pe_buf_puts(b, ",");
        opened++;
    }
    pe_buf_puts(b, "\"\"");
    while (opened-- > 0)
        pe_buf_puts(b, ")");
    if (r->prev)
        pe_buf_puts(b, ")");
}

void pe_xlsx_f_latest_year(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=");
    put_latest_chain(b, r, 1);
}

void pe_xlsx_f_latest_actual(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=");
    put_latest_chain(b, r, 0);
}

/* Appends `IF(y="","",` — the guard every figure that needs an actual starts with. */
static void put_no_data_guard(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "IF(");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, "=\"\",\"\",");
}

/* Appends the value of year column i as a number, 0 when blank, text or (in
 * the year-before evaluation) not before this year: N(K5) / IF(2022<X5,N(K5),0). */
static void put_year_value(pe_buf *b, const pe_xlsx_row *r, size_t i)
{
    int cut;
    pe_buf_puts(b, r->prev ? "IF(" : "");
    cut = put_cut(b, r, i);
    pe_buf_puts(b, cut ? ",N(" : "N(");
    put_cell(b, r, r->col_year0 + (unsigned)i);
    pe_buf_puts(b, cut ? "),0)" : ")");
}

/* Appends ∏(1 + sign·r/100) over the years after the base year ("1" when none). */
static void put_rate_product(pe_buf *b, const pe_xlsx_row *r, const char *sign)
{
    size_t i;
    int any = 0;
    for (i = 0; i < r->nyears; i++) {
        if (r->years[i] <= r->base_year)
            continue;
        if (any)
            pe_buf_puts(b, "*");
        pe_buf_puts(b, "(1");
        pe_buf_puts(b, sign);
        put_year_value(b, r, i);
        pe_buf_puts(b, "/100)");
        any = 1;
    }
    if (!any)
        pe_buf_puts(b, "1");
}

void pe_xlsx_f_factor(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=");
    put_no_data_guard(b, r);
    put_rate_product(b, r, "+");
    pe_buf_puts(b, ")");
}

void pe_xlsx_f_sum(pe_buf *b, const pe_xlsx_row *r)
{
    size_t i;
    int any = 0;
    pe_buf_puts(b, "=");
    put_no_data_guard(b, r);
    for (i = 0; i < r->nyears; i++) {
        if (r->years[i] <= r->base_year)
            continue;
        if (any)
            pe_buf_puts(b, "+");
        put_year_value(b, r, i);
        any = 1;
    }
    if (!any)
        pe_buf_puts(b, "0");
    pe_buf_puts(b, ")");
}

void pe_xlsx_f_reduced(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=");
    put_no_data_guard(b, r);
    pe_buf_puts(b, "(1-");
    put_rate_product(b, r, "-");
    pe_buf_puts(b, ")*100)");
}

void pe_xlsx_f_time_progress(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=(IF(");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, "=\"\"," PE_XLSX_NAME_EVAL_YEAR ",");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, ")-" PE_XLSX_NAME_BASE_YEAR ")/(" PE_XLSX_NAME_TARGET_YEAR "-"
                PE_XLSX_NAME_BASE_YEAR ")");
}

void pe_xlsx_f_progress(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=");
    put_no_data_guard(b, r);
    pe_buf_puts(b, "IFERROR(");
    if (r->kind == PE_KIND_GROWTH) {
        /* p = ln F / ((T − B)·ln(1 + g/100)) */
        pe_buf_puts(b, "LN(");
        put_cell(b, r, r->col_f);
        pe_buf_puts(b, ")/((" PE_XLSX_NAME_TARGET_YEAR "-" PE_XLSX_NAME_BASE_YEAR ")*LN(1+");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "/100))");
    } else if (r->kind == PE_KIND_CUMULATIVE) {
        /* p = S/target, for a positive target */
        pe_buf_puts(b, "IF(");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, ">0,");
        put_cell(b, r, r->col_s);
        pe_buf_puts(b, "/");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, ",\"\")");
    } else if (r->kind == PE_KIND_REDUCTION) {
        /* p = ln(1 − C) / ln(1 − G/100); none for a 0 % target */
        pe_buf_puts(b, "IF(");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "=0,\"\",LN(1-");
        put_cell(b, r, r->col_s);
        pe_buf_puts(b, "/100)/LN(1-");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "/100))");
    } else if (r->has_base) {
        /* p = (A − base)/(target − base) */
        pe_buf_puts(b, "(");
        put_cell(b, r, r->col_a);
        pe_buf_puts(b, "-");
        put_cell(b, r, r->col_base);
        pe_buf_puts(b, ")/(");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "-");
        put_cell(b, r, r->col_base);
        pe_buf_puts(b, ")");
    } else if (r->dir == PE_DIR_UP) {
        /* no baseline: p = A/target */
        put_cell(b, r, r->col_a);
        pe_buf_puts(b, "/");
        put_cell(b, r, r->col_target);
    } else {
        /* no baseline, smaller is better: 1 once reached, else target/A for A > 0 */
        pe_buf_puts(b, "IF(");
        put_cell(b, r, r->col_a);
        pe_buf_puts(b, "<=");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, ",1,IF(");
        put_cell(b, r, r->col_a);
        pe_buf_puts(b, ">0,");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "/");
        put_cell(b, r, r->col_a);
        pe_buf_puts(b, ",\"\"))");
    }
    pe_buf_puts(b, ",\"\"))");
}

void pe_xlsx_f_ratio(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=IF(AND(ISNUMBER(");
    put_cell(b, r, r->col_p);
    pe_buf_puts(b, "),N(");
    put_cell(b, r, r->col_tau);
    pe_buf_puts(b, ")>0),");
    put_cell(b, r, r->col_p);
    pe_buf_puts(b, "/");
    put_cell(b, r, r->col_tau);
    pe_buf_puts(b, ",\"\")");
}

/* Appends the condition "target reached" for a row known to have an actual
 * (ceiling/floor: the latest actual within the bound; milestone: a year
 * with a non-zero value). */
static void put_reached(pe_buf *b, const pe_xlsx_row *r)
{
    size_t i;
    switch (r->kind) {
    case PE_KIND_GROWTH:
        /* p ≥ 1; with a 0 % target (no p) the cumulative growth decides */
        pe_buf_puts(b, "IF(");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "=0,");
        put_cell(b, r, r->col_f);
        pe_buf_puts(b, r->dir == PE_DIR_DOWN ? "<=1,N(" : ">=1,N(");
        put_cell(b, r, r->col_p);
        pe_buf_puts(b, ")>=1)");
        break;
    case PE_KIND_CUMULATIVE:
        put_cell(b, r, r->col_s);
        pe_buf_puts(b, ">=");
        put_cell(b, r, r->col_target);
        break;
    case PE_KIND_REDUCTION:
        /* C ≥ G, as p ≥ 1 with the ratio tolerance; a 0 % target: C ≥ 0 */
        pe_buf_puts(b, "IF(");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "=0,");
        put_cell(b, r, r->col_s);
        pe_buf_puts(b, ">=0,N(");
        put_cell(b, r, r->col_p);
        pe_buf_puts(b, ")>=1-" PE_XLSX_RATIO_EPS ")");
        break;
    case PE_KIND_CEILING:
    case PE_KIND_FLOOR:
        put_cell(b, r, r->col_a);
        pe_buf_puts(b, r->kind == PE_KIND_CEILING ? "<=" : ">=");
        put_cell(b, r, r->col_target);
        break;
    case PE_KIND_MILESTONE:
        pe_buf_puts(b, "OR(");
        for (i = 0; i < r->nyears; i++) {
            if (i > 0)
                pe_buf_puts(b, ",");
            put_year_value(b, r, i);
            pe_buf_puts(b, "<>0");
        }
        pe_buf_puts(b, r->nyears ? ")" : "FALSE)");
        break;
    default:
        put_cell(b, r, r->col_a);
        pe_buf_puts(b, r->dir == PE_DIR_DOWN ? "<=" : ">=");
        put_cell(b, r, r->col_target);
        break;
    }
}

/* Appends the threshold chain on the ratio in cell ref, closing its own IFs:
 * IF(ρ>=ahead,"快于…",IF(ρ>=on_track,"符合…",IF(ρ>=at_risk,"滞后…","进展缓慢"))) */
static void put_threshold_chain(pe_buf *b, unsigned row, unsigned col)
{
    pe_buf_puts(b, "IF(");
    put_ref(b, row, col);
    pe_buf_puts(b, ">=" PE_XLSX_NAME_AHEAD ",");
    put_state(b, PE_ST_AHEAD);
    pe_buf_puts(b, ",IF(");
    put_ref(b, row, col);
    pe_buf_puts(b, ">=" PE_XLSX_NAME_ON_TRACK ",");
    put_state(b, PE_ST_ON_TRACK);
    pe_buf_puts(b, ",IF(");
    put_ref(b, row, col);
    pe_buf_puts(b, ">=" PE_XLSX_NAME_AT_RISK ",");
    put_state(b, PE_ST_LAGGING);
    pe_buf_puts(b, ",");
    put_state(b, PE_ST_SLOW);
    pe_buf_puts(b, ")))");
}

/* Appends IF(y<T,early,late) — or IF(y>=T,…) with `at_target` first. */
static void put_by_year(pe_buf *b, const pe_xlsx_row *r, pe_state before_t, pe_state at_t)
{
    pe_buf_puts(b, "IF(");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, "<" PE_XLSX_NAME_TARGET_YEAR ",");
    put_state(b, before_t);
    pe_buf_puts(b, ",");
    put_state(b, at_t);
    pe_buf_puts(b, ")");
}

void pe_xlsx_f_status(pe_buf *b, const pe_xlsx_row *r)
{
    if (r->kind == PE_KIND_QUALITATIVE) {
        /* no arithmetic: the judgement is the status, else 暂无数据 */
        pe_buf_puts(b, "=IF(");
        put_cell(b, r, r->col_j);
        pe_buf_puts(b, "=\"\",");
        put_state(b, PE_ST_NO_DATA);
        pe_buf_puts(b, ",");
        put_cell(b, r, r->col_j);
        pe_buf_puts(b, ")");
        return;
    }
    pe_buf_puts(b, "=IF(");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, "=\"\",");
    put_state(b, PE_ST_NO_DATA);
    pe_buf_puts(b, ",IF(");
    put_reached(b, r);
    pe_buf_puts(b, ",");
    if (r->kind == PE_KIND_CEILING || r->kind == PE_KIND_FLOOR) {
        /* within the bound: 符合序时进度, 已完成 once y = T; outside: 滞后, 未完成 */
        put_by_year(b, r, PE_ST_ON_TRACK, PE_ST_DONE);
        pe_buf_puts(b, ",");
        put_by_year(b, r, PE_ST_LAGGING, PE_ST_MISSED);
        pe_buf_puts(b, "))");
        return;
    }
    put_by_year(b, r, PE_ST_DONE_EARLY, PE_ST_DONE);
    pe_buf_puts(b, ",");
    if (r->kind == PE_KIND_MILESTONE) {
        put_by_year(b, r, PE_ST_LAGGING, PE_ST_MISSED);
        pe_buf_puts(b, "))");
        return;
    }
    /* the target year's actual is in and the target was missed: 未完成 */
    pe_buf_puts(b, "IF(");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, ">=" PE_XLSX_NAME_TARGET_YEAR ",");
    put_state(b, PE_ST_MISSED);
    pe_buf_puts(b, ",IF(");
    put_cell(b, r, r->col_rho);
    /* reached neither, no ratio (p undefined): the model says 进展缓慢 */
    pe_buf_puts(b, "=\"\",");
    put_state(b, PE_ST_SLOW);
    pe_buf_puts(b, ",");
    put_threshold_chain(b, r->row, r->col_rho);
    pe_buf_puts(b, "))))");
}

void pe_xlsx_f_final_status(pe_buf *b, unsigned row, unsigned col_judgement,
                            unsigned col_computed)
{
    pe_buf_puts(b, "=IF(");
    put_ref(b, row, col_judgement);
    pe_buf_puts(b, "<>\"\",");
    put_ref(b, row, col_judgement);
    pe_buf_puts(b, ",");
    put_ref(b, row, col_computed);
    pe_buf_puts(b, ")");
}

/* Appends the rank of the status in cell (row, col) for the year-over-year
 * comparison, looked up in the 状态排序 table (pe_state_rank; −1 if absent). */
static void put_rank(pe_buf *b, unsigned row, unsigned col)
{
    pe_buf_puts(b, "IFERROR(VLOOKUP(");
    put_ref(b, row, col);
    pe_buf_puts(b, "," PE_XLSX_NAME_RANK ",2,FALSE),-1)");
}

void pe_xlsx_f_change(pe_buf *b, unsigned row, unsigned col_y, unsigned col_prev_y,
                      unsigned col_status, unsigned col_prev_status)
{
    pe_buf_puts(b, "=IF(");
    put_ref(b, row, col_y);
    pe_buf_puts(b, "=\"\",");
    put_quoted(b, pe_change_name(PE_CHANGE_NONE));
    pe_buf_puts(b, ",IF(");
    put_ref(b, row, col_prev_y);
    pe_buf_puts(b, "=\"\",");
    put_quoted(b, pe_change_name(PE_CHANGE_NEW));
    pe_buf_puts(b, ",IF(");
    put_rank(b, row, col_status);
    pe_buf_puts(b, "<0,");
    put_quoted(b, pe_change_name(PE_CHANGE_NONE));
    pe_buf_puts(b, ",IF(");
    put_rank(b, row, col_status);
    pe_buf_puts(b, ">");
    put_rank(b, row, col_prev_status);
    pe_buf_puts(b, ",");
    put_quoted(b, pe_change_name(PE_CHANGE_BETTER));
    pe_buf_puts(b, ",IF(");
    put_rank(b, row, col_status);
    pe_buf_puts(b, "<");
    put_rank(b, row, col_prev_status);
    pe_buf_puts(b, ",");
    put_quoted(b, pe_change_name(PE_CHANGE_WORSE));
    pe_buf_puts(b, ",");
    put_quoted(b, pe_change_name(PE_CHANGE_SAME));
    pe_buf_puts(b, ")))))");
}

/* Appends `IF(y="","",IF(OR(reached,y>=T),"",` — no pace once reached or at T. */
static void put_need_guard(pe_buf *b, const pe_xlsx_row *r)
{
    put_no_data_guard(b, r);
    pe_buf_puts(b, "IF(OR(");
    put_reached(b, r);
    pe_buf_puts(b, ",");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, ">=" PE_XLSX_NAME_TARGET_YEAR "),\"\",");
}

void pe_xlsx_f_needed_delta(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=");
    put_need_guard(b, r);
    /* (target − A)/(T − y); cumulative: (target − S)/(T − y) */
    pe_buf_puts(b, "(");
    put_cell(b, r, r->col_target);
    pe_buf_puts(b, "-");
    put_cell(b, r, r->kind == PE_KIND_CUMULATIVE ? r->col_s : r->col_a);
    pe_buf_puts(b, ")/(" PE_XLSX_NAME_TARGET_YEAR "-");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, ")))");
}

void pe_xlsx_f_needed_rate(pe_buf *b, const pe_xlsx_row *r)
{
    pe_buf_puts(b, "=");
    put_need_guard(b, r);
    pe_buf_puts(b, "IFERROR(");
    if (r->kind == PE_KIND_REDUCTION) {
        /* (1 − ((1 − G/100)/(1 − C/100))^(1/(T−y)))·100 */
        pe_buf_puts(b, "(1-((1-");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "/100)/(1-");
        put_cell(b, r, r->col_s);
        pe_buf_puts(b, "/100))^(1/(" PE_XLSX_NAME_TARGET_YEAR "-");
        put_cell(b, r, r->col_y);
        pe_buf_puts(b, ")))*100,\"\")))");
        return;
    }
    if (r->kind == PE_KIND_GROWTH) {
        /* (((1 + g/100)^(T−B) / F)^(1/(T−y)) − 1)·100 */
        pe_buf_puts(b, "(((1+");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "/100)^(" PE_XLSX_NAME_TARGET_YEAR "-" PE_XLSX_NAME_BASE_YEAR ")/");
        put_cell(b, r, r->col_f);
    } else {
        /* A > 0 and target > 0: ((target/A)^(1/(T−y)) − 1)·100 */
        pe_buf_puts(b, "IF(AND(");
        put_cell(b, r, r->col_a);
        pe_buf_puts(b, ">0,");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, ">0),((");
        put_cell(b, r, r->col_target);
        pe_buf_puts(b, "/");
        put_cell(b, r, r->col_a);
    }
    pe_buf_puts(b, ")^(1/(" PE_XLSX_NAME_TARGET_YEAR "-");
    put_cell(b, r, r->col_y);
    pe_buf_puts(b, "))-1)*100");
    if (r->kind != PE_KIND_GROWTH)
        pe_buf_puts(b, ",\"\")");
    pe_buf_puts(b, ",\"\")))");
}

/* ---- county sheet ---- */

/* Appends "B5:D5" for `n` columns from c0 over rows r1..r2. */
static void put_range(pe_buf *b, unsigned r1, unsigned r2, unsigned c0, unsigned n)
{
    put_ref(b, r1, c0);
    pe_buf_puts(b, ":");
    put_ref(b, r2, c0 + (n ? n - 1 : 0));
}

void pe_xlsx_f_county_cum_target(pe_buf *b, const pe_xlsx_county_row *r)
{
    /* targets of the years that have an actual */
    pe_buf_puts(b, "=SUMPRODUCT(");
    put_range(b, r->r1, r->r2, r->col_t0, r->ncols_years);
    pe_buf_puts(b, ",--ISNUMBER(");
    put_range(b, r->r1, r->r2, r->col_a0, r->ncols_years);
    pe_buf_puts(b, "))");
}

void pe_xlsx_f_county_rate(pe_buf *b, const pe_xlsx_county_row *r)
{
    pe_buf_puts(b, "=IF(");
    put_ref(b, r->row, r->col_cum_t);
    pe_buf_puts(b, ">0,");
    put_ref(b, r->row, r->col_cum_a);
    pe_buf_puts(b, "/");
    put_ref(b, r->row, r->col_cum_t);
    pe_buf_puts(b, ",\"\")");
}

void pe_xlsx_f_county_status(pe_buf *b, const pe_xlsx_county_row *r)
{
    pe_buf_puts(b, "=");
    if (!r->total_row) {
        pe_buf_puts(b, "IF(COUNT(");
        put_range(b, r->r1, r->r2, r->col_a0, r->ncols_years);
        pe_buf_puts(b, ")=0,");
        put_state(b, PE_ST_NO_DATA);
        pe_buf_puts(b, ",");
    }
    /* whole target met: 已完成 when every year with a target has an actual */
    pe_buf_puts(b, "IF(AND(");
    put_ref(b, r->row, r->col_total);
    pe_buf_puts(b, ">0,");
    put_ref(b, r->row, r->col_cum_a);
    pe_buf_puts(b, ">=");
    put_ref(b, r->row, r->col_total);
    pe_buf_puts(b, "),IF(SUMPRODUCT(ISNUMBER(");
    put_range(b, r->r1, r->r2, r->col_t0, r->ncols_years);
    pe_buf_puts(b, ")*(1-ISNUMBER(");
    put_range(b, r->r1, r->r2, r->col_a0, r->ncols_years);
    pe_buf_puts(b, ")))=0,");
    put_state(b, PE_ST_DONE);
    pe_buf_puts(b, ",");
    put_state(b, PE_ST_DONE_EARLY);
    pe_buf_puts(b, "),IF(");
    put_ref(b, r->row, r->col_rate);
    pe_buf_puts(b, "=\"\",");
    put_state(b, PE_ST_NO_DATA);
    pe_buf_puts(b, ",");
    put_threshold_chain(b, r->row, r->col_rate);
    pe_buf_puts(b, "))");
    if (!r->total_row)
        pe_buf_puts(b, ")");
}

/* ---- printed pages ---- */

double pe_xlsx_col_points(double width)
{
    return PE_XLSX_PT_PER_CHAR * width + PE_XLSX_PT_PAD;
}

double pe_xlsx_page_points(int landscape)
{
    double paper_mm = landscape ? PE_XLSX_A4_LONG_MM : PE_XLSX_A4_SHORT_MM;
    double usable_pt = (paper_mm / 25.4 - 2.0 * PE_XLSX_MARGIN_LR_IN) * 72.0;
    /* at a print scale below 100 % more sheet fits on the paper */
    return usable_pt * 100.0 / PE_XLSX_PRINT_SCALE * PE_XLSX_PRINT_SAFETY;
}

size_t pe_xlsx_page_breaks(const double *width, size_t n, size_t nkey,
                           const unsigned char *force, double avail, size_t *brk, size_t cap)
{
    double key = 0.0, used = 0.0;
    size_t c, nb = 0, start;

    if (nkey > n)
        nkey = n;
    for (c = 0; c < nkey; c++)
        key += pe_xlsx_col_points(width[c]);
    start = nkey;
    for (c = nkey; c < n; c++) {
        double w;
        if (width[c] < 0)
            continue;           /* hidden: prints nothing */
        w = pe_xlsx_col_points(width[c]);
        int full = c > start && key + used + w > avail;
        int forced = c > start && force && force[c];
        if (full || forced) {
            if (nb < cap)
                brk[nb] = c;
            nb++;
            start = c;
            used = 0.0;
        }
        used += w;
    }
    return nb;
}

/* ---- 数据检查: the row's inputs checked by a live formula ---- */

/* Appends the reference scale R of a row: the largest of |base|, |target| (or
 * |target|/(T − B) for a total over the period) and |median of the years|. */
static void put_check_scale(pe_buf *b, const pe_xlsx_check_row *r)
{
    if (r->col_scale != PE_XLSX_NOCOL) {
        put_ref(b, r->row, r->col_scale);
        return;
    }
    pe_buf_puts(b, "MAX(");
    if (r->col_base != PE_XLSX_NOCOL) {
        pe_buf_puts(b, "ABS(N(");
        put_ref(b, r->row, r->col_base);
        pe_buf_puts(b, ")),");
    }
    if (r->col_target != PE_XLSX_NOCOL) {
        pe_buf_puts(b, "ABS(N(");
        put_ref(b, r->row, r->col_target);
        pe_buf_puts(b, r->target_is_total ? "))/(" PE_XLSX_NAME_TARGET_YEAR "-"
                    PE_XLSX_NAME_BASE_YEAR ")," : ")),");
    }
    pe_buf_puts(b, "ABS(MEDIAN(");
    put_ref(b, r->row, r->col_year0);
    pe_buf_puts(b, ":");
    put_ref(b, r->row, r->col_year0 + (unsigned)(r->nyears ? r->nyears - 1 : 0));
    pe_buf_puts(b, ")))");
}

void pe_xlsx_f_check_scale(pe_buf *b, const pe_xlsx_check_row *r)
{
    /* as put_check_scale, with no year filled in: the median counts 0 */
    pe_buf_puts(b, "=MAX(");
    if (r->col_base != PE_XLSX_NOCOL) {
        pe_buf_puts(b, "ABS(N(");
        put_ref(b, r->row, r->col_base);
        pe_buf_puts(b, ")),");
    }
    if (r->col_target != PE_XLSX_NOCOL) {
        pe_buf_puts(b, "ABS(N(");
        put_ref(b, r->row, r->col_target);
        pe_buf_puts(b, r->target_is_total ? "))/(" PE_XLSX_NAME_TARGET_YEAR "-"
                    PE_XLSX_NAME_BASE_YEAR ")," : ")),");
    }
    pe_buf_puts(b, "IFERROR(ABS(MEDIAN(");
    put_ref(b, r->row, r->col_year0);
    pe_buf_puts(b, ":");
    put_ref(b, r->row, r->col_year0 + (unsigned)(r->nyears ? r->nyears - 1 : 0));
    pe_buf_puts(b, ")),0))");
}

/* Appends the year as a string literal prefix: "2022年 */
static void put_year_lit(pe_buf *b, int year)
{
    pe_buf_puts(b, "\"");
    if (year < 0)
        pe_buf_puts(b, "-");
    put_uint(b, (unsigned long)(year < 0 ? -(long)year : year));
    pe_buf_puts(b, "年");
}

/* First year column after the base year (series start). */
static size_t series_first(const pe_xlsx_check_row *r)
{
    size_t i = 0;
    while (i < r->nyears && r->years[i] <= r->base_year)
        i++;
    return i;
}

void pe_xlsx_f_check(pe_buf *b, const pe_xlsx_check_row *r)
{
    size_t i, s0 = series_first(r);
    int any = 0;

    pe_buf_puts(b, "=");
    for (i = 0; i < r->nyears; i++) {
        unsigned col = r->col_year0 + (unsigned)i;
        if (any)
            pe_buf_puts(b, "&");
        any = 1;
        pe_buf_puts(b, "IF(ISTEXT(");
        put_ref(b, r->row, col);
        pe_buf_puts(b, "),");
        put_year_lit(b, r->years[i]);
        pe_buf_puts(b, PE_XLSX_CHECK_TEXT "\",IF(ISNUMBER(");
        put_ref(b, r->row, col);
        pe_buf_puts(b, "),");
        if (r->nonneg) {
            pe_buf_puts(b, "IF(");
            put_ref(b, r->row, col);
            pe_buf_puts(b, "<0,");
            put_year_lit(b, r->years[i]);
            pe_buf_puts(b, PE_XLSX_CHECK_NEGATIVE "\",\"\")&");
        }
        if (r->outliers) {
            /* |v| > 20·R, or v ≠ 0 and 20·|v| < R, with R > 0 */
            pe_buf_puts(b, "IF(AND(");
            put_check_scale(b, r);
            pe_buf_puts(b, ">0,");
            put_ref(b, r->row, col);
            pe_buf_puts(b, "<>0,OR(ABS(");
            put_ref(b, r->row, col);
            pe_buf_puts(b, ")>" PE_XLSX_CHECK_FACTOR "*");
            put_check_scale(b, r);
            pe_buf_puts(b, ",ABS(");
            put_ref(b, r->row, col);
            pe_buf_puts(b, ")*" PE_XLSX_CHECK_FACTOR "<");
            put_check_scale(b, r);
            pe_buf_puts(b, ")),");
            put_year_lit(b, r->years[i]);
            pe_buf_puts(b, PE_XLSX_CHECK_OUTLIER "\",\"\")");
        } else {
            pe_buf_puts(b, "\"\"");
        }
        pe_buf_puts(b, ",");
        if (r->series && i > s0 && i + 1 < r->nyears) {
            /* blank between two years of the series */
            pe_buf_puts(b, "IF(AND(COUNT(");
            put_ref(b, r->row, r->col_year0 + (unsigned)s0);
            pe_buf_puts(b, ":");
            put_ref(b, r->row, col - 1);
            pe_buf_puts(b, ")>0,COUNT(");
            put_ref(b, r->row, col + 1);
            pe_buf_puts(b, ":");
            put_ref(b, r->row, r->col_year0 + (unsigned)(r->nyears - 1));
            pe_buf_puts(b, ")>0),");
            put_year_lit(b, r->years[i]);
            pe_buf_puts(b, PE_XLSX_CHECK_GAP "\",\"\")");
        } else {
            pe_buf_puts(b, "\"\"");
        }
        pe_buf_puts(b, "))");
    }
    if (!any)
        pe_buf_puts(b, "\"\"");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Appends "2022年" + what to `b` (the formula's literal, without quotes). */
static void put_year_msg(pe_buf *b, int year, const char *what)
{
    pe_buf_printf(b, "%d年%s", year, what);
}

int pe_xlsx_check_scale(const pe_xlsx_check_row *r, const int *has, const double *v,
                        int has_base, double base, int has_target, double target,
                        double period_years, double *out)
{
    double *sorted = NULL, scale = 0.0, med = 0.0;
    size_t i, n = 0;

    if (r->nyears > 0) {
        sorted = malloc(r->nyears * sizeof *sorted);
        if (!sorted)
            return 0;
    }
    for (i = 0; i < r->nyears; i++)
        if (has[i])
            sorted[n++] = v[i];
    if (n > 0) {
        qsort(sorted, n, sizeof *sorted, cmp_double);
        med = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
    free(sorted);
    if (r->col_base != PE_XLSX_NOCOL && has_base && fabs(base) > scale)
        scale = fabs(base);
    if (r->col_target != PE_XLSX_NOCOL && has_target) {
        double t = r->target_is_total && period_years > 0 ? fabs(target) / period_years
                                                          : fabs(target);
        if (t > scale)
            scale = t;
    }
    if (fabs(med) > scale)
        scale = fabs(med);
    *out = scale;
    return 1;
}

int pe_xlsx_check_text(pe_buf *b, const pe_xlsx_check_row *r, const int *has, const double *v,
                       int has_base, double base, int has_target, double target,
                       double period_years)
{
    double scale = 0.0;
    size_t i, s0 = series_first(r);

    if (!pe_xlsx_check_scale(r, has, v, has_base, base, has_target, target, period_years,
                             &scale))
        return 0;
    for (i = 0; i < r->nyears; i++) {
        if (has[i]) {
            double a = fabs(v[i]);
            if (r->nonneg && v[i] < 0)
                put_year_msg(b, r->years[i], PE_XLSX_CHECK_NEGATIVE);
            if (r->outliers && scale > 0 && v[i] != 0 &&
                (a > PE_XLSX_CHECK_FACTOR_N * scale || a * PE_XLSX_CHECK_FACTOR_N < scale))
                put_year_msg(b, r->years[i], PE_XLSX_CHECK_OUTLIER);
        } else if (r->series && i > s0 && i + 1 < r->nyears) {
            size_t k;
            int before = 0, after = 0;
            for (k = s0; k < i; k++)
                before |= has[k];
            for (k = i + 1; k < r->nyears; k++)
                after |= has[k];
            if (before && after)
                put_year_msg(b, r->years[i], PE_XLSX_CHECK_GAP);
        }
    }
    return !b->oom;
}

double pe_xlsx_page_height_points(int landscape)
{
    double paper_mm = landscape ? PE_XLSX_A4_SHORT_MM : PE_XLSX_A4_LONG_MM;
    double usable_pt = (paper_mm / 25.4 - 2.0 * PE_XLSX_MARGIN_TB_IN) * 72.0;
    return usable_pt * 100.0 / PE_XLSX_PRINT_SCALE * PE_XLSX_PRINT_SAFETY_V;
}

size_t pe_xlsx_keep_tail(const double *height, size_t nrows, size_t repeat_first,
                         size_t repeat_last, size_t tail, size_t keep, double page)
{
    double rep = 0.0, pos = 0.0;
    size_t r, start = 0;

    if (tail == 0 || tail >= nrows || keep == 0 || keep > tail)
        return 0;
    if (repeat_last >= repeat_first && repeat_last < nrows)
        for (r = repeat_first; r <= repeat_last; r++)
            rep += height[r];
    for (r = 0; r < nrows; r++) {
        if (pos + height[r] > page && r > start) {
            if (r >= tail) {
                /* the tail would open a page of its own: carry `keep`
                 * rows over, unless that empties the page before */
                size_t brk = tail - keep;
                return brk > start ? brk : 0;
            }
            start = r;
            pos = rep;
        }
        pos += height[r];
    }
    return 0;
}
