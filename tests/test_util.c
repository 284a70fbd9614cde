/* test_util.c — unit tests of the shared plumbing (pe_util.h): the number
 * syntax of SPEC §3.2, number and percent formatting, UTF-8 helpers, encoding
 * detection and conversion, suggestions, diagnostics, arena, buffers and files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pe_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ---- */

static void assert_near(double got, double want)
{
    if (fabs(got - want) > 1e-9 * (1.0 + fabs(want)))
        fail_msg("got %.12g, want %.12g", got, want);
}

/* Parses s, expects PE_NUM_OK with value `want` and `dec` decimals. */
static void parses_to(const char *s, double want, int dec)
{
    double v = -12345.0;
    int d = -1;
    pe_num_result r = pe_number_parse(s, &v, &d);
    if (r != PE_NUM_OK)
        fail_msg("pe_number_parse(\"%s\") = %d, want PE_NUM_OK", s, (int)r);
    assert_near(v, want);
    assert_int_equal(d, dec);
}

static void parse_result(const char *s, pe_num_result want)
{
    double v = 0;
    int d = 0;
    pe_num_result r = pe_number_parse(s, &v, &d);
    if (r != want)
        fail_msg("pe_number_parse(\"%s\") = %d, want %d", s, (int)r, (int)want);
}

/* The first diagnostic formatted as `file:line:col: 错误：msg` (malloc'd). */
static char *first_diag(const pe_diags *d)
{
    assert_true(d->n > 0);
    return pe_diag_format(&d->items[0]);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("“%s” does not contain “%s”", hay ? hay : "(null)", needle);
}

static void assert_starts_with(const char *s, const char *prefix)
{
    if (!s || strncmp(s, prefix, strlen(prefix)) != 0)
        fail_msg("“%s” does not start with “%s”", s ? s : "(null)", prefix);
}

/* ---- pe_number_parse ---- */

static void test_number_thousands_separator(void **state)
{
    (void)state;
    parses_to("1,234.5", 1234.5, 1);
    parses_to("1,234,567", 1234567.0, 0);
    parses_to("-1,000", -1000.0, 0);
}

static void test_number_fullwidth_digits(void **state)
{
    (void)state;
    parses_to("１２３", 123.0, 0);
    parses_to("０．５４１", 0.541, 3);
    parses_to("１，２３４．５", 1234.5, 1);
}

static void test_number_fullwidth_minus(void **state)
{
    (void)state;
    parses_to("－60", -60.0, 0);
    parses_to("－６０", -60.0, 0);
    parses_to("\xE2\x88\x92" "2.5", -2.5, 1);   /* U+2212 MINUS SIGN */
}

static void test_number_sign_and_spaces(void **state)
{
    (void)state;
    parses_to("+3", 3.0, 0);
    parses_to(" 7 ", 7.0, 0);
    parses_to("\t7.50\t", 7.5, 2);
    parses_to("\xE3\x80\x80" "8" "\xE3\x80\x80", 8.0, 0);   /* full-width spaces */
}

static void test_number_percent_sign(void **state)
{
    (void)state;
    parses_to("62.5%", 62.5, 1);
    parses_to("100%", 100.0, 0);
    parse_result("%5", PE_NUM_INVALID);
    parse_result("5%%", PE_NUM_INVALID);
}

static void test_number_missing_marks(void **state)
{
    (void)state;
    parse_result("", PE_NUM_MISSING);
    parse_result("-", PE_NUM_MISSING);
    parse_result(" - ", PE_NUM_MISSING);
    parse_result("－", PE_NUM_MISSING);
    parse_result("—", PE_NUM_MISSING);
    parse_result("   ", PE_NUM_MISSING);
}

static void test_number_invalid(void **state)
{
    (void)state;
    parse_result("abc", PE_NUM_INVALID);
    parse_result("12abc", PE_NUM_INVALID);
    parse_result("1,23", PE_NUM_INVALID);
    parse_result("1,2345", PE_NUM_INVALID);
    parse_result("12,34,567", PE_NUM_INVALID);
    parse_result("1.2.3", PE_NUM_INVALID);
    parse_result("1.234,5", PE_NUM_INVALID);
    parse_result(",123", PE_NUM_INVALID);
    parse_result("--5", PE_NUM_INVALID);
    parse_result("5-", PE_NUM_INVALID);
    parse_result(".", PE_NUM_INVALID);
    parse_result("e5", PE_NUM_INVALID);
    parse_result("1e", PE_NUM_INVALID);
    parse_result("0x10", PE_NUM_INVALID);
    parse_result("1 2", PE_NUM_INVALID);
    parse_result("\xFF", PE_NUM_INVALID);
}

static void test_number_nonfinite(void **state)
{
    (void)state;
    parse_result("NaN", PE_NUM_NONFINITE);
    parse_result("nan", PE_NUM_NONFINITE);
    parse_result("inf", PE_NUM_NONFINITE);
    parse_result("-inf", PE_NUM_NONFINITE);
    parse_result("Infinity", PE_NUM_NONFINITE);
    parse_result("1e400", PE_NUM_NONFINITE);
    parse_result("-1e400", PE_NUM_NONFINITE);
}

static void test_number_exponent_and_tiny(void **state)
{
    (void)state;
    parses_to("1e3", 1000.0, 0);
    parses_to("2.5E-1", 0.25, 0);
    /* underflow to a tiny number is not an overflow */
    double v = 1;
    int d = 0;
    assert_int_equal(pe_number_parse("1e-400", &v, &d), PE_NUM_OK);
    assert_true(isfinite(v));
}

/* Issue 13: `target 1e300` was accepted and printed as 63 truncated digits. */
static void test_number_range_and_precision(void **state)
{
    (void)state;
    parse_result("1e300", PE_NUM_RANGE);
    parse_result("-1e300", PE_NUM_RANGE);
    parse_result("1e16", PE_NUM_RANGE);
    parse_result("1000000000000001", PE_NUM_RANGE);
    parse_result("1,000,000,000,000,000.5", PE_NUM_RANGE);
    parses_to("1e15", 1e15, 0);
    parses_to("-1,000,000,000,000,000", -1e15, 0);
    parses_to("999999999999999", 999999999999999.0, 0);     /* 15 digits */
    parses_to("1234567.89012345", 1234567.89012345, 8);      /* 15 significant */
    parses_to("0.000123456789012345", 0.000123456789012345, 9);
    parses_to("1.50000000000000000000", 1.5, 9);               /* trailing zeros are not significant */
    parses_to("100000000000000", 1e14, 0);
    parse_result("1234567.890123456", PE_NUM_PRECISION);       /* 16 significant */
    parse_result("0.1234567890123456789", PE_NUM_PRECISION);
    parse_result("１２３４５．６７８９０１２３４５６", PE_NUM_PRECISION);
    parse_result("1.234567890123456e3", PE_NUM_PRECISION);
}

/* Every accepted number prints with exactly the decimals asked, whatever its size. */
static void test_number_format_extremes(void **state)
{
    (void)state;
    char out[64];
    pe_number_format(1e15, 9, out, sizeof out);
    assert_string_equal(out, "1000000000000000.000000000");
    pe_number_format(-999999999999999.0, 2, out, sizeof out);
    assert_string_equal(out, "-999999999999999.00");
    pe_number_format(1234567.89012345, 8, out, sizeof out);
    assert_string_equal(out, "1234567.89012345");
    pe_number_format(1e24, 1, out, sizeof out);     /* a computed ratio: 15 significant digits */
    assert_string_equal(out, "1000000000000000000000000.0");
    /* fuzz_number: the binary tail beyond 15 digits never shows */
    pe_number_format(9649653.89012345, 9, out, sizeof out);
    assert_string_equal(out, "9649653.890123450");
    pe_number_format(9649653.8, 9, out, sizeof out);
    assert_string_equal(out, "9649653.800000000");
    pe_number_format(2.675, 2, out, sizeof out);    /* decimal rounding, half away from zero */
    assert_string_equal(out, "2.68");
    pe_number_format(-2.5, 0, out, sizeof out);
    assert_string_equal(out, "-3");
    pe_number_format(99.96, 1, out, sizeof out);
    assert_string_equal(out, "100.0");
    pe_number_format(-0.0004, 3, out, sizeof out);
    assert_string_equal(out, "0.000");
    pe_number_format(0.000123456789, 9, out, sizeof out);
    assert_string_equal(out, "0.000123457");
    pe_number_format(0, 2, out, sizeof out);
    assert_string_equal(out, "0.00");
    pe_number_format(1e300, 2, out, sizeof out);    /* does not fit: a dash, not 63 digits */
    assert_string_equal(out, "—");
    char small[8];
    pe_number_format(123456.5, 2, small, sizeof small);
    assert_string_equal(small, "—");
}

static void test_number_decimals_counting(void **state)
{
    (void)state;
    parses_to("0.499", 0.499, 3);
    parses_to("13.420", 13.42, 3);
    parses_to("15.4", 15.4, 1);
    parses_to("200", 200.0, 0);
    parses_to("0.123456789012", 0.123456789012, 9);   /* capped at 9 */
    /* decimals may be NULL */
    double v = 0;
    assert_int_equal(pe_number_parse("2.25", &v, NULL), PE_NUM_OK);
    assert_near(v, 2.25);
}

static void test_number_no_negative_zero(void **state)
{
    (void)state;
    double v = 1;
    int d = 0;
    assert_int_equal(pe_number_parse("-0", &v, &d), PE_NUM_OK);
    assert_true(v == 0.0);
    assert_false(signbit(v));
    assert_int_equal(pe_number_parse("－0.00", &v, &d), PE_NUM_OK);
    assert_false(signbit(v));
    assert_int_equal(d, 2);
}

/* ---- formatting ---- */

static void test_number_format(void **state)
{
    (void)state;
    char out[64];
    pe_number_format(1234.5, 1, out, sizeof out);
    assert_string_equal(out, "1234.5");
    pe_number_format(0.54, 2, out, sizeof out);
    assert_string_equal(out, "0.54");
    pe_number_format(2.0, 0, out, sizeof out);
    assert_string_equal(out, "2");
    pe_number_format(-60.0, 0, out, sizeof out);
    assert_string_equal(out, "-60");
    pe_number_format(0.125, 3, out, sizeof out);
    assert_string_equal(out, "0.125");
}

static void test_number_format_no_minus_zero(void **state)
{
    (void)state;
    char out[64];
    pe_number_format(-0.0, 0, out, sizeof out);
    assert_string_equal(out, "0");
    pe_number_format(-0.0001, 2, out, sizeof out);
    assert_string_equal(out, "0.00");
    pe_number_format(-0.4, 0, out, sizeof out);
    assert_string_equal(out, "0");
    pe_number_format(-0.6, 0, out, sizeof out);
    assert_string_equal(out, "-1");
}

static void test_number_format_nonfinite_and_range(void **state)
{
    (void)state;
    char out[64];
    pe_number_format(NAN, 2, out, sizeof out);
    assert_null(strstr(out, "nan"));
    pe_number_format(INFINITY, 2, out, sizeof out);
    assert_null(strstr(out, "inf"));
    pe_number_format(1.5, -3, out, sizeof out);    /* negative decimals → 0 */
    assert_string_equal(out, "2");
    pe_number_format(1.0, 20, out, sizeof out);    /* capped at 9 */
    assert_string_equal(out, "1.000000000");
}

static void test_percent_format(void **state)
{
    (void)state;
    char out[64];
    pe_percent_format(0.625, out, sizeof out);
    assert_string_equal(out, "62.5%");
    pe_percent_format(1.0, out, sizeof out);
    assert_string_equal(out, "100.0%");
    pe_percent_format(0.0, out, sizeof out);
    assert_string_equal(out, "0.0%");
    pe_percent_format(-0.0001, out, sizeof out);
    assert_string_equal(out, "0.0%");
    pe_percent_format(10.222, out, sizeof out);
    assert_string_equal(out, "1022.2%");
}

/* ---- UTF-8 ---- */

static void test_utf8_width(void **state)
{
    (void)state;
    assert_int_equal(pe_utf8_width("abc"), 3);
    assert_int_equal(pe_utf8_width("中文"), 4);
    assert_int_equal(pe_utf8_width("中a文"), 5);
    assert_int_equal(pe_utf8_width("（％）"), 6);   /* full-width forms */
    assert_int_equal(pe_utf8_width(""), 0);
    assert_int_equal(pe_utf8_width("R&D/GDP"), 7);
}

static void test_utf8_len_decode_encode(void **state)
{
    (void)state;
    assert_int_equal(pe_utf8_len("中文ab"), 4);
    unsigned cp = 0;
    assert_int_equal(pe_utf8_decode("中", 3, &cp), 3);
    assert_int_equal(cp, 0x4E2D);
    char out[4];
    assert_int_equal(pe_utf8_encode(0x4E2D, out), 3);
    assert_memory_equal(out, "中", 3);
    assert_int_equal(pe_utf8_encode(0x1F600, out), 4);
    assert_int_equal(pe_utf8_decode(out, 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    /* invalid: overlong, surrogate, truncated, lone continuation */
    assert_int_equal(pe_utf8_decode("\xC0\x80", 2, &cp), 0);
    assert_int_equal(pe_utf8_decode("\xED\xA0\x80", 3, &cp), 0);
    assert_int_equal(pe_utf8_decode("\xE4\xB8", 2, &cp), 0);
    assert_int_equal(pe_utf8_decode("\x80", 1, &cp), 0);
    assert_true(pe_utf8_valid("中文", 6));
    assert_false(pe_utf8_valid("中文", 5));
}

/* ---- encodings ---- */

static void test_text_utf8_bom_stripped(void **state)
{
    (void)state;
    pe_diags d;
    pe_diags_init(&d);
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(pe_text_to_utf8("\xEF\xBB\xBF" "a,中", 8, PE_ENC_AUTO, "t.csv", &d, &out, &n),
                     PE_OK);
    assert_int_equal(n, 5);
    assert_string_equal(out, "a,中");
    assert_int_equal(d.nerrors, 0);
    free(out);
    pe_diags_release(&d);
}

static void test_text_gbk_detected(void **state)
{
    (void)state;
    pe_diags d;
    pe_diags_init(&d);
    char *out = NULL;
    size_t n = 0;
    /* "\xD6\xD0\xCE\xC4" is 中文 in GBK: not valid UTF-8, so AUTO converts it */
    assert_int_equal(pe_text_to_utf8("\xD6\xD0\xCE\xC4,1\n", 7, PE_ENC_AUTO, "t.csv", &d, &out, &n),
                     PE_OK);
    assert_string_equal(out, "中文,1\n");
    assert_int_equal(n, strlen("中文,1\n"));
    free(out);
    /* declared GBK converts even ASCII-only text */
    assert_int_equal(pe_text_to_utf8("ab", 2, PE_ENC_GB18030, "t.csv", &d, &out, &n), PE_OK);
    assert_string_equal(out, "ab");
    free(out);
    assert_int_equal(d.nerrors, 0);
    pe_diags_release(&d);
}

static void test_text_invalid_bytes_position(void **state)
{
    (void)state;
    pe_diags d;
    pe_diags_init(&d);
    char *out = NULL, *msg;
    size_t n = 0;
    /* 0xFF is invalid in UTF-8 and GB18030 */
    assert_int_equal(pe_text_to_utf8("ab\ncd\xFF" "e\n", 7, PE_ENC_AUTO, "t.csv", &d, &out, &n),
                     PE_ERR_INPUT);
    assert_null(out);
    assert_int_equal(d.nerrors, 1);
    msg = first_diag(&d);
    assert_starts_with(msg, "t.csv:2:3: 错误：");
    assert_contains(msg, "0xFF");
    free(msg);
    pe_diags_release(&d);

    /* declared UTF-8: the first invalid byte, in characters */
    pe_diags_init(&d);
    assert_int_equal(pe_text_to_utf8("x\n中文\xD6\xD0", 10, PE_ENC_UTF8, "u.csv", &d, &out, &n),
                     PE_ERR_INPUT);
    msg = first_diag(&d);
    assert_starts_with(msg, "u.csv:2:3: 错误：");
    assert_contains(msg, "不是有效的 UTF-8");
    assert_contains(msg, "encoding = gbk");
    free(msg);
    pe_diags_release(&d);
}

static void test_text_nul_rejected(void **state)
{
    (void)state;
    pe_diags d;
    pe_diags_init(&d);
    char *out = NULL;
    size_t n = 0;
    static const char buf[] = "a,b\n1,\0" "2\n";
    assert_int_equal(pe_text_to_utf8(buf, sizeof buf - 1, PE_ENC_AUTO, "n.csv", &d, &out, &n),
                     PE_ERR_INPUT);
    assert_null(out);
    char *msg = first_diag(&d);
    assert_starts_with(msg, "n.csv:2:3: 错误：");
    assert_contains(msg, "空字符");
    free(msg);
    pe_diags_release(&d);
}

static void test_encoding_parse(void **state)
{
    (void)state;
    assert_int_equal(pe_encoding_parse("gbk"), PE_ENC_GB18030);
    assert_int_equal(pe_encoding_parse("GB2312"), PE_ENC_GB18030);
    assert_int_equal(pe_encoding_parse("gb18030"), PE_ENC_GB18030);
    assert_int_equal(pe_encoding_parse("UTF-8"), PE_ENC_UTF8);
    assert_int_equal(pe_encoding_parse("utf8"), PE_ENC_UTF8);
    assert_int_equal(pe_encoding_parse(NULL), PE_ENC_AUTO);
    assert_int_equal(pe_encoding_parse("big5"), -1);
}

/* ---- trim, suggestions ---- */

static void test_trim(void **state)
{
    (void)state;
    /* Regression: pe_trim read past the NUL of " \u3000 " (ASan). Exact-size
     * buffers so that ASan catches it again. */
    char exact[] = " \xE3\x80\x80 ";
    assert_string_equal(pe_trim(exact), "");
    char a[16] = "  a b \t";
    assert_string_equal(pe_trim(a), "a b");
    char b[24] = "\xE3\x80\x80中文\xE3\x80\x80 ";
    assert_string_equal(pe_trim(b), "中文");
    char c[16] = " \xE3\x80\x80 ";
    assert_string_equal(pe_trim(c), "");
    assert_null(pe_trim(NULL));
}

static void test_suggest(void **state)
{
    (void)state;
    static const char *const cols[] = { "id", "name", "unit", "kind", "direction", "target",
                                        "target_max" };
    const size_t n = sizeof cols / sizeof cols[0];
    assert_string_equal(pe_suggest("targte", cols, n), "target");
    assert_string_equal(pe_suggest("nme", cols, n), "name");
    assert_string_equal(pe_suggest("target", cols, n), "target");
    assert_string_equal(pe_suggest("directon", cols, n), "direction");
    assert_null(pe_suggest("completely_different", cols, n));
    assert_null(pe_suggest("x", NULL, 0));
    static const char *const secs[] = { "report", "period", "assessment", "indicators" };
    assert_string_equal(pe_suggest("assesment", secs, 4), "assessment");
    /* distances count characters, not bytes: one CJK character is one edit */
    static const char *const zh[] = { "数量", "单位", "牵头部门" };
    assert_string_equal(pe_suggest("数目", zh, 3), "数量");
    assert_string_equal(pe_suggest("牵头部分", zh, 3), "牵头部门");
    assert_null(pe_suggest("甲乙", zh, 3));
}

/* ---- diagnostics ---- */

static void test_diag_format(void **state)
{
    (void)state;
    pe_diag g = { PE_SEV_ERROR, (char *)"input/indicators.csv", 7, 9, (char *)"目标值“abc”不是数字" };
    char *s = pe_diag_format(&g);
    assert_string_equal(s, "input/indicators.csv:7:9: 错误：目标值“abc”不是数字");
    free(s);
    g.sev = PE_SEV_WARNING;
    g.col = 0;
    s = pe_diag_format(&g);
    assert_string_equal(s, "input/indicators.csv:7: 警告：目标值“abc”不是数字");
    free(s);
    g.line = 0;
    g.col = 3;
    s = pe_diag_format(&g);
    assert_string_equal(s, "input/indicators.csv: 警告：目标值“abc”不是数字");
    free(s);
    g.file = NULL;
    s = pe_diag_format(&g);
    assert_string_equal(s, "警告：目标值“abc”不是数字");
    free(s);
}

static void test_diags_limit_and_counts(void **state)
{
    (void)state;
    pe_diags d;
    pe_diags_init(&d);
    for (int i = 1; i <= 60; i++)
        pe_error(&d, ((pe_src){ "f.csv", i, 1 }), "错误 %d", i);
    pe_warn(&d, ((pe_src){ "f.csv", 61, 1 }), "警告");
    assert_int_equal(d.n, PE_DIAG_MAX);
    assert_int_equal(d.nerrors, 60);
    assert_int_equal(d.nwarnings, 1);
    assert_string_equal(d.items[0].msg, "错误 1");
    assert_string_equal(d.items[PE_DIAG_MAX - 1].msg, "错误 50");
    assert_string_equal(d.items[0].file, "f.csv");
    assert_int_equal(d.items[0].line, 1);
    pe_diags_release(&d);
    assert_int_equal(d.n, 0);
    pe_diags_release(&d);   /* twice is harmless */
}

/* ---- arena and buffers ---- */

static void test_arena(void **state)
{
    (void)state;
    pe_arena_free(NULL);
    pe_arena *a = pe_arena_new();
    assert_non_null(a);
    unsigned char *p = pe_arena_alloc(a, 100);
    assert_non_null(p);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(p[i], 0);
    assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
    memset(p, 0xAB, 100);
    /* a block larger than the default block size, then small ones again */
    unsigned char *big = pe_arena_alloc(a, 200000);
    assert_non_null(big);
    assert_int_equal(big[199999], 0);
    memset(big, 1, 200000);
    for (int i = 0; i < 5000; i++) {
        int *q = pe_arena_alloc(a, sizeof(int) * 10);
        assert_non_null(q);
        assert_int_equal(q[9], 0);
        q[9] = i;
    }
    assert_int_equal(p[99], 0xAB);   /* earlier allocations are untouched */
    assert_string_equal(pe_arena_strdup(a, "中文"), "中文");
    assert_null(pe_arena_strdup(a, NULL));
    assert_string_equal(pe_arena_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(pe_arena_printf(a, "%d年%d月", 2023, 8), "2023年8月");
    assert_non_null(pe_arena_alloc(a, 0));
    pe_arena_free(a);
}

static void test_buf(void **state)
{
    (void)state;
    pe_buf b;
    pe_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        pe_buf_puts(&b, "中");
    pe_buf_printf(&b, "%d", 42);
    pe_buf_add(&b, "xyz", 2);
    assert_int_equal(b.len, 3000 + 2 + 2);
    assert_string_equal(b.s + 3000, "42xy");
    assert_int_equal(b.oom, 0);
    pe_buf_release(&b);
    assert_null(b.s);
}

/* ---- string map ---- */

static void test_strmap(void **state)
{
    (void)state;
    pe_strmap m;
    memset(&m, 0, sizeof m);
    size_t v = 99;
    assert_int_equal(pe_strmap_get(&m, "x", &v), 0);   /* an empty map finds nothing */
    static char keys[5000][16];
    for (size_t i = 0; i < 5000; i++) {
        snprintf(keys[i], sizeof keys[i], "3.%zu", i);
        assert_int_equal(pe_strmap_put(&m, keys[i], i, NULL), 0);
    }
    assert_int_equal(m.n, 5000);
    for (size_t i = 0; i < 5000; i += 7) {
        assert_int_equal(pe_strmap_get(&m, keys[i], &v), 1);
        assert_int_equal(v, i);
    }
    size_t old = 0;
    assert_int_equal(pe_strmap_put(&m, "3.42", 7, &old), 1);   /* already there */
    assert_int_equal(old, 42);
    assert_int_equal(pe_strmap_get(&m, "3.42", &v), 1);
    assert_int_equal(v, 42);                                     /* unchanged */
    assert_int_equal(pe_strmap_get(&m, "3.5000", &v), 0);
    assert_int_equal(pe_strmap_get(&m, "", &v), 0);
    pe_strmap_release(&m);
    pe_strmap_release(&m);
}

/* ---- files and paths ---- */

static void test_paths(void **state)
{
    (void)state;
    char *p = pe_path_join("input", "indicators.csv");
    assert_string_equal(p, "input/indicators.csv");
    free(p);
    p = pe_path_join("input/", "a.csv");
    assert_string_equal(p, "input/a.csv");
    free(p);
    p = pe_path_join(".", "a.csv");
    assert_string_equal(p, "a.csv");
    free(p);
    p = pe_path_join("input", "/abs/a.csv");
    assert_string_equal(p, "/abs/a.csv");
    free(p);
    p = pe_path_dir("input/report.ini");
    assert_string_equal(p, "input");
    free(p);
    p = pe_path_dir("report.ini");
    assert_string_equal(p, ".");
    free(p);
    p = pe_path_dir("/report.ini");
    assert_string_equal(p, "/");
    free(p);
}

static void test_file_read_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/pe-test-util-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    pe_diags d;
    char *buf = NULL, *msg;
    size_t len = 0;

    pe_diags_init(&d);
    snprintf(path, sizeof path, "%s/missing.csv", dir);
    assert_int_equal(pe_file_read(path, "missing.csv", &d, &buf, &len), PE_ERR_INPUT);
    msg = first_diag(&d);
    assert_starts_with(msg, "missing.csv: 错误：");
    assert_contains(msg, "不存在");
    free(msg);
    pe_diags_release(&d);

    pe_diags_init(&d);
    assert_int_equal(pe_file_read(dir, "dir.csv", &d, &buf, &len), PE_ERR_INPUT);
    msg = first_diag(&d);
    assert_contains(msg, "目录");
    free(msg);
    pe_diags_release(&d);

    pe_diags_init(&d);
    snprintf(path, sizeof path, "%s/empty.csv", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(pe_file_read(path, "empty.csv", &d, &buf, &len), PE_ERR_INPUT);
    msg = first_diag(&d);
    assert_contains(msg, "为空");
    free(msg);
    unlink(path);
    pe_diags_release(&d);

    pe_diags_init(&d);
    snprintf(path, sizeof path, "%s/ok.csv", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("a,b\n1,2\n", f);
    fclose(f);
    assert_int_equal(pe_file_read(path, "ok.csv", &d, &buf, &len), PE_OK);
    assert_int_equal(len, 8);
    assert_string_equal(buf, "a,b\n1,2\n");
    assert_int_equal(d.nerrors, 0);
    free(buf);
    unlink(path);
    pe_diags_release(&d);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_thousands_separator),
        cmocka_unit_test(test_number_fullwidth_digits),
        cmocka_unit_test(test_number_fullwidth_minus),
        cmocka_unit_test(test_number_sign_and_spaces),
        cmocka_unit_test(test_number_percent_sign),
        cmocka_unit_test(test_number_missing_marks),
        cmocka_unit_test(test_number_invalid),
        cmocka_unit_test(test_number_nonfinite),
        cmocka_unit_test(test_number_exponent_and_tiny),
        cmocka_unit_test(test_number_decimals_counting),
        cmocka_unit_test(test_number_range_and_precision),
        cmocka_unit_test(test_number_format_extremes),
        cmocka_unit_test(test_number_no_negative_zero),
        cmocka_unit_test(test_number_format),
        cmocka_unit_test(test_number_format_no_minus_zero),
        cmocka_unit_test(test_number_format_nonfinite_and_range),
        cmocka_unit_test(test_percent_format),
        cmocka_unit_test(test_utf8_width),
        cmocka_unit_test(test_utf8_len_decode_encode),
        cmocka_unit_test(test_text_utf8_bom_stripped),
        cmocka_unit_test(test_text_gbk_detected),
        cmocka_unit_test(test_text_invalid_bytes_position),
        cmocka_unit_test(test_text_nul_rejected),
        cmocka_unit_test(test_encoding_parse),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_diag_format),
        cmocka_unit_test(test_diags_limit_and_counts),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_file_read_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
