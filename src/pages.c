/* pages.c — the layout stage (pe_page.h): turns the document blocks and the
 * evaluated model into a flow of measured items (lines, table rows, chart
 * parts), paginates it with layout.c, and places every glyph run, rule and
 * fill on its page, with outline, page numbers and the draft watermark.
 *
 * Choices where SPEC §6 leaves room (geometry itself is in pe_layout.h):
 * - Body type 16 pt with −0.21 pt tracking so that 28 characters fill the
 *   156 mm measure; justification puts the slack between CJK characters and
 *   at CJK/Latin boundaries, never inside a number or a Latin word.
 * - Tables span the measure, sized as a browser sizes them (issue 14): each
 *   column between its widest unbreakable piece and its longest line, names
 *   (the first text column) first, the spare width where it saves the most
 *   lines; cells wrapped at the column's real width. Up to four columns in
 *   4号, others in 小4, 五号 when names would otherwise take more than two
 *   lines — never smaller. An annex whose table does not fit even then is
 *   set on A4 landscape pages (GB/T 9704 10.1; geometry in pe_layout.h). A
 *   table too wide even for its block with every number and word whole
 *   breaks them between characters where that costs the fewest lines
 *   (table_overflow); one whose columns do not fit at one character each is
 *   an error at the header of the first column that does not.
 * - Pagination: a table starts where its caption, header and two rows fit,
 *   then continues under 续表; a caption belongs to its figure or table; a
 *   chart that goes to the next page lets the text after it fill the page
 *   before (the figure floats to the next page's head); one that would still
 *   leave a page above 60 % of the block starts there.
 * - Signature per GB/T 9704 7.3.5.2: issuer 右空二字, the date's first
 *   character two characters right of the issuer's (or the date 右空二字
 *   when it is the longer).
 * - The 样稿 watermark is placed first, under the text, light grey, at 45°.
 * - A chart taller than a page is split into parts (each with axis and
 *   legend, later ones marked （续图）); the caption follows the last part.
 * - CSV 备注 are footnoted under a table only when they are few
 *   (LAY_MAX_CSV_NOTES); evaluation notes always are.
 * - The glyph check runs while the flow is built: every string placed passes
 *   use_text() once, so the check sees exactly the strings that are drawn. */
#include "pe_page.h"
#include "pe_layout.h"
#include "pe_font.h"
#include "pe_break.h"
#include "pe_fields.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NROLES PE_FONT_ROLES
#define CP_LIMIT 0x10000u           /* code points the PDF backend (libharu's UTF-8
                                       encoder) can draw: the document keeps to them */
#define FMT_MAX 256
#define LAY_MAX_CSV_NOTES 6         /* more 备注 than this are not footnoted */
#define LAY_MAX_RULES 256           /* table rules batched into one path per width */

typedef enum { AL_LEFT, AL_CENTER, AL_RIGHT, AL_JUSTIFY } lay_align;

/* A piece of text in one role and size, broken into lines (byte ranges). */
typedef struct {
    const char *text;       /* NULL: empty */
    pe_font_role role;
    double size, track;     /* type size and base character spacing, pt */
    pe_src src;
    pe_line *lines;
    size_t nlines;
} lay_text;

/* ---- tables ---- */
enum { ROW_DATA, ROW_GROUP, ROW_TOTAL };

typedef struct {
    lay_text t;
    lay_align align;
    size_t span;            /* columns covered; 0 = covered by a span to the left */
    const char *alt;        /* two-line form used when the text does not fit */
    double nat1, run1;      /* natural width and widest unbreakable piece at 1 pt */
} lay_cell;

typedef struct {
    lay_cell *cells;        /* ncols */
    int kind;
    double h;
    int page;               /* after pagination */
    double y;
} lay_row;

typedef struct {
    size_t ncols;
    double size;
    double measure;         /* the block's width: portrait, or landscape (c->bw) */
    double *x;              /* ncols + 1 rule positions from the block's left edge */
    lay_cell *head;         /* ncols labels */
    const char **group;     /* ncols: group label above the column, or NULL */
    lay_cell *ghead;        /* ncols: group cells, span > 0 at a group's first column */
    int two_level;
    double h1, h2;          /* header row heights (h2 = 0 for one level) */
    lay_row *rows;
    size_t nrows;
    int *is_merge;          /* ncols */
    size_t *mfirst, *mlast; /* nrows × ncols: the merged run of each merge cell */
    lay_align *col_align;   /* ncols: data alignment */
    double *numw;           /* ncols: widest right-aligned line, for centring numbers */
    lay_text cont, unit;    /* 续表 line; 单位：… (may be empty) */
    double cont_h;
    pe_src src;
} lay_table;

/* ---- chart ---- */
typedef struct {
    lay_text label, value;
    int has_p;
    double p, tau;
    int marker;             /* a kind without progress: a labelled marker, no bar */
    lay_text mark;          /* 达标 / 未达标 / 已实现 / 未实现 / the judgement */
} lay_bar;

typedef struct {
    lay_bar *bars;
    size_t n;
    double *row_h;
    double label_w, bar_x0, bar_x1, scale, size;
    size_t nticks;
    lay_text ticks[8];
    lay_text leg_p, leg_t, nodata, cont;
    double axis_h, legend_h, pad;
    int refit;              /* its first part was refitted to a page's rest */
    int floated;            /* the text after it was moved up before it */
} lay_chart;

/* ---- flow items: what each pe_flow_item of the pagination draws ---- */
typedef enum { IT_LINE, IT_SPACE, IT_THEAD, IT_TROW, IT_CHART } item_kind;

typedef struct {
    item_kind kind;
    const lay_text *t;      /* IT_LINE */
    size_t line;
    double x;               /* IT_LINE: left offset within the block */
    lay_align align;
    int outline;            /* IT_LINE: outline depth 1..4 of a heading's first line */
    const char *outline_title;
    lay_table *tab;         /* IT_THEAD, IT_TROW */
    size_t row;
    lay_chart *chart;       /* IT_CHART: bars [first, last) */
    size_t first, last;
    int cont;               /* IT_CHART: a continuation part */
    int land;               /* set on a landscape page (an annex too wide for portrait) */
} lay_item;

/* One layout. Everything allocated lives in `a` except fi/pi and the page
 * objects (realloc'd), and the fonts (moved into the result). */
typedef struct {
    const pe_model *m;
    const pe_doc *doc;
    const pe_pages_options *o;
    pe_diags *d;
    pe_arena *a;            /* the layout's working memory, freed at the end */
    pe_arena *out;          /* what the page model keeps (moved into the result) */
    int oom;
    /* fonts */
    pe_font *font[NROLES];
    const char *font_path[NROLES];
    int font_face[NROLES];
    int slot[NROLES];       /* roles sharing a file share a slot */
    unsigned char *cps[NROLES];     /* per slot: bitmap of the BMP */
    unsigned char *reported[NROLES];/* per role: missing code points already reported */
    /* flow */
    pe_flow_item *fi;
    lay_item *pi;
    size_t n, cap;
    int newpage_pending;
    int land;               /* items pushed now go on landscape pages … */
    double bw, bh;          /* … with this text block (width, height) */
    double flow_h;          /* height of the flow so far, new pages rounding it up (PE_MAX_PAGES) */
    int too_long;           /* PE_MAX_PAGES passed: reported, the flow stops */
    int nfig;
    /* placement: the objects of all pages, in order */
    pe_page_obj *objs;
    size_t nobjs, capobjs;
    size_t *page_first;     /* npages + 1 offsets into objs */
    int page;               /* page being placed, 0-based */
    int *page_land;         /* per page: landscape (realloc'd with page_first) */
    double bl, bt, bpw;     /* the placed page's block: left x, top y, width */
    pe_page_outline *outline;
    size_t noutline, capoutline;
    const char **notes;     /* typesetting notes (in out), for pe_pages.notes */
    size_t nnotes, capnotes;
    double fill_gray, stroke_gray;
    int dash;               /* 1: the chart's dashed pen (3 on, 2 off) */
    size_t nrules;
    double rules[LAY_MAX_RULES][5];     /* x0 y0 x1 y1 width, stroked together */
} lay_ctx;


/* ======================================================================
 * Text use: every string drawn passes here once, per role.
 * ====================================================================== */

static const char *role_label(pe_font_role r)
{
    switch (r) {
    case PE_FONT_TITLE: return "标题";
    case PE_FONT_HEADING: return "黑体";
    case PE_FONT_KAI: return "楷体";
    default: return "正文";
    }
}

/* Records the code points of `s` for role `role`'s subset; in check mode,
 * reports each missing glyph or non-BMP character once, at `src`. */
static void use_text(lay_ctx *c, pe_font_role role, const char *s, pe_src src)
{
    size_t len, i = 0;
    int slot = c->slot[role];

    if (!s)
        return;
    len = strlen(s);
    while (i < len) {
        unsigned cp = 0;
        size_t k = pe_utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        if (cp >= 0x20 && !(cp < CP_LIMIT && (c->cps[slot][cp >> 3] & (1u << (cp & 7))))) {
            /* not seen yet in this font: ask FreeType */
            int missing = cp >= CP_LIMIT || !pe_font_has_glyph(c->font[role], cp);
            if (!missing) {
                c->cps[slot][cp >> 3] |= (unsigned char)(1u << (cp & 7));
            } else {
                unsigned key = cp >= CP_LIMIT ? 0xFFFF : cp;
                if (!(c->reported[role][key >> 3] & (1u << (key & 7)))) {
                    char ch[5] = { 0 };
                    c->reported[role][key >> 3] |= (unsigned char)(1u << (key & 7));
                    memcpy(ch, s + i, k < 4 ? k : 4);
                    if (cp >= CP_LIMIT)
                        pe_error(c->d, src, "字符“%s”（U+%04X）在基本多文种平面之外，"
                                 "PDF 无法排版；请改用常用汉字或去掉该字符", ch, cp);
                    else
                        pe_error(c->d, src, "字符“%s”（U+%04X）在%s字体 %s（%s）中没有字形；"
                                 "请改写该字，或在 [fonts] %s = 中指定含此字的字体",
                                 ch, cp, role_label(role), pe_font_family(c->font[role]),
                                 pe_font_path(c->font[role]), pe_font_role_name(role));
                }
            }
        }
        i += k;
    }
}

/* ======================================================================
 * Measuring and breaking
 * ====================================================================== */

typedef struct { pe_font *f; double size, track; } wctx;

static double width_cb(void *ctx, unsigned cp)
{
    const wctx *w = ctx;
    return pe_font_advance(w->f, cp) * w->size / 1000.0 + w->track;
}

/* The blank each side of cp's glyph, from the font's bounding box. */
static void blank_cb(void *ctx, unsigned cp, double *left, double *right)
{
    const wctx *w = ctx;
    (void)pe_font_blank(w->f, cp, left, right);
    *left *= w->size / 1000.0;
    *right *= w->size / 1000.0;
}

/* The measures of text in t's role and size with punctuation compression,
 * for pe_break_paragraph and pe_break_set_line; `w` must outlive them. */
static pe_metrics text_metrics(lay_ctx *c, const lay_text *t, wctx *w)
{
    pe_metrics m;
    w->f = c->font[t->role];
    w->size = t->size;
    w->track = t->track;
    m.width = width_cb;
    m.blank = blank_cb;
    m.ctx = w;
    m.em = t->size;
    m.track = t->track;
    return m;
}

static double text_width(lay_ctx *c, pe_font_role role, double size, const char *s)
{
    return s ? pe_font_text_width(c->font[role], s, strlen(s), size) : 0;
}

/* Width of the widest piece of `s` that cannot be broken (a number with its
 * unit, a Latin word, a bracketed year): what a table column must hold. The
 * line breaker's own rules decide (pe_break_widest_unit). */
static double widest_run(lay_ctx *c, pe_font_role role, double size, const char *s)
{
    wctx w = { c->font[role], size, 0 };
    double best = 0;
    if (!s)
        return 0;
    if (pe_break_widest_unit(s, strlen(s), width_cb, &w, &best) != PE_OK)
        c->oom = 1;
    return best;
}

/* 1 and *ln set if t->text[start, end) fits `measure` on one line: the
 * common case of table cells, which then skip the line breaker. */
static int fits_one_line(lay_ctx *c, const lay_text *t, size_t start, size_t end,
                         double measure, pe_line *ln)
{
    double w = 0;
    size_t i = start, n = 0;
    wctx wc;

    wc.f = c->font[t->role];
    wc.size = t->size;
    wc.track = t->track;
    while (i < end) {
        unsigned cp = 0;
        size_t k = pe_utf8_decode(t->text + i, end - i, &cp);
        if (k == 0 || cp == ' ' || cp < 0x20)
            return 0;       /* leave spaces and oddities to the breaker */
        w += width_cb(&wc, cp);
        if (w > measure + 0.01)
            return 0;
        n++;
        i += k;
    }
    if (n == 0)
        return 0;
    ln->start = 0;
    ln->end = end - start;
    ln->nchars = n;
    ln->width = w;
    ln->last = 1;
    ln->loose = 0;
    return 1;
}

#define WRAP_PARAGRAPH 2   /* wrap_text mode: total fit with punctuation compression */

/* The width of a line that is set ragged or centred (table cells, captions,
 * titles): adjacent punctuation marks share their blank as in running text
 * (pe_break_set_line, not justified), so the line is aligned on the width
 * it is drawn with. Lines without such a pair keep their summed width. */
static void compressed_width(lay_ctx *c, const lay_text *t, pe_line *ln)
{
    const char *s = t->text + ln->start;
    size_t len = ln->end - ln->start, n = 0;
    double *xs;
    wctx w;
    pe_metrics m;

    if (!pe_break_has_pair(s, len))
        return;
    xs = pe_arena_alloc(c->a, (len + 1) * sizeof *xs);
    m = text_metrics(c, t, &w);
    if (!xs || pe_break_set_line(s, len, HUGE_VAL, 0, &m, xs, &n, NULL) != PE_OK) {
        c->oom = 1;
        return;
    }
    if (n > 0)
        ln->width = xs[n] + t->track;   /* as summed: the last glyph's spacing included */
}

/* Fills t->lines by breaking t->text into `measure` (first line `indent`
 * narrower); `balanced` 1 for titles, WRAP_PARAGRAPH for justified running
 * text (pe_break_paragraph), 0 greedy; a '\n' forces a break. The lines
 * live in the arena. */
static void wrap_text(lay_ctx *c, lay_text *t, double measure, double indent, int balanced)
{
    size_t len = t->text ? strlen(t->text) : 0, seg = 0, total = 0;

    t->lines = NULL;
    t->nlines = 0;
    if (len == 0)
        return;
    while (seg <= len && !c->oom) {
        const char *nl = memchr(t->text + seg, '\n', len - seg);
        size_t end = nl ? (size_t)(nl - t->text) : len, i;
        pe_lines ls = { NULL, 0 };
        pe_line one;
        pe_status st = PE_OK;
        if (fits_one_line(c, t, seg, end, seg ? measure : measure - indent, &one)) {
            ls.lines = &one;
            ls.n = 1;
        } else {
            /* each line measured as it is set: adjacent marks share their
             * blank; running text also pushes in and is justified */
            wctx pw;
            pe_metrics pm = text_metrics(c, t, &pw);
            if (balanced == WRAP_PARAGRAPH)
                st = pe_break_paragraph(t->text + seg, end - seg, measure + 0.01,
                                        seg ? 0 : indent, &pm, &ls);
            else if (balanced)
                st = pe_break_balanced_m(t->text + seg, end - seg, measure + 0.01, &pm, &ls);
            else
                st = pe_break_text_m(t->text + seg, end - seg, measure + 0.01,
                                     seg ? 0 : indent, &pm, &ls);
        }
        if (st != PE_OK) {
            c->oom = 1;
        } else if (ls.n > 0) {
            pe_line *nlines = pe_arena_alloc(c->a, (total + ls.n) * sizeof *nlines);
            if (!nlines) {
                c->oom = 1;
            } else {
                if (total)
                    memcpy(nlines, t->lines, total * sizeof *nlines);
                for (i = 0; i < ls.n; i++) {
                    nlines[total + i] = ls.lines[i];
                    nlines[total + i].start += seg;
                    nlines[total + i].end += seg;
                    if (balanced != WRAP_PARAGRAPH)
                        compressed_width(c, t, &nlines[total + i]);
                }
                t->lines = nlines;
                total += ls.n;
                t->nlines = total;
            }
        }
        if (ls.lines != &one)
            pe_lines_release(&ls);
        if (!nl)
            break;
        seg = end + 1;
    }
}

static void text_set(lay_text *t, const char *s, pe_font_role role, double size, double track,
                     pe_src src)
{
    memset(t, 0, sizeof *t);
    t->text = (s && *s) ? s : NULL;
    t->role = role;
    t->size = size;
    t->track = track;
    t->src = src;
}

/* Copy of `s` with line breaks of soft-wrapped source joined (no space
 * between CJK characters, one space between Latin words). */
static const char *join_soft_breaks(lay_ctx *c, const char *s)
{
    size_t len, i, o = 0;
    char *out;

    if (!s || !strpbrk(s, "\r\n\t"))
        return s;
    len = strlen(s);
    out = pe_arena_alloc(c->a, len + 1);
    if (!out) {
        c->oom = 1;
        return s;
    }
    for (i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '\r')
            continue;
        if (ch == '\n' || ch == '\t') {
            int prev_ascii = o > 0 && (unsigned char)out[o - 1] < 0x80 && out[o - 1] != ' ';
            int next_ascii = i + 1 < len && (unsigned char)s[i + 1] < 0x80;
            if (prev_ascii && next_ascii)
                out[o++] = ' ';
            continue;
        }
        out[o++] = ch;
    }
    out[o] = '\0';
    return out;
}

/* ======================================================================
 * The flow
 * ====================================================================== */

/* Appends an item of height h; returns its payload (zeroed) or NULL on OOM. */
static lay_item *push(lay_ctx *c, item_kind kind, double h, unsigned flags)
{
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 256;
        pe_flow_item *nf = realloc(c->fi, ncap * sizeof *nf);
        lay_item *np;
        if (!nf) {
            c->oom = 1;
            return NULL;
        }
        c->fi = nf;
        np = realloc(c->pi, ncap * sizeof *np);
        if (!np) {
            c->oom = 1;
            return NULL;
        }
        c->pi = np;
        c->cap = ncap;
    }
    memset(&c->fi[c->n], 0, sizeof c->fi[c->n]);
    memset(&c->pi[c->n], 0, sizeof c->pi[c->n]);
    c->fi[c->n].height = h;
    c->fi[c->n].flags = flags;
    if (c->newpage_pending) {
        c->fi[c->n].flags |= PE_FLOW_NEWPAGE;
        c->newpage_pending = 0;
    }
    if (c->fi[c->n].flags & PE_FLOW_NEWPAGE)
        c->flow_h = ceil(c->flow_h / PE_BLOCK_H) * PE_BLOCK_H;
    c->flow_h += h < PE_BLOCK_H ? h : PE_BLOCK_H;   /* an item takes at most a page */
    c->pi[c->n].kind = kind;
    c->pi[c->n].land = c->land;
    return &c->pi[c->n++];
}

/* Is the flow past PE_MAX_PAGES pages? Reported once, at `at` (the template
 * block that passed it); the caller stops adding to the flow. */
static int flow_too_long(lay_ctx *c, pe_src at)
{
    if (c->too_long)
        return 1;
    if (c->flow_h <= PE_MAX_PAGES * PE_BLOCK_H)
        return 0;
    c->too_long = 1;
    pe_error(c->d, at,
             "报告排到这里已超过 %d 页的上限，未继续排版：请检查模板中是否重复插入了表格或"
             "字段、表格是否过大，或精简正文（见 README“规模上限”）",
             PE_MAX_PAGES);
    return 1;
}

static void glue_last(lay_ctx *c)
{
    if (c->n > 0)
        c->fi[c->n - 1].flags |= PE_FLOW_GLUE;
}

/* Emits the lines of a wrapped text as items of height `h` each. Returns the
 * index of the first item. `area` is the width the lines are aligned in. */
static size_t emit_lines(lay_ctx *c, const lay_text *t, lay_align align, double indent,
                         double area, double h, unsigned flags)
{
    size_t first = c->n, i;

    for (i = 0; i < t->nlines; i++) {
        const pe_line *ln = &t->lines[i];
        double w = ln->width - t->track;   /* the last glyph's spacing is not seen */
        lay_item *it = push(c, IT_LINE, h, flags);
        if (!it)
            return first;
        it->t = t;
        it->line = i;
        it->align = align;
        switch (align) {
        case AL_CENTER: it->x = (area - w) / 2; break;
        case AL_RIGHT: it->x = area - w; break;
        default: it->x = i == 0 ? indent : 0; break;
        }
        if (it->x < 0)
            it->x = 0;
    }
    return first;
}

static lay_text *new_text(lay_ctx *c)
{
    lay_text *t = pe_arena_alloc(c->a, sizeof *t);
    if (!t)
        c->oom = 1;
    return t;
}

/* A body paragraph (or heading) in `role`: justified, first line indented
 * two characters, on the grid. Headings keep with what follows. */
static void flow_paragraph(lay_ctx *c, const char *s, pe_font_role role, pe_src src,
                           int heading_depth)
{
    lay_text *t = new_text(c);
    size_t first, i;

    if (!t || !s || !*s)
        return;
    s = join_soft_breaks(c, s);
    text_set(t, s, role, PE_SIZE_BODY, PE_BODY_TRACKING, src);
    use_text(c, role, s, src);
    wrap_text(c, t, PE_BLOCK_W, PE_INDENT_CHARS * PE_BODY_CHAR_PITCH, WRAP_PARAGRAPH);
    first = emit_lines(c, t, AL_JUSTIFY, PE_INDENT_CHARS * PE_BODY_CHAR_PITCH, PE_BLOCK_W,
                       PE_LINE_PITCH, PE_FLOW_GRID);
    if (c->oom || c->n == first)
        return;
    pe_flow_keep_paragraph(c->fi + first, c->n - first);
    if (heading_depth > 0) {
        for (i = first; i < c->n; i++)
            c->fi[i].flags |= PE_FLOW_GLUE;
        c->pi[first].outline = heading_depth;
        c->pi[first].outline_title = s;
    }
}

static void flow_blank(lay_ctx *c, unsigned flags)
{
    push(c, IT_SPACE, PE_LINE_PITCH, PE_FLOW_GRID | flags);
}

/* Centred balanced lines (document title, annex title) in the title font. */
static void flow_title(lay_ctx *c, const char *s, pe_src src)
{
    lay_text *t = new_text(c);
    double measure = c->bw;

    if (!t || !s || !*s)
        return;
    text_set(t, s, PE_FONT_TITLE, PE_SIZE_TITLE, 0, src);
    use_text(c, PE_FONT_TITLE, s, src);
    wrap_text(c, t, measure, 0, 1);
    emit_lines(c, t, AL_CENTER, 0, measure, PE_LINE_PITCH, PE_FLOW_GRID | PE_FLOW_GLUE);
}

/* A centred caption (table title above, figure caption below) in 黑体. */
static void flow_caption(lay_ctx *c, const char *s, pe_src src)
{
    lay_text *t = new_text(c);

    if (!t || !s || !*s)
        return;
    text_set(t, s, PE_FONT_HEADING, PE_TABLE_CAPTION_SIZE, 0, src);
    use_text(c, PE_FONT_HEADING, s, src);
    wrap_text(c, t, PE_BLOCK_W - 2 * PE_TABLE_CAPTION_SIZE, 0, 1);
    emit_lines(c, t, AL_CENTER, 0, PE_BLOCK_W, PE_LINE_PITCH, PE_FLOW_GRID | PE_FLOW_GLUE);
}

/* 7.3.5.2: issuer 右空二字; date below, its first character two characters
 * right of the issuer's (or, when longer, the date 右空二字). */
static void flow_signature(lay_ctx *c, const pe_block *b)
{
    const pe_model *m = c->m;
    lay_text *ti = new_text(c), *td = new_text(c);
    double ch = PE_BODY_CHAR_PITCH, wi, wd, xi, xd;
    lay_item *it;

    if (!ti || !td)
        return;
    text_set(ti, m->issuer, PE_FONT_BODY, PE_SIZE_BODY, PE_BODY_TRACKING, b->src);
    text_set(td, m->date_text, PE_FONT_BODY, PE_SIZE_BODY, PE_BODY_TRACKING, b->src);
    use_text(c, PE_FONT_BODY, ti->text, b->src);
    use_text(c, PE_FONT_BODY, td->text, b->src);
    wrap_text(c, ti, PE_BLOCK_W, 0, 0);
    wrap_text(c, td, PE_BLOCK_W, 0, 0);
    if (ti->nlines == 0 && td->nlines == 0)
        return;
    wi = ti->nlines ? ti->lines[0].width - PE_BODY_TRACKING : 0;
    wd = td->nlines ? td->lines[0].width - PE_BODY_TRACKING : 0;
    xi = PE_BLOCK_W - PE_SIGN_RIGHT_CHARS * ch - wi;
    xd = xi + PE_SIGN_SHIFT_CHARS * ch;
    if (xd + wd > PE_BLOCK_W - PE_SIGN_RIGHT_CHARS * ch) {
        xd = PE_BLOCK_W - PE_SIGN_RIGHT_CHARS * ch - wd;
        xi = xd - PE_SIGN_SHIFT_CHARS * ch;
    }
    glue_last(c);   /* the signature never starts a page on its own */
    flow_blank(c, PE_FLOW_GLUE | PE_FLOW_DISCARD);
    if (ti->nlines == 1) {
        it = push(c, IT_LINE, PE_LINE_PITCH, PE_FLOW_GRID | PE_FLOW_GLUE);
        if (it) {
            it->t = ti;
            it->x = xi < 0 ? 0 : xi;
        }
    } else if (ti->nlines > 1) {
        emit_lines(c, ti, AL_RIGHT, 0, PE_BLOCK_W - PE_SIGN_RIGHT_CHARS * ch, PE_LINE_PITCH,
                   PE_FLOW_GRID | PE_FLOW_GLUE);
    }
    if (td->nlines) {
        it = push(c, IT_LINE, PE_LINE_PITCH, PE_FLOW_GRID);
        if (it) {
            it->t = td;
            it->x = xd < 0 ? 0 : xd;
        }
    }
}

/* ======================================================================
 * Tables (SPEC §6)
 * ====================================================================== */

static lay_table *table_new(lay_ctx *c, size_t ncols, size_t nrows, pe_src src)
{
    lay_table *t = pe_arena_alloc(c->a, sizeof *t);
    size_t r;

    if (!t)
        goto oom;
    t->ncols = ncols;
    t->nrows = nrows;
    t->src = src;
    t->measure = c->bw;
    t->x = pe_arena_alloc(c->a, (ncols + 1) * sizeof *t->x);
    t->head = pe_arena_alloc(c->a, ncols * sizeof *t->head);
    t->group = pe_arena_alloc(c->a, ncols * sizeof *t->group);
    t->ghead = pe_arena_alloc(c->a, ncols * sizeof *t->ghead);
    t->is_merge = pe_arena_alloc(c->a, ncols * sizeof *t->is_merge);
    t->col_align = pe_arena_alloc(c->a, ncols * sizeof *t->col_align);
    t->numw = pe_arena_alloc(c->a, ncols * sizeof *t->numw);
    t->rows = pe_arena_alloc(c->a, (nrows + 1) * sizeof *t->rows);
    t->mfirst = pe_arena_alloc(c->a, (nrows + 1) * ncols * sizeof *t->mfirst);
    t->mlast = pe_arena_alloc(c->a, (nrows + 1) * ncols * sizeof *t->mlast);
    if (!t->x || !t->head || !t->group || !t->ghead || !t->is_merge || !t->col_align || !t->numw ||
        !t->rows || !t->mfirst || !t->mlast)
        goto oom;
    for (r = 0; r < nrows; r++) {
        t->rows[r].cells = pe_arena_alloc(c->a, ncols * sizeof *t->rows[r].cells);
        if (!t->rows[r].cells)
            goto oom;
    }
    return t;
oom:
    c->oom = 1;
    return NULL;
}

/* Sets cell (r, col) to `s` (copied reference; NULL/"" = empty). */
static void cell_set(lay_table *t, size_t r, size_t col, const char *s, lay_align al,
                     pe_src src)
{
    lay_cell *cl = &t->rows[r].cells[col];
    text_set(&cl->t, s, PE_FONT_BODY, 0, 0, src);
    cl->align = al;
    cl->span = 1;
}

static void row_span(lay_table *t, size_t r, size_t col, size_t span)
{
    size_t k;
    t->rows[r].cells[col].span = span;
    for (k = col + 1; k < col + span && k < t->ncols; k++)
        t->rows[r].cells[k].span = 0;
}

static void head_set(lay_table *t, size_t col, const char *label, const char *group, pe_src src)
{
    text_set(&t->head[col].t, label, PE_FONT_HEADING, 0, 0, src);
    t->head[col].align = AL_CENTER;
    t->head[col].span = 1;
    t->group[col] = group;
}

/* Merged runs of merge columns: a data row continues the run above when its
 * cell is empty or repeats the label, and no merge column to its left starts
 * a new run there. */
static void table_merge_runs(lay_table *t)
{
    size_t r, col, nc = t->ncols;

    for (r = 0; r < t->nrows; r++)
        for (col = 0; col < nc; col++)
            t->mfirst[r * nc + col] = t->mlast[r * nc + col] = r;
    for (col = 0; col < nc; col++) {
        if (!t->is_merge[col])
            continue;
        for (r = 1; r < t->nrows; r++) {
            const lay_row *row = &t->rows[r], *prev = &t->rows[r - 1];
            size_t f, k;
            int cont, left_break = 0;
            const char *lab, *cur;
            if (row->kind != ROW_DATA || prev->kind != ROW_DATA)
                continue;
            f = t->mfirst[(r - 1) * nc + col];
            lab = t->rows[f].cells[col].t.text;
            cur = row->cells[col].t.text;
            cont = !cur || (lab && strcmp(lab, cur) == 0);
            for (k = 0; k < col; k++)
                if (t->is_merge[k] && t->mfirst[r * nc + k] == r)
                    left_break = 1;
            if (cont && !left_break) {
                t->mfirst[r * nc + col] = f;
                for (k = f; k <= r; k++)
                    t->mlast[k * nc + col] = r;
            }
        }
    }
}

/* Measures a cell once at 1 pt (widths scale with the size). */
static void cell_measure(lay_ctx *c, lay_cell *cl, pe_font_role role)
{
    const char *s = cl->t.text, *nl;

    /* lines set apart by '\n' (a header's): the longest of them */
    cl->nat1 = 0;
    while (s && (nl = strchr(s, '\n')) != NULL) {
        cl->nat1 = fmax(cl->nat1, s == nl ? 0 : pe_font_text_width(c->font[role], s,
                                                                    (size_t)(nl - s), 1.0));
        s = nl + 1;
    }
    cl->nat1 = fmax(cl->nat1, text_width(c, role, 1.0, s));
    /* a cell with a two-line form never needs more than its longer line */
    cl->run1 = widest_run(c, role, 1.0, cl->alt ? cl->alt : cl->t.text);
}

/* How far column_widths() lets a column narrow, beyond its unbreakable pieces. */
typedef enum {
    COL_SOFT,   /* texts of up to PE_TABLE_ONE_LINE characters stay on one line,
                   longer ones keep PE_TABLE_MIN_CHARS a line, headers ≤ 2 lines */
    COL_TIGHT,  /* texts of up to 2 characters on one line, longer ones ≥ 2 a line;
                   headers in two lines (a narrow 序号 column's 序/号 stacked) */
    COL_HARD    /* one character */
} col_min;

/* Minimum and maximum content widths of a column at `size`, pad included.
 * The minimum is the widest unbreakable piece (a number with its unit, a
 * Latin word, a bracketed year), widened as `mode` says. The maximum is the
 * longest line unwrapped. Cells are measured (cell_measure). */
static void column_widths(const lay_table *t, size_t col, double size, col_min mode,
                          double *mn, double *mx)
{
    double ch = size, lo = 0, hi = 0;
    size_t r;
    const lay_cell *h = &t->head[col];

    if (h->t.text) {
        double nat = h->nat1 * size, run = h->run1 * size;
        double half = ceil(nat / ch / 2 - 0.01) * ch;
        double one = (mode == COL_SOFT ? PE_TABLE_HEAD_LINE : 1) * ch + 0.01;
        double want = mode == COL_HARD ? ch : nat <= one ? nat : half;
        lo = fmax(lo, fmax(run, want));
        hi = fmax(hi, nat);
    }
    for (r = 0; r < t->nrows; r++) {
        const lay_cell *cl = &t->rows[r].cells[col];
        double nat, run, want;
        if (cl->span != 1 || !cl->t.text)
            continue;
        nat = cl->nat1 * size;
        run = cl->run1 * size;
        if (mode == COL_HARD)
            want = ch;
        else if (mode == COL_TIGHT)
            want = nat <= 2 * ch + 0.01 ? nat : 2 * ch;
        else if (nat <= PE_TABLE_ONE_LINE * ch + 0.01)
            want = nat;
        else
            want = PE_TABLE_MIN_CHARS * ch;
        lo = fmax(lo, fmax(run, want));
        hi = fmax(hi, nat);
    }
    if (lo < ch)
        lo = ch;
    *mn = lo + 2 * PE_TABLE_PAD_X;
    *mx = fmax(hi, lo) + 2 * PE_TABLE_PAD_X;
}

/* The table's columns at `size` for pe_columns_lines: `nat` gets the header
 * and every cell that sets its row's height (merged labels do not). */
static void table_cols_fill(const lay_table *t, double size, double *nat)
{
    size_t nc = t->ncols, r, col;

    for (col = 0; col < nc; col++)
        nat[col] = t->head[col].t.text ? t->head[col].nat1 * size : 0;
    for (r = 0; r < t->nrows; r++)
        for (col = 0; col < nc; col++) {
            const lay_cell *cl = &t->rows[r].cells[col];
            int merged = t->is_merge[col] && t->rows[r].kind == ROW_DATA;
            nat[(r + 1) * nc + col] =
                cl->span == 1 && cl->t.text && !merged ? cl->nat1 * size : 0;
        }
}

/* Column widths of `t` at `size` with minima `mode` into `w`: 0, or −1 when
 * the minima do not fit the measure. */
static int table_try(const lay_table *t, double size, col_min mode, pe_table_cols *tc,
                     double *mn, double *mx, double *nat, int *prio, double *w,
                     pe_cols_result *res)
{
    size_t col, nc = t->ncols;

    tc->primary = nc;
    for (col = 0; col < nc; col++) {
        column_widths(t, col, size, mode, &mn[col], &mx[col]);
        prio[col] = t->col_align[col] == AL_LEFT;
        if (prio[col] && !t->is_merge[col] && tc->primary == nc)
            tc->primary = col;      /* the names: the first text column */
    }
    table_cols_fill(t, size, nat);
    tc->step = size;
    return pe_columns_lines(tc, t->measure, w, res);
}

/* A cell's text for pe_columns_squeeze at `size`: its characters, their
 * width all together and its widest unbreakable piece (cell_measure's), to
 * count `weight` times; the widest single character raises *wch. */
static void squeeze_cell(lay_ctx *c, const lay_cell *cl, pe_font_role role, double size,
                         double weight, pe_cell_text *ct, double *wch)
{
    wctx w = { c->font[role], size, 0 };
    const char *s = cl->t.text;
    size_t i = 0, n = s ? strlen(s) : 0;

    ct->nat = 0;
    ct->nchars = 0;
    ct->unit = cl->run1 * size;
    ct->weight = weight;
    while (i < n) {
        unsigned cp = 0;
        size_t k = pe_utf8_decode(s + i, n - i, &cp);
        double cw;
        if (k == 0)
            break;
        i += k;
        if (cp < ' ')
            continue;
        cw = width_cb(&w, cp);
        ct->nat += cw;
        ct->nchars++;
        if (cp != ' ')
            *wch = fmax(*wch, cw);
    }
}

/* The last resort of table_size_columns (issue 14), in 五号: with every
 * unbreakable piece whole (a number with its unit, a Latin word) the minima
 * exceed the measure, so pieces break between characters, as a browser's
 * overflow-wrap: anywhere does. Each column may narrow to its widest
 * character; pe_columns_squeeze chooses the widths that cost the fewest
 * lines, a piece broken off a unit costing PE_TABLE_BREAK_COST lines more,
 * so that units break only where that saves the most; the rest of the
 * measure as pe_columns_lines gives it. 1 and the widths in `w`; 0 when not
 * even one character a column fits: an error at the header of the first
 * column that does not. */
static int table_overflow(lay_ctx *c, lay_table *t, pe_table_cols *tc, double *mn, double *mx,
                          double *nat, int *prio, double *w, pe_cols_result *res)
{
    size_t nc = t->ncols, col, r, fit = nc;
    double size = PE_TABLE_SIZE_MIN, pad = 2 * PE_TABLE_PAD_X;
    double *lo = pe_arena_alloc(c->a, nc * sizeof *lo);
    pe_cell_text *ct = pe_arena_alloc(c->a, (t->nrows + 1) * nc * sizeof *ct);
    pe_table_squeeze ts;
    int rc;

    if (!lo || !ct) {
        c->oom = 1;
        return 0;
    }
    (void)table_try(t, size, COL_TIGHT, tc, mn, mx, nat, prio, w, res);
    for (col = 0; col < nc; col++) {
        double wch = 0;
        pe_cell_text *hc = &ct[col];
        hc->nat = hc->unit = 0;
        hc->nchars = 0;
        hc->weight = 1;
        if (t->head[col].t.text)
            squeeze_cell(c, &t->head[col], PE_FONT_HEADING, size, PE_TABLE_HEAD_WEIGHT, hc,
                         &wch);
        for (r = 0; r < t->nrows; r++) {
            const lay_cell *cl = &t->rows[r].cells[col];
            pe_cell_text *cc = &ct[(r + 1) * nc + col];
            cc->nat = cc->unit = 0;
            cc->nchars = 0;
            cc->weight = 1;
            if (cl->span != 1 || !cl->t.text)
                continue;
            squeeze_cell(c, cl, cl->t.role, size,
                         t->rows[r].kind == ROW_TOTAL ? PE_TABLE_HEAD_WEIGHT : 1, cc, &wch);
            if (t->is_merge[col] && t->rows[r].kind == ROW_DATA)
                cc->nat = 0;    /* a merged label sets no row's height */
        }
        lo[col] = fmax(wch, 1.0) + pad;
        mx[col] = fmax(mx[col], lo[col]);
    }
    ts.ncols = nc;
    ts.nrows = t->nrows + 1;
    ts.cells = ct;
    ts.lo = lo;
    ts.hi = mx;
    ts.pad = pad;
    ts.grid = PE_TABLE_SQUEEZE_GRID;
    ts.break_cost = PE_TABLE_BREAK_COST;
    rc = pe_columns_squeeze(&ts, t->measure, mn, &fit);
    if (rc == -2)
        c->oom = 1;
    if (rc == -1) {
        pe_src at = fit < nc && t->head[fit].t.src.file ? t->head[fit].t.src : t->src;
        pe_error(c->d, at,
                 "表格有 %zu 列，太宽：即使用五号字、每列只排一个字，%s版心（宽 %.0f 毫米）"
                 "也只排得下前 %zu 列，从这一列起放不下；请把表格拆成几张表（每张不超过 %zu 列），"
                 "或删去一些列",
                 nc, t->measure > PE_BLOCK_W + 0.01 ? "横排页的" : "",
                 t->measure / PE_MM(1.0), fit, fit);
    }
    if (rc != 0)
        return 0;
    for (col = 0; col < nc; col++)
        mx[col] = fmax(mx[col], mn[col]);
    t->size = size;
    return pe_columns_lines(tc, t->measure, w, res) == 0;
}

/* Chooses the type size and the column widths (SPEC §6, issue 14): the
 * largest size (4号 for tables of up to four columns, else 小4, then 五号,
 * never smaller) at which names (the first text column) take at most
 * PE_TABLE_NAME_LINES lines and other cells at most PE_TABLE_MAX_LINES,
 * trying in 五号 tighter minima last; then the largest at which names keep
 * to PE_TABLE_NAME_LINES while other cells take more; when none allows that, the try that
 * makes the shortest table (estimated lines × size; ties: the larger size). The widths as a
 * browser sizes them (pe_columns_lines), spanning the whole measure. */
static void table_size_columns(lay_ctx *c, lay_table *t)
{
    static const double sizes[] = { PE_TABLE_SIZE_MAX, PE_TABLE_SIZE, PE_TABLE_SIZE_MIN,
                                    PE_TABLE_SIZE_MIN };
    size_t nc = t->ncols, s, col, s0 = nc <= PE_TABLE_BIG_COLS ? 0 : 1, best = 4;
    double best_h = 0;      /* estimated height (lines × size) of the best try */
    size_t best_names = 0;  /* its names' lines */
    double *mn = pe_arena_alloc(c->a, nc * sizeof *mn);
    double *mx = pe_arena_alloc(c->a, nc * sizeof *mx);
    double *w = pe_arena_alloc(c->a, nc * sizeof *w);
    double *nat = pe_arena_alloc(c->a, (t->nrows + 1) * nc * sizeof *nat);
    int *prio = pe_arena_alloc(c->a, nc * sizeof *prio);
    pe_table_cols tc;
    pe_cols_result res;
    int done = 0;

    if (!mn || !mx || !w || !nat || !prio) {
        c->oom = 1;
        return;
    }
    tc.ncols = nc;
    tc.nrows = t->nrows + 1;
    tc.minw = mn;
    tc.maxw = mx;
    tc.nat = nat;
    tc.prio = prio;
    tc.pad = 2 * PE_TABLE_PAD_X;
    tc.cap_lines = PE_TABLE_MAX_LINES;
    for (s = s0; s < 4 && !done; s++) {
        if (table_try(t, sizes[s], s == 3 ? COL_TIGHT : COL_SOFT, &tc, mn, mx, nat, prio, w,
                      &res) != 0)
            continue;
        if (res.primary_lines <= PE_TABLE_NAME_LINES && res.other_lines <= PE_TABLE_MAX_LINES)
            done = 1;
        else if (best == 4 || (double)res.total * sizes[s] < best_h - 0.01) {
            best = s;
            best_h = (double)res.total * sizes[s];
            best_names = res.primary_lines;
        }
        if (done)
            t->size = sizes[s];
    }
    /* names first (issue 14): when the shortest table would wrap names into
     * more than two lines, the shortest at which they keep to two while the
     * other text cells (年均需 …) take the lines they need */
    if (!done && (best == 4 || best_names > PE_TABLE_NAME_LINES)) {
        size_t best2 = 4;
        double best2_h = 0;
        tc.cap_lines = PE_TABLE_LINES_NAMES_FIRST;
        for (s = s0; s < 4; s++)
            if (table_try(t, sizes[s], s == 3 ? COL_TIGHT : COL_SOFT, &tc, mn, mx, nat, prio,
                          w, &res) == 0 && res.primary_lines <= PE_TABLE_NAME_LINES &&
                (best2 == 4 || (double)res.total * sizes[s] < best2_h - 0.01)) {
                best2 = s;
                best2_h = (double)res.total * sizes[s];
            }
        if (best2 < 4) {
            t->size = sizes[best2];
            done = table_try(t, sizes[best2], best2 == 3 ? COL_TIGHT : COL_SOFT, &tc, mn, mx,
                             nat, prio, w, &res) == 0;
        }
        tc.cap_lines = PE_TABLE_MAX_LINES;
    }
    if (!done && best < 4) {    /* no size is comfortable: the shortest table */
        t->size = sizes[best];
        done = table_try(t, sizes[best], best == 3 ? COL_TIGHT : COL_SOFT, &tc, mn, mx, nat,
                         prio, w, &res) == 0;
    }
    if (!done) {    /* 五号 and still too wide: only what cannot break is kept */
        t->size = PE_TABLE_SIZE_MIN;
        done = table_try(t, PE_TABLE_SIZE_MIN, COL_HARD, &tc, mn, mx, nat, prio, w, &res) == 0;
    }
    if (done)       /* whole rows: a character's width moved where it saves lines */
        (void)pe_columns_balance(&tc, res.primary_lines > PE_TABLE_NAME_LINES
                                          ? res.primary_lines : PE_TABLE_NAME_LINES, w);
    if (!done)      /* even the unbreakable pieces are too wide: they break */
        done = table_overflow(c, t, &tc, mn, mx, nat, prio, w, &res);
    if (!done)      /* not even one character a column fits (an error): equal columns */
        for (col = 0; col < nc; col++)
            w[col] = t->measure / (double)nc;
    t->x[0] = 0;
    for (col = 0; col < nc; col++)
        t->x[col + 1] = t->x[col] + w[col];
    t->x[nc] = t->measure;
}

static double cell_text_h(const lay_cell *cl, double size)
{
    return (double)cl->t.nlines * size * PE_TABLE_LEADING;
}

/* Wraps a cell at its column's real width (a header `balanced` into lines
 * of about equal length). */
static void cell_wrap(lay_ctx *c, lay_cell *cl, double width, double size, int balanced)
{
    cl->t.size = size;
    cl->t.track = 0;
    wrap_text(c, &cl->t, width - 2 * PE_TABLE_PAD_X, 0, balanced);
}

/* Measures, wraps and sizes a filled table; records every text it uses. */
static void table_layout(lay_ctx *c, lay_table *t)
{
    size_t nc = t->ncols, r, col;
    double size, lead, pad2 = 2 * PE_TABLE_PAD_Y;

    for (col = 0; col < nc; col++)
        use_text(c, PE_FONT_HEADING, t->head[col].t.text, t->head[col].t.src);
    for (col = 0; col < nc; col++)
        if (t->group[col])
            use_text(c, PE_FONT_HEADING, t->group[col], t->src);
    for (r = 0; r < t->nrows; r++)
        for (col = 0; col < nc; col++)
            if (t->rows[r].cells[col].span > 0)
                use_text(c, t->rows[r].cells[col].t.role, t->rows[r].cells[col].t.text,
                         t->rows[r].cells[col].t.src);
    use_text(c, PE_FONT_HEADING, "续表", t->src);
    if (t->unit.text)
        use_text(c, PE_FONT_BODY, t->unit.text, t->unit.src);
    for (col = 0; col < nc; col++)
        cell_measure(c, &t->head[col], PE_FONT_HEADING);
    for (r = 0; r < t->nrows; r++)
        for (col = 0; col < nc; col++)
            if (t->rows[r].cells[col].span == 1 && t->rows[r].cells[col].t.text)
                cell_measure(c, &t->rows[r].cells[col], t->rows[r].cells[col].t.role);
    table_merge_runs(t);
    table_size_columns(c, t);
    if (c->oom)
        return;
    size = t->size;
    lead = size * PE_TABLE_LEADING;

    /* header: one level, or two when columns carry group labels */
    t->two_level = 0;
    for (col = 0; col < nc; col++)
        if (t->group[col])
            t->two_level = 1;
    t->h1 = t->h2 = 0;
    for (col = 0; col < nc; col++) {
        lay_cell *h = &t->head[col];
        cell_wrap(c, h, t->x[col + 1] - t->x[col], size, 1);
        if (t->two_level && t->group[col]) {
            t->h2 = fmax(t->h2, cell_text_h(h, size) + pad2);
            if (col == 0 || !t->group[col - 1] || strcmp(t->group[col - 1], t->group[col])) {
                size_t e = col + 1;
                while (e < nc && t->group[e] && strcmp(t->group[e], t->group[col]) == 0)
                    e++;
                text_set(&t->ghead[col].t, t->group[col], PE_FONT_HEADING, size, 0, t->src);
                t->ghead[col].span = e - col;
                t->ghead[col].align = AL_CENTER;
                cell_wrap(c, &t->ghead[col], t->x[e] - t->x[col], size, 1);
                t->h1 = fmax(t->h1, cell_text_h(&t->ghead[col], size) + pad2);
            }
        } else {
            t->h1 = fmax(t->h1, cell_text_h(h, size) + pad2);
        }
    }
    if (t->two_level) {
        for (col = 0; col < nc; col++)
            if (!t->group[col] && cell_text_h(&t->head[col], size) + pad2 > t->h1 + t->h2)
                t->h2 = cell_text_h(&t->head[col], size) + pad2 - t->h1;
        if (t->h2 < lead + pad2)
            t->h2 = lead + pad2;
    }

    /* rows */
    for (r = 0; r < t->nrows; r++) {
        lay_row *row = &t->rows[r];
        double h = lead + pad2;
        for (col = 0; col < nc; col++) {
            lay_cell *cl = &row->cells[col];
            size_t span = cl->span;
            if (span == 0)
                continue;
            if (col + span > nc)
                span = cl->span = nc - col;
            if (cl->alt && text_width(c, cl->t.role, size, cl->t.text) >
                               t->x[col + span] - t->x[col] - 2 * PE_TABLE_PAD_X)
                cl->t.text = cl->alt;
            cell_wrap(c, cl, t->x[col + span] - t->x[col], size, 0);
            if (t->is_merge[col] && row->kind == ROW_DATA && span == 1)
                continue;
            h = fmax(h, cell_text_h(cl, size) + pad2);
        }
        row->h = h;
    }
    for (r = 0; r < t->nrows; r++)
        for (col = 0; col < nc; col++) {
            const lay_cell *cl = &t->rows[r].cells[col];
            size_t i;
            if (cl->span != 1 || cl->align != AL_RIGHT)
                continue;
            for (i = 0; i < cl->t.nlines; i++)
                t->numw[col] = fmax(t->numw[col], cl->t.lines[i].width);
        }
    /* a merged label taller than its rows deepens the run's last row */
    for (col = 0; col < nc; col++) {
        if (!t->is_merge[col])
            continue;
        for (r = 0; r < t->nrows; r++) {
            size_t f = t->mfirst[r * nc + col], l = t->mlast[r * nc + col], k;
            double sum = 0, need;
            if (f != r || t->rows[r].kind != ROW_DATA)
                continue;
            need = cell_text_h(&t->rows[r].cells[col], size) + pad2;
            for (k = f; k <= l; k++)
                sum += t->rows[k].h;
            if (need > sum)
                t->rows[l].h += need - sum;
        }
    }
    text_set(&t->cont, "续表", PE_FONT_HEADING, size, 0, t->src);
    wrap_text(c, &t->cont, PE_BLOCK_W / 2, 0, 0);
    if (t->unit.text) {
        t->unit.size = size;
        wrap_text(c, &t->unit, PE_BLOCK_W / 2, 0, 0);
    }
    t->cont_h = size * PE_TABLE_CONT_H;
}

/* Emits a laid-out table: caption, unit line, header and rows (each row
 * carries the height of 续表 + header repeated above it on a new page), note. */
static void flow_table(lay_ctx *c, lay_table *t, const char *caption, const char *note,
                       pe_src src)
{
    size_t r;
    lay_item *it;
    double head_h;

    if (!t || c->oom)
        return;
    table_layout(c, t);
    if (c->oom)
        return;
    head_h = t->h1 + t->h2;
    if (caption && *caption) {
        flow_caption(c, caption, src);
        glue_last(c);
    } else {
        push(c, IT_SPACE, t->size * PE_TABLE_AFTER, PE_FLOW_GLUE | PE_FLOW_DISCARD);
    }
    if (t->unit.text && t->unit.nlines > 0) {
        it = push(c, IT_LINE, t->cont_h, PE_FLOW_GLUE);
        if (it) {
            it->t = &t->unit;
            it->align = AL_RIGHT;
            it->x = t->measure - (t->unit.lines[0].width - t->unit.track);
        }
    }
    it = push(c, IT_THEAD, head_h, t->nrows ? PE_FLOW_GLUE : 0);
    if (it)
        it->tab = t;
    for (r = 0; r < t->nrows; r++) {
        /* a row is never split: one taller than a page under the repeated
         * header would run off the page's foot and lose its text */
        if (t->cont_h + head_h + t->rows[r].h > c->bh) {
            size_t k, tall = 0;
            for (k = 1; k < t->ncols; k++)
                if (t->rows[r].cells[k].t.nlines > t->rows[r].cells[tall].t.nlines)
                    tall = k;
            const lay_text *lt = &t->rows[r].cells[tall].t;
            pe_error(c->d, lt->src.file ? lt->src : src,
                     "这一格文字太长（排成 %zu 行），整行在一页内放不下：表格的一行不能跨页，"
                     "请精简该单元格的文字，或把内容拆成几行",
                     lt->nlines);
            continue;
        }
        /* a group row keeps with its first row; at least two rows stay with
         * the header, and a continuation never carries a single row */
        unsigned flags = t->rows[r].kind == ROW_GROUP ? PE_FLOW_GLUE : 0;
        if (t->nrows >= 2 && (r == 0 || r == t->nrows - 2))
            flags |= PE_FLOW_GLUE;
        it = push(c, IT_TROW, t->rows[r].h, flags);
        if (!it)
            return;
        it->tab = t;
        it->row = r;
        c->fi[c->n - 1].cont_height = t->cont_h + head_h;
    }
    if (note && *note) {
        lay_text *tn = new_text(c);
        size_t first;
        if (!tn)
            return;
        text_set(tn, note, PE_FONT_BODY, t->size, 0, src);
        use_text(c, PE_FONT_BODY, note, src);
        wrap_text(c, tn, t->measure, 0, 0);
        glue_last(c);
        push(c, IT_SPACE, t->size * PE_TABLE_NOTE_GAP, PE_FLOW_GLUE);
        first = emit_lines(c, tn, AL_LEFT, 0, t->measure, t->size * PE_TABLE_NOTE_LEAD, 0);
        if (!c->oom && c->n > first)
            pe_flow_keep_paragraph(c->fi + first, c->n - first);
    }
    push(c, IT_SPACE, t->size * PE_TABLE_AFTER, PE_FLOW_DISCARD);
}

static char *fmt_dup(lay_ctx *c, const char *s)
{
    char *r = pe_arena_strdup(c->a, s ? s : "");
    if (!r)
        c->oom = 1;
    return r;
}

static const char *unit_line(lay_ctx *c, const char *unit)
{
    char *r;
    if (!unit || !*unit)
        return NULL;
    r = pe_arena_printf(c->a, "单位：%s", unit);
    if (!r)
        c->oom = 1;
    return r;
}

/* 0 if not every non-empty cell of the column is a number; 1 numbers; 2 the
 * sequence 1, 2, 3 … (a 序号 column, centred). */
static int column_numeric(const char *const *cells, size_t n, size_t stride)
{
    size_t i, seen = 0;
    int seq = 1;

    for (i = 0; i < n; i++) {
        const char *s = cells[i * stride];
        double v;
        int dec;
        if (!s || !*s)
            continue;
        if (pe_number_parse(s, &v, &dec) != PE_NUM_OK)
            return 0;
        seen++;
        if (dec != 0 || fabs(v - (double)seen) > 1e-9)
            seq = 0;
    }
    if (seen == 0)
        return 0;
    return seq ? 2 : 1;
}

/* The year most rows' latest figures are of (ties: the later), 0 when no row
 * has an actual: the year the 最新值 column names in its header. */
static int table_latest_year(const pe_indicator_table *it)
{
    size_t i, k, best = 0, nbest = 0;
    int year = 0;

    for (k = 0; k < it->nyears; k++) {
        size_t n = 0;
        for (i = 0; i < it->n; i++)
            if (pe_fmt_latest_year(&it->items[i]) == it->years[k])
                n++;
        if (n > 0 && n >= nbest) {
            best = k;
            nbest = n;
        }
    }
    if (nbest > 0)
        year = it->years[best];
    return year;
}

/* The time progress said once above the table, formatted into `out`: the one
 * most rows with figures share (the later on a tie); 0 when no row has a
 * figure, or when more rows differ from it than a note under the table should
 * name (a quarter of the rows with figures, at most LAY_MAX_TAU_NOTES). A row
 * of another time progress (its latest figure of another year, which its
 * 最新值 cell says) gets it in the note; rows without any figure have none
 * of their own (their cell says —). */
#define LAY_MAX_TAU_NOTES 3
static int table_common_tau(const pe_indicator_table *it, char *out, size_t n)
{
    size_t i, j, with = 0, best = 0, nbest = 0;

    for (i = 0; i < it->n; i++) {
        size_t same = 0;
        if (!it->items[i].ev.has_actual)
            continue;
        with++;
        for (j = 0; j < it->n; j++)
            if (it->items[j].ev.has_actual &&
                fabs(it->items[j].ev.time_progress - it->items[i].ev.time_progress) < 1e-9)
                same++;
        if (same > nbest || (same == nbest &&
                             it->items[i].ev.time_progress > it->items[best].ev.time_progress)) {
            best = i;
            nbest = same;
        }
    }
    if (with == 0 || with - nbest > LAY_MAX_TAU_NOTES || 4 * (with - nbest) > with)
        return 0;
    pe_percent_format(it->items[best].ev.time_progress, out, n);
    return 1;
}

/* The pace still needed as the 年均需 column says it: without the 每年需 /
 * 年均需 the header already says (每年需增加54亿元… → 增加54亿元…, 此后年均需增长… →
 * 此后增长…); `s` is edited in place. */
static char *need_cell(char *s)
{
    static const char *const lead[] = { "每年需", "此后年均需", "此后每年需" };
    size_t k, n;

    for (k = 0; k < sizeof lead / sizeof lead[0]; k++) {
        n = strlen(lead[k]);
        if (strncmp(s, lead[k], n) == 0 && s[n]) {
            size_t keep = k == 0 ? 0 : strlen("此后");
            memmove(s + keep, s + n, strlen(s + n) + 1);
            break;
        }
    }
    return s;
}

/* The indicator and target tables: 序号 指标 单位 基期值 目标值 最新值 完成进度
 * 时间进度 进展情况 较上年 年均需; targets grouped by chapter. A judged status
 * that differs from the arithmetic carries * and a note (测算状态 and reason).
 * What every row shares is said once, as a type shop sets such a table (and
 * so that names keep to two lines beside ten columns, issue 14): the year of
 * the latest figures in the 最新值 header (a row of another year keeps its
 * year in the cell), and a time progress common to all rows in a line above
 * the table instead of a column. */
static void flow_indicator_table(lay_ctx *c, const pe_indicator_table *it, pe_src src)
{
    enum { C_ID, C_NAME, C_UNIT, C_BASE, C_TARGET, C_LATEST, C_PROG, C_TAU, C_STATE,
           C_CHANGE, C_NEED, C_ALL };
    static const char *heads[C_ALL] = { "序号", "指标", "单位", "基期值", "目标值", "最新值",
                                        "完成进度", "时间进度", "进展情况", "较上年", "年均需" };
    static const lay_align al[C_ALL] = { AL_CENTER, AL_LEFT, AL_CENTER, AL_RIGHT, AL_RIGHT,
                                         AL_RIGHT, AL_RIGHT, AL_RIGHT, AL_LEFT, AL_CENTER,
                                         AL_LEFT };
    size_t ci[C_ALL];       /* printed column of each, or C_ALL when left out */
    size_t nc = 0, i, nrows = 0, r = 0, col, k;
    const char *chapter = NULL;
    lay_table *t;
    pe_buf note;
    size_t nnotes = 0, ncsv_notes = 0;
    int csv_notes, year = table_latest_year(it);
    char tau[FMT_MAX];
    int common_tau = table_common_tau(it, tau, sizeof tau);

    for (k = 0; k < C_ALL; k++)
        ci[k] = k == C_TAU && common_tau ? C_ALL : nc++;
    for (i = 0; i < it->n; i++)
        if (it->items[i].note && *it->items[i].note)
            ncsv_notes++;
    for (i = 0; i < it->n; i++) {
        const char *ch = it->items[i].chapter;
        if (ch && *ch && (!chapter || strcmp(ch, chapter) != 0)) {
            nrows++;
            chapter = ch;
        }
        nrows++;
    }
    t = table_new(c, nc, nrows, src);
    if (!t)
        return;
    for (k = 0; k < C_ALL; k++) {
        const char *h = heads[k];
        if (ci[k] == C_ALL)
            continue;
        if (k == C_LATEST && year > 0) {
            h = pe_arena_printf(c->a, "%d年\n最新值", year);
            if (!h) {
                c->oom = 1;
                return;
            }
        }
        head_set(t, ci[k], h, NULL, src);
        t->col_align[ci[k]] = al[k];
    }
    if (common_tau) {
        const char *line = pe_arena_printf(c->a, "时间进度：%s", tau);
        if (!line) {
            c->oom = 1;
            return;
        }
        text_set(&t->unit, line, PE_FONT_BODY, 0, 0, src);
    }
    chapter = NULL;
    /* 注 under the table: evaluation notes always; the CSV's 备注 only when
     * they are exceptions (a few rows), not a column of source quotes, which
     * belongs in the workbook */
    csv_notes = ncsv_notes <= LAY_MAX_CSV_NOTES;
    pe_buf_init(&note);
    for (i = 0; i < it->n; i++) {
        const pe_indicator *ind = &it->items[i];
        const pe_eval *ev = &ind->ev;
        char buf[2 * FMT_MAX];
        if (ind->chapter && *ind->chapter && (!chapter || strcmp(ind->chapter, chapter) != 0)) {
            chapter = ind->chapter;
            t->rows[r].kind = ROW_GROUP;
            cell_set(t, r, 0, chapter, AL_LEFT, ind->chapter_src);
            row_span(t, r, 0, nc);
            r++;
        }
        t->rows[r].kind = ROW_DATA;
        cell_set(t, r, ci[C_ID], ind->id, AL_CENTER, ind->id_src);
        cell_set(t, r, ci[C_NAME], ind->name, AL_LEFT, ind->name_src);
        cell_set(t, r, ci[C_UNIT], ind->unit, AL_CENTER, ind->unit_src);
        if (ind->has_base) {
            pe_fmt_value(ind, ind->base, buf, sizeof buf);
            cell_set(t, r, ci[C_BASE], fmt_dup(c, buf), AL_RIGHT, ind->src);
        } else {
            cell_set(t, r, ci[C_BASE], "—", AL_CENTER, ind->src);
        }
        pe_fmt_target(ind, buf, sizeof buf);
        {
            double num;
            int nd;
            /* the plan's wording (保持在合理区间) reads left; numbers and 〔13.5〕 right */
            int words = ind->target_text && pe_number_parse(buf, &num, &nd) != PE_NUM_OK &&
                        pe_utf8_width(buf) > 8;
            cell_set(t, r, ci[C_TARGET], fmt_dup(c, buf), words ? AL_LEFT : AL_RIGHT,
                     ind->target_src);
        }
        if (ev->has_actual) {
            /* a milestone's figure is of its latest year (已实现 still holds then);
             * the year it was reached is the sentence's */
            int y = ind->kind == PE_KIND_MILESTONE ? ev->year : pe_fmt_latest_year(ind);
            pe_fmt_latest_value(ind, buf, sizeof buf);
            if (y == year) {
                cell_set(t, r, ci[C_LATEST], fmt_dup(c, buf), AL_RIGHT, ind->src);
            } else {    /* another year than the header's: said in the cell */
                const char *one = pe_arena_printf(c->a, "%s（%d年）", buf, y);
                const char *two = pe_arena_printf(c->a, "%d年\n%s", y, buf);
                if (!one || !two)
                    c->oom = 1;
                cell_set(t, r, ci[C_LATEST], one ? one : "", AL_RIGHT, ind->src);
                t->rows[r].cells[ci[C_LATEST]].alt = two;
            }
        } else {
            cell_set(t, r, ci[C_LATEST], "—", AL_CENTER, ind->src);
        }
        if (ev->has_progress) {
            pe_percent_format(ev->progress, buf, sizeof buf);
            cell_set(t, r, ci[C_PROG], fmt_dup(c, buf), AL_RIGHT, ind->src);
        } else {
            cell_set(t, r, ci[C_PROG], "—", AL_CENTER, ind->src);
        }
        if (ci[C_TAU] != C_ALL && !ev->has_actual) {
            /* no figure of any year (a qualitative target, a target without
             * data): no time progress of its own (the evaluation year's would
             * read 100.0% beside a target judged in words) */
            cell_set(t, r, ci[C_TAU], "—", AL_CENTER, ind->src);
        } else if (ci[C_TAU] != C_ALL) {
            pe_percent_format(ev->time_progress, buf, sizeof buf);
            cell_set(t, r, ci[C_TAU], fmt_dup(c, buf), AL_RIGHT, ind->src);
        }
        {
            int differs = ev->judged && ev->state != ev->computed_state;
            snprintf(buf, sizeof buf, "%s%s", pe_state_name(ev->state), differs ? "*" : "");
            cell_set(t, r, ci[C_STATE], fmt_dup(c, buf), AL_LEFT, ind->src);
        }
        cell_set(t, r, ci[C_CHANGE], pe_change_name(ev->change), AL_CENTER, ind->src);
        pe_fmt_needed(ind, buf, sizeof buf);
        cell_set(t, r, ci[C_NEED], fmt_dup(c, need_cell(buf)),
                 strcmp(buf, "—") == 0 ? AL_CENTER : AL_LEFT, ind->src);
        for (col = ci[C_BASE]; col < nc; col++)
            if (t->rows[r].cells[col].t.text && strcmp(t->rows[r].cells[col].t.text, "—") == 0)
                t->rows[r].cells[col].align = AL_CENTER;
        {
            int has_csv = csv_notes && ind->note && *ind->note;
            int differs = ev->judged && ev->state != ev->computed_state;
            char breach[FMT_MAX];
            pe_fmt_breaches(ind, it->years, it->nyears, breach, sizeof breach);
            char own_tau[FMT_MAX] = "";
            if (common_tau && ev->has_actual) {
                pe_percent_format(ev->time_progress, own_tau, sizeof own_tau);
                if (strcmp(own_tau, tau) == 0)
                    own_tau[0] = '\0';
            }
            if (has_csv || (ev->note && *ev->note) || differs || *breach || *own_tau) {
                const char *sep = "";
                pe_buf_printf(&note, "%s序号%s：", nnotes ? "；" : "", ind->id);
                if (has_csv)
                    pe_buf_puts(&note, ind->note), sep = "，";
                if (ev->note && *ev->note)
                    pe_buf_printf(&note, "%s%s", sep, ev->note), sep = "，";
                if (*breach)
                    pe_buf_printf(&note, "%s%s", sep, breach), sep = "，";
                if (differs) {
                    pe_buf_printf(&note, "%s*为评估结论，测算状态为%s", sep,
                                  pe_state_name(ev->computed_state));
                    if (ind->judgement_note)
                        pe_buf_printf(&note, "，理由：%s", ind->judgement_note);
                    sep = "，";
                }
                if (*own_tau)
                    pe_buf_printf(&note, "%s最新数据为%d年，时间进度为%s", sep, ev->year, own_tau);
                nnotes++;
            }
        }
        r++;
    }
    t->nrows = r;
    {
        char *nt = NULL;
        if (nnotes && !note.oom) {
            nt = pe_arena_printf(c->a, "注：%s。", note.s);
            if (!nt)
                c->oom = 1;
        }
        pe_buf_release(&note);
        flow_table(c, t, it->title, nt, src);
    }
}

static const char *fmt_num(lay_ctx *c, double v, int decimals)
{
    char buf[FMT_MAX];
    pe_number_format(v, decimals, buf, sizeof buf);
    return fmt_dup(c, buf);
}

static const char *fmt_pct(lay_ctx *c, double v)
{
    char buf[FMT_MAX];
    pe_percent_format(v, buf, sizeof buf);
    return fmt_dup(c, buf);
}

/* 县区 | 每年 目标/完成 | 累计目标 累计完成 完成率 进展情况; a 合计 row. */
static void flow_county_table(lay_ctx *c, pe_src src)
{
    const pe_county_table *ct = &c->m->counties;
    size_t ny = ct->nyears, nc = 1 + 2 * ny + 4, y, r;
    lay_table *t;
    int dec = ct->decimals;
    const char *note;

    if (!ct->present)
        return;
    t = table_new(c, nc, ct->n + 1, src);
    if (!t)
        return;
    head_set(t, 0, "县区", NULL, src);
    t->col_align[0] = AL_LEFT;
    for (y = 0; y < ny; y++) {
        const char *g = pe_arena_printf(c->a, "%d年", ct->years[y]);
        if (!g) {
            c->oom = 1;
            return;
        }
        head_set(t, 1 + 2 * y, "目标", g, src);
        head_set(t, 2 + 2 * y, "完成", g, src);
        t->col_align[1 + 2 * y] = t->col_align[2 + 2 * y] = AL_RIGHT;
    }
    head_set(t, 1 + 2 * ny, "累计目标", NULL, src);
    head_set(t, 2 + 2 * ny, "累计完成", NULL, src);
    head_set(t, 3 + 2 * ny, "完成率", NULL, src);
    head_set(t, 4 + 2 * ny, "进展情况", NULL, src);
    for (r = 0; r <= ct->n; r++) {
        int total = r == ct->n;
        const pe_county *k = total ? NULL : &ct->items[r];
        pe_src at = total ? src : k->src;
        t->rows[r].kind = total ? ROW_TOTAL : ROW_DATA;
        cell_set(t, r, 0, total ? "合计" : k->name, total ? AL_CENTER : AL_LEFT, at);
        for (y = 0; y < ny; y++) {
            int ht = total ? 1 : k->has_target[y];
            int ha = total ? ct->year_has_actual[y] : k->has_actual[y];
            double tv = total ? ct->year_target[y] : k->target[y];
            double av = total ? ct->year_actual[y] : k->actual[y];
            cell_set(t, r, 1 + 2 * y, ht ? fmt_num(c, tv, dec) : NULL, AL_RIGHT, at);
            cell_set(t, r, 2 + 2 * y, ha ? fmt_num(c, av, dec) : NULL, AL_RIGHT, at);
        }
        {
            int has_rate = total ? ct->has_rate : k->has_rate;
            double rate = total ? ct->rate : k->rate;
            cell_set(t, r, 1 + 2 * ny, fmt_num(c, total ? ct->cum_target : k->cum_target, dec),
                     AL_RIGHT, at);
            cell_set(t, r, 2 + 2 * ny, fmt_num(c, total ? ct->cum_actual : k->cum_actual, dec),
                     AL_RIGHT, at);
            cell_set(t, r, 3 + 2 * ny, has_rate ? fmt_pct(c, rate) : "—",
                     has_rate ? AL_RIGHT : AL_CENTER, at);
            cell_set(t, r, 4 + 2 * ny, pe_state_name(total ? ct->state : k->state), AL_LEFT, at);
        }
    }
    if (ct->unit && *ct->unit)
        text_set(&t->unit, unit_line(c, ct->unit), PE_FONT_BODY, 0, 0, src);
    note = pe_arena_printf(c->a, "注：统计指标为%s；累计目标、累计完成按已有完成数的年份合计，"
                           "完成率＝累计完成÷累计目标。", ct->measure ? ct->measure : "—");
    if (!note)
        c->oom = 1;
    flow_table(c, t, ct->title, note, src);
}

/* An annex table: CSV header and rows, merged cells, a 合计 row. */
/* The table of an annex, filled (not yet laid out), and its 注 in *note. */
static lay_table *annex_table(lay_ctx *c, const pe_annex *a, pe_src src, const char **note)
{
    size_t nc = a->ncols, r, col, first_total = nc;
    int has_total = 0;
    lay_table *t;
    const char **colv;

    *note = NULL;
    if (nc == 0)
        return NULL;
    for (col = 0; col < nc; col++)
        if (a->is_total && a->is_total[col]) {
            has_total = 1;
            if (first_total == nc)
                first_total = col;
        }
    t = table_new(c, nc, a->nrows + (has_total ? 1 : 0), src);
    colv = pe_arena_alloc(c->a, (a->nrows + 1) * sizeof *colv);
    if (!t || !colv) {
        c->oom = 1;
        return NULL;
    }
    for (col = 0; col < nc; col++) {
        int num;
        pe_src hs = a->header_src ? a->header_src[col] : src;
        for (r = 0; r < a->nrows; r++)
            colv[r] = a->rows[r][col].text;
        num = column_numeric(colv, a->nrows, 1);
        head_set(t, col, join_soft_breaks(c, a->header[col]), NULL, hs);
        t->col_align[col] = num == 2 ? AL_CENTER : num == 1 ? AL_RIGHT : AL_LEFT;
        t->is_merge[col] = a->is_merge ? a->is_merge[col] : 0;
        if (t->is_merge[col])
            t->col_align[col] = AL_CENTER;
    }
    for (r = 0; r < a->nrows; r++) {
        t->rows[r].kind = ROW_DATA;
        for (col = 0; col < nc; col++) {
            const pe_cell *cl = &a->rows[r][col];
            pe_src at = { a->file, cl->line, cl->col };
            cell_set(t, r, col, join_soft_breaks(c, cl->text), t->col_align[col], at);
        }
    }
    if (has_total) {
        r = a->nrows;
        t->rows[r].kind = ROW_TOTAL;
        for (col = 0; col < nc; col++) {
            if (a->is_total[col])
                cell_set(t, r, col, fmt_num(c, a->total[col], a->total_decimals[col]),
                         AL_RIGHT, src);
            else
                cell_set(t, r, col, NULL, AL_LEFT, src);
        }
        if (first_total > 0) {
            cell_set(t, r, 0, "合计", AL_CENTER, src);
            row_span(t, r, 0, first_total);
        }
    }
    if (a->unit && *a->unit)
        text_set(&t->unit, unit_line(c, a->unit), PE_FONT_BODY, 0, 0, src);
    if (a->note && *a->note) {
        *note = strncmp(a->note, "注", 3) == 0 ? a->note : pe_arena_printf(c->a, "注：%s", a->note);
        if (!*note)
            c->oom = 1;
    }
    return t;
}

/* Issue 14: does the table need more than the portrait block even at 五号
 * with its tightest acceptable columns (COL_TIGHT minima)? Then it goes on
 * landscape pages (GB/T 9704-2012 10.1), allowed for annexes. */
static int table_too_wide(lay_ctx *c, lay_table *t)
{
    size_t r, col;
    double mn, mx, sum = 0;

    for (col = 0; col < t->ncols; col++)
        cell_measure(c, &t->head[col], PE_FONT_HEADING);
    for (r = 0; r < t->nrows; r++)
        for (col = 0; col < t->ncols; col++)
            if (t->rows[r].cells[col].span == 1 && t->rows[r].cells[col].t.text)
                cell_measure(c, &t->rows[r].cells[col], t->rows[r].cells[col].t.role);
    for (col = 0; col < t->ncols; col++) {
        column_widths(t, col, PE_TABLE_SIZE_MIN, COL_TIGHT, &mn, &mx);
        sum += mn;
    }
    return sum > PE_BLOCK_W + 0.01;
}

/* Sets where the items pushed next go: portrait, or landscape pages. */
static void flow_orientation(lay_ctx *c, int land)
{
    c->land = land;
    c->bw = land ? PE_LAND_BLOCK_W : PE_BLOCK_W;
    c->bh = land ? PE_LAND_BLOCK_H : PE_BLOCK_H;
}

/* A GFM table typed in the template: row 0 is the header. */
static void flow_gfm_table(lay_ctx *c, const pe_block *b)
{
    size_t nc = b->ncols, nr = b->nrows ? b->nrows - 1 : 0, r, col;
    lay_table *t;

    if (nc == 0 || !b->cells)
        return;
    t = table_new(c, nc, nr, b->src);
    if (!t)
        return;
    for (col = 0; col < nc; col++) {
        int num = column_numeric(b->cells + nc + col, nr, nc);
        head_set(t, col, b->cells[col], NULL, b->src);
        t->col_align[col] = num == 2 ? AL_CENTER : num == 1 ? AL_RIGHT : AL_LEFT;
    }
    for (r = 0; r < nr; r++) {
        t->rows[r].kind = ROW_DATA;
        for (col = 0; col < nc; col++)
            cell_set(t, r, col, b->cells[(r + 1) * nc + col], t->col_align[col], b->src);
    }
    flow_table(c, t, NULL, NULL, b->src);
}

/* ======================================================================
 * Chart: a horizontal bar of progress p per indicator, a dashed mark at
 * time progress τ, axis, legend and caption; greys only.
 * ====================================================================== */

/* The label of a kind without progress: 达标 / 未达标 for a bound, 已实现 /
 * 未实现 for a milestone, the judgement of a qualitative target; * when the
 * office's judgement differs from the arithmetic. */
static const char *chart_marker(lay_ctx *c, const pe_indicator *ind)
{
    const pe_eval *ev = &ind->ev;
    const char *w;
    int differs = ev->judged && ev->state != ev->computed_state;
    switch (ind->kind) {
    case PE_KIND_CEILING:
    case PE_KIND_FLOOR:
        w = ev->reached ? "达标" : "未达标";
        break;
    case PE_KIND_MILESTONE:
        w = ev->reached ? "已实现" : "未实现";
        break;
    default:
        w = pe_state_name(ev->state);
        differs = 0;
        break;
    }
    if (differs) {
        const char *s = pe_arena_printf(c->a, "%s（评估：%s*）", w, pe_state_name(ev->state));
        if (!s)
            c->oom = 1;
        return s ? s : w;
    }
    return w;
}

/* Height of the chart part of bars [first, last): plot, axis and legend. */
static double chart_part_h(const lay_chart *ch, size_t first, size_t last)
{
    double h = ch->pad + ch->axis_h + ch->legend_h;
    size_t i;
    for (i = first; i < last; i++)
        h += ch->row_h[i];
    return h;
}

/* Makes room for `n_new` items at `at` in place of `n_old` (the items after
 * them move); 0, or −1 on OOM. */
static int flow_splice(lay_ctx *c, size_t at, size_t n_old, size_t n_new)
{
    size_t need = c->n - n_old + n_new;
    if (need > c->cap) {
        size_t ncap = c->cap ? c->cap : 256;
        pe_flow_item *nf;
        lay_item *np;
        while (ncap < need)
            ncap *= 2;
        if (!(nf = realloc(c->fi, ncap * sizeof *nf))) {
            c->oom = 1;
            return -1;
        }
        c->fi = nf;
        if (!(np = realloc(c->pi, ncap * sizeof *np))) {
            c->oom = 1;
            return -1;
        }
        c->pi = np;
        c->cap = ncap;
    }
    memmove(c->fi + at + n_new, c->fi + at + n_old, (c->n - at - n_old) * sizeof *c->fi);
    memmove(c->pi + at + n_new, c->pi + at + n_old, (c->n - at - n_old) * sizeof *c->pi);
    memset(c->fi + at, 0, n_new * sizeof *c->fi);
    memset(c->pi + at, 0, n_new * sizeof *c->pi);
    c->n = need;
    return 0;
}

/* Emits the parts of chart `ch` as items at `at` (c->n: appended; else in
 * place of the chart's parts there): the first part within `first_h`, the
 * others within a page less two lines for the caption, the last glued to the
 * caption. Returns the number of parts. */
static size_t chart_emit(lay_ctx *c, lay_chart *ch, size_t at, double first_h)
{
    double maxh = PE_BLOCK_H - 2 * PE_LINE_PITCH, lim = first_h, h;
    size_t i, first = 0, nparts = 0, n_old = 0, k;
    unsigned newpage = 0;

    while (at + n_old < c->n && c->pi[at + n_old].kind == IT_CHART &&
           c->pi[at + n_old].chart == ch)
        n_old++;
    if (n_old > 0)
        newpage = c->fi[at].flags & PE_FLOW_NEWPAGE;
    /* count the parts first */
    h = chart_part_h(ch, 0, 0);
    for (i = 0; i < ch->n; i++) {
        if (i > first && h + ch->row_h[i] > lim) {
            nparts++;
            first = i;
            lim = maxh;
            h = chart_part_h(ch, 0, 0);
        }
        h += ch->row_h[i];
    }
    nparts++;
    if (n_old == 0 && at == c->n) {
        if (c->newpage_pending) {
            newpage = PE_FLOW_NEWPAGE;
            c->newpage_pending = 0;
        }
    }
    if (flow_splice(c, at, n_old, nparts) != 0)
        return 0;
    first = 0;
    lim = first_h;
    k = at;
    h = chart_part_h(ch, 0, 0);
    for (i = 0; i <= ch->n; i++) {
        if (i == ch->n || (i > first && h + ch->row_h[i] > lim)) {
            lay_item *p = &c->pi[k];
            c->fi[k].height = h;
            c->fi[k].flags = (i == ch->n ? PE_FLOW_GLUE : 0) | (k == at ? newpage : 0);
            p->kind = IT_CHART;
            p->chart = ch;
            p->first = first;
            p->last = i;
            p->cont = first > 0;
            k++;
            first = i;
            lim = maxh;
            h = chart_part_h(ch, 0, 0);
            if (i == ch->n)
                break;
        }
        h += ch->row_h[i];
    }
    return nparts;
}

/* A figure goes where it fits: a chart whose first part went to the next
 * page although the page before ends above PE_PAGE_FILL_MIN of the block is
 * split again so that its first part fills that page's rest (at least
 * PE_CHART_MIN_BARS bars). Returns 1 if the flow changed (paginate again). */
static int flow_refit_charts(lay_ctx *c, const pe_flow_place *pl)
{
    size_t i;

    for (i = 1; i < c->n; i++) {
        lay_chart *ch = c->pi[i].chart;
        size_t j = i - 1;
        double bottom, rest;
        if (c->pi[i].kind != IT_CHART || c->pi[i].first != 0 || ch->refit ||
            pl[i].page == 0 || pl[i].y > 0.01)
            continue;
        while (j > 0 && pl[j].dropped)
            j--;
        if (pl[j].page != pl[i].page - 1)
            continue;
        bottom = pl[j].y + c->fi[j].height;
        if (bottom >= PE_PAGE_FILL_MIN * PE_BLOCK_H)
            continue;
        ch->refit = 1;
        rest = PE_BLOCK_H - bottom;
        if (ch->n < PE_CHART_MIN_BARS ||
            chart_part_h(ch, 0, PE_CHART_MIN_BARS) > rest)
            continue;
        chart_emit(c, ch, i, rest);
        return !c->oom;
    }
    return 0;
}

/* A figure goes where it fits, the text does not wait for it: a chart that
 * starts a page below a page whose foot has PE_FLOAT_MIN_LINES or more free
 * lines lets the running text after its caption move up to fill them (as a
 * type shop floats a figure to the next page's head). Only plain text moves
 * (lines and blank lines, no table, chart or new page), and the text before
 * the chart ends at a place where a page may break (not inside a heading's
 * keep, nor leaving a paragraph's first or last line alone). Returns 1 if the
 * flow changed (paginate again). */
#define PE_FLOAT_MIN_LINES 2
static int flow_float_charts(lay_ctx *c, const pe_flow_place *pl)
{
    size_t i;

    for (i = 1; i < c->n; i++) {
        lay_chart *ch = c->pi[i].chart;
        size_t j = i - 1, e, k, best = 0, n_grp;
        double y, limit = PE_BLOCK_H + 0.01;
        if (c->pi[i].kind != IT_CHART || c->pi[i].first != 0 || ch->floated ||
            pl[i].page == 0 || pl[i].y > 0.01 || (c->fi[i].flags & PE_FLOW_NEWPAGE))
            continue;
        while (j > 0 && pl[j].dropped)
            j--;
        if (pl[j].page != pl[i].page - 1)
            continue;
        y = pl[j].y + c->fi[j].height;
        if (PE_BLOCK_H - y < PE_FLOAT_MIN_LINES * PE_LINE_PITCH - 0.01)
            continue;
        ch->floated = 1;
        /* the figure: its parts, its caption and the space after it */
        e = i;
        while (e < c->n && c->pi[e].kind == IT_CHART && c->pi[e].chart == ch)
            e++;
        while (e < c->n && c->pi[e].kind == IT_LINE)
            e++;
        if (e >= c->n || c->pi[e].kind != IT_SPACE || !(c->fi[e].flags & PE_FLOW_DISCARD))
            continue;
        e++;
        /* the text after it that fits the page's rest, up to a breakable place */
        for (k = e; k < c->n; k++) {
            const pe_flow_item *f = &c->fi[k];
            if ((c->pi[k].kind != IT_LINE && c->pi[k].kind != IT_SPACE) ||
                (f->flags & PE_FLOW_NEWPAGE))
                break;
            if ((f->flags & PE_FLOW_DISCARD) && k == e)
                continue;
            if (f->flags & PE_FLOW_GRID)
                y = ceil((y - 0.01) / PE_LINE_PITCH) * PE_LINE_PITCH;
            y += f->height;
            if (y > limit)
                break;
            if (!(f->flags & PE_FLOW_GLUE))
                best = k + 1;
        }
        if (best <= e)
            continue;
        /* rotate [i, best): the text first, then the figure */
        n_grp = e - i;
        {
            pe_flow_item *tf = malloc(n_grp * sizeof *tf);
            lay_item *tp = malloc(n_grp * sizeof *tp);
            if (!tf || !tp) {
                free(tf);
                free(tp);
                c->oom = 1;
                return 0;
            }
            memcpy(tf, c->fi + i, n_grp * sizeof *tf);
            memcpy(tp, c->pi + i, n_grp * sizeof *tp);
            memmove(c->fi + i, c->fi + e, (best - e) * sizeof *tf);
            memmove(c->pi + i, c->pi + e, (best - e) * sizeof *tp);
            memcpy(c->fi + i + (best - e), tf, n_grp * sizeof *tf);
            memcpy(c->pi + i + (best - e), tp, n_grp * sizeof *tp);
            free(tf);
            free(tp);
        }
        return 1;
    }
    return 0;
}

static void flow_chart(lay_ctx *c, const pe_indicator_table *it, pe_src src)
{
    lay_chart *ch;
    size_t i, k;
    double size = PE_CHART_LABEL_SIZE, lead = size * PE_CHART_LEADING, vw;
    int over = 0;
    char buf[FMT_MAX];
    const char *cap;

    if (it->n == 0)
        return;
    ch = pe_arena_alloc(c->a, sizeof *ch);
    if (!ch || !(ch->bars = pe_arena_alloc(c->a, it->n * sizeof *ch->bars)) ||
        !(ch->row_h = pe_arena_alloc(c->a, it->n * sizeof *ch->row_h))) {
        c->oom = 1;
        return;
    }
    ch->n = it->n;
    ch->size = size;
    ch->label_w = PE_BLOCK_W * PE_CHART_LABEL_SHARE;
    for (i = 0; i < it->n; i++)
        if (it->items[i].ev.has_progress && it->items[i].ev.progress > 1.0)
            over = 1;
    ch->scale = over ? PE_CHART_MAX_P : 1.0;
    /* room right of the plot for the widest figure (a bar cut at the axis end
     * prints its full figure there) */
    vw = text_width(c, PE_FONT_BODY, size, "−150.0%");
    for (i = 0; i < it->n; i++)
        if (it->items[i].ev.has_progress) {
            pe_percent_format(it->items[i].ev.progress, buf, sizeof buf);
            vw = fmax(vw, text_width(c, PE_FONT_BODY, size, buf));
        }
    vw += PE_CHART_GAP;
    ch->bar_x0 = ch->label_w + PE_CHART_GAP;
    ch->bar_x1 = PE_BLOCK_W - vw;
    ch->pad = PE_CHART_GAP;
    for (i = 0; i < it->n; i++) {
        const pe_indicator *ind = &it->items[i];
        lay_bar *b = &ch->bars[i];
        text_set(&b->label, ind->name, PE_FONT_BODY, size, 0, ind->name_src);
        use_text(c, PE_FONT_BODY, ind->name, ind->name_src);
        wrap_text(c, &b->label, ch->label_w, 0, 0);
        if (b->label.nlines == 2)           /* no lone character on line 2 */
            wrap_text(c, &b->label, ch->label_w, 0, 1);
        b->has_p = ind->ev.has_progress;
        b->p = ind->ev.progress;
        b->tau = ind->ev.time_progress;
        /* no bar without a progress figure: a kind that has none, or a figure
         * that is undefined (target = base) although the year's data is in */
        if ((!pe_kind_has_progress(ind->kind) || !ind->ev.has_progress) &&
            (ind->ev.has_actual || ind->kind == PE_KIND_QUALITATIVE)) {
            const char *m = chart_marker(c, ind);
            b->marker = 1;
            b->tau = 0;     /* a bound, a milestone or a judgement has no time mark */
            text_set(&b->mark, m, PE_FONT_BODY, size, 0, ind->src);
            use_text(c, PE_FONT_BODY, m, ind->src);
            wrap_text(c, &b->mark, PE_BLOCK_W, 0, 0);
        }
        if (b->has_p) {
            pe_percent_format(b->p, buf, sizeof buf);
            text_set(&b->value, fmt_dup(c, buf), PE_FONT_BODY, size, 0, ind->src);
            use_text(c, PE_FONT_BODY, b->value.text, ind->src);
            wrap_text(c, &b->value, vw + 100, 0, 0);
        }
        ch->row_h[i] = fmax((double)(b->label.nlines ? b->label.nlines : 1) * lead + 5,
                            PE_CHART_ROW_MIN);
    }
    ch->nticks = (size_t)lround(ch->scale / PE_CHART_TICK_STEP) + 1;
    for (k = 0; k < ch->nticks && k < 8; k++) {
        snprintf(buf, sizeof buf, "%d%%", (int)(k * 25));
        text_set(&ch->ticks[k], fmt_dup(c, buf), PE_FONT_BODY, size, 0, src);
        use_text(c, PE_FONT_BODY, ch->ticks[k].text, src);
        wrap_text(c, &ch->ticks[k], 100, 0, 0);
    }
    text_set(&ch->leg_p, "完成进度", PE_FONT_BODY, size, 0, src);
    text_set(&ch->leg_t, "时间进度", PE_FONT_BODY, size, 0, src);
    text_set(&ch->nodata, pe_state_name(PE_ST_NO_DATA), PE_FONT_BODY, size, 0, src);
    text_set(&ch->cont, "（续图）", PE_FONT_BODY, size, 0, src);
    use_text(c, PE_FONT_BODY, ch->leg_p.text, src);
    use_text(c, PE_FONT_BODY, ch->leg_t.text, src);
    use_text(c, PE_FONT_BODY, ch->nodata.text, src);
    use_text(c, PE_FONT_BODY, ch->cont.text, src);
    wrap_text(c, &ch->leg_p, 100, 0, 0);
    wrap_text(c, &ch->leg_t, 100, 0, 0);
    wrap_text(c, &ch->nodata, 200, 0, 0);
    wrap_text(c, &ch->cont, 200, 0, 0);
    ch->axis_h = size * PE_CHART_AXIS_H;
    ch->legend_h = size * PE_CHART_LEGEND_H;

    chart_emit(c, ch, c->n, PE_BLOCK_H - 2 * PE_LINE_PITCH);
    if (c->oom)
        return;
    c->nfig++;
    cap = pe_arena_printf(c->a, "图%d　%s", c->nfig, it->title ? it->title : "");
    if (!cap) {
        c->oom = 1;
        return;
    }
    flow_caption(c, cap, src);
    /* the caption belongs to its figure, not to the paragraph after it */
    if (c->n > 0)
        c->fi[c->n - 1].flags &= ~(unsigned)PE_FLOW_GLUE;
    push(c, IT_SPACE, PE_LINE_PITCH * PE_FIGURE_AFTER, PE_FLOW_DISCARD);
}

/* ======================================================================
 * Annexes (7.3.7): 附件N top left in 黑体, the title centred on line 3.
 * ====================================================================== */

static void flow_annexes(lay_ctx *c, pe_src src)
{
    size_t i;

    for (i = 0; i < c->m->nannexes; i++) {
        const pe_annex *a = &c->m->annexes[i];
        lay_text *t = new_text(c);
        const char *lab = pe_arena_printf(c->a, "附件%d", a->number);
        const char *ol;
        pe_src at = { a->file, 0, 0 };
        lay_item *it;

        lay_table *tab;
        const char *note;

        if (!t || !lab) {
            c->oom = 1;
            return;
        }
        /* an annex whose table is too wide for portrait is set on landscape
         * pages whole: its 附件N, title, table and note */
        tab = annex_table(c, a, at, &note);
        if (c->oom)
            return;
        flow_orientation(c, tab && table_too_wide(c, tab));
        if (tab)
            tab->measure = c->bw;
        ol = pe_arena_printf(c->a, "附件%d　%s", a->number, a->title ? a->title : "");
        text_set(t, lab, PE_FONT_HEADING, PE_SIZE_BODY, PE_BODY_TRACKING, src);
        use_text(c, PE_FONT_HEADING, lab, src);
        wrap_text(c, t, c->bw, 0, 0);
        c->newpage_pending = 1;
        it = push(c, IT_LINE, PE_LINE_PITCH, PE_FLOW_GRID | PE_FLOW_GLUE);
        if (!it)
            return;
        it->t = t;
        it->outline = 1;
        it->outline_title = ol ? ol : lab;
        flow_blank(c, PE_FLOW_GLUE);
        flow_title(c, a->title, at);
        glue_last(c);
        flow_table(c, tab, NULL, note, at);
        flow_orientation(c, 0);
    }
}

/* Builds the whole flow: title, body blocks in order, the signature on the
 * body's last page, then the annexes. */
static void flow_build(lay_ctx *c)
{
    const pe_doc *doc = c->doc;
    const pe_block *sig = NULL;
    pe_src asrc = { c->m->ini_path, 0, 0 };
    size_t i;
    int has_title = 0, has_annexes = 0;

    for (i = 0; i < doc->n; i++)
        if (doc->items[i].kind == PE_BLK_TITLE)
            has_title = 1;
    if (!has_title && doc->title && *doc->title) {
        flow_title(c, doc->title, asrc);
        flow_blank(c, PE_FLOW_DISCARD);
    }
    for (i = 0; i < doc->n && !c->oom; i++) {
        const pe_block *b = &doc->items[i];
        char *s;
        if (i > 0 && flow_too_long(c, doc->items[i - 1].src))
            return;
        switch (b->kind) {
        case PE_BLK_TITLE:
            flow_title(c, b->text, b->src);
            flow_blank(c, PE_FLOW_DISCARD);
            break;
        case PE_BLK_HEADING: {
            pe_font_role role = b->level == 1 ? PE_FONT_HEADING
                              : b->level == 2 ? PE_FONT_KAI : PE_FONT_BODY;
            s = pe_arena_printf(c->a, "%s%s", b->number ? b->number : "", b->text ? b->text : "");
            if (!s) {
                c->oom = 1;
                break;
            }
            flow_paragraph(c, s, role, b->src, b->level < 1 ? 1 : b->level > 4 ? 4 : b->level);
            break;
        }
        case PE_BLK_PARA:
            flow_paragraph(c, b->text, PE_FONT_BODY, b->src, 0);
            break;
        case PE_BLK_LIST_ITEM:
            s = pe_arena_printf(c->a, "%s%s", b->number ? b->number : "", b->text ? b->text : "");
            if (!s) {
                c->oom = 1;
                break;
            }
            flow_paragraph(c, s, PE_FONT_BODY, b->src, 0);
            break;
        case PE_BLK_GFM_TABLE:
            flow_gfm_table(c, b);
            break;
        case PE_BLK_TABLE_INDICATORS:
            flow_indicator_table(c, &c->m->indicators, b->src);
            break;
        case PE_BLK_TABLE_TARGETS:
            flow_indicator_table(c, &c->m->targets, b->src);
            break;
        case PE_BLK_TABLE_COUNTIES:
            flow_county_table(c, b->src);
            break;
        case PE_BLK_CHART_INDICATORS:
            flow_chart(c, &c->m->indicators, b->src);
            break;
        case PE_BLK_CHART_TARGETS:
            flow_chart(c, &c->m->targets, b->src);
            break;
        case PE_BLK_ANNEXES:
            has_annexes = 1;
            asrc = b->src;
            break;
        case PE_BLK_SIGNATURE:
            sig = b;
            break;
        case PE_BLK_PAGEBREAK:
            c->newpage_pending = 1;
            break;
        }
    }
    c->newpage_pending = 0;
    if (doc->n > 0 && flow_too_long(c, doc->items[doc->n - 1].src))
        return;
    if (sig)
        flow_signature(c, sig);
    if (has_annexes) {
        flow_annexes(c, asrc);
        flow_too_long(c, asrc);
    }
}

/* ======================================================================
 * Fonts
 * ====================================================================== */

/* Resolves and opens the font of every role; roles sharing a file share a
 * subset slot. */
static pe_status fonts_open(lay_ctx *c)
{
    pe_status st = PE_OK;
    pe_src at = { c->m->ini_path, 0, 0 };
    int r, k;

    for (r = 0; r < NROLES; r++) {
        st = pe_font_resolve((pe_font_role)r, c->m->font[r], c->m->ini_dir, c->o->fonts_dir,
                             c->out, at, c->d, &c->font_path[r], &c->font_face[r]);
        if (st != PE_OK)
            return st;
        st = pe_font_open(c->font_path[r], c->font_face[r], &c->font[r]);
        if (st != PE_OK) {
            if (st == PE_ERR_NOMEM)
                return st;
            pe_error(c->d, at, "无法打开%s字体文件 %s；请检查 [fonts] %s 或安装该字体",
                     role_label((pe_font_role)r), c->font_path[r],
                     pe_font_role_name((pe_font_role)r));
            return PE_ERR_INPUT;
        }
        c->slot[r] = r;
        for (k = 0; k < r; k++)
            if (c->font_face[k] == c->font_face[r] &&
                strcmp(c->font_path[k], c->font_path[r]) == 0) {
                c->slot[r] = c->slot[k];
                break;
            }
        c->cps[r] = pe_arena_alloc(c->a, CP_LIMIT / 8);
        c->reported[r] = pe_arena_alloc(c->a, CP_LIMIT / 8);
        if (!c->cps[r] || !c->reported[r])
            return PE_ERR_NOMEM;
    }
    return PE_OK;
}

/* Text that every page may carry: page numbers and the watermark. */
static void use_fixed_text(lay_ctx *c)
{
    pe_src at = { c->m->ini_path, 0, 0 };
    use_text(c, PE_FONT_BODY, "— 0123456789", at);
    if (c->m->draft)
        use_text(c, PE_FONT_HEADING, "样稿", at);
}

/* ======================================================================
 * Placement: page objects
 * ====================================================================== */

static pe_page_obj *obj_push(lay_ctx *c, pe_page_obj_kind kind)
{
    pe_page_obj *o;
    if (c->nobjs == c->capobjs) {
        size_t ncap = c->capobjs ? c->capobjs * 2 : 1024;
        pe_page_obj *no = realloc(c->objs, ncap * sizeof *no);
        if (!no) {
            c->oom = 1;
            return NULL;
        }
        c->objs = no;
        c->capobjs = ncap;
    }
    o = &c->objs[c->nobjs++];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    return o;
}

/* Places `len` bytes of `s` at baseline (x, y) in `role` with spacing `tc`
 * (and rotated by `angle` degrees), in the current fill grey. */
static void place_run(lay_ctx *c, pe_font_role role, double size, double tc, double angle,
                      double x, double y, const char *s, size_t len)
{
    size_t n = 0, i = 0;
    double *adv;
    pe_page_obj *o;

    while (i < len) {
        unsigned cp = 0;
        size_t k = pe_utf8_decode(s + i, len - i, &cp);
        i += k ? k : 1;
        n++;
    }
    if (n == 0)
        return;
    adv = pe_arena_alloc(c->out, n * sizeof *adv);
    s = pe_arena_strndup(c->out, s, len);
    o = adv && s ? obj_push(c, PE_OBJ_TEXT) : NULL;
    if (!o) {
        c->oom = 1;
        return;
    }
    for (i = 0, n = 0; i < len; n++) {
        unsigned cp = 0;
        size_t k = pe_utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        adv[n] = pe_font_advance(c->font[role], cp) * size / 1000.0 + tc;
        i += k;
    }
    o->u.text.role = role;
    o->u.text.size = size;
    o->u.text.x = x;
    o->u.text.y = y;
    o->u.text.angle = angle;
    o->u.text.gray = c->fill_gray;
    o->u.text.tc = tc;
    o->u.text.text = s;
    o->u.text.len = len;
    o->u.text.nchars = n;
    o->u.text.adv = adv;
}

static void place_text(lay_ctx *c, pe_font_role role, double size, double tc, double x,
                       double y, const char *s, size_t len)
{
    place_run(c, role, size, tc, 0, x, y, s, len);
}

static int place_set_line(lay_ctx *c, const lay_text *t, const pe_line *ln, double x,
                          double top, double h, double avail, int justify);

/* Places line `i` of `t` with its left edge at x and its em box centred in a
 * band of height h whose top is at y `top`. A line with adjacent punctuation
 * marks is set glyph by glyph with them compressed (as compressed_width
 * measured it), when it is drawn with its own tracking. */
static void place_text_line(lay_ctx *c, const lay_text *t, size_t i, double x, double top,
                            double h, double tc)
{
    const pe_line *ln = &t->lines[i];
    double base = top - (h - t->size) / 2 - t->size * PE_CJK_ASCENT;
    if (tc == t->track && pe_break_has_pair(t->text + ln->start, ln->end - ln->start) &&
        place_set_line(c, t, ln, x, top, h, HUGE_VAL, 0))
        return;
    place_text(c, t->role, t->size, tc, x, base, t->text + ln->start, ln->end - ln->start);
}

/* Records a typesetting note (printed with -v): a loose line at its page
 * and grid line, with the source place of its paragraph. */
static void note_loose(lay_ctx *c, const lay_text *t, const pe_line *ln, double top)
{
    char head[64];
    size_t hl = 0, k = 0;
    const char *s = t->text + ln->start;
    size_t len = ln->end - ln->start;
    int row = (int)floor((c->bt - top) / PE_LINE_PITCH + 0.5) + 1;

    while (hl < len && k < 10) {        /* the line's first ten characters */
        unsigned cp;
        size_t u = pe_utf8_decode(s + hl, len - hl, &cp);
        if (u == 0 || hl + u >= sizeof head)
            break;
        hl += u;
        k++;
    }
    memcpy(head, s, hl);
    head[hl] = '\0';
    pe_diag g = { PE_SEV_WARNING, (char *)(t->src.file ? t->src.file : ""), t->src.line,
                  t->src.col, NULL };
    g.msg = pe_arena_printf(c->a, "排版：第%d页第%d行“%s%s”只能拉开字距才能排满（全段没有更好的断行）；"
                            "可改写该段文字（增删一两个字或换用标点）使其排紧",
                            c->page + 1, row, head, hl < len ? "……" : "");
    char *f = g.msg ? pe_diag_format(&g) : NULL;
    char *kept = f ? pe_arena_strdup(c->out, f) : NULL;
    free(f);
    if (!kept) {
        c->oom = 1;
        return;
    }
    if (c->nnotes == c->capnotes) {
        size_t ncap = c->capnotes ? 2 * c->capnotes : 8;
        const char **nn = pe_arena_alloc(c->out, ncap * sizeof *nn);
        if (!nn) {
            c->oom = 1;
            return;
        }
        if (c->nnotes)
            memcpy(nn, c->notes, c->nnotes * sizeof *nn);
        c->notes = nn;
        c->capnotes = ncap;
    }
    c->notes[c->nnotes++] = kept;
}

/* Places a line with its punctuation compressed and, when `justify`,
 * justified to `avail` (pe_break_set_line): each glyph at its own position,
 * as runs of equal character spacing. Returns 0 if memory ran out (nothing
 * placed). */
static int place_set_line(lay_ctx *c, const lay_text *t, const pe_line *ln, double x,
                          double top, double h, double avail, int justify)
{
    const char *s = t->text + ln->start;
    size_t len = ln->end - ln->start, n = 0, i = 0, j, j0, k;
    double *xs = pe_arena_alloc(c->a, (len + 1) * 2 * sizeof *xs), *tc;
    size_t *off = pe_arena_alloc(c->a, (len + 1) * sizeof *off);
    double base = top - (h - t->size) / 2 - t->size * PE_CJK_ASCENT;
    int loose = 0;
    wctx w;
    pe_metrics m = text_metrics(c, t, &w);

    if (!xs || !off ||
        pe_break_set_line(s, len, avail, justify, &m, xs, &n, &loose) != PE_OK) {
        c->oom = 1;
        return 0;
    }
    if (n == 0)
        return 1;
    tc = xs + len + 1;
    for (j = 0; i < len; j++) {
        unsigned cp = 0;
        k = pe_utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        off[j] = i;
        tc[j] = xs[j + 1] - xs[j] - pe_font_advance(c->font[t->role], cp) * t->size / 1000.0;
        i += k;
    }
    off[n] = len;
    /* A run ends at the first glyph whose spacing differs from the run's
     * (that glyph included: the next run starts at its own position), so a
     * compressed mark costs one run, not two. */
    for (j0 = 0; j0 < n; j0 = j + 1) {
        for (j = j0; j + 1 < n && fabs(tc[j] - tc[j0]) < 1e-9; j++)
            ;
        place_text(c, t->role, t->size, tc[j0], x + xs[j0], base, s + off[j0],
                   off[j + 1] - off[j0]);
    }
    if (loose)
        note_loose(c, t, ln, top);
    return 1;
}

static void place_item_line(lay_ctx *c, const lay_item *it, double top, double h)
{
    const lay_text *t = it->t;
    const pe_line *ln;

    if (!t || it->line >= t->nlines)
        return;
    ln = &t->lines[it->line];
    if (it->align == AL_JUSTIFY &&
        place_set_line(c, t, ln, c->bl + it->x, top, h, c->bpw - it->x, !ln->last))
        return;
    place_text_line(c, t, it->line, c->bl + it->x, top, h, t->track);
}

/* Places `n` segments stroked with one pen of width w (current grey, dash). */
static void place_lines(lay_ctx *c, const pe_page_seg *segs, size_t n, double w)
{
    pe_page_seg *copy = pe_arena_alloc(c->out, n * sizeof *copy);
    pe_page_obj *o = copy ? obj_push(c, PE_OBJ_LINES) : NULL;

    if (!o) {
        c->oom = 1;
        return;
    }
    memcpy(copy, segs, n * sizeof *copy);
    o->u.lines.width = w;
    o->u.lines.gray = c->stroke_gray;
    o->u.lines.dash_on = c->dash ? PE_CHART_DASH_ON : 0;
    o->u.lines.dash_off = c->dash ? PE_CHART_DASH_OFF : 0;
    o->u.lines.segs = copy;
    o->u.lines.nsegs = n;
}

static void stroke_line(lay_ctx *c, double x0, double y0, double x1, double y1, double w)
{
    pe_page_seg s = { x0, y0, x1, y1 };
    place_lines(c, &s, 1, w);
}

/* A filled rectangle in the current fill grey. */
static void fill_rect(lay_ctx *c, double x, double y, double w, double h)
{
    pe_page_obj *o = obj_push(c, PE_OBJ_RECT);
    if (!o)
        return;
    o->u.rect.x = x;
    o->u.rect.y = y;
    o->u.rect.w = w;
    o->u.rect.h = h;
    o->u.rect.gray = c->fill_gray;
}

/* Places the batched table rules: one path per line width. */
static void rules_flush(lay_ctx *c)
{
    static const double widths[] = { PE_TABLE_RULE, PE_TABLE_FRAME };
    pe_page_seg segs[LAY_MAX_RULES];
    size_t k, i, n;

    if (c->nrules == 0)
        return;
    for (k = 0; k < 2; k++) {
        for (i = 0, n = 0; i < c->nrules; i++) {
            if (c->rules[i][4] != widths[k])
                continue;
            segs[n].x0 = c->rules[i][0];
            segs[n].y0 = c->rules[i][1];
            segs[n].x1 = c->rules[i][2];
            segs[n].y1 = c->rules[i][3];
            n++;
        }
        if (n)
            place_lines(c, segs, n, widths[k]);
    }
    c->nrules = 0;
}

/* Adds a table rule (PE_TABLE_RULE or PE_TABLE_FRAME wide) to the batch. */
static void rule_add(lay_ctx *c, double x0, double y0, double x1, double y1, double w)
{
    double *r;
    size_t i;

    /* extend a collinear rule that ends where this one starts */
    for (i = 0; i < c->nrules; i++) {
        r = c->rules[i];
        if (r[4] != w)
            continue;
        if (x0 == x1 && r[0] == x0 && r[2] == x0 && fabs(r[3] - y0) < 1e-6) {
            r[3] = y1;
            return;
        }
        if (y0 == y1 && r[1] == y0 && r[3] == y0 && fabs(r[2] - x0) < 1e-6) {
            r[2] = x1;
            return;
        }
    }
    if (c->nrules == LAY_MAX_RULES)
        rules_flush(c);
    r = c->rules[c->nrules++];
    r[0] = x0;
    r[1] = y0;
    r[2] = x1;
    r[3] = y1;
    r[4] = w;
}

/* Places a cell's lines inside the box [x0, x1] × [top, top − h];
 * right-aligned lines end `inset` before x1. */
static void place_cell_inset(lay_ctx *c, const lay_cell *cl, double x0, double x1, double top,
                             double h, double inset)
{
    double lead = cl->t.size * PE_TABLE_LEADING, y;
    size_t i;

    if (!cl->t.text || cl->t.nlines == 0)
        return;
    y = top - (h - (double)cl->t.nlines * lead) / 2;
    for (i = 0; i < cl->t.nlines; i++) {
        const pe_line *ln = &cl->t.lines[i];
        double w = ln->width, x;
        switch (cl->align) {
        case AL_RIGHT: x = x1 - inset - w; break;
        case AL_CENTER: x = (x0 + x1 - w) / 2; break;
        default: x = x0 + PE_TABLE_PAD_X; break;
        }
        place_text_line(c, &cl->t, i, x, y - (double)i * lead, lead, 0);
    }
}

static void place_cell(lay_ctx *c, const lay_cell *cl, double x0, double x1, double top,
                       double h)
{
    place_cell_inset(c, cl, x0, x1, top, h, PE_TABLE_PAD_X);
}

/* The header rows with their rules, top at y `top`. */
static void place_table_header(lay_ctx *c, const lay_table *t, double top)
{
    double L = c->bl, hh = t->h1 + t->h2, mid = top - t->h1;
    size_t col, nc = t->ncols;

    rule_add(c, L, top, L + t->measure, top, PE_TABLE_FRAME);
    rule_add(c, L, top - hh, L + t->measure, top - hh, PE_TABLE_RULE);
    for (col = 0; col <= nc; col++) {
        double w = (col == 0 || col == nc) ? PE_TABLE_FRAME : PE_TABLE_RULE;
        double y1 = top;
        /* inside a group the rule starts below the group cell */
        if (t->two_level && col > 0 && col < nc && t->group[col] && t->group[col - 1] &&
            strcmp(t->group[col], t->group[col - 1]) == 0)
            y1 = mid;
        rule_add(c, L + t->x[col], y1, L + t->x[col], top - hh, w);
    }
    for (col = 0; col < nc; col++) {
        double x0 = L + t->x[col], x1 = L + t->x[col + 1];
        if (t->two_level && t->group[col]) {
            if (t->ghead[col].span > 0) {
                double gx1 = L + t->x[col + t->ghead[col].span];
                place_cell(c, &t->ghead[col], x0, gx1, top, t->h1);
                rule_add(c, x0, mid, gx1, mid, PE_TABLE_RULE);
            }
            place_cell(c, &t->head[col], x0, x1, mid, t->h2);
        } else {
            place_cell(c, &t->head[col], x0, x1, top, hh);
        }
    }
}

/* One row: cells (a merge cell shows its label once per page run), the
 * bottom rule (not inside a merged run) and the vertical rules. */
static void place_table_row(lay_ctx *c, const lay_table *t, size_t r)
{
    const lay_row *row = &t->rows[r];
    double L = c->bl, top = c->bt - row->y, bot = top - row->h;
    size_t col, nc = t->ncols;
    int page_end = r + 1 >= t->nrows || t->rows[r + 1].page != row->page;

    for (col = 0; col < nc; col++) {
        const lay_cell *cl = &row->cells[col];
        size_t span = cl->span;
        double x0 = L + t->x[col];
        int merged = t->is_merge[col] && row->kind == ROW_DATA && span == 1;

        if (span == 0)
            continue;
        if (merged) {
            size_t f = t->mfirst[r * nc + col], l = t->mlast[r * nc + col], e = r;
            if (r == f || t->rows[r - 1].page != row->page) {
                while (e < l && t->rows[e + 1].page == row->page)
                    e++;
                place_cell(c, &t->rows[f].cells[col], x0, L + t->x[col + 1], top,
                           t->rows[e].y + t->rows[e].h - row->y);
            }
            if (r < l && !page_end)
                continue;   /* no rule inside the merged run */
            rule_add(c, x0, bot, L + t->x[col + 1], bot,
                     page_end ? PE_TABLE_FRAME : PE_TABLE_RULE);
            continue;
        }
        if (span == 1 && cl->align == AL_RIGHT && t->numw[col] > 0) {
            /* numbers: right-aligned among themselves, the block centred */
            double inset = (t->x[col + 1] - t->x[col] - t->numw[col]) / 2;
            place_cell_inset(c, cl, x0, L + t->x[col + 1], top, row->h,
                             inset > PE_TABLE_PAD_X ? inset : PE_TABLE_PAD_X);
        } else {
            place_cell(c, cl, x0, L + t->x[col + span], top, row->h);
        }
        rule_add(c, x0, bot, L + t->x[col + span], bot,
                 page_end ? PE_TABLE_FRAME : PE_TABLE_RULE);
    }
    for (col = 0; col <= nc; col++) {
        int inside = 0;
        size_t k;
        for (k = 0; k < col && k < nc; k++)
            if (row->cells[k].span > 1 && k + row->cells[k].span > col)
                inside = 1;
        if (inside)
            continue;
        rule_add(c, L + t->x[col], top, L + t->x[col], bot,
                 (col == 0 || col == nc) ? PE_TABLE_FRAME : PE_TABLE_RULE);
    }
}

/* 续表 (left) and the unit (right) above a continued table, then its header. */
static void place_table_cont(lay_ctx *c, const lay_table *t, double row_y)
{
    double hh = t->h1 + t->h2, top = c->bt - row_y + hh + t->cont_h;

    if (t->cont.nlines)
        place_text_line(c, &t->cont, 0, c->bl, top, t->cont_h, 0);
    if (t->unit.nlines)
        place_text_line(c, &t->unit, 0, c->bl + t->measure - t->unit.lines[0].width,
                        top, t->cont_h, 0);
    place_table_header(c, t, top - t->cont_h);
}

/* One chart part: grid, label, bar, τ mark and figure per row, axes, ticks
 * and legend. */
static void place_chart(lay_ctx *c, const lay_item *it, double top_off)
{
    const lay_chart *ch = it->chart;
    double L = PE_MARGIN_LEFT, top = PE_BLOCK_TOP - top_off - ch->pad, y, bottom;
    double X0 = L + ch->bar_x0, X1 = L + ch->bar_x1, W = X1 - X0;
    size_t i, k;

    y = top;
    for (i = it->first; i < it->last; i++)
        y -= ch->row_h[i];
    bottom = y;
    /* grid */
    c->stroke_gray = PE_CHART_GRID_GRAY;
    for (k = 1; k < ch->nticks; k++) {
        double x = X0 + W * (double)k * PE_CHART_TICK_STEP / ch->scale;
        stroke_line(c, x, top, x, bottom, PE_CHART_GRID_W);
    }
    c->stroke_gray = 0;
    /* rows */
    y = top;
    for (i = it->first; i < it->last; i++) {
        const lay_bar *b = &ch->bars[i];
        double h = ch->row_h[i], bh = fmin(PE_CHART_BAR_MAX, h * 0.5), cy = y - h / 2;
        double lead = ch->size * PE_CHART_LEADING;
        double ly = y - (h - (double)b->label.nlines * lead) / 2;
        size_t j;
        for (j = 0; j < b->label.nlines; j++)
            place_text_line(c, &b->label, j, L, ly - (double)j * lead, lead, 0);
        {
            double p = b->p < 0 ? 0 : b->p > ch->scale ? ch->scale : b->p;
            double bw = b->has_p ? W * p / ch->scale : 0;
            if (bw > 0.2) {
                c->fill_gray = PE_CHART_BAR_GRAY;
                fill_rect(c, X0, cy - bh / 2, bw, bh);
                c->fill_gray = 0;
            }
            if (b->has_p && b->p > ch->scale) {
                /* cut at the axis end: two white gaps break the bar; its figure follows */
                c->fill_gray = 1;
                fill_rect(c, X1 - PE_CHART_CUT_AT, cy - bh / 2 - 1, PE_CHART_CUT_GAP, bh + 2);
                fill_rect(c, X1 - PE_CHART_CUT_AT + 2 * PE_CHART_CUT_GAP, cy - bh / 2 - 1,
                          PE_CHART_CUT_GAP, bh + 2);
                c->fill_gray = 0;
            }
            if (b->marker) {
                /* a square marker and its label instead of a bar */
                c->fill_gray = 0;
                fill_rect(c, X0 + PE_CHART_MARK_X, cy - PE_CHART_MARK_SIZE / 2,
                          PE_CHART_MARK_SIZE, PE_CHART_MARK_SIZE);
                if (b->mark.nlines)
                    place_text_line(c, &b->mark, 0,
                                    X0 + PE_CHART_MARK_X + PE_CHART_MARK_SIZE + PE_CHART_KEY_GAP,
                                    cy + ch->size / 2 + 1, ch->size + 2, 0);
            }
            if (b->tau > 0) {   /* time progress, over the bar */
                double tx = X0 + W * fmin(b->tau, ch->scale) / ch->scale;
                c->dash = 1;
                stroke_line(c, tx, y, tx, y - h, PE_CHART_TAU_W);
                c->dash = 0;
            }
            if (b->has_p && b->value.nlines) {
                /* knocked out of the τ mark when it crosses the figure */
                double vw = b->value.lines[0].width;
                double tx = X0 + W * fmin(b->tau, ch->scale) / ch->scale;
                if (b->tau > 0 && tx >= X0 + bw + 1 && tx <= X0 + bw + vw + 5) {
                    c->fill_gray = 1;
                    fill_rect(c, X0 + bw + 2, cy - ch->size * 0.6, vw + 2, ch->size * 1.2);
                    c->fill_gray = 0;
                }
                place_text_line(c, &b->value, 0, X0 + bw + 3, cy + ch->size / 2 + 1,
                                ch->size + 2, 0);
            } else if (!b->has_p && !b->marker && ch->nodata.nlines) {
                c->fill_gray = PE_CHART_NOTE_GRAY;
                place_text_line(c, &ch->nodata, 0, X0 + 4, cy + ch->size / 2 + 1,
                                ch->size + 2, 0);
                c->fill_gray = 0;
            }
        }
        y -= h;
    }
    /* axes and ticks */
    stroke_line(c, X0, top, X0, bottom, PE_CHART_AXIS_W);
    stroke_line(c, X0, bottom, X1, bottom, PE_CHART_AXIS_W);
    for (k = 0; k < ch->nticks; k++) {
        double x = X0 + W * (double)k * PE_CHART_TICK_STEP / ch->scale;
        const lay_text *tk = &ch->ticks[k];
        stroke_line(c, x, bottom, x, bottom - PE_CHART_KEY_GAP, PE_CHART_AXIS_W);
        if (tk->nlines)
            place_text_line(c, tk, 0, x - tk->lines[0].width / 2, bottom - PE_CHART_KEY_GAP,
                            ch->axis_h - PE_CHART_KEY_GAP, 0);
    }
    /* legend: [bar] 完成进度   [- - -] 时间进度, centred under the plot */
    {
        double ly = bottom - ch->axis_h - ch->legend_h / 2, wp, wt, total, x;
        double key = PE_CHART_SWATCH_W + PE_CHART_KEY_GAP, band = ch->size + 2;
        double base_top = ly + band / 2;
        wp = ch->leg_p.nlines ? ch->leg_p.lines[0].width : 0;
        wt = ch->leg_t.nlines ? ch->leg_t.lines[0].width : 0;
        total = key + wp + PE_CHART_LEGEND_GAP + key + wt;
        x = L + ch->bar_x0 + (W - total) / 2;
        c->fill_gray = PE_CHART_BAR_GRAY;
        fill_rect(c, x, ly - PE_CHART_SWATCH_H / 2, PE_CHART_SWATCH_W, PE_CHART_SWATCH_H);
        c->fill_gray = 0;
        if (ch->leg_p.nlines)
            place_text_line(c, &ch->leg_p, 0, x + key, base_top, band, 0);
        x += key + wp + PE_CHART_LEGEND_GAP;
        c->dash = 1;
        stroke_line(c, x, ly, x + PE_CHART_SWATCH_W, ly, PE_CHART_TAU_W);
        c->dash = 0;
        if (ch->leg_t.nlines)
            place_text_line(c, &ch->leg_t, 0, x + key, base_top, band, 0);
    }
    if (it->cont && ch->cont.nlines)
        place_text_line(c, &ch->cont, 0, PE_MARGIN_LEFT + PE_BLOCK_W - ch->cont.lines[0].width,
                        top + ch->pad, ch->pad + 2, 0);
}

/* 7.5: — N — in 4号, 7 mm under the block; odd pages right, even left, inset one character. */
static void place_page_number(lay_ctx *c, int pageno)
{
    char buf[32], *s;
    double w, x, y;
    size_t len;

    snprintf(buf, sizeof buf, "— %d —", pageno);
    s = fmt_dup(c, buf);
    if (!s)
        return;
    len = strlen(s);
    w = pe_font_text_width(c->font[PE_FONT_BODY], s, len, PE_SIZE_PAGENUM);
    y = PE_BLOCK_BOTTOM - PE_PAGENUM_GAP - PE_DASH_RISE * PE_SIZE_PAGENUM;
    if (pageno % 2 == 1)
        x = PE_MARGIN_LEFT + PE_BLOCK_W - PE_PAGENUM_INSET * PE_SIZE_PAGENUM - w;
    else
        x = PE_MARGIN_LEFT + PE_PAGENUM_INSET * PE_SIZE_PAGENUM;
    if (c->page_land[c->page])  /* where the portrait pages have it (pe_layout.h) */
        place_run(c, PE_FONT_BODY, PE_SIZE_PAGENUM, 0, -90.0, PE_LAND_X(x, y), PE_LAND_Y(x, y),
                  s, len);
    else
        place_text(c, PE_FONT_BODY, PE_SIZE_PAGENUM, 0, x, y, s, len);
}

/* 样稿, light grey, rotated 45°, centred on the page, under the text. */
static void place_watermark(lay_ctx *c)
{
    static const char s[] = "样稿";
    int land = c->page_land[c->page];
    double size = PE_WATERMARK_SIZE, w, a = M_PI / 4;
    double cx = (land ? PE_LAND_PAGE_W : PE_PAGE_W) / 2, cy = (land ? PE_LAND_PAGE_H : PE_PAGE_H) / 2;
    double x, y;

    w = pe_font_text_width(c->font[PE_FONT_HEADING], s, strlen(s), size);
    /* start point so that the rotated text's centre is the page centre */
    x = cx - (w / 2) * cos(a) + (size * (PE_CJK_ASCENT - 0.5)) * sin(a);
    y = cy - (w / 2) * sin(a) - (size * (PE_CJK_ASCENT - 0.5)) * cos(a);
    c->fill_gray = PE_WATERMARK_GRAY;
    place_run(c, PE_FONT_HEADING, size, 0, 45.0, x, y, s, strlen(s));
    c->fill_gray = 0;
}

static void add_outline(lay_ctx *c, int depth, const char *title, double top)
{
    pe_page_outline *e;

    if (c->noutline == c->capoutline) {
        size_t ncap = c->capoutline ? c->capoutline * 2 : 64;
        pe_page_outline *no = realloc(c->outline, ncap * sizeof *no);
        if (!no) {
            c->oom = 1;
            return;
        }
        c->outline = no;
        c->capoutline = ncap;
    }
    e = &c->outline[c->noutline++];
    e->level = depth < 1 ? 1 : depth > 4 ? 4 : depth;
    e->title = pe_arena_strdup(c->out, title ? title : "");
    if (!e->title)
        c->oom = 1;
    e->page = c->page;
    e->y = top;
}

/* Ends the current page (if any) and starts page `pageno` (1-based) with its
 * watermark and page number. */
static void new_page(lay_ctx *c, int pageno, int land)
{
    size_t *pf;
    int *pland;

    if (pageno > 1)
        rules_flush(c);
    pf = realloc(c->page_first, ((size_t)pageno + 1) * sizeof *pf);
    if (pf)
        c->page_first = pf;
    pland = realloc(c->page_land, ((size_t)pageno + 1) * sizeof *pland);
    if (pland)
        c->page_land = pland;
    if (!pf || !pland) {
        c->oom = 1;
        return;
    }
    c->page_first[pageno - 1] = c->nobjs;
    c->page = pageno - 1;
    c->page_land[c->page] = land;
    c->bl = land ? PE_LAND_LEFT : PE_MARGIN_LEFT;
    c->bt = land ? PE_LAND_TOP : PE_BLOCK_TOP;
    c->bpw = land ? PE_LAND_BLOCK_W : PE_BLOCK_W;
    if (c->m->draft)
        place_watermark(c);
    place_page_number(c, pageno);
}

/* Places every item of the paginated flow, page by page; returns the pages. */
static int place_flow(lay_ctx *c, const pe_flow_place *pl, int npages)
{
    int page = -1;
    size_t i;

    for (i = 0; i < c->n && !c->oom; i++) {
        const lay_item *it = &c->pi[i];
        double top;
        while (page < pl[i].page) {
            page++;
            new_page(c, page + 1, page == pl[i].page && it->land);
        }
        if (pl[i].dropped)
            continue;
        top = c->bt - pl[i].y;
        switch (it->kind) {
        case IT_LINE:
            place_item_line(c, it, top, c->fi[i].height);
            if (it->outline)
                add_outline(c, it->outline, it->outline_title, top);
            break;
        case IT_SPACE:
            break;
        case IT_THEAD:
            place_table_header(c, it->tab, top);
            break;
        case IT_TROW:
            if (pl[i].cont)
                place_table_cont(c, it->tab, pl[i].y);
            place_table_row(c, it->tab, it->row);
            break;
        case IT_CHART:
            place_chart(c, it, pl[i].y);
            break;
        }
    }
    while (page + 1 < npages && !c->oom) {
        page++;
        new_page(c, page + 1, 0);
    }
    if (page >= 0)
        rules_flush(c);
    return page + 1;
}

/* ======================================================================
 * Public entry points
 * ====================================================================== */

struct pe_pages_priv {
    pe_arena *a;
    pe_page_obj *objs;
    char *tmpdir;           /* pe_pages_subset's directory */
};

static void ctx_release(lay_ctx *c)
{
    int r;
    for (r = 0; r < NROLES; r++)
        pe_font_free(c->font[r]);
    free(c->fi);
    free(c->pi);
    free(c->objs);
    free(c->page_first);
    free(c->page_land);
    free(c->outline);
    pe_arena_free(c->out);
    pe_arena_free(c->a);
}

/* Moves the fonts, the code points used per slot, the objects, the outline
 * and the memory they live in (c->out) from the layout into `p`. */
static pe_status pages_take(lay_ctx *c, pe_pages *p, int npages)
{
    int r, s, k;
    unsigned cp;

    p->pages = pe_arena_alloc(c->out, (size_t)npages * sizeof *p->pages);
    if (!p->pages)
        return PE_ERR_NOMEM;
    c->page_first[npages] = c->nobjs;
    for (k = 0; k < npages; k++) {
        p->pages[k].objs = c->objs + c->page_first[k];
        p->pages[k].n = c->page_first[k + 1] - c->page_first[k];
        p->pages[k].width = c->page_land[k] ? PE_LAND_PAGE_W : PE_PAGE_W;
        p->pages[k].height = c->page_land[k] ? PE_LAND_PAGE_H : PE_PAGE_H;
    }
    p->npages = (size_t)npages;
    for (s = 0; s < NROLES; s++) {
        size_t n = 0;
        if (!pe_pages_slot_used(p, s))
            continue;
        for (cp = 0x20; cp < CP_LIMIT; cp++)
            if (c->cps[s][cp >> 3] & (1u << (cp & 7)))
                n++;
        p->fonts.cps[s] = pe_arena_alloc(c->out, (n ? n : 1) * sizeof *p->fonts.cps[s]);
        if (!p->fonts.cps[s])
            return PE_ERR_NOMEM;
        for (cp = 0x20, n = 0; cp < CP_LIMIT; cp++)
            if (c->cps[s][cp >> 3] & (1u << (cp & 7)))
                p->fonts.cps[s][n++] = cp;
        p->fonts.ncps[s] = n;
    }
    for (r = 0; r < NROLES; r++) {
        p->fonts.font[r] = c->font[r];
        p->fonts.path[r] = c->font_path[r];
        p->fonts.face_index[r] = c->font_face[r];
        c->font[r] = NULL;
    }
    p->outline = c->outline;
    p->noutline = c->noutline;
    p->notes = c->notes;
    p->nnotes = c->nnotes;
    c->outline = NULL;
    p->priv->objs = c->objs;
    c->objs = NULL;
    p->priv->a = c->out;
    c->out = NULL;
    return PE_OK;
}

/* Title, author, subject, creator and date of the document. */
static pe_status pages_info(lay_ctx *c, pe_pages *p)
{
    const pe_model *m = c->m;

    p->width = PE_PAGE_W;
    p->height = PE_PAGE_H;
    const char *title = m->title ? m->title : c->doc->title;

    p->title = title ? pe_arena_strdup(c->out, title) : NULL;
    p->author = m->issuer ? pe_arena_strdup(c->out, m->issuer) : NULL;
    p->subject = pe_arena_printf(c->out, "规划中期评估报告（规划期%d—%d年，评估年度%d年）",
                                 m->base_year + 1, m->target_year, m->eval_year);
    p->creator = c->o->creator ? pe_arena_strdup(c->out, c->o->creator) : NULL;
    p->timestamp = c->o->timestamp;
    if ((title && !p->title) || (m->issuer && !p->author) || !p->subject ||
        (c->o->creator && !p->creator))
        return PE_ERR_NOMEM;
    return PE_OK;
}

int pe_pages_slot_used(const pe_pages *p, int slot)
{
    int r;
    for (r = 0; r < NROLES; r++)
        if (p->fonts.slot[r] == slot)
            return 1;
    return 0;
}

/* Paginates the flow in runs of one orientation, each on pages of its own
 * block height: a landscape annex starts on a new page (附件) and what
 * follows it on another, so that no page mixes them. */
static void paginate(lay_ctx *c, pe_flow_place *pl, int *npages)
{
    size_t a = 0, b, i;
    int base = 0, np;

    while (a < c->n) {
        int land = c->pi[a].land;
        for (b = a + 1; b < c->n && c->pi[b].land == land; b++)
            ;
        np = 1;
        pe_flow_paginate(c->fi + a, b - a, land ? PE_LAND_BLOCK_H : PE_BLOCK_H, PE_LINE_PITCH,
                         pl + a, &np);
        for (i = a; i < b; i++)
            pl[i].page += base;
        base += np;
        a = b;
    }
    *npages = base > 0 ? base : 1;
}

pe_status pe_pages_build(const pe_model *m, const pe_doc *doc, const pe_pages_options *o,
                         pe_diags *d, pe_pages **out)
{
    lay_ctx c;
    pe_status st;
    pe_flow_place *pl = NULL;
    pe_pages *p = NULL;
    size_t errors_before = d->nerrors;
    int npages = 1, r;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.doc = doc;
    c.o = o;
    c.d = d;
    c.a = pe_arena_new();
    c.out = pe_arena_new();
    flow_orientation(&c, 0);
    p = calloc(1, sizeof *p);
    if (!c.a || !c.out || !p || !(p->priv = calloc(1, sizeof *p->priv))) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    st = fonts_open(&c);
    if (st != PE_OK)
        goto cleanup;
    for (r = 0; r < NROLES; r++)
        p->fonts.slot[r] = c.slot[r];
    use_fixed_text(&c);
    flow_build(&c);
    if (c.oom) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    if (d->nerrors > errors_before) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    pl = calloc(c.n ? c.n : 1, sizeof *pl);
    if (!pl) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    paginate(&c, pl, &npages);
    while (flow_float_charts(&c, pl) || flow_refit_charts(&c, pl)) {
        pe_flow_place *npl = realloc(pl, (c.n ? c.n : 1) * sizeof *pl);
        if (!npl) {
            st = PE_ERR_NOMEM;
            goto cleanup;
        }
        pl = npl;
        paginate(&c, pl, &npages);
    }
    if (c.oom) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    {
        size_t i;
        for (i = 0; i < c.n; i++)
            if (c.pi[i].kind == IT_TROW) {
                c.pi[i].tab->rows[c.pi[i].row].page = pl[i].page;
                c.pi[i].tab->rows[c.pi[i].row].y = pl[i].y;
            }
    }
    npages = place_flow(&c, pl, npages);
    if (c.oom || pages_info(&c, p) != PE_OK || pages_take(&c, p, npages) != PE_OK) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    *out = p;
    p = NULL;
    st = PE_OK;
cleanup:
    free(pl);
    pe_pages_free(p);
    ctx_release(&c);
    return st;
}

pe_status pe_pages_subset(pe_pages *p, pe_diags *d)
{
    const char *tdir = getenv("TMPDIR");
    pe_src at = { NULL, 0, 0 };
    int s;
    pe_status st;

    if (p->priv->tmpdir)
        return PE_OK;
    p->priv->tmpdir = pe_path_join(tdir && *tdir ? tdir : "/tmp", "planeval-fonts-XXXXXX");
    if (!p->priv->tmpdir)
        return PE_ERR_NOMEM;
    if (!mkdtemp(p->priv->tmpdir)) {
        pe_error(d, at, "无法创建临时目录 %s：%s", p->priv->tmpdir, strerror(errno));
        free(p->priv->tmpdir);
        p->priv->tmpdir = NULL;
        return PE_ERR_IO;
    }
    pe_font *used[NROLES];
    pe_status sts[NROLES];
    for (s = 0; s < NROLES; s++)
        used[s] = pe_pages_slot_used(p, s) ? p->fonts.font[s] : NULL;
    pe_font_subset_many(NROLES, used, p->fonts.cps, p->fonts.ncps, p->priv->tmpdir,
                        p->fonts.subset, sts);   /* the slots in parallel */
    for (s = 0; s < NROLES; s++) {
        st = sts[s];
        if (st != PE_OK) {
            pe_error(d, at, "无法为字体 %s 生成子集；请换用其他 TrueType/OpenType 字体",
                     pe_font_path(p->fonts.font[s]));
            return st == PE_ERR_NOMEM ? st : PE_ERR_IO;
        }
    }
    return PE_OK;
}

void pe_pages_free(pe_pages *p)
{
    int r;

    if (!p)
        return;
    for (r = 0; r < NROLES; r++) {
        if (p->fonts.subset[r]) {
            unlink(p->fonts.subset[r]);
            free(p->fonts.subset[r]);
        }
        pe_font_free(p->fonts.font[r]);
    }
    if (p->priv) {
        if (p->priv->tmpdir) {
            rmdir(p->priv->tmpdir);
            free(p->priv->tmpdir);
        }
        free(p->priv->objs);
        pe_arena_free(p->priv->a);
        free(p->priv);
    }
    free(p->outline);
    free(p);
}
