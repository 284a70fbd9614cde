/* test_layout.c — the PDF renderer's layout arithmetic on measured sizes:
 * grid, keeps, widow/orphan, table pagination and column widths. No PDF. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "pe_layout.h"

#define NMAX 400

static pe_flow_item items[NMAX];
static pe_flow_place place[NMAX];

static void reset(void)
{
    memset(items, 0, sizeof items);
    memset(place, 0, sizeof place);
}

/* Appends `k` body lines of one grid pitch; returns the index of the first. */
static size_t add_lines(size_t *n, size_t k)
{
    size_t first = *n, i;
    for (i = 0; i < k; i++) {
        items[*n].height = PE_LINE_PITCH;
        items[*n].flags = PE_FLOW_GRID;
        (*n)++;
    }
    return first;
}

static size_t add_paragraph(size_t *n, size_t k)
{
    size_t first = add_lines(n, k);
    pe_flow_keep_paragraph(items + first, k);
    return first;
}

static int paginate(size_t n)
{
    int pages = 0;
    pe_flow_paginate(items, n, PE_BLOCK_H, PE_LINE_PITCH, place, &pages);
    return pages;
}

/* Line index on its page (grid row). */
static int grid_row(size_t i)
{
    return (int)lround(place[i].y / PE_LINE_PITCH);
}

static void test_geometry_constants(void **state)
{
    (void)state;
    assert_true(fabs(PE_LINE_PITCH * PE_LINES_PER_PAGE - PE_BLOCK_H) < 1e-9);
    assert_true(fabs(PE_BODY_CHAR_PITCH * PE_CHARS_PER_LINE - PE_BLOCK_W) < 1e-9);
    assert_true(fabs(PE_BODY_TRACKING - (-0.2071)) < 0.001);
    assert_true(fabs(PE_MARGIN_LEFT - 79.37) < 0.01);
    assert_true(fabs(PE_BLOCK_TOP - (841.89 - 104.88)) < 0.01);
    assert_true(PE_MARGIN_LEFT + PE_BLOCK_W < PE_PAGE_W);
}

static void test_22_lines_per_page(void **state)
{
    size_t n = 0, i;
    (void)state;
    reset();
    add_lines(&n, 50);
    assert_int_equal(paginate(n), 3);
    for (i = 0; i < 50; i++) {
        assert_int_equal(place[i].page, (int)(i / 22));
        assert_int_equal(grid_row(i), (int)(i % 22));
    }
}

static void test_heading_keeps_with_next_two_lines(void **state)
{
    size_t n = 0, h, p;
    (void)state;
    reset();
    add_lines(&n, 20);
    h = add_lines(&n, 1);
    items[h].flags |= PE_FLOW_GLUE;
    p = add_paragraph(&n, 5);
    paginate(n);
    /* heading + 2 lines need 3 grid lines; only 2 were left */
    assert_int_equal(place[h].page, 1);
    assert_int_equal(grid_row(h), 0);
    assert_int_equal(place[p].page, 1);
    assert_int_equal(place[p + 1].page, 1);
}

static void test_heading_fits_with_two_lines(void **state)
{
    size_t n = 0, h, p;
    (void)state;
    reset();
    add_lines(&n, 19);
    h = add_lines(&n, 1);
    items[h].flags |= PE_FLOW_GLUE;
    p = add_paragraph(&n, 5);
    paginate(n);
    assert_int_equal(place[h].page, 0);
    assert_int_equal(place[p + 1].page, 0);
    assert_int_equal(place[p + 2].page, 1);
}

static void test_orphan_first_line_moves(void **state)
{
    size_t n = 0, p;
    (void)state;
    reset();
    add_lines(&n, 21);
    p = add_paragraph(&n, 4);
    paginate(n);
    assert_int_equal(place[p].page, 1);
    assert_int_equal(grid_row(p), 0);
}

static void test_widow_last_line_pulls_one(void **state)
{
    size_t n = 0, p;
    (void)state;
    reset();
    add_lines(&n, 19);
    p = add_paragraph(&n, 4);    /* 3 lines would fit, leaving 1 alone */
    paginate(n);
    assert_int_equal(place[p].page, 0);
    assert_int_equal(place[p + 1].page, 0);
    assert_int_equal(place[p + 2].page, 1);
    assert_int_equal(place[p + 3].page, 1);
}

static void test_paragraph_longer_than_a_page(void **state)
{
    size_t n = 0, p, i;
    int pages;
    (void)state;
    reset();
    add_lines(&n, 3);
    p = add_paragraph(&n, 60);
    pages = paginate(n);
    assert_int_equal(pages, 3);
    /* every page holds at least two lines of the paragraph at its head/foot */
    for (i = p; i < p + 60; i++) {
        if (i > p && place[i].page != place[i - 1].page) {
            assert_int_equal(place[i + 1].page, place[i].page);
            assert_int_equal(place[i - 2].page, place[i - 1].page);
        }
        assert_true(place[i].y + PE_LINE_PITCH <= PE_BLOCK_H + 0.01);
    }
    assert_int_equal(place[p].page, 0);
    assert_int_equal(grid_row(p), 3);
}

static void test_newpage_and_discard(void **state)
{
    size_t n = 0, a, blank, b;
    (void)state;
    reset();
    add_lines(&n, 22);
    blank = add_lines(&n, 1);
    items[blank].flags |= PE_FLOW_DISCARD;   /* a blank line at a page top vanishes */
    b = add_lines(&n, 1);
    a = add_lines(&n, 1);
    items[a].flags |= PE_FLOW_NEWPAGE;
    assert_int_equal(paginate(n), 3);
    assert_int_equal(place[blank].dropped, 1);
    assert_int_equal(place[b].page, 1);
    assert_int_equal(grid_row(b), 0);
    assert_int_equal(place[a].page, 2);
    assert_true(place[a].y < 0.01);
}

static void test_newpage_on_empty_page_adds_none(void **state)
{
    size_t n = 0, a;
    (void)state;
    reset();
    a = add_lines(&n, 1);
    items[a].flags |= PE_FLOW_NEWPAGE;
    add_lines(&n, 2);
    assert_int_equal(paginate(n), 1);
    assert_int_equal(place[a].page, 0);
}

/* A table: caption, header (glued to the first row), rows with the repeated
 * 续表 + header height, a note glued to the last row. */
static size_t add_table(size_t *n, size_t nrows, double row_h, double header_h,
                        double cont_h)
{
    size_t first = *n, i;
    items[*n].height = PE_LINE_PITCH;       /* caption */
    items[*n].flags = PE_FLOW_GLUE;
    (*n)++;
    items[*n].height = header_h;            /* header row */
    items[*n].flags = PE_FLOW_GLUE;
    (*n)++;
    for (i = 0; i < nrows; i++) {
        items[*n].height = row_h;
        items[*n].cont_height = cont_h;
        (*n)++;
    }
    items[*n - 1].flags |= PE_FLOW_GLUE;
    items[*n].height = 20;                  /* note */
    (*n)++;
    return first;
}

static void test_table_longer_than_three_pages(void **state)
{
    size_t n = 0, t, i;
    int pages, conts = 0;
    const double cont_h = 18 + 30;
    (void)state;
    reset();
    add_lines(&n, 5);
    t = add_table(&n, 90, 25.0, 30.0, cont_h);
    pages = paginate(n);
    assert_true(pages >= 4);
    for (i = t + 2; i < t + 2 + 90; i++) {
        /* rows never split: each lies wholly inside the text block */
        assert_true(place[i].y + 25.0 <= PE_BLOCK_H + 0.01);
        if (place[i].page != place[i - 1].page) {
            assert_int_equal(place[i].cont, 1);      /* header repeated */
            assert_true(fabs(place[i].y - cont_h) < 0.01);
            conts++;
        } else {
            assert_int_equal(place[i].cont, 0);
        }
    }
    assert_int_equal(conts, pages - 1);
    /* the note stays with the last row */
    assert_int_equal(place[n - 1].page, place[n - 2].page);
}

static void test_row_taller_than_remainder_moves(void **state)
{
    size_t n = 0, t;
    (void)state;
    reset();
    add_lines(&n, 15);               /* 434 pt used, 203 pt left */
    t = add_table(&n, 3, 40.0, 30.0, 48.0);
    items[t + 4].height = 150.0;      /* third row: does not fit after two */
    paginate(n);
    assert_int_equal(place[t + 3].page, 0);
    assert_int_equal(place[t + 4].page, 1);
    assert_int_equal(place[t + 4].cont, 1);
    assert_true(fabs(place[t + 4].y - 48.0) < 0.01);
}

static void test_table_header_never_alone(void **state)
{
    size_t n = 0, t;
    (void)state;
    reset();
    add_lines(&n, 20);               /* caption + header fit, first row does not */
    t = add_table(&n, 5, 30.0, 30.0, 48.0);
    paginate(n);
    assert_int_equal(place[t].page, 1);
    assert_int_equal(place[t + 1].page, 1);
    assert_int_equal(place[t + 2].page, 1);
    assert_int_equal(place[t + 2].cont, 0);
}

static void test_item_taller_than_page_is_forced(void **state)
{
    size_t n = 0, big;
    int pages;
    (void)state;
    reset();
    add_lines(&n, 3);
    big = n;
    items[n++].height = PE_BLOCK_H * 1.5;
    add_lines(&n, 2);
    pages = paginate(n);
    assert_int_equal(place[big].page, 1);
    assert_true(place[big].y < 0.01);
    assert_int_equal(pages, 3);
}

static void test_grid_snap_after_table(void **state)
{
    size_t n = 0, l;
    (void)state;
    reset();
    items[n++].height = 40.0;        /* not on the grid */
    l = add_lines(&n, 1);
    paginate(n);
    assert_true(fabs(place[l].y - 2 * PE_LINE_PITCH) < 0.01);
}

static void test_merge_segments_across_break(void **state)
{
    int row_page[8] = { 0, 0, 0, 1, 1, 1, 2, 2 };
    pe_row_span s[8];
    size_t k;
    (void)state;
    k = pe_merge_segments(row_page, 1, 6, s);
    assert_int_equal(k, 3);
    assert_int_equal(s[0].first, 1);
    assert_int_equal(s[0].last, 2);
    assert_int_equal(s[1].first, 3);
    assert_int_equal(s[1].last, 5);
    assert_int_equal(s[2].first, 6);
    assert_int_equal(s[2].last, 6);
    k = pe_merge_segments(row_page, 3, 5, s);
    assert_int_equal(k, 1);
}

static void test_merged_group_label_repeats_on_new_page(void **state)
{
    /* rows 0..9 of 70 pt form one merged group; the label shows once per page */
    size_t n = 0, i;
    int row_page[10];
    pe_row_span s[10];
    size_t k;
    (void)state;
    reset();
    for (i = 0; i < 10; i++) {
        items[n].height = 70.0;
        items[n].cont_height = 48.0;
        n++;
    }
    paginate(n);
    for (i = 0; i < 10; i++)
        row_page[i] = place[i].page;
    k = pe_merge_segments(row_page, 0, 9, s);
    assert_true(k >= 2);
    assert_int_equal(s[1].first, s[0].last + 1);
    assert_int_equal(place[s[1].first].cont, 1);
}

static void test_cell_lines(void **state)
{
    (void)state;
    assert_int_equal(pe_cell_lines(0, 50), 0);          /* empty: sets no height */
    assert_int_equal(pe_cell_lines(100, 100), 1);
    assert_int_equal(pe_cell_lines(100, 50), 2);
    assert_int_equal(pe_cell_lines(101, 50), 3);
    assert_int_equal(pe_cell_lines(10, 300), 1);
}

/* one table of `nr` rows × 2 or 3 columns for pe_columns_lines */
static pe_table_cols cols(const double *mn, const double *mx, const double *nat, size_t nc,
                          size_t nr, size_t primary, double pad)
{
    pe_table_cols tc;
    tc.ncols = nc;
    tc.nrows = nr;
    tc.minw = mn;
    tc.maxw = mx;
    tc.nat = nat;
    tc.prio = NULL;
    tc.pad = pad;
    tc.step = 1;
    tc.primary = primary;
    tc.cap_lines = PE_TABLE_MAX_LINES;
    return tc;
}

static void test_columns_natural_fill_the_measure(void **state)
{
    double mn[3] = { 10, 20, 30 }, mx[3] = { 50, 100, 150 }, nat[3] = { 46, 96, 146 }, w[3];
    pe_table_cols tc = cols(mn, mx, nat, 3, 1, 3, 4);
    pe_cols_result res;
    (void)state;
    assert_int_equal(pe_columns_lines(&tc, PE_BLOCK_W, w, &res), 0);
    assert_true(fabs(w[0] + w[1] + w[2] - PE_BLOCK_W) < 1e-6);
    assert_true(w[0] >= 50 && w[1] >= 100 && w[2] >= 150);
    assert_int_equal(res.total, 1);
}

static void test_columns_minima_too_wide(void **state)
{
    double mn[2] = { 300, 200 }, mx[2] = { 400, 300 }, nat[2] = { 396, 296 }, w[2] = { 7, 7 };
    pe_table_cols tc = cols(mn, mx, nat, 2, 1, 2, 4);
    (void)state;
    assert_int_equal(pe_columns_lines(&tc, PE_BLOCK_W, w, NULL), -1);
    assert_true(w[0] == 7 && w[1] == 7);    /* untouched */
}

static void test_columns_names_first(void **state)
{
    /* names of 300 and 200 pt beside texts of 150 and 60 pt in 260 pt: the
     * names get two lines (150 + pad), the others two lines too; the spare
     * width that saves no line is shared by what each column lacks */
    double mn[2] = { 30, 30 }, mx[2] = { 304, 154 };
    double nat[4] = { 300, 150, 200, 60 }, w[2];
    pe_table_cols tc = cols(mn, mx, nat, 2, 2, 0, 4);
    pe_cols_result res;
    (void)state;
    assert_int_equal(pe_columns_lines(&tc, 260, w, &res), 0);
    assert_true(fabs(w[0] + w[1] - 260) < 1e-6);
    assert_true(w[0] >= 154 - 1e-9);
    assert_true(fabs(w[0] - 172) < 1e-6 && fabs(w[1] - 88) < 1e-6);
    assert_int_equal(res.primary_lines, 2);
    assert_int_equal(res.other_lines, 2);
    assert_int_equal(res.total, 4);
}

static void test_columns_spare_where_it_saves_most_lines(void **state)
{
    /* 60 pt to spare: widening column 1 to its maximum saves two lines (rows
     * 1 and 2), column 0 only one: column 1 gets it */
    double mn[2] = { 50, 50 }, mx[2] = { 100, 100 };
    double nat[6] = { 100, 0, 0, 100, 0, 100 }, w[2];
    pe_table_cols tc = cols(mn, mx, nat, 2, 3, 2, 0);
    (void)state;
    assert_int_equal(pe_table_lines(&tc, mn), 6);
    assert_int_equal(pe_columns_lines(&tc, 160, w, NULL), 0);
    assert_true(fabs(w[1] - 100) < 1e-9);
    assert_true(fabs(w[0] - 60) < 1e-9);
    assert_int_equal(pe_table_lines(&tc, w), 4);
}

/* Whole rows: column 0 (names, primary) has width that saves no line and
 * column 1's cells take 3 lines; 2 characters (step 10) moved from 0 to 1
 * bring them to 2 while the names stay within their cap of 2 lines; no
 * column goes below its minimum. With a cap of 1 the names keep their width. */
static void test_columns_balance_rows(void **state)
{
    double mn[2] = { 40, 30 }, mx[2] = { 200, 200 };
    double nat[6] = { 100, 55, 90, 55, 20, 55 };    /* 3 rows × 2 columns */
    pe_table_cols tc = cols(mn, mx, nat, 2, 3, 0, 0);
    double w[2] = { 100, 20 + 5 };                  /* col 1: 3 lines of 55 in 25 */
    (void)state;
    tc.step = 10;
    assert_int_equal(pe_table_lines(&tc, w), 9);
    double keep[2] = { w[0], w[1] };
    assert_int_equal(pe_columns_balance(&tc, 1, keep), 0);     /* names must stay one line */
    assert_true(keep[0] == 100 && keep[1] == 25);
    assert_true(pe_columns_balance(&tc, 2, w) > 0);
    assert_true(fabs(w[0] + w[1] - 125) < 1e-9);                /* the measure kept */
    assert_true(w[0] >= mn[0] && w[1] >= mn[1]);
    assert_true(pe_table_lines(&tc, w) < 9);
    for (size_t r = 0; r < 3; r++)
        assert_true(pe_cell_lines(nat[r * 2], w[0]) <= 2);
    /* columns at their minima give nothing */
    double w2[2] = { 40, 85 }, mn2[2] = { 40, 85 };
    tc.minw = mn2;
    assert_int_equal(pe_columns_balance(&tc, 5, w2), 0);
}

static void test_columns_numbers_never_wrap(void **state)
{
    /* a number column (minimum = maximum) keeps its width while a long text
     * column wraps; the text column takes all the rest */
    double mn[2] = { 40, 30 }, mx[2] = { 40, 600 }, nat[2] = { 36, 596 }, w[2];
    pe_table_cols tc = cols(mn, mx, nat, 2, 1, 1, 4);
    pe_cols_result res;
    (void)state;
    assert_int_equal(pe_columns_lines(&tc, 200, w, &res), 0);
    assert_true(fabs(w[0] - 40) < 1e-9);
    assert_true(fabs(w[1] - 160) < 1e-9);
    assert_int_equal(pe_cell_lines(nat[0], w[0] - 4), 1);
    assert_int_equal(res.primary_lines, 4);     /* 596 / 156 */
}

/* pe_columns_squeeze: a cell of `n` digits of 5 pt (one unbreakable number) */
static pe_cell_text digits(size_t n)
{
    pe_cell_text c;
    c.nat = c.unit = 5.0 * (double)n;
    c.nchars = n;
    c.weight = 1;
    return c;
}

static pe_table_squeeze squeeze(const pe_cell_text *cells, size_t nc, size_t nr,
                                const double *lo, const double *hi)
{
    pe_table_squeeze ts;
    ts.ncols = nc;
    ts.nrows = nr;
    ts.cells = cells;
    ts.lo = lo;
    ts.hi = hi;
    ts.pad = 4;
    ts.grid = 0.5;
    ts.break_cost = 3;
    return ts;
}

static void test_squeeze_one_character_columns_too_wide(void **state)
{
    /* four columns of one 9 pt character: the first three fit 30 pt */
    pe_cell_text cells[4] = { digits(2), digits(2), digits(2), digits(2) };
    double lo[4] = { 9, 9, 9, 9 }, hi[4] = { 14, 14, 14, 14 }, w[4] = { 7, 7, 7, 7 };
    size_t fit = 99;
    pe_table_squeeze ts = squeeze(cells, 4, 1, lo, hi);
    (void)state;
    assert_int_equal(pe_columns_squeeze(&ts, 30, w, &fit), -1);
    assert_int_equal(fit, 3);
    assert_true(w[0] == 7 && w[3] == 7);    /* untouched */
    assert_int_equal(pe_columns_squeeze(&ts, 36, w, &fit), 0);
    assert_int_equal(fit, 4);
}

static void test_squeeze_breaks_the_fewest(void **state)
{
    /* column 0: ten numbers of 12 digits (64 pt with pad); column 1: one
     * number of 16 digits among nine of 4 (84 pt whole); in 120 pt, column
     * 1's one long number breaks in two (40 pt + pad a piece) and column 0
     * stays whole, where equal columns or one level for all (60 pt each)
     * would break all ten of column 0 */
    pe_cell_text cells[20];
    double lo[2] = { 9, 9 }, hi[2] = { 64, 84 }, w[2];
    size_t r;
    pe_table_squeeze ts;
    (void)state;
    for (r = 0; r < 10; r++) {
        cells[r * 2] = digits(12);
        cells[r * 2 + 1] = digits(r == 3 ? 16 : 4);
    }
    ts = squeeze(cells, 2, 10, lo, hi);
    assert_int_equal(pe_columns_squeeze(&ts, 120, w, NULL), 0);
    assert_true(w[0] >= 64 - 1e-9);
    assert_true(w[1] >= 44 - 1e-9 && w[1] < 84);
    assert_true(w[0] + w[1] <= 120 + 1e-9);
    /* every width on the grid from its minimum */
    assert_true(fabs((w[0] - lo[0]) / 0.5 - floor((w[0] - lo[0]) / 0.5 + 0.5)) < 1e-9);
    assert_true(fabs((w[1] - lo[1]) / 0.5 - floor((w[1] - lo[1]) / 0.5 + 0.5)) < 1e-9);
}

static void test_squeeze_whole_when_it_fits(void **state)
{
    /* room for every number whole: no piece breaks, nothing wider than hi */
    pe_cell_text cells[3] = { digits(6), digits(3), digits(10) };
    double lo[3] = { 9, 9, 9 }, hi[3] = { 34, 19, 54 }, w[3];
    pe_table_squeeze ts = squeeze(cells, 3, 1, lo, hi);
    size_t k;
    (void)state;
    assert_int_equal(pe_columns_squeeze(&ts, 200, w, NULL), 0);
    for (k = 0; k < 3; k++) {
        assert_true(w[k] >= cells[k].unit + 4 - 1e-9);
        assert_true(w[k] <= hi[k] + 0.5);
    }
}

static void test_squeeze_text_against_numbers(void **state)
{
    /* a name of 12 characters of 10 pt beside a number of 10 digits (54 pt
     * whole) in 80 pt: narrowing the name to 2 characters a line (6 lines)
     * costs 3 lines more than 3 a line (4 lines), breaking the number once
     * costs 1 + 3: the number stays whole, the name takes the rest */
    pe_cell_text cells[2];
    double lo[2] = { 14, 9 }, hi[2] = { 124, 54 }, w[2];
    pe_table_squeeze ts;
    (void)state;
    cells[0].nat = 120;
    cells[0].unit = 10;
    cells[0].nchars = 12;
    cells[0].weight = 1;
    cells[1] = digits(10);
    ts = squeeze(cells, 2, 1, lo, hi);
    assert_int_equal(pe_columns_squeeze(&ts, 80, w, NULL), 0);
    assert_true(w[1] >= 54 - 1e-9);
    assert_true(w[0] >= 24 - 1e-9);     /* 2 characters a line */
    /* with breaks nearly free (half a line) the name takes 4 characters a
     * line (3 lines) and the number breaks in two: 3 + 2 + 0.5 < 6 + 1 */
    ts.break_cost = 0.5;
    assert_int_equal(pe_columns_squeeze(&ts, 80, w, NULL), 0);
    assert_true(w[1] < 54);
    assert_true(w[0] >= 44 - 1e-9);
}

static void test_justify_spacing(void **state)
{
    (void)state;
    /* 27 full-width characters at 16 pt justified to the 156 mm measure */
    double tc = pe_justify_spacing(27 * 16.0, 27, PE_BLOCK_W);
    assert_true(fabs(27 * 16.0 + 26 * tc - PE_BLOCK_W) < 1e-9);
    assert_true(pe_justify_spacing(10, 1, 100) == 0);
    /* a full 28-character line at 16 pt is slightly compressed */
    assert_true(pe_justify_spacing(28 * 16.0, 28, PE_BLOCK_W) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry_constants),
        cmocka_unit_test(test_22_lines_per_page),
        cmocka_unit_test(test_heading_keeps_with_next_two_lines),
        cmocka_unit_test(test_heading_fits_with_two_lines),
        cmocka_unit_test(test_orphan_first_line_moves),
        cmocka_unit_test(test_widow_last_line_pulls_one),
        cmocka_unit_test(test_paragraph_longer_than_a_page),
        cmocka_unit_test(test_newpage_and_discard),
        cmocka_unit_test(test_newpage_on_empty_page_adds_none),
        cmocka_unit_test(test_table_longer_than_three_pages),
        cmocka_unit_test(test_row_taller_than_remainder_moves),
        cmocka_unit_test(test_table_header_never_alone),
        cmocka_unit_test(test_item_taller_than_page_is_forced),
        cmocka_unit_test(test_grid_snap_after_table),
        cmocka_unit_test(test_merge_segments_across_break),
        cmocka_unit_test(test_merged_group_label_repeats_on_new_page),
        cmocka_unit_test(test_cell_lines),
        cmocka_unit_test(test_columns_natural_fill_the_measure),
        cmocka_unit_test(test_columns_minima_too_wide),
        cmocka_unit_test(test_columns_names_first),
        cmocka_unit_test(test_columns_spare_where_it_saves_most_lines),
        cmocka_unit_test(test_columns_balance_rows),
        cmocka_unit_test(test_columns_numbers_never_wrap),
        cmocka_unit_test(test_squeeze_one_character_columns_too_wide),
        cmocka_unit_test(test_squeeze_breaks_the_fewest),
        cmocka_unit_test(test_squeeze_whole_when_it_fits),
        cmocka_unit_test(test_squeeze_text_against_numbers),
        cmocka_unit_test(test_justify_spacing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
