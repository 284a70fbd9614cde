/* test_break.c — unit tests of the line-breaking arithmetic (pe_break.h) on a
 * deterministic width function: no fonts, no PDF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pe_break.h"

#define CJK 16.0                /* 3号 body: full-width advance */
#define BODY (28 * CJK)         /* 28 characters a line */
#define EPS 0.01

/* Full-width (CJK, full-width punctuation, …, —) is `size`, ASCII half of it. */
static double width_of(void *ctx, unsigned cp)
{
    double size = ctx ? *(const double *)ctx : CJK;
    return cp < 0x80 ? size / 2.0 : size;
}

/* ---- a small string builder ---- */
typedef struct {
    char s[32768];
    size_t n;
} sb;

static void sb_str(sb *b, const char *s)
{
    size_t n = strlen(s);
    assert_true(b->n + n < sizeof b->s);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* Appends n distinct-looking CJK ideographs (no punctuation). */
static void sb_cjk(sb *b, size_t n)
{
    static const char *const han[] = { "一", "二", "三", "四", "五", "六", "七",
                                       "八", "九", "十", "百", "千", "万" };
    for (size_t i = 0; i < n; i++)
        sb_str(b, han[i % (sizeof han / sizeof han[0])]);
}

/* ---- invariants checked on every result ---- */

static unsigned first_cp(const char *s, size_t len)
{
    unsigned c = 0;
    assert_true(pe_utf8_decode(s, len, &c) > 0);
    return c;
}

static unsigned last_cp(const char *s, size_t start, size_t end)
{
    size_t p = end;
    do
        p--;
    while (p > start && ((unsigned char)s[p] & 0xC0) == 0x80);
    return first_cp(s + p, end - p);
}

static int in_str(unsigned c, const char *set)
{
    size_t len = strlen(set), p = 0;
    while (p < len) {
        unsigned d;
        size_t used = pe_utf8_decode(set + p, len - p, &d);
        if (used == 0)
            return 0;
        if (d == c)
            return 1;
        p += used;
    }
    return 0;
}

static const char NO_START[] = "，。、；：？！）》」』】〕〉”’·～%‰℃…—,.;:?!)]}%";
static const char NO_END[] = "（《「『【〔〈“‘([{";

/* Every line fits, its width and nchars are right, no line starts with a
 * closing mark or ends with an opening one, ranges are ordered, and the lines
 * hold every non-space, non-newline byte of the text in order. */
static void check_lines(const char *text, size_t len, const pe_lines *l, double measure,
                        double indent, void *ctx)
{
    char joined[32768], plain[32768];
    size_t nj = 0, np = 0, prev_end = 0;
    for (size_t i = 0; i < l->n; i++) {
        const pe_line *ln = &l->lines[i];
        assert_true(ln->start <= ln->end && ln->end <= len && ln->start >= prev_end);
        prev_end = ln->end;
        double avail = i == 0 ? measure - indent : measure;
        assert_true(ln->width <= avail + EPS);
        double w = 0.0;
        size_t nc = 0, p = ln->start;
        while (p < ln->end) {
            unsigned c;
            size_t used = pe_utf8_decode(text + p, ln->end - p, &c);
            assert_true(used > 0);
            w += width_of(ctx, c);
            nc++;
            p += used;
        }
        assert_int_equal(nc, ln->nchars);
        assert_true(fabs(w - ln->width) < 1e-9);
        if (ln->end > ln->start) {
            assert_true(text[ln->end - 1] != ' ');
            if (i > 0)
                assert_false(in_str(first_cp(text + ln->start, ln->end - ln->start), NO_START));
            if (i + 1 < l->n)
                assert_false(in_str(last_cp(text, ln->start, ln->end), NO_END));
        }
        for (p = ln->start; p < ln->end; p++)
            if (text[p] != ' ')
                joined[nj++] = text[p];
    }
    if (l->n > 0)
        assert_true(l->lines[l->n - 1].last);
    for (size_t p = 0; p < len; p++)
        if (text[p] != ' ' && text[p] != '\n' && text[p] != '\r')
            plain[np++] = text[p];
    assert_int_equal(nj, np);
    assert_memory_equal(joined, plain, np);
}

/* Breaks b's text as body text and checks the invariants. */
static void brk(const sb *b, double measure, double indent, pe_lines *out)
{
    assert_int_equal(pe_break_text(b->s, b->n, measure, indent, width_of, NULL, out), PE_OK);
    check_lines(b->s, b->n, out, measure, indent, NULL);
}

/* Does some line hold `needle` whole? */
static int line_holds(const char *text, const pe_lines *l, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i < l->n; i++)
        for (size_t p = l->lines[i].start; p + n <= l->lines[i].end; p++)
            if (memcmp(text + p, needle, n) == 0)
                return 1;
    return 0;
}

static int line_starts_with(const char *text, const pe_line *ln, const char *prefix)
{
    size_t n = strlen(prefix);
    return ln->end - ln->start >= n && memcmp(text + ln->start, prefix, n) == 0;
}

/* ---- tests ---- */

static void test_empty_gives_no_lines(void **state)
{
    (void)state;
    pe_lines l;
    assert_int_equal(pe_break_text("", 0, BODY, 0, width_of, NULL, &l), PE_OK);
    assert_int_equal(l.n, 0);
    pe_lines_release(&l);
    assert_int_equal(pe_break_balanced("", 0, BODY, width_of, NULL, &l), PE_OK);
    assert_int_equal(l.n, 0);
    pe_lines_release(&l);
    pe_lines_release(NULL);
}

static void test_28_cjk_per_line(void **state)
{
    (void)state;
    sb b = { .n = 0 };
    sb_cjk(&b, 70);
    pe_lines l;
    brk(&b, BODY, 0, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.lines[0].nchars, 28);
    assert_int_equal(l.lines[1].nchars, 28);
    assert_int_equal(l.lines[2].nchars, 14);
    assert_true(fabs(l.lines[0].width - 448.0) < 1e-9);
    assert_int_equal(l.lines[0].start, 0);
    assert_int_equal(l.lines[0].end, 28 * 3);
    assert_int_equal(l.lines[1].start, 28 * 3);
    assert_false(l.lines[0].last);
    assert_false(l.lines[1].last);
    assert_true(l.lines[2].last);
    pe_lines_release(&l);
}

/* A measure computed as 28 × 16 with rounding noise still takes 28. */
static void test_tolerance_on_measure(void **state)
{
    (void)state;
    sb b = { .n = 0 };
    sb_cjk(&b, 28);
    pe_lines l;
    brk(&b, BODY - 0.005, 0, &l);
    assert_int_equal(l.n, 1);
    pe_lines_release(&l);
    brk(&b, BODY - 0.5, 0, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 27);
    pe_lines_release(&l);
}

/* The first line is `first_indent` narrower: a two-character (32 pt) indent
 * leaves 26 on a 448 pt measure, a 16 pt one 27; later lines take 28. */
static void test_first_indent(void **state)
{
    (void)state;
    sb b = { .n = 0 };
    sb_cjk(&b, 60);
    pe_lines l;
    brk(&b, BODY, 32.0, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.lines[0].nchars, 26);
    assert_int_equal(l.lines[1].nchars, 28);
    assert_int_equal(l.lines[2].nchars, 6);
    assert_true(fabs(l.lines[0].width - 416.0) < 1e-9);
    pe_lines_release(&l);
    brk(&b, BODY, 16.0, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.lines[0].nchars, 27);
    assert_int_equal(l.lines[1].nchars, 28);
    pe_lines_release(&l);
}

/* 28 ideographs then `mark`: greedy would start line 2 with the mark; the
 * break moves one character earlier instead (no hanging punctuation). */
static void closing_mark_pulled(const char *mark)
{
    sb b = { .n = 0 };
    sb_cjk(&b, 28);
    sb_str(&b, mark);
    sb_cjk(&b, 10);
    pe_lines l;
    brk(&b, BODY, 0, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 27);
    assert_true(line_starts_with(b.s, &l.lines[1], "二"));   /* the 28th: han[27 % 13] */
    assert_int_equal(first_cp(b.s + l.lines[1].start + 3, 4), first_cp(mark, strlen(mark)));
    pe_lines_release(&l);
}

static void test_closing_punct_not_at_line_start(void **state)
{
    (void)state;
    static const char *const marks[] = { "，", "。", "、", "；", "：", "？", "！",
                                         "）", "》", "」", "』", "】", "〕", "〉",
                                         "”", "’", "%", "‰", "℃", ",", ".", ")" };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        closing_mark_pulled(marks[i]);
}

/* libunibreak allows a line to start with `·` and `～`; we do not. */
static void test_middle_dot_and_tilde_not_at_line_start(void **state)
{
    (void)state;
    closing_mark_pulled("·");
    closing_mark_pulled("～");
    closing_mark_pulled("—");
}

/* 27 ideographs then `mark`: the opening mark would end line 1; it goes to
 * line 2 with what it opens. */
static void test_opening_punct_not_at_line_end(void **state)
{
    (void)state;
    static const char *const marks[] = { "（", "《", "「", "『", "【", "〔", "〈", "“",
                                         "‘", "(", "[", "{" };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        sb b = { .n = 0 };
        sb_cjk(&b, 27);
        sb_str(&b, marks[i]);
        sb_cjk(&b, 10);
        pe_lines l;
        brk(&b, BODY, 0, &l);
        assert_int_equal(l.n, 2);
        assert_int_equal(l.lines[0].nchars, 27);
        assert_true(line_starts_with(b.s, &l.lines[1], marks[i]));
        pe_lines_release(&l);
    }
}

static void pair_kept(const char *pair, size_t before)
{
    sb b = { .n = 0 };
    sb_cjk(&b, before);
    sb_str(&b, pair);
    sb_cjk(&b, 10);
    pe_lines l;
    brk(&b, BODY, 0, &l);
    assert_true(line_holds(b.s, &l, pair));
    assert_int_equal(l.n, 2);
    pe_lines_release(&l);
}

static void test_dash_and_ellipsis_pairs_kept(void **state)
{
    (void)state;
    /* pair straddling the line end (27 + 2 > 28) and starting line 2 (28 + 2) */
    pair_kept("——", 27);
    pair_kept("——", 28);
    pair_kept("……", 27);
    pair_kept("……", 28);
    pair_kept("……", 26);    /* fits exactly: stays on line 1 */
}

static void test_latin_runs_whole(void **state)
{
    (void)state;
    static const char *const runs[] = { "R&D/GDP", "GB/T", "9704-2012", "planeval_v2.1" };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
        for (size_t before = 22; before <= 28; before++) {
            sb b = { .n = 0 };
            sb_cjk(&b, before);
            sb_str(&b, runs[i]);
            sb_cjk(&b, 10);
            pe_lines l;
            brk(&b, BODY, 0, &l);
            assert_true(line_holds(b.s, &l, runs[i]));
            pe_lines_release(&l);
        }
    /* the space in `GB/T 9704-2012` is a break opportunity; both runs stay */
    sb b = { .n = 0 };
    sb_cjk(&b, 27);
    sb_str(&b, "GB/T 9704-2012");
    pe_lines l;
    brk(&b, BODY, 0, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 27);
    assert_true(line_starts_with(b.s, &l.lines[1], "GB/T 9704-2012"));
    pe_lines_release(&l);
    b.n = 0;
    sb_cjk(&b, 26);
    sb_str(&b, "GB/T 9704-2012");
    brk(&b, BODY, 0, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 30);
    assert_true(line_starts_with(b.s, &l.lines[1], "9704-2012"));
    pe_lines_release(&l);
}

static void test_numbers_stay_with_units(void **state)
{
    (void)state;
    static const char *const nums[] = { "2025年", "62.5%", "0.14%", "－60", "2–3家",
                                        "13.42亿", "1000人", "３～５年", "3~5年", "￥50" };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        for (size_t before = 24; before <= 28; before++) {
            sb b = { .n = 0 };
            sb_cjk(&b, before);
            sb_str(&b, nums[i]);
            sb_cjk(&b, 10);
            pe_lines l;
            brk(&b, BODY, 0, &l);
            assert_true(line_holds(b.s, &l, nums[i]));
            pe_lines_release(&l);
        }
}

static void test_long_latin_word_broken_by_chars(void **state)
{
    (void)state;
    sb b = { .n = 0 };
    sb_cjk(&b, 3);
    sb_str(&b, "Pneumonoultramicroscopicsilicovolcanoconiosis");   /* 45 letters */
    sb_cjk(&b, 3);
    pe_lines l;
    brk(&b, 100.0, 0, &l);                  /* 12 letters or 6 ideographs */
    for (size_t i = 0; i < l.n; i++)
        assert_true(l.lines[i].width <= 100.0 + EPS);
    assert_int_equal(l.lines[0].nchars, 3);     /* the word starts a new line */
    assert_int_equal(l.lines[1].nchars, 12);
    assert_true(line_starts_with(b.s, &l.lines[1], "Pneumonoultr"));
    pe_lines_release(&l);
}

/* A measure narrower than one character still progresses, one per line. */
static void test_char_wider_than_measure(void **state)
{
    (void)state;
    sb b = { .n = 0 };
    sb_cjk(&b, 5);
    pe_lines l;
    assert_int_equal(pe_break_text(b.s, b.n, 10.0, 0, width_of, NULL, &l), PE_OK);
    assert_int_equal(l.n, 5);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.lines[i].nchars, 1);
    pe_lines_release(&l);
}

static void test_trailing_spaces_excluded(void **state)
{
    (void)state;
    sb b = { .n = 0 };
    sb_str(&b, "aaaa bbbb   cccc dd  ");
    pe_lines l;
    brk(&b, 80.0, 0, &l);                   /* 10 ASCII characters */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].start, 0);
    assert_int_equal(l.lines[0].end, 9);
    assert_true(fabs(l.lines[0].width - 72.0) < 1e-9);
    assert_int_equal(l.lines[1].start, 12);
    assert_int_equal(l.lines[1].end, 19);
    assert_int_equal(l.lines[1].nchars, 7);
    assert_true(l.lines[1].last);
    pe_lines_release(&l);
    /* trailing spaces do not count against the measure */
    b.n = 0;
    sb_str(&b, "aaaaaaaaaa     bb");
    brk(&b, 80.0, 0, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].end, 10);
    assert_int_equal(l.lines[1].start, 15);
    pe_lines_release(&l);
}

static void test_hard_line_breaks(void **state)
{
    (void)state;
    sb b = { .n = 0 };
    sb_str(&b, "甲乙\n丙丁");
    pe_lines l;
    brk(&b, BODY, 0, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].end, 6);
    assert_true(l.lines[0].last);
    assert_int_equal(l.lines[1].start, 7);
    pe_lines_release(&l);

    b.n = 0;
    sb_str(&b, "甲\n\n乙\r\n丙\n");     /* empty line kept, CR LF once, final newline ends */
    brk(&b, BODY, 2 * CJK, &l);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.lines[1].nchars, 0);
    assert_int_equal(l.lines[2].nchars, 1);
    assert_int_equal(l.lines[3].nchars, 1);
    assert_int_equal(l.lines[3].start, b.n - 4);
    pe_lines_release(&l);

    /* only the paragraph's first line is indented */
    b.n = 0;
    sb_cjk(&b, 28);
    sb_str(&b, "\n");
    sb_cjk(&b, 28);
    brk(&b, BODY, 2 * CJK, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.lines[0].nchars, 26);
    assert_true(l.lines[1].last);
    assert_int_equal(l.lines[2].nchars, 28);
    pe_lines_release(&l);
}

static void test_balanced_title_20_20(void **state)
{
    (void)state;
    double size = 22.0;
    sb b = { .n = 0 };
    sb_cjk(&b, 40);
    pe_lines l;
    assert_int_equal(pe_break_text(b.s, b.n, 28 * size, 0, width_of, &size, &l), PE_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 28);
    pe_lines_release(&l);
    assert_int_equal(pe_break_balanced(b.s, b.n, 28 * size, width_of, &size, &l), PE_OK);
    check_lines(b.s, b.n, &l, 28 * size, 0, &size);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 20);
    assert_int_equal(l.lines[1].nchars, 20);
    assert_true(l.lines[1].last);
    pe_lines_release(&l);
    /* three lines: 70 → 24/24/22 rather than 28/28/14 */
    b.n = 0;
    sb_cjk(&b, 70);
    assert_int_equal(pe_break_balanced(b.s, b.n, 28 * size, width_of, &size, &l), PE_OK);
    check_lines(b.s, b.n, &l, 28 * size, 0, &size);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.lines[0].nchars, 24);
    assert_int_equal(l.lines[1].nchars, 24);
    assert_int_equal(l.lines[2].nchars, 22);
    pe_lines_release(&l);
}

/* Regression: balancing cut 规|划 in a wrapped title (GB/T 9704 7.3.1 词意完整). */
static void test_balanced_title_keeps_words(void **state)
{
    (void)state;
    double size = 22.0;
    const char *title = "示例市国民经济和社会发展第十三个五年规划科技创新专项规划中期实施情况评估报告";
    pe_lines l;
    assert_int_equal(pe_break_balanced(title, strlen(title), 28 * size, width_of, &size, &l), PE_OK);
    check_lines(title, strlen(title), &l, 28 * size, 0, &size);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 20);   /* …第十三个五年规划 | 科技创新… */
    assert_int_equal(l.lines[1].nchars, 18);
    pe_lines_release(&l);
}

/* The widest unbreakable piece, by the breaker's own rules (column sizing). */
static void test_widest_unit(void **state)
{
    (void)state;
    double size = 16.0, w = -1;
    /* 13.42亿元 stays whole: 5 half-width + 2 full-width = 2.5 + 2 = 4.5 em */
    const char *a = "技术合同13.42亿元";
    assert_int_equal(pe_break_widest_unit(a, strlen(a), width_of, &size, &w), PE_OK);
    assert_true(w >= 3.5 * size - 0.01);
    /* R&D/GDP: 7 half-width characters */
    const char *b = "研发强度（R&D/GDP）";
    assert_int_equal(pe_break_widest_unit(b, strlen(b), width_of, &size, &w), PE_OK);
    assert_true(w >= 3.5 * size - 0.01);
    /* plain ideographs break anywhere: the widest piece is one character
     * (or a character with its closing mark) */
    const char *c = "科技创新规划";
    assert_int_equal(pe_break_widest_unit(c, strlen(c), width_of, &size, &w), PE_OK);
    assert_true(w >= size - 0.01 && w <= size + 0.01);
    assert_int_equal(pe_break_widest_unit("", 0, width_of, &size, &w), PE_OK);
    assert_true(w == 0);
}

static void test_balanced_keeps_rules(void **state)
{
    (void)state;
    double size = 22.0;
    /* one line stays one line */
    sb b = { .n = 0 };
    sb_str(&b, "关于2025年度计划执行情况的报告");
    pe_lines l;
    assert_int_equal(pe_break_balanced(b.s, b.n, 28 * size, width_of, &size, &l), PE_OK);
    assert_int_equal(l.n, 1);
    pe_lines_release(&l);
    /* a comma at the balanced break point moves, words stay whole */
    b.n = 0;
    sb_cjk(&b, 19);
    sb_str(&b, "，");
    sb_cjk(&b, 4);
    sb_str(&b, "R&D/GDP");
    sb_cjk(&b, 12);
    assert_int_equal(pe_break_balanced(b.s, b.n, 28 * size, width_of, &size, &l), PE_OK);
    check_lines(b.s, b.n, &l, 28 * size, 0, &size);
    assert_int_equal(l.n, 2);
    assert_true(line_holds(b.s, &l, "R&D/GDP"));
    pe_lines_release(&l);
}

/* A 2000-character paragraph of mixed content: every invariant holds, and no
 * line falls short of its measure by more than the longest unbreakable chain
 * the pieces can form (about 8 characters, e.g. `（GB/T 9704-2012）`). */
static void test_long_paragraph(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "根据", "《", "国家标准", "》", "（", "GB/T 9704-2012", "）", "，", "2025年",
        "完成", "62.5%", "。", "“", "研发投入", "”", "、", "R&D/GDP", "达到", "2.68%",
        "；", "——", "增长", "－60", "……", "其中", "2–3家", "企业", "：", "13.42亿元",
        "！", "the quick brown fox", "阿卜杜勒·克里木", "３～５年", "？", "℃",
    };
    sb b = { .n = 0 };
    unsigned seed = 12345;
    size_t chars = 0;
    while (chars < 2000) {
        seed = seed * 1103515245u + 12345u;
        const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
        sb_str(&b, p);
        chars += pe_utf8_len(p);
        if ((seed >> 8) % 5 == 0) {
            sb_cjk(&b, (seed >> 20) % 7);
            chars += (seed >> 20) % 7;
        }
    }
    pe_lines l;
    brk(&b, BODY, 2 * CJK, &l);
    double total = 0.0;
    for (size_t i = 0; i < l.n; i++)
        total += l.lines[i].width;
    assert_true(chars >= 2000 && total > 40 * BODY);
    assert_true((double)l.n >= total / BODY);
    /* greedy: the start of the next line would not have fitted */
    for (size_t i = 0; i + 1 < l.n; i++) {
        double avail = i == 0 ? BODY - 2 * CJK : BODY;
        unsigned c = first_cp(b.s + l.lines[i + 1].start, 4);
        assert_true(l.lines[i].width + width_of(NULL, c) > avail - 8 * CJK);
    }
    pe_lines_release(&l);
}

static void test_invalid_utf8_does_not_crash(void **state)
{
    (void)state;
    const char bad[] = "中\xff\xfe文\xe4\xb8";
    pe_lines l;
    assert_int_equal(pe_break_text(bad, sizeof bad - 1, 20.0, 0, width_of, NULL, &l), PE_OK);
    assert_true(l.n >= 1);
    assert_int_equal(l.lines[l.n - 1].end, sizeof bad - 1);
    pe_lines_release(&l);
}


/* ---- punctuation compression and total fit (pe_break_paragraph) ---- */

/* A font model: `centred` draws 。、 in the middle of the em (AR PL UMing),
 * otherwise stops sit at the left (mainland fonts); closing marks have their
 * ink on the left, opening ones on the right. Blanks in pt at CJK size. */
static void blank_of(void *ctx, unsigned cp, double *l, double *r)
{
    int centred = ctx ? *(const int *)ctx : 0;
    *l = *r = 0.1 * CJK;
    switch (cp) {
    case 0x3002: case 0x3001:                   /* 。、 */
        if (centred) {
            *l = *r = 0.38 * CJK;
            break;
        }
        /* fall through */
    case 0xFF0C: case 0xFF1B: case 0xFF09: case 0x300B: case 0x201D:   /* ，；）》” */
        *l = 0.1 * CJK;
        *r = 0.7 * CJK;
        break;
    case 0xFF08: case 0x300A: case 0x201C:      /* （《“ */
        *l = 0.7 * CJK;
        *r = 0.1 * CJK;
        break;
    default:
        break;
    }
}

static double width_cjk(void *ctx, unsigned cp)
{
    (void)ctx;
    return cp < 0x80 ? CJK / 2.0 : CJK;
}

static pe_metrics metrics(int *centred)
{
    pe_metrics m = { width_cjk, blank_of, centred, CJK, 0.0 };
    return m;
}

/* Position (x) of the k-th code point of a set line. */
static void set_line_n(const char *s, size_t len, double avail, int justify, pe_metrics *m,
                       double *x, size_t *n, int *loose)
{
    assert_int_equal(pe_break_set_line(s, len, avail, justify, m, x, n, loose), PE_OK);
}

static void set_line(const char *s, double avail, int justify, pe_metrics *m, double *x,
                     size_t *n, int *loose)
{
    set_line_n(s, strlen(s), avail, justify, m, x, n, loose);
}

/* `）、` takes 1.5 em: the closing paren gives its right blank. */
static void test_pair_compression(void **state)
{
    (void)state;
    int centred = 1;
    pe_metrics m = metrics(&centred);
    double x[64];
    size_t n;
    int loose;
    set_line("县（9）、钦", 1000, 0, &m, x, &n, &loose);
    assert_int_equal(n, 6);
    assert_true(fabs((x[4] - x[3]) - 0.5 * CJK) < EPS);     /* ） then 、 half an em on */
    assert_true(fabs((x[5] - x[4]) - CJK) < EPS);           /* 、 keeps its em */
    assert_true(fabs(x[6] - 5 * CJK) < EPS);                /* 县（9）、钦: 5 em, not 5.5 */
    /* `，《` : the opening mark gives its left blank after the comma */
    set_line("甲，《乙", 1000, 0, &m, x, &n, &loose);
    assert_true(fabs((x[2] - x[1]) - 0.5 * CJK) < EPS);
    assert_true(x[4] <= 3.5 * CJK + EPS);                   /* the pair is 1.5 em */
    /* no pair: full width everywhere */
    set_line("甲乙丙", 1000, 0, &m, x, &n, &loose);
    assert_true(fabs(x[3] - 3 * CJK) < EPS);
}

/* A mark drawn centred gives only the blank it has: the glyph after a
 * centred 。 never starts inside its ink (0.62 em) plus the kept blank. */
static void test_centred_mark_no_collision(void **state)
{
    (void)state;
    int centred = 1, left = 0;
    pe_metrics mc = metrics(&centred), ml = metrics(&left);
    double x[64];
    size_t n;
    int loose;
    /* `。”` pair: 。 gives its right blank, ” its left, together < 0.5 em */
    set_line("完。”甲", 1000, 0, &mc, x, &n, &loose);
    /* ink of 。 ends 0.62 em after its origin, that of ” starts 0.1 em after its own */
    assert_true((x[2] + 0.1 * CJK) - (x[1] + 0.62 * CJK) >= 2 * PE_BREAK_KEEP_BLANK * CJK - EPS);
    assert_true(x[2] - x[1] < 0.75 * CJK);                  /* yet the pair is compressed */
    /* push-in on a line 2 em too long: 。 gives at most 0.38 − 0.05 em */
    set_line("甲。乙。丙。丁", 6 * CJK, 1, &mc, x, &n, &loose);
    for (size_t i = 1; i < n; i += 2)
        assert_true(x[i + 1] - x[i] >= (0.62 + PE_BREAK_KEEP_BLANK) * CJK - EPS);
    /* the mainland model may take the full half em */
    set_line("甲。乙。丙。丁", 5.5 * CJK, 1, &ml, x, &n, &loose);
    assert_true(fabs(x[2] - x[1] - 0.5 * CJK) < EPS);
    assert_true(fabs(x[n] - 5.5 * CJK) < EPS);
    /* a mark already tight against the mark before it is not pushed in:
     * `），` stays 1.5 em even on a line that is too long */
    set_line("乙），丙", 3 * CJK, 1, &ml, x, &n, &loose);
    assert_true(fabs(x[2] - x[1] - 0.5 * CJK) < EPS);
    assert_true(fabs(x[3] - x[2] - CJK) < EPS);
    set_line("甲。乙。丙。丁", 5.5 * CJK, 1, &ml, x, &n, &loose);
    /* ideographs keep their full advance */
    for (size_t i = 0; i + 1 < n; i += 2)
        assert_true(x[i + 1] - x[i] >= CJK - EPS);
}

/* Push-in before push-out: `算）` may not start a line, and the line holds
 * it by compressing its comma and ending on a half-width ） instead of
 * leaving a line one character short. */
static void test_pushin_before_pushout(void **state)
{
    (void)state;
    int centred = 1;
    pe_metrics m = metrics(&centred);
    sb b = { .n = 0 };
    for (int i = 0; i < 10; i++)
        sb_str(&b, "甲");
    sb_str(&b, "，");
    for (int i = 0; i < 15; i++)
        sb_str(&b, "乙");
    sb_str(&b, "折算）");     /* 29 places on the first line */
    for (int i = 0; i < 20; i++)
        sb_str(&b, "丙");
    pe_lines l;
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 0, &m, &l), PE_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 29);
    assert_false(l.lines[0].loose);
    double x[128];
    size_t n;
    int loose;
    set_line_n(b.s + l.lines[0].start, l.lines[0].end - l.lines[0].start, BODY, 1, &m, x, &n,
               &loose);
    assert_true(fabs(x[n] - BODY) < EPS);                  /* ends at the measure */
    pe_lines_release(&l);
}

/* Total fit: a loose line is flagged only when nothing else fits (a Latin
 * word that cannot be broken), and kinsoku rules still hold everywhere. */
static void test_total_fit_rules(void **state)
{
    (void)state;
    int centred = 1;
    pe_metrics m = metrics(&centred);
    sb b = { .n = 0 };
    for (int i = 0; i < 25; i++)
        sb_str(&b, "中");
    sb_str(&b, "ABCDEFGHIJKLMNOPQRSTUVWX");   /* 12 em, no break inside: 25 中 must open */
    pe_lines l;
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 0, &m, &l), PE_OK);
    assert_int_equal(l.n, 2);
    assert_true(l.lines[0].loose);
    pe_lines_release(&l);

    b.n = 0;
    b.s[0] = '\0';
    static const char *const words[] = { "科技", "创新，", "（含", "县区）", "、", "“十四五”",
                                         "规划。", "完成", "《规划》", "；", "目标", "发展" };
    for (int i = 0; i < 400; i++)
        sb_str(&b, words[(i * 7 + i / 3) % 12]);
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 2 * CJK, &m, &l), PE_OK);
    for (size_t i = 0; i < l.n; i++) {
        unsigned first, last = 0;
        const char *s = b.s + l.lines[i].start;
        size_t len = l.lines[i].end - l.lines[i].start, k = 0;
        pe_utf8_decode(s, len, &first);
        while (k < len)
            k += pe_utf8_decode(s + k, len - k, &last);
        assert_false(first == 0xFF0C || first == 0x3002 || first == 0x3001 ||
                     first == 0xFF1B || first == 0xFF09 || first == 0x300B || first == 0x201D);
        assert_false(last == 0xFF08 || last == 0x300A || last == 0x201C);
        double x[512];
        size_t n;
        int loose;
        set_line_n(s, len, i == 0 ? BODY - 2 * CJK : BODY, !l.lines[i].last, &m, x, &n, &loose);
        assert_true(x[n] <= (i == 0 ? BODY - 2 * CJK : BODY) + EPS);
        if (!l.lines[i].last && !l.lines[i].loose)
            assert_true(fabs(x[n] - (i == 0 ? BODY - 2 * CJK : BODY)) < EPS);
    }
    pe_lines_release(&l);
}

/* A stop or closing mark ends a line compressed by its own right blank:
 * half an em where it is drawn in its left half, only its blank (less
 * PE_BREAK_KEEP_BLANK em) where it is drawn centred, so that its ink never
 * passes the block's edge. 29 characters fill 28 places: ， gives 0.5 em,
 * the centred 、 0.33 em and the line-end 。 0.33 em. */
static void test_line_end_mark_keeps_ink_inside(void **state)
{
    (void)state;
    int centred = 1, left = 0;
    pe_metrics mc = metrics(&centred), ml = metrics(&left);
    sb b = { .n = 0 };
    sb_cjk(&b, 9);
    sb_str(&b, "、");
    sb_cjk(&b, 9);
    sb_str(&b, "，");
    sb_cjk(&b, 7);
    sb_str(&b, "完。");
    double x[128];
    size_t n;
    int loose;
    set_line_n(b.s, b.n, BODY, 1, &mc, x, &n, &loose);
    assert_int_equal(n, 29);
    assert_true(fabs(x[n] - BODY) < EPS);                   /* the line ends at the measure */
    /* 。's ink (0.38–0.62 em of its box) ends inside the block, its box past it */
    assert_true(x[28] + 0.62 * CJK <= BODY - (PE_BREAK_KEEP_BLANK * CJK - EPS));
    assert_true(x[28] + CJK > BODY + 0.3 * CJK);
    assert_true(x[28] - x[27] >= CJK - EPS);                /* 完 keeps its em */
    assert_false(loose);
    /* within a paragraph the 29 characters make one line, none pushed out */
    sb_cjk(&b, 20);
    pe_lines l;
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 0, &mc, &l), PE_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 29);
    pe_lines_release(&l);
    /* a mainland 。 (ink in its left half) ends the line at exactly half width */
    b.n = 0;
    sb_cjk(&b, 10);
    sb_str(&b, "，");
    sb_cjk(&b, 16);
    sb_str(&b, "完。");
    set_line_n(b.s, b.n, BODY, 1, &ml, x, &n, &loose);
    assert_int_equal(n, 29);
    assert_true(fabs(x[n] - BODY) < EPS);
    assert_true(fabs(x[28] + 0.5 * CJK - BODY) < EPS);
    /* the centred 。 gives 0.33 em: with the comma's 0.5 em the line is still
     * 0.17 em too long, and the 26 gaps after ideographs close by 0.0065 em
     * each (PE_BREAK_TIGHT allows 0.02): 29 characters, none pushed out */
    set_line_n(b.s, b.n, BODY, 1, &mc, x, &n, &loose);
    assert_true(fabs(x[n] - BODY) < EPS);
    for (size_t i = 0; i + 1 < n; i++)
        assert_true(x[i + 1] - x[i] >= (1 - PE_BREAK_TIGHT) * CJK - EPS ||
                    i == 10 || i == 27);                    /* the comma's, 。's own */
    assert_true(x[1] - x[0] < CJK - 0.005 * CJK);           /* the gaps closed */
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 0, &mc, &l), PE_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.lines[0].nchars, 29);
    assert_false(l.lines[0].loose);
    pe_lines_release(&l);
    /* without the comma 0.67 em is left, more than 28 gaps × 0.02 em: 完。
     * go to the next line together (no 。 at a line start) */
    b.n = 0;
    sb_cjk(&b, 27);
    sb_str(&b, "完。");
    sb_cjk(&b, 20);
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 0, &mc, &l), PE_OK);
    assert_int_equal(l.n, 2);
    assert_true(l.lines[0].nchars < 29);
    pe_lines_release(&l);
}

/* A full line of ideographs one character short (its gaps opened by 1/26
 * em) is weighed near a loose line: here every line takes push-in instead
 * (29 characters, its comma and its line-end comma at half width), though
 * one short line would let all the lines after it be set solid. */
static void test_short_line_weighed(void **state)
{
    (void)state;
    int left = 0;
    pe_metrics m = metrics(&left);
    sb b = { .n = 0 };
    for (int i = 0; i < 8; i++) {
        sb_cjk(&b, 10);
        sb_str(&b, "，");
        sb_cjk(&b, 16);
        sb_str(&b, "甲，");
    }
    pe_lines l;
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 0, &m, &l), PE_OK);
    assert_int_equal(l.n, 8);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.lines[i].nchars, 29);
        assert_false(l.lines[i].loose);
    }
    pe_lines_release(&l);
}

/* A short line of ideographs only leaves the grid's columns; a line that
 * holds numbers is off the grid already: the slack goes there. 27 中 and
 * 乙 fill the first line (28 places); the second, 中1中1…中 (26.5 em) ended
 * by a Latin word that cannot come up, opens its 35 gaps by 0.043 em
 * (loose, reported) rather than leave the first line a place short. */
static void test_short_line_before_loose_mixed(void **state)
{
    (void)state;
    int left = 0;
    pe_metrics m = metrics(&left);
    sb b = { .n = 0 };
    sb_cjk(&b, 27);
    sb_str(&b, "乙");
    for (int i = 0; i < 17; i++)
        sb_str(&b, "中1");
    sb_str(&b, "中ABCDEFGHIJKLMNOPQRSTUVWXYZABCD");
    pe_lines l;
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 0, &m, &l), PE_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.lines[0].nchars, 28);
    assert_false(l.lines[0].loose);
    assert_true(l.lines[1].loose);
    pe_lines_release(&l);
}

/* 孤字: a last line of one character and its marks (`聚。`) is avoided. */
static void test_lonely_character_with_mark(void **state)
{
    (void)state;
    int left = 0;
    pe_metrics m = metrics(&left);
    sb b = { .n = 0 };
    sb_cjk(&b, 10);
    sb_str(&b, "，");
    sb_cjk(&b, 8);
    sb_str(&b, "，");
    sb_cjk(&b, 36);
    sb_str(&b, "聚。");          /* 28 + 28 + 聚。: two lines take one more each */
    pe_lines l;
    assert_int_equal(pe_break_paragraph(b.s, b.n, BODY, 0, &m, &l), PE_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.lines[0].nchars, 29);
    assert_int_equal(l.lines[1].nchars, 29);
    double x[64];
    size_t n;
    int loose;
    set_line_n(b.s + l.lines[1].start, l.lines[1].end - l.lines[1].start, BODY, 0, &m, x, &n,
               &loose);
    assert_true(x[n] <= BODY + EPS);                        /* 。 at half width, gaps closed */
    assert_true(x[1] - x[0] >= (1 - PE_BREAK_TIGHT) * CJK - EPS);
    pe_lines_release(&l);
}

/* Greedy and balanced breaking for cells, notes and titles measure a line
 * as it is set: `）、` shares its blank, so `县（9）、钦` (5.5 em natural) fits
 * 5 em on one line; a mark at a line's end keeps its blank. */
static void test_break_measures_compression(void **state)
{
    (void)state;
    int centred = 1;
    pe_metrics m = metrics(&centred);
    const char *s = "县（9）、钦";
    pe_lines l;
    assert_int_equal(pe_break_text(s, strlen(s), 5 * CJK, 0, width_cjk, NULL, &l), PE_OK);
    assert_int_equal(l.n, 2);
    pe_lines_release(&l);
    assert_int_equal(pe_break_text_m(s, strlen(s), 5 * CJK, 0, &m, &l), PE_OK);
    assert_int_equal(l.n, 1);
    assert_true(fabs(l.lines[0].width - 5 * CJK) < EPS);
    pe_lines_release(&l);
    /* `，《` may break between the two: the comma's blank is then kept */
    s = "甲，《乙》丙丁";
    assert_int_equal(pe_break_text_m(s, strlen(s), 2.6 * CJK, 0, &m, &l), PE_OK);
    assert_true(l.n >= 2);
    assert_int_equal(l.lines[0].nchars, 2);
    assert_true(fabs(l.lines[0].width - 2 * CJK) < EPS);
    for (size_t i = 0; i < l.n; i++)
        assert_true(l.lines[i].width <= 2.6 * CJK + EPS);
    pe_lines_release(&l);
    /* balanced: 8.5 em of `甲乙（丙）、丁戊己` fits 8.5 em on one line */
    s = "甲乙（丙）、丁戊己";
    assert_int_equal(pe_break_balanced(s, strlen(s), 8.5 * CJK, width_cjk, NULL, &l), PE_OK);
    assert_int_equal(l.n, 2);
    pe_lines_release(&l);
    assert_int_equal(pe_break_balanced_m(s, strlen(s), 8.5 * CJK, &m, &l), PE_OK);
    assert_int_equal(l.n, 1);
    assert_true(fabs(l.lines[0].width - 8.5 * CJK) < EPS);
    pe_lines_release(&l);
}

/* The class-only test for a line that needs setting glyph by glyph: a
 * closing or stop mark followed by any mark, or two opening marks. */
static void test_has_pair(void **state)
{
    (void)state;
    static const char *const yes[] = { "（9）、钦", "甲，《乙》", "完。”", "“《规划》”", "》（", "（“" };
    static const char *const no[] = { "", "甲乙丙", "（一）二", "“十四五”规划", "，甲。",
                                      "（）", "“，", "\xff\xfe" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(pe_break_has_pair(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(pe_break_has_pair(no[i], strlen(no[i])));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_gives_no_lines),
        cmocka_unit_test(test_28_cjk_per_line),
        cmocka_unit_test(test_tolerance_on_measure),
        cmocka_unit_test(test_first_indent),
        cmocka_unit_test(test_closing_punct_not_at_line_start),
        cmocka_unit_test(test_middle_dot_and_tilde_not_at_line_start),
        cmocka_unit_test(test_opening_punct_not_at_line_end),
        cmocka_unit_test(test_dash_and_ellipsis_pairs_kept),
        cmocka_unit_test(test_latin_runs_whole),
        cmocka_unit_test(test_numbers_stay_with_units),
        cmocka_unit_test(test_long_latin_word_broken_by_chars),
        cmocka_unit_test(test_char_wider_than_measure),
        cmocka_unit_test(test_trailing_spaces_excluded),
        cmocka_unit_test(test_hard_line_breaks),
        cmocka_unit_test(test_balanced_title_20_20),
        cmocka_unit_test(test_balanced_title_keeps_words),
        cmocka_unit_test(test_widest_unit),
        cmocka_unit_test(test_balanced_keeps_rules),
        cmocka_unit_test(test_long_paragraph),
        cmocka_unit_test(test_invalid_utf8_does_not_crash),
        cmocka_unit_test(test_pair_compression),
        cmocka_unit_test(test_centred_mark_no_collision),
        cmocka_unit_test(test_pushin_before_pushout),
        cmocka_unit_test(test_total_fit_rules),
        cmocka_unit_test(test_line_end_mark_keeps_ink_inside),
        cmocka_unit_test(test_short_line_weighed),
        cmocka_unit_test(test_short_line_before_loose_mixed),
        cmocka_unit_test(test_lonely_character_with_mark),
        cmocka_unit_test(test_has_pair),
        cmocka_unit_test(test_break_measures_compression),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
