/* fuzz_break.c — libFuzzer target: line breaking (pe_break.h) on any UTF-8
 * text with a synthetic width table. Invariants: lines cover the text in
 * order, never overlap, and (except a single over-wide character) fit. */
#include "pe_break.h"

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
    (void)pe_break_has_pair(text, len);
    double w = 0;
    if (pe_break_widest_unit(text, len, width_of, NULL, &w) == PE_OK && w < 0)
        abort();
    return 0;
}
