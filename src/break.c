/* break.c — line breaking on measured widths: libunibreak (language "zh")
 * gives the UAX #14 break opportunities, the kinsoku, number and Latin-run
 * rules of SPEC §6 filter them, and a greedy fill (or a balanced one for
 * titles) chooses among them. Pure arithmetic: no PDF, no printing. */
#include "pe_break.h"

#include <linebreak.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Widths are compared with this slack so that exactly 28 × 16 pt fits a
 * 448 pt measure despite rounding in the caller's arithmetic. */
#define BRK_EPS 0.01
/* Balanced breaking stops bisecting once the interval is this narrow (pt). */
#define BRK_BALANCE_PREC 0.001

/* Quality of the break opportunity after a character, best first. A greedy
 * line uses the last fitting BRK_OK break; only when a single unit is wider
 * than the measure does it fall back to BRK_UNIT (inside a word or number,
 * but obeying the punctuation rules), then BRK_ANY (between any characters,
 * kinsoku included). */
enum { BRK_OK, BRK_UNIT, BRK_ANY };

/* The decoded text: one entry per code point, shared by every fill. */
typedef struct {
    size_t n;              /* code points */
    unsigned *cp;          /* n code points (unsigned == utf32_t) */
    size_t *off;           /* n + 1 byte offsets; off[n] is the text length */
    double *w;             /* n advances, negative or NaN ones clamped to 0 */
    unsigned char *brk;    /* n: BRK_* quality of the break after cp[i] */
    double *cw;            /* NULL, or n: what the pair rule takes between cp[i - 1]
                              and cp[i] when both are on one line (cw[0] = 0) */
} brk_text;

/* Where one fill sends its lines: counts them, and appends them to `out`
 * when it is non-NULL. */
typedef struct {
    pe_lines *out;
    size_t cap;
    size_t nlines;
    size_t nforced;        /* lines ended by a last-resort (non-BRK_OK) break */
} brk_sink;

/* ---- character classes ---- */

static int is_space(unsigned c) { return c == ' ' || c == '\t'; }

/* Characters that end a line by themselves (UAX #14 BK, CR, LF, NL). */
static int is_newline(unsigned c)
{
    return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x85 ||
           c == 0x2028 || c == 0x2029;
}

static int in_list(unsigned c, const unsigned *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == c)
            return 1;
    return 0;
}

/* Closing punctuation and small marks: never at the start of a line. */
static int is_no_start(unsigned c)
{
    static const unsigned list[] = {
        0xFF0C /* ， */, 0x3002 /* 。 */, 0x3001 /* 、 */, 0xFF1B /* ； */,
        0xFF1A /* ： */, 0xFF1F /* ？ */, 0xFF01 /* ！ */, 0xFF09 /* ） */,
        0x300B /* 》 */, 0x300D /* 」 */, 0x300F /* 』 */, 0x3011 /* 】 */,
        0x3015 /* 〕 */, 0x3009 /* 〉 */, 0x3017 /* 〗 */, 0x3019 /* 〙 */,
        0x301B /* 〛 */, 0xFF3D /* ］ */, 0xFF5D /* ｝ */, 0xFF60 /* ｠ */,
        0x201D /* ” */, 0x2019 /* ’ */, 0x00B7 /* · */, 0x30FB /* ・ */,
        0xFF5E /* ～ */, 0x0025 /* % */, 0xFF05 /* ％ */, 0x2030 /* ‰ */,
        0x2103 /* ℃ */, 0x2026 /* … */, 0x2014 /* — */, 0xFF0E /* ． */,
        0x002C, 0x002E, 0x003B, 0x003A, 0x003F, 0x0021, 0x0029, 0x005D, 0x007D,
    };
    return in_list(c, list, sizeof list / sizeof list[0]);
}

/* Opening punctuation: never at the end of a line. */
static int is_no_end(unsigned c)
{
    static const unsigned list[] = {
        0xFF08 /* （ */, 0x300A /* 《 */, 0x300C /* 「 */, 0x300E /* 『 */,
        0x3010 /* 【 */, 0x3014 /* 〔 */, 0x3008 /* 〈 */, 0x3016 /* 〖 */,
        0x3018 /* 〘 */, 0x301A /* 〚 */, 0xFF3B /* ［ */, 0xFF5B /* ｛ */,
        0xFF5F /* ｟ */, 0x201C /* “ */, 0x2018 /* ‘ */,
        0x0028, 0x005B, 0x007B,
    };
    return in_list(c, list, sizeof list / sizeof list[0]);
}

static int is_digit(unsigned c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* Members of a number run: digits, separators, percent signs, signs and
 * range marks. No break inside a run or right after it. */
static int is_num(unsigned c)
{
    static const unsigned list[] = {
        '.', ',', '%', '-', '~', '+', 0x2030 /* ‰ */, 0xFF0D /* － */,
        0x2013 /* – */, 0xFF5E /* ～ */, 0xFF0E /* ． */, 0xFF05 /* ％ */,
        0xFF0B /* ＋ */, 0x2212 /* − */, 0x00B1 /* ± */,
    };
    return is_digit(c) || in_list(c, list, sizeof list / sizeof list[0]);
}

/* Prefix signs (currency) that stay with the digits after them; the
 * arithmetic signs are number-run members already. */
static int is_prefix_sign(unsigned c)
{
    static const unsigned list[] = {
        '$', 0x00A5 /* ¥ */, 0xFFE5 /* ￥ */, 0x20AC /* € */, 0x00A3 /* £ */,
    };
    return in_list(c, list, sizeof list / sizeof list[0]);
}

/* Letters and digits of a Latin run. */
static int is_latin(unsigned c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

/* Joiners inside a Latin run such as `R&D/GDP` or `9704-2012`. */
static int is_joiner(unsigned c)
{
    return c == '&' || c == '/' || c == '-' || c == '_' || c == '.';
}

/* ---- break opportunities ---- */

/* Lowers the quality of every break inside a Latin run `A+ (J+ A+)*` (A a
 * letter or digit, J a joiner) to BRK_UNIT at best. */
static void mark_latin_runs(brk_text *t)
{
    size_t i = 0;
    while (i < t->n) {
        if (!is_latin(t->cp[i])) {
            i++;
            continue;
        }
        size_t end = i;                 /* one past the run so far */
        for (;;) {
            while (end < t->n && is_latin(t->cp[end]))
                end++;
            size_t j = end;
            while (j < t->n && is_joiner(t->cp[j]))
                j++;
            if (j > end && j < t->n && is_latin(t->cp[j]))
                end = j;
            else
                break;
        }
        for (size_t k = i; k + 1 < end; k++)
            if (t->brk[k] < BRK_UNIT)
                t->brk[k] = BRK_UNIT;
        i = end;
    }
}

/* Fills t->brk from libunibreak's opportunities and the rules it misses:
 * kinsoku (no closing mark at a line start, no opening mark at a line end),
 * `——`/`……` pairs, number runs with the character after them, currency
 * signs with their digits, Latin runs. Breaks before a space are useless
 * (the space would start the next line) and are ranked lowest. */
static pe_status brk_text_rules(brk_text *t)
{
    static int initialised;     /* not thread-safe; planeval lays out on one thread */
    if (!initialised) {
        init_linebreak();   /* 1.1: builds a lookup index; idempotent, speed only */
        initialised = 1;
    }
    if (t->n == 0)
        return PE_OK;
    char *ub = malloc(t->n);
    if (!ub)
        return PE_ERR_NOMEM;
    /* One entry per code point: no byte mapping, and bytes that are not
     * valid UTF-8 (decoded as U+FFFD) cannot desynchronise the two decoders. */
    set_linebreaks_utf32((const utf32_t *)t->cp, t->n, "zh", ub);

    for (size_t i = 0; i < t->n; i++) {
        unsigned c = t->cp[i];
        unsigned next = i + 1 < t->n ? t->cp[i + 1] : 0;
        unsigned char q = ub[i] == LINEBREAK_ALLOWBREAK ? BRK_OK : BRK_UNIT;
        if (i + 1 >= t->n) {
            t->brk[i] = BRK_OK;
            continue;
        }
        /* Kinsoku and the two-part marks: broken only between arbitrary
         * characters, the very last resort. */
        if (is_no_start(next) || is_no_end(c) || is_space(next) || is_newline(next) ||
            (c == 0x2014 && next == 0x2014) || (c == 0x2026 && next == 0x2026)) {
            t->brk[i] = BRK_ANY;
            continue;
        }
        if (is_num(c) || (is_prefix_sign(c) && is_digit(next)))
            q = BRK_UNIT;
        t->brk[i] = q;
    }
    mark_latin_runs(t);
    free(ub);
    return PE_OK;
}

static void brk_text_release(brk_text *t)
{
    free(t->cw);
    free(t->cp);
    free(t->off);
    free(t->w);
    free(t->brk);
}

/* Decodes text into cp[] (invalid bytes become U+FFFD, one byte each) with
 * each code point's advance in w[] (0 for a newline, and for a negative or NaN
 * width) and, when `off` is not NULL, its byte offset. The arrays hold `len`
 * entries; returns the number of code points. */
static size_t decode_measure(const char *text, size_t len, pe_width_fn width, void *ctx,
                             unsigned *cp, double *w, size_t *off)
{
    size_t n = 0, pos = 0;
    while (pos < len) {
        unsigned c;
        size_t used = pe_utf8_decode(text + pos, len - pos, &c);
        if (used == 0) {
            c = 0xFFFD;
            used = 1;
        }
        double adv = is_newline(c) ? 0.0 : width(ctx, c);
        cp[n] = c;
        if (off)
            off[n] = pos;
        w[n++] = adv > 0.0 ? adv : 0.0;     /* also maps NaN to 0 */
        pos += used;
    }
    return n;
}

/* Decodes and measures text (decode_measure) and computes the break
 * qualities. On failure *t is released. */
static pe_status brk_text_init(brk_text *t, const char *text, size_t len,
                               pe_width_fn width, void *ctx)
{
    pe_status st = PE_ERR_NOMEM;
    memset(t, 0, sizeof *t);
    size_t cap = len ? len : 1;     /* at most one code point per byte */
    t->cp = malloc(cap * sizeof *t->cp);
    t->off = malloc((cap + 1) * sizeof *t->off);
    t->w = malloc(cap * sizeof *t->w);
    t->brk = malloc(cap);
    if (!t->cp || !t->off || !t->w || !t->brk)
        goto cleanup;
    t->n = decode_measure(text, len, width, ctx, t->cp, t->w, t->off);
    t->off[t->n] = len;
    st = brk_text_rules(t);
cleanup:
    if (st != PE_OK)
        brk_text_release(t);
    return st;
}

/* ---- filling ---- */

/* Records the line of characters [s, e) (e past trailing spaces already). */
static pe_status sink_line(brk_sink *k, const brk_text *t, size_t s, size_t e, int last,
                           int forced)
{
    k->nlines++;
    if (forced)
        k->nforced++;
    if (!k->out)
        return PE_OK;
    if (k->out->n == k->cap) {
        size_t ncap = k->cap ? 2 * k->cap : 16;
        pe_line *nl = realloc(k->out->lines, ncap * sizeof *nl);
        if (!nl)
            return PE_ERR_NOMEM;
        k->out->lines = nl;
        k->cap = ncap;
    }
    pe_line *l = &k->out->lines[k->out->n++];
    l->start = t->off[s];
    l->end = t->off[e];
    l->nchars = e > s ? e - s : 0;
    l->width = 0.0;
    for (size_t i = s; i < e; i++)
        l->width += t->w[i] - (t->cw && i > s ? t->cw[i] : 0);
    l->last = last;
    l->loose = 0;
    return PE_OK;
}

/* Greedy fill of the characters [a, b), which hold no newline. `*first`
 * says whether the next line is the paragraph's first (narrowed by
 * `indent`); it is cleared once a line is emitted. The final line of the
 * segment is marked last. */
static pe_status fill_segment(const brk_text *t, size_t a, size_t b, double measure,
                              double indent, int *first, brk_sink *k)
{
    size_t s = a;
    pe_status st = PE_OK;
    while (s < b) {
        double avail = (*first ? measure - indent : measure) + BRK_EPS;
        double acc = 0.0;
        size_t content_end = s;         /* one past the last non-space so far */
        size_t best[BRK_ANY + 1];       /* last fitting break per quality, +1 */
        size_t j;
        memset(best, 0, sizeof best);
        for (j = s; j < b; j++) {
            acc += t->w[j] - (t->cw && j > s ? t->cw[j] : 0);
            if (!is_space(t->cp[j])) {
                if (acc > avail)
                    break;
                content_end = j + 1;
            }
            if (content_end > s && j + 1 < b)
                for (unsigned q = t->brk[j]; q <= BRK_ANY; q++)
                    best[q] = j + 1;
        }
        if (j == b) {                   /* the rest fits */
            st = sink_line(k, t, s, content_end, 1, 0);
            *first = 0;
            break;
        }
        size_t cut = 0;                 /* break after character cut - 1 */
        int forced = 0;
        for (unsigned q = BRK_OK; q <= BRK_ANY && !cut; q++)
            if (best[q]) {
                cut = best[q];
                forced = q != BRK_OK;
            }
        if (!cut) {     /* only spaces before j, or j alone is wider than the line */
            cut = j > s ? j : s + 1;
            forced = 1;
        }
        size_t e = cut;
        while (e > s && is_space(t->cp[e - 1]))
            e--;
        st = sink_line(k, t, s, e, 0, forced);
        *first = 0;
        if (st != PE_OK)
            break;
        s = cut;
        while (s < b && is_space(t->cp[s]))
            s++;
    }
    return st;
}

/* Fills the whole text: each newline (CR LF counting once) ends a segment;
 * an empty segment gives an empty line, except after a final newline. */
static pe_status fill_text(const brk_text *t, double measure, double indent, brk_sink *k)
{
    int first = 1;
    size_t a = 0;
    while (a < t->n) {
        size_t b = a;
        while (b < t->n && !is_newline(t->cp[b]))
            b++;
        size_t cs = a, ce = b;          /* segment without trailing spaces */
        while (ce > cs && is_space(t->cp[ce - 1]))
            ce--;
        pe_status st = ce > cs ? fill_segment(t, cs, ce, measure, indent, &first, k)
                               : sink_line(k, t, a, a, 1, 0);
        first = 0;
        if (st != PE_OK)
            return st;
        if (b < t->n && t->cp[b] == '\r' && b + 1 < t->n && t->cp[b + 1] == '\n')
            b++;
        a = b + 1;
    }
    return PE_OK;
}

/* ======================================================================
 * Paragraphs: punctuation compression (标点挤压) and total-fit breaking
 * ====================================================================== */

enum { MK_NONE, MK_OPEN, MK_CLOSE, MK_STOP };

/* CLREQ classes of the full-width marks that take part in compression
 * (dashes, ellipses and the middle dot do not). */
static int mark_class(unsigned c)
{
    static const unsigned open[] = {
        0xFF08, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3008, 0x3016, 0x201C, 0x2018,
    };
    static const unsigned close[] = {
        0xFF09, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009, 0x3017, 0x201D, 0x2019,
    };
    static const unsigned stop[] = {
        0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
    };
    if (c < 0x2018)
        return MK_NONE;
    if (in_list(c, open, sizeof open / sizeof open[0]))
        return MK_OPEN;
    if (in_list(c, close, sizeof close / sizeof close[0]))
        return MK_CLOSE;
    if (in_list(c, stop, sizeof stop / sizeof stop[0]))
        return MK_STOP;
    return MK_NONE;
}

/* May justification open the gap between a and b? Not inside a number or a
 * Latin word (165, R&D/GDP); everywhere else. */
static int is_stretch_gap(unsigned a, unsigned b)
{
    return !(a < 0x2E80 && a != ' ' && b < 0x2E80 && b != ' ');
}

/* The compression of a run of characters: pl/pr what the pair rule takes
 * from each character's left and right side, sr what push-in may still take
 * from its right, gap whether the gap after it may open. One allocation. */
typedef struct {
    double *pl, *pr, *sr;
    double *ec;             /* half an em a stop or closing mark gives at a line's
                               end when its blank allows (else 0) */
    unsigned char *gap;
    unsigned char *tg;      /* the gap after it may close by PE_BREAK_TIGHT em: it
                               may open and the character is not a mark (whose
                               blank push-in and the pair rule measure) */
} brk_glue;

static void glue_release(brk_glue *g)
{
    free(g->pl);
    memset(g, 0, sizeof *g);
}

/* Takes up to `want` pt from a side with `blank` pt of blank of which `used`
 * is already taken, leaving PE_BREAK_KEEP_BLANK em of it and taking at most
 * half an em from one side. Each side depends only on its own neighbour, so
 * a line measures the same alone as within its paragraph. */
static double take_side(double want, double blank, double used, double em)
{
    double can = blank - PE_BREAK_KEEP_BLANK * em - used;
    double cap = 0.5 * em - used;
    if (can > cap)
        can = cap;
    if (can > want)
        can = want;
    return can > 0 ? can : 0;
}

static pe_status glue_compute(brk_glue *g, const unsigned *cp, const double *w, size_t n,
                              const pe_metrics *m)
{
    size_t nn = n ? n : 1;
    memset(g, 0, sizeof *g);
    /* pl, pr, sr, blank left, blank right, class, gap in one block */
    g->pl = calloc(nn, 6 * sizeof(double) + 3);
    if (!g->pl)
        return PE_ERR_NOMEM;
    g->pr = g->pl + nn;
    g->sr = g->pr + nn;
    g->ec = g->sr + nn;
    double *bl = g->ec + nn, *br = bl + nn;
    unsigned char *cls = (unsigned char *)(br + nn);
    g->gap = cls + nn;
    g->tg = g->gap + nn;
    double em = m->em;
    for (size_t i = 0; i < n; i++) {
        g->gap[i] = i + 1 < n && is_stretch_gap(cp[i], cp[i + 1]);
        int k = m->blank ? mark_class(cp[i]) : MK_NONE;
        /* only full-width marks: a proportional font's narrow mark has no blank to give */
        if (k != MK_NONE && w[i] - m->track >= 0.9 * em) {
            m->blank(m->ctx, cp[i], &bl[i], &br[i]);
            cls[i] = (unsigned char)k;
        }
    }
    for (size_t i = 0; i < n; i++)
        g->tg[i] = g->gap[i] && cls[i] == MK_NONE;
    /* the pair rule: a closing or stop mark followed by a mark, or an
     * opening mark after a mark, gives up half an em between the two */
    for (size_t i = 0; i + 1 < n; i++) {
        int a = cls[i], b = cls[i + 1];
        if (a == MK_NONE || b == MK_NONE || (a == MK_OPEN && b != MK_OPEN))
            continue;
        double want = 0.5 * em, t;
        if (a != MK_OPEN) {
            t = take_side(want, br[i], g->pr[i], em);
            g->pr[i] += t;
            want -= t;
            t = take_side(want, bl[i + 1], g->pl[i + 1], em);
            g->pl[i + 1] += t;
        } else {
            t = take_side(want, bl[i + 1], g->pl[i + 1], em);
            g->pl[i + 1] += t;
            want -= t;
            t = take_side(want, br[i], g->pr[i], em);
            g->pr[i] += t;
        }
    }
    /* push-in: the rest of a stop or closing mark's right blank (never its
     * left: the ideograph before it keeps its full advance), and not of a
     * mark already set tight against the mark before it (`），` stays 1.5 em) */
    for (size_t i = 0; i < n; i++)
        if (cls[i] == MK_STOP || cls[i] == MK_CLOSE) {
            if (!(i > 0 && g->pr[i - 1] + g->pl[i] > 0))
                g->sr[i] = take_side(0.5 * em, br[i], g->pr[i], em);
            /* CLREQ: a stop or closing mark ends a line at half width when
             * that is needed to fit it. It gives its right blank, up to half
             * an em and less PE_BREAK_KEEP_BLANK em, so that its ink stays
             * inside the block: a mark drawn in its left half ends the line
             * at half width, one drawn centred (UMing's 。、) at its ink. */
            double e = br[i] - PE_BREAK_KEEP_BLANK * em;
            g->ec[i] = e > 0.5 * em ? 0.5 * em : e > 0 ? e : 0;
        }
    return PE_OK;
}

/* Gives a decoded text the pair compression of pe_break_set_line (t->cw),
 * so that a greedy or balanced fill measures lines as they will be set. */
static pe_status brk_text_compress(brk_text *t, const pe_metrics *m)
{
    brk_glue g;
    if (!m || !m->blank || t->n == 0)
        return PE_OK;
    pe_status st = glue_compute(&g, t->cp, t->w, t->n, m);
    if (st != PE_OK)
        return st;
    t->cw = malloc(t->n * sizeof *t->cw);
    if (t->cw) {
        t->cw[0] = 0;
        for (size_t i = 1; i < t->n; i++)
            t->cw[i] = g.pr[i - 1] + g.pl[i];
    }
    glue_release(&g);
    return t->cw ? PE_OK : PE_ERR_NOMEM;
}

/* A line's measures: natural width (every advance with its tracking, as the
 * grid counts 28 places of PE_BODY_CHAR_PITCH in the measure) less the pair
 * compression inside it, the push-in it may take, and its gaps that may open
 * (or close by PE_BREAK_TIGHT em each, after all push-in). */
typedef struct { double w, shrink; size_t gaps, tgaps; } brk_fit;

/* Demerits (TeX's, with badness from the slack) and the penalties that make
 * breaks inside numbers, against kinsoku and ragged lines last resorts. */
#define DM_LINE     10.0
#define DM_STRETCH  100.0           /* badness at PE_BREAK_LOOSE em per gap */
#define DM_SHRINK   30.0            /* badness at all push-in taken */
#define DM_TIGHT    2e5             /* gaps closed after all push-in: below a short line */
#define DM_LOOSE    1e6             /* beyond PE_BREAK_LOOSE: only when nothing else fits */
#define DM_RAGGED   1e10            /* above any loose line's demerits (< 7e8) */
#define DM_UNIT     1e11            /* a break inside a number or a Latin word */
#define DM_ANY      1e12            /* a break against the kinsoku rules */
#define DM_OVER     1e15            /* one character wider than the line */
#define DM_LONELY   5e5             /* a last line of one character, marks aside (孤字) */
/* A full line of full-width characters only that leaves a character place
 * empty: its characters drift off the columns of the grid that the lines
 * above and below keep, the fault a reader of a 28-place page sees first.
 * Weighed above a loose line of up to about 0.085 em per gap (demerits
 * (10 + 100 r³)² + DM_LOOSE, r = 2.1), which can only be a line holding
 * numbers or Latin (a loose line of full-width characters only is short
 * itself) and so off the grid already: the slack goes there. A line looser
 * than that stays worse than a short one. */
#define DM_SHORT    2e6

/* Demerits of a line of measures f in `avail` pt; *loose set when it must
 * open its gaps beyond PE_BREAK_LOOSE. */
static double line_demerits(brk_fit f, double avail, int last, double em, int *loose)
{
    double b = 0, pen = 0;
    *loose = 0;
    if (f.w > avail + BRK_EPS) {
        double need = f.w - avail, tight = (double)f.tgaps * PE_BREAK_TIGHT * em;
        if (need > f.shrink + tight + BRK_EPS)
            return DM_OVER;
        if (need <= f.shrink + BRK_EPS) {
            double r = need / f.shrink;
            b = DM_SHRINK * r * r * r;
        } else {
            b = DM_SHRINK;
            pen = DM_TIGHT;
        }
    } else if (last) {
        b = 0;
    } else if (f.gaps == 0) {
        if (avail - f.w > BRK_EPS)
            pen = DM_RAGGED;
    } else {
        double extra = (avail - f.w) / (double)f.gaps, r = extra / (PE_BREAK_LOOSE * em);
        if (extra > PE_BREAK_RAGGED * em) {
            pen = DM_RAGGED;
        } else {
            b = DM_STRETCH * r * r * r;
            if (r > 1.0) {
                *loose = 1;
                pen = DM_LOOSE;
            }
        }
    }
    return (DM_LINE + b) * (DM_LINE + b) + pen;
}

/* Total fit of the characters [a, b) (no newline): every break that keeps
 * a line within the measure (with push-in) is a candidate; the chain of
 * lines with the fewest demerits wins. Prefix sums make a line's measures
 * O(1). */
static pe_status fit_segment(const brk_text *t, const brk_glue *g, size_t a, size_t b,
                             double measure, double indent, int *first, const pe_metrics *m,
                             brk_sink *k)
{
    size_t n = b - a, i;
    pe_status st = PE_ERR_NOMEM;
    double *pw = malloc((n + 1) * 4 * sizeof *pw);
    size_t *from = malloc((n + 1) * sizeof *from);
    unsigned char *loose = malloc(n + 1);
    if (!pw || !from || !loose)
        goto cleanup;
    double *pp = pw + n + 1, *ps = pp + n + 1, *best = ps + n + 1;
    pw[0] = pp[0] = ps[0] = 0;
    /* gp: gaps that may open; tp: that may close; nw: characters narrower than a place */
    size_t *gp = malloc(3 * (n + 1) * sizeof *gp), *tp = gp ? gp + n + 1 : NULL;
    size_t *nw = gp ? tp + n + 1 : NULL;
    if (!gp)
        goto cleanup;
    gp[0] = tp[0] = nw[0] = 0;
    double place = m->em + m->track;    /* one character place of the grid */
    for (i = 0; i < n; i++) {
        size_t c = a + i;
        pw[i + 1] = pw[i] + t->w[c];
        pp[i + 1] = pp[i] + (c + 1 < b ? g->pr[c] + g->pl[c + 1] : 0);
        ps[i + 1] = ps[i] + g->sr[c];
        gp[i + 1] = gp[i] + (c + 1 < b && g->gap[c]);
        tp[i + 1] = tp[i] + (c + 1 < b && g->tg[c]);
        nw[i + 1] = nw[i] + (t->w[c] < place - 0.1 * m->em);
    }
    for (i = 0; i <= n; i++) {
        best[i] = HUGE_VAL;
        from[i] = 0;
        loose[i] = 0;
    }
    best[0] = 0;
    for (size_t s = 0; s < n; s++) {        /* a line starts at s (spaces skipped) */
        if (best[s] == HUGE_VAL || (s > 0 && is_space(t->cp[a + s])))
            continue;
        double avail = (s == 0 && *first) ? measure - indent : measure;
        for (size_t e = s + 1; e <= n; e++) {
            size_t ce = e;                  /* content end: trailing spaces dropped */
            while (ce > s && is_space(t->cp[a + ce - 1]))
                ce--;
            if (ce == s)
                continue;
            brk_fit f;
            f.w = pw[ce] - pw[s] - (pp[ce - 1] - pp[s]);
            f.shrink = ps[ce - 1] - ps[s];
            f.gaps = gp[ce - 1] - gp[s];
            f.tgaps = tp[ce - 1] - tp[s];
            if (f.w > avail + BRK_EPS)      /* a line-end mark at half width first */
                f.w -= g->ec[a + ce - 1];
            if (f.w - f.shrink - (double)f.tgaps * PE_BREAK_TIGHT * m->em > avail + BRK_EPS &&
                e > s + 1)
                break;                      /* longer lines only get longer */
            int last = e == n, lse;
            double d = line_demerits(f, avail, last, m->em, &lse);
            if (!last) {
                unsigned q = t->brk[a + e - 1];
                d += q == BRK_OK ? 0 : q == BRK_UNIT ? DM_UNIT : DM_ANY;
                /* fewer characters than the line has places */
                if (place > 0 && nw[ce] == nw[s] && (double)(ce - s) + 0.5 < avail / place)
                    d += DM_SHORT;
            } else if (s > 0 && ce - s <= 3) {
                /* 孤字: one character alone, or with the marks after it (`聚。`) */
                size_t chars = 0;
                for (size_t c = a + s; c < a + ce; c++)
                    chars += mark_class(t->cp[c]) == MK_NONE;
                if (chars <= 1)
                    d += DM_LONELY;
            }
            size_t next = e;
            while (next < n && is_space(t->cp[a + next]))
                next++;
            if (best[s] + d < best[next]) {
                best[next] = best[s] + d;
                from[next] = s;
                loose[next] = (unsigned char)lse;
            }
        }
    }
    /* walk back from the end: the starts of the chosen lines */
    size_t nl = 0, p = n;
    while (p > 0) {
        nl++;
        p = from[p];
    }
    size_t *starts = malloc((nl + 1) * sizeof *starts);
    unsigned char *lz = malloc(nl + 1);
    if (!starts || !lz) {
        free(starts);
        free(lz);
        free(gp);
        goto cleanup;
    }
    p = n;
    for (size_t j = nl; j > 0; j--) {
        starts[j] = p;
        lz[j - 1] = loose[p];
        p = from[p];
    }
    starts[0] = 0;
    st = PE_OK;
    for (size_t j = 0; j < nl && st == PE_OK; j++) {
        size_t s = a + starts[j], e = a + starts[j + 1];
        while (e > s && is_space(t->cp[e - 1]))
            e--;
        st = sink_line(k, t, s, e, j + 1 == nl, 0);
        if (st == PE_OK && k->out)
            k->out->lines[k->out->n - 1].loose = lz[j];
    }
    *first = 0;
    free(starts);
    free(lz);
    free(gp);
cleanup:
    free(pw);
    free(from);
    free(loose);
    return st;
}

pe_status pe_break_paragraph(const char *text, size_t len, double measure, double first_indent,
                             const pe_metrics *m, pe_lines *out)
{
    brk_text t;
    brk_glue g;
    out->lines = NULL;
    out->n = 0;
    pe_status st = brk_text_init(&t, text, len, m->width, m->ctx);
    if (st != PE_OK)
        return st;
    st = glue_compute(&g, t.cp, t.w, t.n, m);
    if (st != PE_OK) {
        brk_text_release(&t);
        return st;
    }
    brk_sink k = { out, 0, 0, 0 };
    int first = 1;
    size_t a = 0;
    while (a < t.n && st == PE_OK) {
        size_t b = a;
        while (b < t.n && !is_newline(t.cp[b]))
            b++;
        size_t cs = a, ce = b;
        while (ce > cs && is_space(t.cp[ce - 1]))
            ce--;
        st = ce > cs ? fit_segment(&t, &g, cs, ce, measure, first_indent, &first, m, &k)
                     : sink_line(&k, &t, a, a, 1, 0);
        first = 0;
        if (b < t.n && t.cp[b] == '\r' && b + 1 < t.n && t.cp[b + 1] == '\n')
            b++;
        a = b + 1;
    }
    glue_release(&g);
    brk_text_release(&t);
    if (st != PE_OK)
        pe_lines_release(out);
    return st;
}

pe_status pe_break_set_line(const char *text, size_t len, double avail, int justify,
                            const pe_metrics *m, double *x, size_t *nout, int *loose)
{
    size_t n = 0, i;
    brk_glue g;
    pe_status st = PE_ERR_NOMEM;
    unsigned *cp = calloc(len ? len : 1, sizeof *cp);
    double *w = calloc(len ? len : 1, sizeof *w);

    *nout = 0;
    if (loose)
        *loose = 0;
    if (!cp || !w)
        goto cleanup;
    n = decode_measure(text, len, m->width, m->ctx, cp, w, NULL);
    st = glue_compute(&g, cp, w, n, m);
    if (st != PE_OK)
        goto cleanup;
    double nat = 0, shrink = 0, extra = 0, close = 0, need = 0, endc = 0;
    size_t gaps = 0, tgaps = 0;
    for (i = 0; i < n; i++) {
        nat += w[i] - g.pl[i] - g.pr[i];
        if (i + 1 < n) {
            shrink += g.sr[i];
            gaps += g.gap[i];
            tgaps += g.tg[i];
        }
    }
    if (n > 0 && nat > avail + BRK_EPS) {   /* as fit_segment: the line-end mark first */
        endc = g.ec[n - 1];
        nat -= endc;
    }
    if (nat > avail && (shrink > 0 || nat > avail + BRK_EPS)) {
        need = nat - avail;         /* taken mark by mark, from the line's start */
        /* what push-in cannot take closes the gaps, up to PE_BREAK_TIGHT em */
        double rest = need - shrink;
        if (rest > BRK_EPS && tgaps > 0 &&
            rest <= (double)tgaps * PE_BREAK_TIGHT * m->em + BRK_EPS)
            close = rest / (double)tgaps;
    } else if (justify && gaps > 0 && nat < avail) {
        extra = (avail - nat) / (double)gaps;
        if (extra > PE_BREAK_RAGGED * m->em)
            extra = 0;
        else if (loose && extra > PE_BREAK_LOOSE * m->em)
            *loose = 1;
    }
    double box = 0;     /* left edge of the current character's box */
    for (i = 0; i < n; i++) {
        double pl = i > 0 ? g.pl[i] : 0, pr = i + 1 < n ? g.pr[i] : 0;
        double sr = i + 1 < n ? (g.sr[i] < need ? g.sr[i] : need) : 0;
        need -= sr;
        x[i] = box - pl;
        box += w[i] - pl - pr - sr + (i + 1 < n && g.gap[i] ? extra : 0) -
               (i + 1 < n && g.tg[i] ? close : 0);
    }
    x[n] = box - (n ? m->track + endc : 0);
    *nout = n;
    glue_release(&g);
cleanup:
    free(cp);
    free(w);
    return st;
}

int pe_break_has_pair(const char *text, size_t len)
{
    size_t pos = 0;
    int prev = MK_NONE;
    while (pos < len) {
        unsigned c;
        size_t used = pe_utf8_decode(text + pos, len - pos, &c);
        if (used == 0)
            used = 1;
        int k = used > 1 ? mark_class(c) : MK_NONE;
        /* as glue_compute: an opening mark followed by a non-opening one is no pair */
        if (prev != MK_NONE && k != MK_NONE && !(prev == MK_OPEN && k != MK_OPEN))
            return 1;
        prev = k;
        pos += used;
    }
    return 0;
}

/* ---- public API ----
 * Contract details beyond pe_break.h, shared by both entry points:
 * - *out is always initialised; on PE_ERR_NOMEM it is left empty.
 * - A newline (LF, CR, CR LF, VT, FF, NEL, U+2028/9) forces a break and is in
 *   no line; the line before it is `last` (not justified). Consecutive
 *   newlines give empty lines (start == end); a final newline adds none.
 * - Spaces (' ', '\t') at a soft break belong to no line; a segment's leading
 *   spaces are kept. U+3000 is content, not a collapsible space.
 * - Only the text's first line is narrowed by first_indent.
 * - Widths: the callback is called once per code point (not for newlines);
 *   negative or NaN advances count as 0. Comparisons allow BRK_EPS pt.
 * - A line holds at least one character: one wider than the measure alone is
 *   the only way a line can exceed it.
 * - Not thread-safe on first call (libunibreak index set-up). */

/* pe_break_text, with the pair compression of `m` when it is not NULL. */
static pe_status break_greedy(const char *text, size_t len, double measure, double first_indent,
                              pe_width_fn width, void *ctx, const pe_metrics *m, pe_lines *out)
{
    brk_text t;
    out->lines = NULL;
    out->n = 0;
    pe_status st = brk_text_init(&t, text, len, width, ctx);
    if (st == PE_OK && (st = brk_text_compress(&t, m)) != PE_OK)
        brk_text_release(&t);
    if (st != PE_OK)
        return st;
    brk_sink k = { out, 0, 0, 0 };
    st = fill_text(&t, measure, first_indent, &k);
    brk_text_release(&t);
    if (st != PE_OK)
        pe_lines_release(out);
    return st;
}

pe_status pe_break_text(const char *text, size_t len, double measure, double first_indent,
                        pe_width_fn width, void *ctx, pe_lines *out)
{
    return break_greedy(text, len, measure, first_indent, width, ctx, NULL, out);
}

pe_status pe_break_text_m(const char *text, size_t len, double measure, double first_indent,
                          const pe_metrics *m, pe_lines *out)
{
    return break_greedy(text, len, measure, first_indent, m->width, m->ctx, m, out);
}

/* Words a wrapped title should not be cut inside (GB/T 9704-2012 7.3.1: 回行时
 *要做到词意完整). Titles of plan reports are built from a small vocabulary;
 * a break between the two characters of one of these pairs splits a word. */
static const char *const title_words[] = {
    "规划", "计划", "方案", "报告", "评估", "意见", "通知", "纲要", "情况", "建设", "发展",
    "创新", "工作", "实施", "中期", "专项", "科技", "经济", "社会", "政府", "人民", "国民",
    "技术", "科学", "城市", "产业", "行动", "管理", "服务", "改革", "开放", "区域", "项目",
    "目标", "任务", "指标", "完成", "推进", "关于", "印发", "十四", "四五", "十三", "三五",
    "十二", "二五", "自治", "治区", "地区", "县区", "高新", "成果", "转化", "平台", "企业",
    "人才", "团队", "重点", "重大", "国家", "全市", "省级", "市级", "年度", "总体", "监测",
};

/* Number of line breaks in `l` that fall inside a title word. */
static size_t title_word_splits(const char *text, size_t len, const pe_lines *l)
{
    size_t n = 0;
    for (size_t i = 0; i + 1 < l->n; i++) {
        size_t a = l->lines[i].end, b = l->lines[i + 1].start;
        /* the last character of line i and the first of line i + 1 */
        size_t as = a;
        while (as > l->lines[i].start && ((unsigned char)text[as - 1] & 0xC0) == 0x80)
            as--;
        if (as > l->lines[i].start)
            as--;
        if (b >= len)
            continue;
        size_t be = b + 1;
        while (be < len && ((unsigned char)text[be] & 0xC0) == 0x80)
            be++;
        char pair[16];
        size_t la = a - as, lb = be - b;
        if (la + lb >= sizeof pair)
            continue;
        memcpy(pair, text + as, la);
        memcpy(pair + la, text + b, lb);
        pair[la + lb] = '\0';
        for (size_t w = 0; w < sizeof title_words / sizeof title_words[0]; w++)
            if (strcmp(pair, title_words[w]) == 0) {
                n++;
                break;
            }
    }
    return n;
}

/* pe_break_balanced, with the pair compression of `m` when it is not NULL. */
static pe_status break_balanced(const char *text, size_t len, double measure,
                                pe_width_fn width, void *ctx, const pe_metrics *m,
                                pe_lines *out)
{
    brk_text t;
    out->lines = NULL;
    out->n = 0;
    pe_status st = brk_text_init(&t, text, len, width, ctx);
    if (st == PE_OK && (st = brk_text_compress(&t, m)) != PE_OK)
        brk_text_release(&t);
    if (st != PE_OK)
        return st;
    brk_sink ref = { NULL, 0, 0, 0 };
    st = fill_text(&t, measure, 0.0, &ref);
    double target = measure;
    if (st == PE_OK && ref.nlines > 1) {
        /* Fewest lines is monotone in the width; bisect for the narrowest
         * width that needs no more lines and no more last-resort breaks. */
        double lo = 0.0, hi = measure;
        while (hi - lo > BRK_BALANCE_PREC) {
            double mid = (lo + hi) / 2.0;
            brk_sink probe = { NULL, 0, 0, 0 };
            (void)fill_text(&t, mid, 0.0, &probe);  /* cannot fail: no output */
            if (probe.nlines <= ref.nlines && probe.nforced <= ref.nforced)
                hi = mid;
            else
                lo = mid;
        }
        target = hi;
    }
    if (st == PE_OK) {
        brk_sink k = { out, 0, 0, 0 };
        st = fill_text(&t, target, 0.0, &k);
    }
    /* Balanced lines may cut a word (规|划): widen step by step, keeping the
     * line count, to the first width whose breaks keep every title word whole. */
    if (st == PE_OK && ref.nlines > 1 && title_word_splits(text, len, out) > 0) {
        size_t best = title_word_splits(text, len, out);
        for (double w = target + measure / 256.0; w <= measure && best > 0; w += measure / 256.0) {
            pe_lines trial = { NULL, 0 };
            brk_sink k = { &trial, 0, 0, 0 };
            if (fill_text(&t, w, 0.0, &k) != PE_OK) {
                pe_lines_release(&trial);
                break;
            }
            size_t splits = title_word_splits(text, len, &trial);
            if (k.nlines == ref.nlines && k.nforced <= ref.nforced && splits < best) {
                best = splits;
                pe_lines_release(out);
                *out = trial;
            } else {
                pe_lines_release(&trial);
            }
        }
    }
    brk_text_release(&t);
    if (st != PE_OK)
        pe_lines_release(out);
    return st;
}

pe_status pe_break_balanced(const char *text, size_t len, double measure,
                            pe_width_fn width, void *ctx, pe_lines *out)
{
    return break_balanced(text, len, measure, width, ctx, NULL, out);
}

pe_status pe_break_balanced_m(const char *text, size_t len, double measure,
                              const pe_metrics *m, pe_lines *out)
{
    return break_balanced(text, len, measure, m->width, m->ctx, m, out);
}

pe_status pe_break_widest_unit(const char *text, size_t len, pe_width_fn width, void *ctx,
                               double *out)
{
    brk_text t;
    double best = 0, cur = 0;
    *out = 0;
    pe_status st = brk_text_init(&t, text, len, width, ctx);
    if (st != PE_OK)
        return st;
    for (size_t i = 0; i < t.n; i++) {
        if (is_newline(t.cp[i])) {
            cur = 0;
            continue;
        }
        if (!is_space(t.cp[i]))
            cur += t.w[i];
        if (cur > best)
            best = cur;
        if (t.brk[i] == BRK_OK)
            cur = 0;
    }
    brk_text_release(&t);
    *out = best;
    return PE_OK;
}

void pe_lines_release(pe_lines *l)
{
    if (!l)
        return;
    free(l->lines);
    l->lines = NULL;
    l->n = 0;
}
