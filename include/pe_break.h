/* pe_break.h — line breaking of CJK/Latin text on measured widths: libunibreak
 * (language "zh") plus the kinsoku rules it misses. Pure arithmetic: no PDF. */
#ifndef PE_BREAK_H
#define PE_BREAK_H

#include <stddef.h>
#include "pe_util.h"

/* Advance of code point cp in points at the size being set. */
typedef double (*pe_width_fn)(void *ctx, unsigned cp);

typedef struct {
    size_t start, end;  /* byte range in the text; end excludes trailing spaces */
    size_t nchars;      /* code points in [start, end) */
    double width;       /* natural width in pt, indent not included */
    int last;           /* last line of the paragraph (not justified) */
} pe_line;

typedef struct {
    pe_line *lines;     /* malloc'd */
    size_t n;
} pe_lines;

/* Breaks `text` into lines no wider than `measure` pt (the first line is
 * `first_indent` pt narrower). Rules (SPEC §6): no line starts with closing
 * punctuation `，。、；：？！）》」』】〕”’·～%` etc., none ends with opening
 * `（《「『【〔“‘`; `——` and `……` never split; a number stays with its unit and
 * Latin words and runs such as `R&D/GDP` stay whole. A unit wider than the
 * measure is broken by characters as a last resort. Returns PE_ERR_NOMEM or PE_OK. */
pe_status pe_break_text(const char *text, size_t len, double measure, double first_indent,
                        pe_width_fn width, void *ctx, pe_lines *out);
/* Like pe_break_text but for titles: uses the fewest lines greedy breaking
 * needs, then balances them so the longest is as short as possible. */
pe_status pe_break_balanced(const char *text, size_t len, double measure,
                            pe_width_fn width, void *ctx, pe_lines *out);
void pe_lines_release(pe_lines *l);
/* Width in pt of the widest piece of `text` that pe_break_text never breaks
 * (a number with its unit, a Latin word, `——`, a bracketed year), spaces not
 * counted: the least width a table column must give it. */
pe_status pe_break_widest_unit(const char *text, size_t len, pe_width_fn width, void *ctx,
                               double *out);

#endif
