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
    int loose;          /* pe_break_paragraph: justified only by opening the gaps
                           wider than PE_BREAK_LOOSE em (no better breaks exist) */
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

/* ---- paragraphs: punctuation compression and total-fit breaking ----
 * Full-width punctuation is compressed as in CLREQ (W3C, 标点挤压) and
 * GB/T 15834: where a closing or stop mark is followed by another mark, or an
 * opening mark follows a mark, the pair gives up half an em (`）、` is 1.5 em);
 * a line that is too long may take up (push-in) the rest of each stop or
 * closing mark's blank, up to half an em per mark, before a character is
 * pushed to the next line; opening the gaps comes last. How much a side may
 * give comes from the font (`blank`: the glyph's bounding box), never from an
 * assumed mainland placement, so a mark drawn centred (AR PL UMing's 。)
 * gives only the blank it has. The first character's left and the last
 * character's right are never compressed, so the block's edges stay. */

/* Blank (ink-free) space on each side of cp's glyph, pt at the size set. */
typedef void (*pe_blank_fn)(void *ctx, unsigned cp, double *left, double *right);

typedef struct {
    pe_width_fn width;  /* advance including `track` */
    pe_blank_fn blank;  /* NULL: no compression */
    void *ctx;
    double em;          /* type size, pt */
    double track;       /* the spacing included in each advance; a line is
                           measured with it (28 places of 156/28 mm fill the
                           measure) and ends at the last glyph's box */
} pe_metrics;

#define PE_BREAK_LOOSE      0.04    /* em added per gap beyond which a line is loose */
#define PE_BREAK_RAGGED     0.25    /* em per gap beyond which a line is set ragged */
#define PE_BREAK_KEEP_BLANK 0.05    /* em of a mark's blank never compressed */
#define PE_BREAK_TIGHT      0.02    /* em a gap may close when push-in is not enough */

/* Breaks a paragraph (newlines force breaks, as pe_break_text) choosing the
 * breaks of each newline-separated segment together (total fit, in the
 * manner of Knuth–Plass) on compressed widths: lines filled exactly are
 * preferred, then push-in, then closing the gaps after ideographs by up to
 * PE_BREAK_TIGHT em, then opening gaps; a full line of full-width characters
 * a place short (off the grid) is weighed above a slightly loose line of
 * figures, and a last line of one character and its marks (孤字) above a
 * closed line; breaks inside numbers or Latin words and against the kinsoku
 * rules only when nothing else fits. A line's
 * `width` is its natural width (no compression); `loose` marks the lines
 * that must open their gaps more than PE_BREAK_LOOSE em. */
pe_status pe_break_paragraph(const char *text, size_t len, double measure, double first_indent,
                             const pe_metrics *m, pe_lines *out);

/* Sets one line of `len` bytes: x gets the origin of each of its n code
 * points (relative to the line start) and x[n] the end of the line, with the
 * pair compression always, push-in when the line is longer than `avail` (and
 * what push-in cannot take from the gaps after ideographs, when PE_BREAK_TIGHT
 * em each is enough), and,
 * when `justify`, the slack spread over the gaps that may open (not inside a
 * number or a Latin word; none if that needs more than PE_BREAK_RAGGED em).
 * `x` has room for len + 1 entries (a code point takes at least one byte;
 * invalid bytes count one each). *n gets the number of code points, *loose
 * (may be NULL) whether the gaps opened more than PE_BREAK_LOOSE em.
 * Returns PE_OK or PE_ERR_NOMEM. */
pe_status pe_break_set_line(const char *text, size_t len, double avail, int justify,
                            const pe_metrics *m, double *x, size_t *n, int *loose);

/* pe_break_text and pe_break_balanced measuring each line as
 * pe_break_set_line sets it unjustified: adjacent punctuation marks share
 * their blank (`）、` is 1.5 em), nothing else is compressed. For table
 * cells, notes, captions and titles. */
pe_status pe_break_text_m(const char *text, size_t len, double measure, double first_indent,
                          const pe_metrics *m, pe_lines *out);
pe_status pe_break_balanced_m(const char *text, size_t len, double measure,
                              const pe_metrics *m, pe_lines *out);

/* 1 if `text` holds two adjacent marks that the pair rule of
 * pe_break_set_line compresses (`）、` `，《` `”。`…), judged by their classes
 * only: lines without such a pair need no per-glyph setting. */
int pe_break_has_pair(const char *text, size_t len);

/* Width in pt of the widest piece of `text` that pe_break_text never breaks
 * (a number with its unit, a Latin word, `——`, a bracketed year), spaces not
 * counted: the least width a table column must give it. */
pe_status pe_break_widest_unit(const char *text, size_t len, pe_width_fn width, void *ctx,
                               double *out);

#endif
