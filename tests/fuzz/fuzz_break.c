/* fuzz_break.c — libFuzzer target: line breaking (pe_break.h) on any UTF-8
 * text with a synthetic width table: greedy, balanced, and paragraphs with
 * their lines set. Invariants: lines cover the text in order and never
 * overlap; a set line has one finite origin per code point. */
#include "pe_break.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double width_of(void *ctx, unsigned cp)
{
    (void)ctx;
    if (cp >= 0x2E80)
        return 16.0;
    return cp < 0x20 ? 0.0 : 8.0 + (double)(cp % 5);
}

/* Marks drawn in the middle of the em (as AR PL UMing's 。、) or at a side. */
static void blank_of(void *ctx, unsigned cp, double *left, double *right)
{
    (void)ctx;
    *left = (cp % 3 == 0) ? 6.0 : 1.5;
    *right = (cp % 3 == 0) ? 6.0 : 11.0;
}

/* Lines cover the text in order without overlapping. */
static void check_lines(const pe_lines *l, size_t len)
{
    size_t prev = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->lines[i].start < prev || l->lines[i].end < l->lines[i].start ||
            l->lines[i].end > len)
            abort();
        prev = l->lines[i].end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    double measure = 8.0 + data[0] * 2.0;     /* 8 .. 518 pt */
    double indent = (data[1] % 4) * 16.0;
    const char *text = (const char *)data + 2;
    size_t len = size - 2;
    if (!pe_utf8_valid(text, len) || memchr(text, '\0', len))
        return 0;
    pe_lines l = { NULL, 0 };
    if (pe_break_text(text, len, measure, indent, width_of, NULL, &l) == PE_OK) {
        size_t prev = 0;
        for (size_t i = 0; i < l.n; i++) {
            if (l.lines[i].start < prev || l.lines[i].end < l.lines[i].start || l.lines[i].end > len)
                abort();
            prev = l.lines[i].end;
        }
    }
    pe_lines_release(&l);
    if (pe_break_balanced(text, len, measure, width_of, NULL, &l) == PE_OK) {
        for (size_t i = 0; i < l.n; i++)
            if (l.lines[i].end > len || l.lines[i].end < l.lines[i].start)
                abort();
    }
    pe_lines_release(&l);
    /* measured as set, with adjacent marks sharing their blank */
    pe_metrics m = { width_of, blank_of, NULL, 16.0, 0.0 };
    if (pe_break_text_m(text, len, measure, indent, &m, &l) == PE_OK)
        check_lines(&l, len);
    pe_lines_release(&l);
    if (pe_break_balanced_m(text, len, measure, &m, &l) == PE_OK)
        check_lines(&l, len);
    pe_lines_release(&l);
    /* paragraphs (total fit, push-in, closing) and each line set as the
     * page sets it: as many origins as code points, all finite, and setting
     * (compression, push-in, closing, justification) never makes a line
     * wider than both the measure and its natural width */
    if (pe_break_paragraph(text, len, measure, indent, &m, &l) == PE_OK) {
        check_lines(&l, len);
        double *x = malloc((len + 1) * sizeof *x);
        for (size_t i = 0; x && i < l.n; i++) {
            size_t n = 0, s = l.lines[i].start, e = l.lines[i].end;
            double avail = i == 0 ? measure - indent : measure;
            int loose = 0;
            if (pe_break_set_line(text + s, e - s, avail, !l.lines[i].last, &m, x, &n,
                                  &loose) != PE_OK)
                continue;
            if (n != l.lines[i].nchars)
                abort();
            for (size_t k = 0; k <= n; k++)
                if (!(x[k] > -1e9 && x[k] < 1e9))
                    abort();
            if (x[n] > fmax(avail, l.lines[i].width) + 0.5)
                abort();
        }
        free(x);
    }
    pe_lines_release(&l);
    (void)pe_break_has_pair(text, len);
    double w = 0;
    if (pe_break_widest_unit(text, len, width_of, NULL, &w) == PE_OK && w < 0)
        abort();
    return 0;
}
