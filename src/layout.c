/* layout.c — the layout arithmetic (pe_layout.h) used by src/pages.c: pagination with
 * keeps, widow/orphan glue, table column widths and merged-cell runs. */
#include "pe_layout.h"

#include <math.h>

#define LAYOUT_EPS 0.01     /* pt: rounding slack when comparing heights */
#define UNSET (-1.0)        /* pe_columns_fit: width not decided yet */
#define PINNED (-2.0)       /* pe_columns_fit: held at its minimum */
#define COLMAX(i) (maxw[i] > minw[i] ? maxw[i] : minw[i])

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

int pe_columns_fit(const double *minw, const double *maxw, size_t n, double measure,
                   double *out)
{
    double smin = 0, smax = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        double mx = maxw[i] > minw[i] ? maxw[i] : minw[i];
        smin += minw[i];
        smax += mx;
    }
    if (n == 0)
        return 0;
    if (smin > measure + LAYOUT_EPS)
        return -1;
    if (smax <= measure) {
        double extra = measure - smax;
        for (i = 0; i < n; i++) {
            double mx = maxw[i] > minw[i] ? maxw[i] : minw[i];
            out[i] = smax > 0 ? mx + extra * mx / smax : measure / (double)n;
        }
    } else {
        /* water-filling: columns that need less than a fair share of the
         * spare width get their natural width (no needless wrap in short
         * columns) */
        double extra = measure - smin, budget = measure, smx = 0;
        size_t left = n;
        for (i = 0; i < n; i++)
            out[i] = UNSET;
        for (;;) {
            size_t best = n;
            double best_need = 0;
            for (i = 0; i < n; i++) {
                double need = COLMAX(i) - minw[i];
                if (out[i] == UNSET && (best == n || need < best_need)) {
                    best = i;
                    best_need = need;
                }
            }
            if (best == n || best_need > extra / (double)left)
                break;
            out[best] = minw[best] + best_need;
            extra -= best_need;
            left--;
        }
        /* the others share what is left in proportion to their natural
         * widths, so that they wrap into about as many lines each; one
         * whose share would fall below its minimum is held at the minimum */
        for (;;) {
            int pinned = 0;
            budget = measure;
            smx = 0;
            for (i = 0; i < n; i++) {
                if (out[i] == UNSET)
                    smx += COLMAX(i);
                else
                    budget -= out[i] == PINNED ? minw[i] : out[i];
            }
            for (i = 0; i < n; i++)
                if (out[i] == UNSET && budget * COLMAX(i) / smx < minw[i]) {
                    out[i] = PINNED;
                    pinned = 1;
                }
            if (!pinned)
                break;
        }
        for (i = 0; i < n; i++) {
            if (out[i] == PINNED)
                out[i] = minw[i];
            else if (out[i] == UNSET)
                out[i] = budget * COLMAX(i) / smx;
        }
    }
    return 0;
}

int pe_columns_blend_min(const double *hard, const double *soft, size_t n, double measure,
                         double *out)
{
    double sh = 0, ss = 0, k;
    size_t i;

    for (i = 0; i < n; i++) {
        sh += hard[i];
        ss += soft[i] > hard[i] ? soft[i] : hard[i];
    }
    if (sh > measure + LAYOUT_EPS)
        return -1;
    k = ss - sh > 0 ? (measure - sh) / (ss - sh) : 1;
    if (k > 1)
        k = 1;
    if (k < 0)
        k = 0;
    for (i = 0; i < n; i++) {
        double sf = soft[i] > hard[i] ? soft[i] : hard[i];
        out[i] = hard[i] + k * (sf - hard[i]);
    }
    return 0;
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
