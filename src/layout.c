/* layout.c — the layout arithmetic (pe_layout.h) used by src/pages.c: pagination with
 * keeps, widow/orphan glue, table column widths and merged-cell runs. */
#include "pe_layout.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LAYOUT_EPS 0.01     /* pt: rounding slack when comparing heights */

void pe_flow_paginate(const pe_flow_item *items, size_t n, double page_h, double pitch,
                      pe_flow_place *out, int *npages)
{
    int page = 0;
    size_t start = 0;       /* first item of the current page */
    int placed_any = 0;     /* the current page holds a drawn item */
    double y = 0;
    size_t i = 0;

    while (i < n) {
        const pe_flow_item *it = &items[i];
        double y0 = y;

        if ((it->flags & PE_FLOW_NEWPAGE) && placed_any) {
            page++;
            start = i;
            y = 0;
            placed_any = 0;
            continue;
        }
        out[i].page = page;
        out[i].cont = 0;
        out[i].dropped = 0;
        if (!placed_any && (it->flags & PE_FLOW_DISCARD)) {
            out[i].dropped = 1;
            out[i].y = y;
            i++;
            continue;
        }
        if (!placed_any && it->cont_height > 0) {
            y0 += it->cont_height;
            out[i].cont = 1;
        }
        if ((it->flags & PE_FLOW_GRID) && pitch > 0)
            y0 = ceil((y0 - LAYOUT_EPS) / pitch) * pitch;
        if (y0 + it->height <= page_h + LAYOUT_EPS || !placed_any) {
            out[i].y = y0;
            y = y0 + it->height;
            placed_any = 1;
            i++;
            continue;
        }
        /* Does not fit: break before the glued chain that ends here, unless
         * the chain fills the page from its start (then break right here). */
        {
            size_t b = i;
            while (b > start && (items[b - 1].flags & PE_FLOW_GLUE))
                b--;
            if (b == start)
                b = i;
            page++;
            start = b;
            y = 0;
            placed_any = 0;
            i = b;
        }
    }
    *npages = page + 1;
}

void pe_flow_keep_paragraph(pe_flow_item *lines, size_t n)
{
    if (n < 2)
        return;
    lines[0].flags |= PE_FLOW_GLUE;
    lines[n - 2].flags |= PE_FLOW_GLUE;
}

size_t pe_cell_lines(double nat, double inner)
{
    double q;
    if (nat <= 0)
        return 0;
    if (inner <= LAYOUT_EPS)
        return (size_t)-1 / 4;
    q = ceil(nat / inner - 1e-9);
    return q < 1 ? 1 : (size_t)q;
}

size_t pe_table_lines(const pe_table_cols *tc, const double *w)
{
    size_t r, k, sum = 0;
    for (r = 0; r < tc->nrows; r++) {
        size_t hi = 0;
        for (k = 0; k < tc->ncols; k++) {
            size_t l = pe_cell_lines(tc->nat[r * tc->ncols + k], w[k] - tc->pad);
            if (l > hi)
                hi = l;
        }
        sum += hi;
    }
    return sum;
}

#define PE_BALANCE_CHARS 3   /* pe_columns_balance: most characters moved at once */
#define PE_BALANCE_MOVES 8   /* … and most moves per column */

/* pe_columns_balance: per row, its three tallest cells at the current widths
 * (lines, column), so that moving width between two columns is costed in
 * O(rows): the row's height is then the tallest of the other columns' and
 * the two changed cells'. */
typedef struct { size_t v[3], k[3]; } row_top3;

static void rows_top3(const pe_table_cols *tc, const double *w, row_top3 *rt)
{
    for (size_t r = 0; r < tc->nrows; r++) {
        row_top3 *t = &rt[r];
        memset(t, 0, sizeof *t);
        t->k[0] = t->k[1] = t->k[2] = tc->ncols;
        for (size_t k = 0; k < tc->ncols; k++) {
            size_t l = pe_cell_lines(tc->nat[r * tc->ncols + k], w[k] - tc->pad), i = 3;
            while (i > 0 && l > t->v[i - 1])
                i--;
            if (i == 3)
                continue;
            for (size_t j = 2; j > i; j--) {
                t->v[j] = t->v[j - 1];
                t->k[j] = t->k[j - 1];
            }
            t->v[i] = l;
            t->k[i] = k;
        }
    }
}

/* The table's lines with `d` pt moved from column a to column b; SIZE_MAX
 * when the primary column's cells would take more than `cap` lines. */
static size_t balance_cost(const pe_table_cols *tc, const row_top3 *rt, const double *w,
                           size_t a, size_t b, double d, size_t cap)
{
    size_t r, sum = 0, nc = tc->ncols;
    for (r = 0; r < tc->nrows; r++) {
        size_t la = pe_cell_lines(tc->nat[r * nc + a], w[a] - d - tc->pad);
        size_t lb = pe_cell_lines(tc->nat[r * nc + b], w[b] + d - tc->pad);
        size_t h = la > lb ? la : lb, i;
        if (a == tc->primary && la > cap)
            return SIZE_MAX;
        for (i = 0; i < 3 && (rt[r].k[i] == a || rt[r].k[i] == b); i++)
            ;
        if (i < 3 && rt[r].v[i] > h)
            h = rt[r].v[i];
        sum += h;
    }
    return sum;
}

size_t pe_columns_balance(const pe_table_cols *tc, size_t primary_cap, double *w)
{
    size_t nc = tc->ncols, moves = 0, a, b, m;
    row_top3 *rt;
    if (nc < 2 || tc->step <= 0 || tc->nrows == 0)
        return 0;
    rt = malloc(tc->nrows * sizeof *rt);
    if (!rt)
        return 0;       /* the widths stay as chosen */
    size_t cur = pe_table_lines(tc, w);
    /* each move lowers the total by at least a line */
    while (cur > 0 && moves < PE_BALANCE_MOVES * nc) {
        size_t best = cur, ba = nc, bb = nc;
        double bd = 0;
        rows_top3(tc, w, rt);
        /* one to PE_BALANCE_CHARS characters at once: a cell of five lines
         * may need three more characters to take four */
        for (m = 1; m <= PE_BALANCE_CHARS; m++) {
            double d = (double)m * tc->step;
            for (a = 0; a < nc; a++) {
                if (w[a] - d < tc->minw[a] - LAYOUT_EPS)
                    continue;
                for (b = 0; b < nc; b++) {
                    double mxb = tc->maxw[b] > tc->minw[b] ? tc->maxw[b] : tc->minw[b];
                    if (b == a || w[b] >= mxb - LAYOUT_EPS)
                        continue;   /* b already holds its longest line */
                    size_t t = balance_cost(tc, rt, w, a, b, d, primary_cap);
                    if (t < best) {
                        best = t;
                        ba = a;
                        bb = b;
                        bd = d;
                    }
                }
            }
        }
        if (ba == nc)
            break;
        w[ba] -= bd;
        w[bb] += bd;
        cur = best;
        moves++;
    }
    free(rt);
    return moves;
}

/* pe_columns_lines: per row, the tallest and second tallest cell at the
 * current widths, so that a widening of one column is costed in O(rows). */
typedef struct { size_t top, second, arg; } row_top;

static void rows_top(const pe_table_cols *tc, const double *w, row_top *rt)
{
    size_t r, k;
    for (r = 0; r < tc->nrows; r++) {
        rt[r].top = rt[r].second = 0;
        rt[r].arg = tc->ncols;
        for (k = 0; k < tc->ncols; k++) {
            size_t l = pe_cell_lines(tc->nat[r * tc->ncols + k], w[k] - tc->pad);
            if (l > rt[r].top) {
                rt[r].second = rt[r].top;
                rt[r].top = l;
                rt[r].arg = k;
            } else if (l > rt[r].second) {
                rt[r].second = l;
            }
        }
    }
}

/* The inner width that sets `nat` in `l` lines, rounded up to whole steps (a
 * text of 13 characters needs 7 a line for two lines, not 6.5). */
static double inner_for_lines(const pe_table_cols *tc, double nat, size_t l)
{
    double x = nat / (double)l;
    if (tc->step > 0)
        x = ceil(x / tc->step - 1e-6) * tc->step;
    return x;
}

/* The next width of column k worth trying: the smallest at which one of its
 * cells loses a line, at least one step wider, at most its maximum. */
static double next_width(const pe_table_cols *tc, const double *w, size_t k)
{
    double mx = tc->maxw[k] > tc->minw[k] ? tc->maxw[k] : tc->minw[k], best = mx;
    size_t r;
    for (r = 0; r < tc->nrows; r++) {
        double n = tc->nat[r * tc->ncols + k];
        size_t l = pe_cell_lines(n, w[k] - tc->pad);
        if (l > 1) {
            double cand = inner_for_lines(tc, n, l - 1) + tc->pad;
            if (cand < w[k] + tc->step)
                cand = w[k] + tc->step;
            if (cand < best)
                best = cand;
        }
    }
    return best;
}

/* Width of column k that wraps each of its cells into at most `l` lines
 * (l = 0: its minimum), within [min, max]. */
static double width_for_lines(const pe_table_cols *tc, size_t k, size_t l)
{
    double w = tc->minw[k], mx = tc->maxw[k] > w ? tc->maxw[k] : w;
    size_t r;
    if (l == 0)
        return w;
    for (r = 0; r < tc->nrows; r++) {
        double n = tc->nat[r * tc->ncols + k];
        if (n > 0 && inner_for_lines(tc, n, l) + tc->pad > w)
            w = inner_for_lines(tc, n, l) + tc->pad;
    }
    return w < mx ? w : mx;
}

static double sum_for_lines(const pe_table_cols *tc, size_t lp, size_t lo)
{
    double sum = 0;
    size_t k;
    for (k = 0; k < tc->ncols; k++)
        sum += width_for_lines(tc, k, k == tc->primary ? lp : lo);
    return sum;
}

#define COLS_MAX_LINES 12   /* pe_columns_lines: beyond this, start from the minima */

/* The starting widths of pe_columns_lines: names first (see pe_layout.h). */
static void columns_start(const pe_table_cols *tc, double measure, double *out)
{
    size_t lp, lo, best_p = 0, best_o = 0, k;
    int found = 0;

    size_t cap;

    /* the fewest lines for names while the others keep to `cap` lines; a
     * cap that leaves no room is raised a line at a time */
    for (cap = tc->cap_lines; cap <= COLS_MAX_LINES && !found && tc->primary < tc->ncols; cap++)
        for (lp = 1; lp <= cap && !found; lp++)
            for (lo = 1; lo <= cap && !found; lo++)
                if (sum_for_lines(tc, lp, lo) <= measure + LAYOUT_EPS) {
                    best_p = lp;
                    best_o = lo;
                    found = 1;
                }
    for (lo = 1; lo <= COLS_MAX_LINES && !found; lo++)
        if (sum_for_lines(tc, lo, lo) <= measure + LAYOUT_EPS) {
            best_p = best_o = lo;
            found = 1;
        }
    for (k = 0; k < tc->ncols; k++)
        out[k] = width_for_lines(tc, k, k == tc->primary ? best_p : best_o);
}

static void columns_result(const pe_table_cols *tc, const double *w, pe_cols_result *res)
{
    size_t r, k;
    if (!res)
        return;
    res->primary_lines = res->other_lines = 0;
    for (r = 0; r < tc->nrows; r++)
        for (k = 0; k < tc->ncols; k++) {
            size_t l = pe_cell_lines(tc->nat[r * tc->ncols + k], w[k] - tc->pad);
            size_t *m = k == tc->primary ? &res->primary_lines : &res->other_lines;
            if (l > *m)
                *m = l;
        }
    res->total = pe_table_lines(tc, w);
}

int pe_columns_lines(const pe_table_cols *tc, double measure, double *out,
                     pe_cols_result *res)
{
    size_t nc = tc->ncols, k, r;
    double smin = 0, smax = 0, spare;
    row_top *rt;

    for (k = 0; k < nc; k++) {
        smin += tc->minw[k];
        smax += tc->maxw[k] > tc->minw[k] ? tc->maxw[k] : tc->minw[k];
    }
    if (nc == 0)
        return 0;
    if (smin > measure + LAYOUT_EPS)
        return -1;
    if (smax <= measure) {
        for (k = 0; k < nc; k++) {
            double mx = tc->maxw[k] > tc->minw[k] ? tc->maxw[k] : tc->minw[k];
            out[k] = smax > 0 ? mx + (measure - smax) * mx / smax : measure / (double)nc;
        }
        columns_result(tc, out, res);
        return 0;
    }
    columns_start(tc, measure, out);
    spare = measure;
    for (k = 0; k < nc; k++)
        spare -= out[k];
    rt = tc->nrows ? malloc(tc->nrows * sizeof *rt) : NULL;
    if (tc->nrows && !rt)
        goto share;     /* no room to cost the lines: share by what is missing */
    for (;;) {
        size_t best = nc;
        double best_score = 0, best_w = 0;
        rows_top(tc, out, rt);
        for (k = 0; k < nc; k++) {
            double nw, dw, score;
            size_t gain_rows = 0, gain_cells = 0;
            if (out[k] >= tc->maxw[k] - LAYOUT_EPS || spare <= LAYOUT_EPS)
                continue;
            nw = next_width(tc, out, k);
            if (nw > out[k] + spare)
                nw = out[k] + spare;
            dw = nw - out[k];
            if (dw <= LAYOUT_EPS)
                continue;
            for (r = 0; r < tc->nrows; r++) {
                double n = tc->nat[r * nc + k];
                size_t l0 = pe_cell_lines(n, out[k] - tc->pad);
                size_t l1 = pe_cell_lines(n, nw - tc->pad);
                size_t other = rt[r].arg == k ? rt[r].second : rt[r].top;
                size_t h1 = l1 > other ? l1 : other;
                gain_rows += rt[r].top - h1;
                gain_cells += l0 - l1;
            }
            score = ((double)gain_rows + 0.001 * (double)gain_cells) / dw;
            if (score <= 0)
                continue;
            if (best == nc || score > best_score * (1 + 1e-9) ||
                (score >= best_score * (1 - 1e-9) && tc->prio && tc->prio[k] &&
                 !tc->prio[best])) {
                best = k;
                best_score = score;
                best_w = nw;
            }
        }
        if (best == nc)
            break;
        spare -= best_w - out[best];
        out[best] = best_w;
    }
    free(rt);
share:
    /* what no widening saves a line with: to the columns still short of
     * their maximum, in proportion to what they lack */
    {
        double lack = 0;
        for (k = 0; k < nc; k++)
            if (tc->maxw[k] > out[k])
                lack += tc->maxw[k] - out[k];
        for (k = 0; k < nc && lack > 0; k++)
            if (tc->maxw[k] > out[k])
                out[k] += spare * (tc->maxw[k] - out[k]) / lack;
    }
    columns_result(tc, out, res);
    return 0;
}

/* pe_columns_squeeze: cost[g] of column k at width lo + g·grid, g = 0..ng,
 * built from each cell's steps (a difference array: O(characters + ng)). */
static size_t squeeze_step(const pe_table_squeeze *ts, size_t k, double inner, size_t ng)
{
    double g = ceil((inner + ts->pad - ts->lo[k]) / ts->grid - 1e-9);
    if (g < 0)
        return 0;
    return g > (double)ng ? ng + 1 : (size_t)g;
}

static void squeeze_costs(const pe_table_squeeze *ts, size_t k, size_t ng, double *cost)
{
    size_t r, g;
    double inner0 = ts->lo[k] - ts->pad;

    for (g = 0; g <= ng + 1; g++)
        cost[g] = 0;
    if (inner0 <= 0)
        inner0 = 1e-3;
    for (r = 0; r < ts->nrows; r++) {
        const pe_cell_text *c = &ts->cells[r * ts->ncols + k];
        double a, cpl;
        size_t lines0, l, p0, p;
        if (c->nat <= 0 || c->nchars == 0)
            continue;
        /* lines: whole characters of the mean width a line */
        a = c->nat / (double)c->nchars;
        cpl = floor(inner0 / a + 1e-6);
        if (cpl < 1)
            cpl = 1;
        lines0 = (size_t)ceil((double)c->nchars / cpl - 1e-9);
        cost[0] += c->weight * (double)lines0;
        for (l = lines0 - 1; l >= 1; l--) {  /* l lines need ceil(n / l) a line */
            size_t need = (c->nchars + l - 1) / l;
            cost[squeeze_step(ts, k, (double)need * a, ng)] -= c->weight;
        }
        /* pieces of the widest unit beyond its first */
        if (c->unit <= inner0 + 1e-6)
            continue;
        p0 = (size_t)ceil(c->unit / inner0 - 1e-9);
        cost[0] += c->weight * ts->break_cost * (double)(p0 - 1);
        for (p = p0 - 1; p >= 1; p--)
            cost[squeeze_step(ts, k, c->unit / (double)p, ng)] -= c->weight * ts->break_cost;
    }
    for (g = 1; g <= ng; g++)
        cost[g] += cost[g - 1];
}

int pe_columns_squeeze(const pe_table_squeeze *ts, double measure, double *out, size_t *fit)
{
    size_t nc = ts->ncols, k, b, g, nb, *ngs, nfit = nc;
    double sum = 0, *dp, *nx, *cost;
    unsigned short *choice;
    int rc = 0;

    for (k = 0; k < nc; k++) {
        sum += ts->lo[k];
        if (sum > measure + LAYOUT_EPS && nfit == nc)
            nfit = k;
    }
    if (fit)
        *fit = nfit;
    if (nfit < nc)
        return -1;
    if (nc == 0)
        return 0;
    nb = measure > sum ? (size_t)floor((measure - sum) / ts->grid + 1e-9) : 0;
    if (nb > 65000)
        nb = 65000;
    ngs = malloc(nc * sizeof *ngs);
    dp = malloc((nb + 1) * sizeof *dp);
    nx = malloc((nb + 1) * sizeof *nx);
    cost = malloc((nb + 2) * sizeof *cost);
    choice = malloc(nc * (nb + 1) * sizeof *choice);
    if (!ngs || !dp || !nx || !cost || !choice) {
        rc = -2;
        goto out;
    }
    for (b = 0; b <= nb; b++)
        dp[b] = 0;
    /* knapsack: dp[b] = the least cost of the columns so far in b steps */
    for (k = 0; k < nc; k++) {
        double span = ts->hi[k] > ts->lo[k] ? (ts->hi[k] - ts->lo[k]) / ts->grid : 0;
        ngs[k] = span >= (double)nb ? nb : (size_t)ceil(span - 1e-9);
        squeeze_costs(ts, k, ngs[k], cost);
        for (b = 0; b <= nb; b++) {
            size_t best = 0;
            double bc = dp[b] + cost[0];
            for (g = 1; g <= ngs[k] && g <= b; g++)
                if (dp[b - g] + cost[g] < bc - 1e-9) {
                    bc = dp[b - g] + cost[g];
                    best = g;
                }
            nx[b] = bc;
            choice[k * (nb + 1) + b] = (unsigned short)best;
        }
        memcpy(dp, nx, (nb + 1) * sizeof *dp);
    }
    for (k = nc, b = nb; k-- > 0;) {
        g = choice[k * (nb + 1) + b];
        out[k] = ts->lo[k] + (double)g * ts->grid;
        b -= g;
    }
out:
    free(ngs);
    free(dp);
    free(nx);
    free(cost);
    free(choice);
    return rc;
}

size_t pe_merge_segments(const int *row_page, size_t first, size_t last, pe_row_span *out)
{
    size_t k = 0, i;

    if (last < first)
        return 0;
    out[0].first = first;
    for (i = first + 1; i <= last; i++) {
        if (row_page[i] != row_page[i - 1]) {
            out[k].last = i - 1;
            k++;
            out[k].first = i;
        }
    }
    out[k].last = last;
    return k + 1;
}

double pe_justify_spacing(double natural, size_t nchars, double measure)
{
    if (nchars < 2)
        return 0;
    return (measure - natural) / (double)(nchars - 1);
}
