/* test_pages.c — the layout stage (pe_page.h) on hand-built documents: line
 * counts, positions on the GB/T 9704 grid, page breaks, page numbers,
 * outline, watermark, tables and the glyph check. No output format. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "pe_page.h"
#include "pe_layout.h"
#include "pe_eval.h"

#define EPS 0.01

static pe_model *model_new(int draft)
{
    pe_model *m = pe_model_new();
    assert_non_null(m);
    m->ini_path = "test.ini";
    m->ini_dir = ".";
    m->title = "测试报告";
    m->issuer = "测试局";
    m->date_text = "2023年8月15日";
    m->year = 2023;
    m->month = 8;
    m->day = 15;
    m->base_year = 2020;
    m->target_year = 2025;
    m->eval_year = 2023;
    m->draft = draft;
    m->basename = "t";
    return m;
}

static pe_doc *doc_new(void)
{
    pe_doc *doc = calloc(1, sizeof *doc);
    assert_non_null(doc);
    doc->arena = pe_arena_new();
    doc->cap = 64;
    doc->items = calloc(doc->cap, sizeof *doc->items);
    doc->title = NULL;      /* no title block: the body starts on the first line */
    return doc;
}

static pe_block *add_block(pe_doc *doc, pe_block_kind kind, const char *text)
{
    pe_block *b;
    assert_true(doc->n < doc->cap);
    b = &doc->items[doc->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->text = text;
    b->src.file = "t.md";
    b->src.line = (int)doc->n;
    return b;
}

/* `n` copies of 测 (3 bytes each). */
static const char *cjk(pe_doc *doc, size_t n)
{
    char *s = pe_arena_alloc(doc->arena, 3 * n + 1);
    size_t i;
    for (i = 0; i < n; i++)
        memcpy(s + 3 * i, "测", 3);
    return s;
}

static pe_pages *build(const pe_model *m, const pe_doc *doc, pe_diags *d, pe_status want)
{
    pe_pages_options o = { PE_SOURCE_DIR "/fonts", "planeval test", 1692057600LL };
    pe_pages *p = NULL;
    assert_int_equal(pe_pages_build(m, doc, &o, d, &p), want);
    if (want == PE_OK)
        assert_non_null(p);
    else
        assert_null(p);
    return p;
}

static double run_width(const pe_page_run *r)
{
    double w = 0;
    size_t i;
    for (i = 0; i < r->nchars; i++)
        w += r->adv[i];
    return w;
}

/* Distinct baselines of body-size text inside the text block on page `pg`
 * (ascending from the top), into ys; returns their count. */
static size_t body_lines(const pe_pages *p, size_t pg, double *ys, size_t max)
{
    size_t i, k, n = 0;
    for (i = 0; i < p->pages[pg].n; i++) {
        const pe_page_obj *o = &p->pages[pg].objs[i];
        int seen = 0;
        if (o->kind != PE_OBJ_TEXT || o->u.text.size != PE_SIZE_BODY || o->u.text.angle != 0 ||
            o->u.text.y < PE_BLOCK_BOTTOM)
            continue;
        for (k = 0; k < n; k++)
            if (fabs(ys[k] - o->u.text.y) < EPS)
                seen = 1;
        if (!seen && n < max)
            ys[n++] = o->u.text.y;
    }
    return n;
}

static void test_paragraph_lines(void **state)
{
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    double ys[64], right = 0, first_x = 1e9;
    size_t i, n;
    (void)state;

    pe_diags_init(&d);
    /* 60 characters: 26 after the two-character indent, 28, then 6 */
    add_block(doc, PE_BLK_PARA, cjk(doc, 60));
    p = build(m, doc, &d, PE_OK);
    assert_int_equal(p->npages, 1);
    n = body_lines(p, 0, ys, 64);
    assert_int_equal(n, 3);
    /* on the grid: one line pitch apart, the first on the block's first line */
    assert_true(fabs(ys[1] - ys[0] + PE_LINE_PITCH) < EPS);
    assert_true(fabs(ys[2] - ys[1] + PE_LINE_PITCH) < EPS);
    assert_true(ys[0] < PE_BLOCK_TOP && ys[0] > PE_BLOCK_TOP - PE_LINE_PITCH);
    for (i = 0; i < p->pages[0].n; i++) {
        const pe_page_run *r = &p->pages[0].objs[i].u.text;
        if (p->pages[0].objs[i].kind != PE_OBJ_TEXT || fabs(r->y - ys[0]) > EPS)
            continue;
        assert_int_equal(r->role, PE_FONT_BODY);
        if (r->x < first_x)
            first_x = r->x;
        if (r->x + run_width(r) > right)
            right = r->x + run_width(r);
    }
    /* indented two characters; justified to the measure (the last glyph's
     * spacing is outside the ink) */
    assert_true(fabs(first_x - (PE_MARGIN_LEFT + 2 * PE_BODY_CHAR_PITCH)) < EPS);
    assert_true(right <= PE_MARGIN_LEFT + PE_BLOCK_W + 0.5);
    assert_true(right >= PE_MARGIN_LEFT + PE_BLOCK_W - 0.5);
    /* the code points of the body slot include the text and the page number */
    {
        int s = p->fonts.slot[PE_FONT_BODY], has_ce = 0, has_7 = 0;
        for (i = 0; i < p->fonts.ncps[s]; i++) {
            has_ce |= p->fonts.cps[s][i] == 0x6D4B;
            has_7 |= p->fonts.cps[s][i] == '7';
            if (i > 0)
                assert_true(p->fonts.cps[s][i] > p->fonts.cps[s][i - 1]);
        }
        assert_true(has_ce && has_7);
    }
    assert_string_equal(p->title, "测试报告");
    assert_string_equal(p->author, "测试局");
    assert_true(fabs(p->width - PE_PAGE_W) < EPS && fabs(p->height - PE_PAGE_H) < EPS);
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* Origin x of every body glyph on baseline y of page 0, in order, with its
 * code point (the runs of a line are in order). Returns the count. */
static size_t line_glyphs(const pe_pages *p, double y, unsigned *cps, double *xs, size_t max)
{
    size_t i, n = 0;
    for (i = 0; i < p->pages[0].n; i++) {
        const pe_page_run *r = &p->pages[0].objs[i].u.text;
        size_t off = 0, k = 0;
        double x;
        if (p->pages[0].objs[i].kind != PE_OBJ_TEXT || r->size != PE_SIZE_BODY ||
            fabs(r->y - y) > EPS)
            continue;
        for (x = r->x; off < r->len && n < max; k++) {
            unsigned cp = 0;
            size_t u = pe_utf8_decode(r->text + off, r->len - off, &cp);
            cps[n] = cp;
            xs[n++] = x;
            x += r->adv[k];
            off += u ? u : 1;
        }
    }
    return n;
}

/* Punctuation compression reaches the page model (so PDF and OFD both
 * draw it): `）、` is 1.5 em, the line still fills the measure, and a
 * line that can only be set loose is reported as a typesetting note. */
static void test_punctuation_compression(void **state)
{
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    double ys[64], xs[128];
    unsigned cps[128];
    size_t i, n, pairs = 0;
    char *text = pe_arena_printf(doc->arena, "浦北县（90.0%%）、钦北区（80.0%%）尚未完成%s",
                                 cjk(doc, 40));
    (void)state;

    pe_diags_init(&d);
    add_block(doc, PE_BLK_PARA, text);
    /* 23 characters, then a Latin word that cannot be broken: the first line
     * can only be justified by opening its gaps */
    add_block(doc, PE_BLK_PARA, pe_arena_printf(doc->arena, "%sABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                                cjk(doc, 23)));
    p = build(m, doc, &d, PE_OK);
    assert_int_equal(d.nwarnings, 0);       /* a note, not a warning */
    n = body_lines(p, 0, ys, 64);
    assert_true(n >= 3);
    n = line_glyphs(p, ys[0], cps, xs, 128);
    for (i = 0; i + 1 < n; i++)
        if (cps[i] == 0xFF09 && cps[i + 1] == 0x3001) {     /* ）、 */
            assert_true(fabs(xs[i + 1] - xs[i] - (PE_SIZE_BODY / 2 + PE_BODY_TRACKING)) < EPS);
            pairs++;
        } else if (cps[i] >= 0x4E00 && cps[i] <= 0x9FFF) {     /* after an ideograph */
            assert_true(xs[i + 1] - xs[i] >= PE_BODY_CHAR_PITCH - EPS);  /* no collision */
        }
    assert_int_equal(pairs, 1);
    /* first line: indent + 26 places, its last glyph ending at the measure */
    assert_true(fabs(xs[0] - (PE_MARGIN_LEFT + 2 * PE_BODY_CHAR_PITCH)) < EPS);
    assert_true(fabs(xs[n - 1] + PE_SIZE_BODY - (PE_MARGIN_LEFT + PE_BLOCK_W)) < 0.5);
    assert_int_equal(p->nnotes, 1);
    assert_non_null(strstr(p->notes[0], "排版"));
    assert_non_null(strstr(p->notes[0], "t.md:2"));
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* 30 paragraphs of two lines: 60 lines on pages of 22 → 3 pages, every line
 * inside the block, page numbers alternating right and left. */
static void test_page_breaks(void **state)
{
    pe_model *m = model_new(1);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    double ys[64];
    size_t i, k, total = 0, marks = 0;
    (void)state;

    pe_diags_init(&d);
    for (i = 0; i < 30; i++)
        add_block(doc, PE_BLK_PARA, cjk(doc, 40));
    p = build(m, doc, &d, PE_OK);
    assert_int_equal(p->npages, 3);
    for (i = 0; i < p->npages; i++) {
        size_t n = body_lines(p, i, ys, 64);
        int found_number = 0;
        assert_true(n <= PE_LINES_PER_PAGE);
        total += n;
        for (k = 0; k < n; k++)
            assert_true(ys[k] > PE_BLOCK_BOTTOM);
        for (k = 0; k < p->pages[i].n; k++) {
            const pe_page_obj *o = &p->pages[i].objs[k];
            char want[32];
            if (o->kind != PE_OBJ_TEXT)
                continue;
            if (o->u.text.angle != 0) {
                /* the watermark: first, light grey, 45° */
                assert_int_equal(k, 0);
                assert_true(fabs(o->u.text.angle - 45) < EPS);
                assert_true(o->u.text.gray > 0.5);
                marks++;
                continue;
            }
            snprintf(want, sizeof want, "— %zu —", i + 1);
            if (o->u.text.len == strlen(want) && memcmp(o->u.text.text, want, o->u.text.len) == 0) {
                double mid = o->u.text.x + run_width(&o->u.text) / 2;
                found_number = 1;
                assert_true(o->u.text.y < PE_BLOCK_BOTTOM);
                if (i % 2 == 0)     /* page 1, 3: right */
                    assert_true(mid > PE_PAGE_W / 2);
                else
                    assert_true(mid < PE_PAGE_W / 2);
            }
        }
        assert_true(found_number);
    }
    assert_int_equal(total, 60);
    assert_int_equal(marks, 3);
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* A heading at the foot of a page moves to the next page with its text
 * (keep with next), and is in the outline with its page and level. */
static void test_heading_keep_and_outline(void **state)
{
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    pe_block *h;
    double ys[64];
    size_t i;
    (void)state;

    pe_diags_init(&d);
    for (i = 0; i < 10; i++)    /* 20 lines: lines 21 and 22 are left */
        add_block(doc, PE_BLK_PARA, cjk(doc, 40));
    add_block(doc, PE_BLK_PARA, cjk(doc, 10));  /* line 21 */
    h = add_block(doc, PE_BLK_HEADING, "总体进展");
    h->level = 1;
    h->number = "一、";
    add_block(doc, PE_BLK_PARA, cjk(doc, 80));  /* three lines */
    p = build(m, doc, &d, PE_OK);
    assert_int_equal(p->npages, 2);
    assert_int_equal(body_lines(p, 0, ys, 64), 21);
    assert_int_equal(p->noutline, 1);
    assert_int_equal(p->outline[0].level, 1);
    assert_int_equal(p->outline[0].page, 1);
    assert_string_equal(p->outline[0].title, "一、总体进展");
    /* the heading tops the second page, in 黑体 */
    assert_true(fabs(p->outline[0].y - PE_BLOCK_TOP) < EPS);
    for (i = 0; i < p->pages[1].n; i++) {
        const pe_page_obj *o = &p->pages[1].objs[i];
        if (o->kind == PE_OBJ_TEXT && o->u.text.y > PE_BLOCK_TOP - PE_LINE_PITCH) {
            assert_int_equal(o->u.text.role, PE_FONT_HEADING);
            break;
        }
    }
    assert_true(i < p->pages[1].n);
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* A template table: cell text inside its ruled grid, numbers right-aligned. */
static void test_table_cells(void **state)
{
    static const char *cells[] = { "项目", "数量", "甲", "1", "乙", "12", "丙", "123" };
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    pe_block *b;
    size_t i, k, nlines = 0;
    double xmin = 1e9, xmax = -1e9, right[3];
    size_t nright = 0;
    (void)state;

    pe_diags_init(&d);
    b = add_block(doc, PE_BLK_GFM_TABLE, NULL);
    b->ncols = 2;
    b->nrows = 4;
    b->cells = cells;
    p = build(m, doc, &d, PE_OK);
    for (i = 0; i < p->pages[0].n; i++) {
        const pe_page_obj *o = &p->pages[0].objs[i];
        if (o->kind == PE_OBJ_LINES) {
            for (k = 0; k < o->u.lines.nsegs; k++) {
                xmin = fmin(xmin, fmin(o->u.lines.segs[k].x0, o->u.lines.segs[k].x1));
                xmax = fmax(xmax, fmax(o->u.lines.segs[k].x0, o->u.lines.segs[k].x1));
            }
            nlines += o->u.lines.nsegs;
        } else if (o->kind == PE_OBJ_TEXT && o->u.text.y > PE_BLOCK_BOTTOM &&
                   o->u.text.text[0] >= '1' && o->u.text.text[0] <= '9' && nright < 3) {
            right[nright++] = o->u.text.x + run_width(&o->u.text);
        }
    }
    /* the grid spans the measure */
    assert_true(nlines >= 4);
    assert_true(fabs(xmin - PE_MARGIN_LEFT) < EPS);
    assert_true(fabs(xmax - (PE_MARGIN_LEFT + PE_BLOCK_W)) < EPS);
    /* 1, 12, 123 end at the same x */
    assert_int_equal(nright, 3);
    assert_true(fabs(right[0] - right[1]) < EPS && fabs(right[1] - right[2]) < EPS);
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* Punctuation compression outside running text (issue 14): in a table cell
 * and in the centred title, `）、` takes 1.5 em at each one's size, and the
 * title is centred on the width it is drawn with. */
static void test_compression_in_cells_and_titles(void **state)
{
    static const char *cells[] = { "项目", "说明", "甲", "钦州（北区）、灵山", "乙", "一二三" };
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    pe_block *b;
    size_t i, pairs = 0;
    double tx0 = 0, tx1 = 0, ty = -1, px = 0, py = 0;
    unsigned prev = 0;      /* the glyph before, across runs (a compressed mark ends one) */
    (void)state;

    pe_diags_init(&d);
    doc->title = "测试（规划）、报告";
    b = add_block(doc, PE_BLK_GFM_TABLE, NULL);
    b->ncols = 2;
    b->nrows = 3;
    b->cells = cells;
    p = build(m, doc, &d, PE_OK);
    for (i = 0; i < p->pages[0].n; i++) {
        const pe_page_run *r = &p->pages[0].objs[i].u.text;
        size_t off = 0, k = 0;
        double x = r->x;
        if (p->pages[0].objs[i].kind != PE_OBJ_TEXT)
            continue;
        if (fabs(r->y - py) > EPS)
            prev = 0;
        py = r->y;
        for (; off < r->len; k++) {
            unsigned cp = 0;
            size_t u = pe_utf8_decode(r->text + off, r->len - off, &cp);
            if (prev == 0xFF09 && cp == 0x3001) {           /* ）、 at half an em */
                assert_true(fabs(x - px - r->size / 2) < EPS);
                pairs++;
            }
            if (cp == 0x6D4B && ty < 0) {                   /* 测: the title starts */
                ty = r->y;
                tx0 = x;
            }
            if (cp == 0x544A && fabs(r->y - ty) < EPS)      /* 告: the title ends */
                tx1 = x + r->adv[k];
            prev = cp;
            px = x;
            x += r->adv[k];
            off += u ? u : 1;
        }
    }
    assert_int_equal(pairs, 2);
    /* centred on its compressed width: equal margins left and right */
    assert_true(ty > 0 && tx1 > tx0);
    assert_true(fabs((tx0 - PE_MARGIN_LEFT) - (PE_MARGIN_LEFT + PE_BLOCK_W - tx1)) < 0.05);
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* `n` indicators of the kind level (10 → 20, 11 12 13 in 2021–2023). */
static void level_indicators(pe_model *m, pe_diags *d, size_t n)
{
    pe_buf csv;
    pe_buf_init(&csv);
    pe_buf_puts(&csv, "id,name,unit,kind,direction,base,target,2021,2022,2023\n");
    for (size_t i = 1; i <= n; i++)
        pe_buf_printf(&csv, "%zu,指标%zu,家,level,up,10,20,11,12,13\n", i, i);
    assert_false(csv.oom);
    assert_int_equal(pe_indicator_table_parse(m, &m->indicators, csv.s, strlen(csv.s),
                                              PE_ENC_AUTO, "i.csv", d), PE_OK);
    pe_buf_release(&csv);
}

/* The chart's bar labels on page `pg`; *low (may be NULL) lowered to the
 * lowest one's y (PDF space: y up). */
static size_t chart_labels(const pe_pages *p, size_t pg, double *low)
{
    size_t n = 0;
    for (size_t i = 0; i < p->pages[pg].n; i++)
        if (p->pages[pg].objs[i].kind == PE_OBJ_TEXT &&
            p->pages[pg].objs[i].u.text.size == PE_CHART_LABEL_SIZE) {
            n++;
            if (low)
                *low = fmin(*low, p->pages[pg].objs[i].u.text.y);
        }
    return n;
}

/* A figure goes where it fits (issue 14): a chart of 40 bars after an
 * eight-line paragraph starts on page 1 (the rest of it, continued on page
 * 2) instead of leaving page 1 a third full. */
static void test_chart_fills_the_page_rest(void **state)
{
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    size_t labels0, labels1;
    (void)state;

    pe_diags_init(&d);
    level_indicators(m, &d, 40);
    add_block(doc, PE_BLK_PARA, cjk(doc, 8 * PE_CHARS_PER_LINE - PE_INDENT_CHARS));
    add_block(doc, PE_BLK_CHART_INDICATORS, NULL);
    p = build(m, doc, &d, PE_OK);
    assert_int_equal(p->npages, 2);
    labels0 = chart_labels(p, 0, NULL);
    labels1 = chart_labels(p, 1, NULL);
    assert_true(labels0 >= PE_CHART_MIN_BARS);  /* the first part on page 1 */
    assert_true(labels1 >= PE_CHART_MIN_BARS);  /* （续图） on page 2 */
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* A figure goes where it fits, the text does not wait for it (issue 14): a
 * 15-bar chart that does not fit the 8 lines left under a 14-line paragraph
 * goes to page 2, and the paragraph after its caption moves up to fill page 1,
 * continuing under the chart on page 2. */
static void test_text_fills_the_page_before_a_chart(void **state)
{
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    size_t i, labels0, labels1;
    double ys[64], lowest_label = 1e9;
    size_t n;
    (void)state;

    pe_diags_init(&d);
    level_indicators(m, &d, 15);
    add_block(doc, PE_BLK_PARA, cjk(doc, 14 * PE_CHARS_PER_LINE - PE_INDENT_CHARS));
    add_block(doc, PE_BLK_CHART_INDICATORS, NULL);
    add_block(doc, PE_BLK_PARA, cjk(doc, 12 * PE_CHARS_PER_LINE - PE_INDENT_CHARS));
    p = build(m, doc, &d, PE_OK);
    assert_int_equal(p->npages, 2);
    labels0 = chart_labels(p, 0, NULL);
    labels1 = chart_labels(p, 1, &lowest_label);
    assert_int_equal(labels0, 0);               /* the whole chart on page 2 */
    assert_true(labels1 >= 15);
    /* page 1: the 14 lines and the next paragraph's first 8: all 22 */
    assert_int_equal(body_lines(p, 0, ys, 64), PE_LINES_PER_PAGE);
    /* page 2: the caption and the paragraph's last 4 lines, under the chart */
    n = body_lines(p, 1, ys, 64);
    assert_int_equal(n, 5);
    for (i = 0; i < n; i++)
        assert_true(ys[i] < lowest_label);
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* The time progress most rows share is said once above the indicator table;
 * the one row of another year is named in the note, not given a column. */
static size_t runs_with(const pe_pages *p, const char *needle)
{
    size_t pg, i, n = 0, k = strlen(needle);
    for (pg = 0; pg < p->npages; pg++)
        for (i = 0; i < p->pages[pg].n; i++) {
            const pe_page_obj *o = &p->pages[pg].objs[i];
            size_t j;
            if (o->kind != PE_OBJ_TEXT)
                continue;
            for (j = 0; j + k <= o->u.text.len; j++)
                if (memcmp(o->u.text.text + j, needle, k) == 0)
                    n++;
        }
    return n;
}

static void test_common_time_progress(void **state)
{
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    pe_pages *p;
    (void)state;

    pe_diags_init(&d);
    assert_int_equal(pe_indicator_table_parse(m, &m->indicators,
                                              "id,name,unit,kind,direction,base,target,2021,2022,2023\n"
                                              "1,甲,家,level,up,10,20,11,12,13\n"
                                              "2,乙,家,level,up,10,20,11,12,14\n"
                                              "3,丙,家,level,up,10,20,11,12,15\n"
                                              "4,丁,家,level,up,10,20,11,12,17\n"
                                              "5,戊,家,level,up,10,20,11,12,\n",
                                              strlen("id,name,unit,kind,direction,base,target,2021,2022,2023\n") +
                                                  4 * strlen("1,甲,家,level,up,10,20,11,12,13\n") +
                                                  strlen("5,戊,家,level,up,10,20,11,12,\n"),
                                              PE_ENC_AUTO, "i.csv", &d), PE_OK);
    assert_int_equal(pe_evaluate(m, &d), PE_OK);
    add_block(doc, PE_BLK_TABLE_INDICATORS, NULL);
    p = build(m, doc, &d, PE_OK);
    /* τ = 3/5 for rows 1–4, 2/5 for row 5 */
    assert_int_equal(runs_with(p, "时间进度：60.0%"), 1);
    assert_int_equal(runs_with(p, "60.0%"), 1);         /* no column of it */
    assert_int_equal(runs_with(p, "最新数据为2022年，时间进度为40.0%"), 1);
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* A character outside the BMP is an error at its source; no pages. */
static void test_glyph_check(void **state)
{
    pe_model *m = model_new(0);
    pe_doc *doc = doc_new();
    pe_diags d;
    (void)state;

    pe_diags_init(&d);
    add_block(doc, PE_BLK_PARA, "正文\xF0\x9F\x98\x80正文");
    build(m, doc, &d, PE_ERR_INPUT);
    assert_int_equal(d.nerrors, 1);
    assert_string_equal(d.items[0].file, "t.md");
    assert_non_null(strstr(d.items[0].msg, "U+1F600"));
    pe_doc_free(doc);
    pe_model_free(m);
    pe_diags_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paragraph_lines),
        cmocka_unit_test(test_punctuation_compression),
        cmocka_unit_test(test_page_breaks),
        cmocka_unit_test(test_heading_keep_and_outline),
        cmocka_unit_test(test_table_cells),
        cmocka_unit_test(test_compression_in_cells_and_titles),
        cmocka_unit_test(test_chart_fills_the_page_rest),
        cmocka_unit_test(test_text_fills_the_page_before_a_chart),
        cmocka_unit_test(test_common_time_progress),
        cmocka_unit_test(test_glyph_check),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    pe_font_cache_release();
    return rc;
}
