/* test_csv.c — unit tests of the strict CSV reader (pe_csv.h) on memory
 * buffers: cell positions, quoting, line ends, BOM, encodings, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pe_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One parse: arena, diagnostics and the table, released by fixture_release. */
typedef struct {
    pe_arena *arena;
    pe_diags d;
    pe_csv *csv;
    pe_status st;
} fixture;

static void parse_enc(fixture *f, const char *buf, size_t len, pe_encoding enc)
{
    f->arena = pe_arena_new();
    assert_non_null(f->arena);
    pe_diags_init(&f->d);
    f->csv = NULL;
    f->st = pe_csv_parse(buf, len, enc, "t.csv", f->arena, &f->d, &f->csv);
}

static void parse(fixture *f, const char *text)
{
    parse_enc(f, text, strlen(text), PE_ENC_AUTO);
}

static void fixture_release(fixture *f)
{
    pe_diags_release(&f->d);
    pe_arena_free(f->arena);
}

static void assert_cell(const pe_cell *c, const char *text, int line, int col)
{
    if (text == NULL) {
        if (c->text)
            fail_msg("cell “%s”, want empty", c->text);
    } else if (!c->text || strcmp(c->text, text) != 0) {
        fail_msg("cell “%s”, want “%s”", c->text ? c->text : "(empty)", text);
    }
    if (c->line != line || c->col != col)
        fail_msg("cell “%s” at %d:%d, want %d:%d", c->text ? c->text : "(empty)", c->line,
                 c->col, line, col);
}

/* Asserts that diagnostic i formats as starting with `prefix` and contains `needle`. */
static void assert_diag(const pe_diags *d, size_t i, const char *prefix, const char *needle)
{
    if (i >= d->n)
        fail_msg("diagnostic %zu missing (only %zu)", i, d->n);
    char *s = pe_diag_format(&d->items[i]);
    assert_non_null(s);
    if (strncmp(s, prefix, strlen(prefix)) != 0 || !strstr(s, needle)) {
        fprintf(stderr, "got: %s\n", s);
        free(s);
        fail_msg("diagnostic %zu: want prefix “%s” and “%s”", i, prefix, needle);
    }
    free(s);
}

static void assert_clean(const fixture *f)
{
    if (f->d.nerrors || f->d.nwarnings) {
        char *s = pe_diag_format(&f->d.items[0]);
        fprintf(stderr, "unexpected: %s\n", s ? s : "?");
        free(s);
        fail_msg("%zu errors, %zu warnings", f->d.nerrors, f->d.nwarnings);
    }
    assert_int_equal(f->st, PE_OK);
    assert_non_null(f->csv);
}

/* ---- positions ---- */

static void test_positions_simple(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "序号,名称,值\n1,中文名,12.5\n2,b,\n");
    assert_clean(&f);
    assert_int_equal(f.csv->ncols, 3);
    assert_int_equal(f.csv->nrows, 2);
    assert_int_equal(f.csv->header_line, 1);
    assert_cell(&f.csv->header[0], "序号", 1, 1);
    assert_cell(&f.csv->header[1], "名称", 1, 4);
    assert_cell(&f.csv->header[2], "值", 1, 7);
    assert_cell(&f.csv->rows[0][0], "1", 2, 1);
    assert_cell(&f.csv->rows[0][1], "中文名", 2, 3);   /* columns count characters */
    assert_cell(&f.csv->rows[0][2], "12.5", 2, 7);
    assert_null(f.csv->rows[1][2].text);               /* empty last field */
    assert_int_equal(f.csv->rows[1][2].line, 3);        /* regression: was the next line */
    assert_int_equal(f.csv->rows[1][2].col, 5);
    assert_string_equal(f.csv->file, "t.csv");
    fixture_release(&f);
}

static void test_positions_after_multiline_quoted_field(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,b\n\"第一行\n第二行\",2\n3,\"x,y\"\n");
    assert_clean(&f);
    assert_int_equal(f.csv->nrows, 2);
    assert_cell(&f.csv->rows[0][0], "第一行\n第二行", 2, 1);
    assert_cell(&f.csv->rows[0][1], "2", 3, 6);
    assert_cell(&f.csv->rows[1][0], "3", 4, 1);
    assert_cell(&f.csv->rows[1][1], "x,y", 4, 3);
    fixture_release(&f);
}

static void test_crlf(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,b\r\n1,2\r\n\"x\r\ny\",3\r\n");
    assert_clean(&f);
    assert_int_equal(f.csv->nrows, 2);
    assert_cell(&f.csv->header[1], "b", 1, 3);
    assert_cell(&f.csv->rows[0][1], "2", 2, 3);   /* no trailing CR */
    assert_cell(&f.csv->rows[1][0], "x\r\ny", 3, 1);
    assert_cell(&f.csv->rows[1][1], "3", 4, 4);
    fixture_release(&f);
}

static void test_bom_stripped(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "\xEF\xBB\xBFid,name\n1,a\n");
    assert_clean(&f);
    assert_cell(&f.csv->header[0], "id", 1, 1);
    assert_cell(&f.csv->header[1], "name", 1, 4);
    fixture_release(&f);
}

static void test_blank_lines_skipped(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "\n\na,b\n\n1,2\n\n\n3,4\n\n");
    assert_clean(&f);
    assert_int_equal(f.csv->header_line, 3);
    assert_int_equal(f.csv->nrows, 2);
    assert_cell(&f.csv->rows[0][0], "1", 5, 1);
    assert_cell(&f.csv->rows[1][1], "4", 8, 3);
    fixture_release(&f);
}

static void test_all_empty_rows_dropped(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,b,c\n,,\n1,2,3\n , ,\xE3\x80\x80\n4,5,6\n");
    assert_clean(&f);
    assert_int_equal(f.csv->nrows, 2);
    assert_cell(&f.csv->rows[0][0], "1", 3, 1);
    assert_cell(&f.csv->rows[1][0], "4", 5, 1);
    fixture_release(&f);
}

static void test_no_final_newline(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,b\n1,2\n3,4");
    assert_clean(&f);
    assert_int_equal(f.csv->nrows, 2);
    assert_cell(&f.csv->rows[1][1], "4", 3, 3);
    fixture_release(&f);
}

static void test_trimming_and_quotes(void **state)
{
    (void)state;
    fixture f;
    parse(&f, " a , b ,c\n 1 ,\xE3\x80\x80" "2\xE3\x80\x80,\"he said \"\"hi\"\"\"\n");
    assert_clean(&f);
    assert_cell(&f.csv->header[0], "a", 1, 1);
    assert_cell(&f.csv->header[1], "b", 1, 5);
    assert_cell(&f.csv->rows[0][0], "1", 2, 1);
    assert_cell(&f.csv->rows[0][1], "2", 2, 5);
    assert_cell(&f.csv->rows[0][2], "he said \"hi\"", 2, 9);
    fixture_release(&f);
}

static void test_gbk_buffer(void **state)
{
    (void)state;
    fixture f;
    /* 序号,名称 / 1,中文 in GBK */
    static const char gbk[] = "\xD0\xF2\xBA\xC5,\xC3\xFB\xB3\xC6\n1,\xD6\xD0\xCE\xC4\n";
    parse_enc(&f, gbk, sizeof gbk - 1, PE_ENC_AUTO);
    assert_clean(&f);
    assert_cell(&f.csv->header[0], "序号", 1, 1);
    assert_cell(&f.csv->header[1], "名称", 1, 4);
    assert_cell(&f.csv->rows[0][1], "中文", 2, 3);
    fixture_release(&f);

    parse_enc(&f, gbk, sizeof gbk - 1, PE_ENC_GB18030);
    assert_clean(&f);
    assert_cell(&f.csv->header[0], "序号", 1, 1);
    fixture_release(&f);
}

/* ---- errors ---- */

static void test_ragged_rows(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,b,c\n1,2,3,4\n5,6\n7,8,9\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(f.d.nerrors, 2);
    assert_diag(&f.d, 0, "t.csv:2:7: 错误：", "这一行有 4 列，而表头有 3 列");
    assert_diag(&f.d, 1, "t.csv:3:1: 错误：", "这一行有 2 列，而表头有 3 列");
    assert_non_null(f.csv);
    assert_int_equal(f.csv->nrows, 1);          /* only the good row is kept */
    assert_cell(&f.csv->rows[0][0], "7", 4, 1);
    fixture_release(&f);
}

static void test_many_ragged_rows_summarised(void **state)
{
    (void)state;
    char buf[512] = "a,b\n";
    for (int i = 0; i < 13; i++)
        strcat(buf, "1,2,3\n");
    fixture f;
    parse(&f, buf);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(f.d.nerrors, 11);   /* 10 listed + one summary */
    assert_diag(&f.d, 0, "t.csv:2:5: 错误：", "这一行有 3 列");
    assert_diag(&f.d, 10, "t.csv: 错误：", "另有 3 行");
    fixture_release(&f);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,b\n1,2\n3,\"未闭合\n4,5\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(f.d.nerrors, 1);
    assert_diag(&f.d, 0, "t.csv:3:3: 错误：", "引号未闭合");
    fixture_release(&f);
}

static void test_stray_quote(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,b\n1,ab\"c\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_true(f.d.nerrors >= 1);
    assert_diag(&f.d, 0, "t.csv:2:5: 错误：", "引号使用不规范");
    fixture_release(&f);

    /* text after a closing quote */
    parse(&f, "a,b\n\"x\"y,2\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_diag(&f.d, 0, "t.csv:2:", "引号使用不规范");
    fixture_release(&f);
}

static void test_empty_header_cell(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,,c\n1,2,3\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(f.d.nerrors, 1);
    assert_diag(&f.d, 0, "t.csv:1:3: 错误：", "表头第 2 列没有列名");
    fixture_release(&f);
}

static void test_empty_and_blank_input(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "\n\r\n\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_null(f.csv);
    assert_diag(&f.d, 0, "t.csv: 错误：", "没有任何内容");
    fixture_release(&f);

    parse(&f, ",,\n,,\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_diag(&f.d, 0, "t.csv: 错误：", "没有任何内容");
    fixture_release(&f);
}

static void test_header_only(void **state)
{
    (void)state;
    fixture f;
    parse(&f, "a,b\n");
    assert_clean(&f);
    assert_int_equal(f.csv->ncols, 2);
    assert_int_equal(f.csv->nrows, 0);
    fixture_release(&f);
}

static void test_nul_and_invalid_bytes(void **state)
{
    (void)state;
    fixture f;
    static const char nul[] = "a,b\n1,\0\n";
    parse_enc(&f, nul, sizeof nul - 1, PE_ENC_AUTO);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_null(f.csv);
    assert_diag(&f.d, 0, "t.csv:2:3: 错误：", "空字符");
    fixture_release(&f);

    parse(&f, "a,b\n1,\xFF\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_null(f.csv);
    assert_diag(&f.d, 0, "t.csv:2:3: 错误：", "0xFF");
    fixture_release(&f);
}

static void test_field_too_long(void **state)
{
    (void)state;
    size_t n = 200000;
    char *buf = malloc(n + 32);
    assert_non_null(buf);
    strcpy(buf, "a,b\n1,");
    size_t k = strlen(buf);
    memset(buf + k, 'x', n);
    strcpy(buf + k + n, "\n2,3\n");
    fixture f;
    parse(&f, buf);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(f.d.nerrors, 1);
    assert_diag(&f.d, 0, "t.csv:2:3: 错误：", "单元格内容过长");
    fixture_release(&f);
    free(buf);
}

static void test_many_rows(void **state)
{
    (void)state;
    pe_buf b;
    pe_buf_init(&b);
    pe_buf_puts(&b, "id,v\n");
    for (int i = 1; i <= 20000; i++)
        pe_buf_printf(&b, "%d,%d.5\n", i, i);
    assert_int_equal(b.oom, 0);
    fixture f;
    parse_enc(&f, b.s, b.len, PE_ENC_AUTO);
    assert_clean(&f);
    assert_int_equal(f.csv->nrows, 20000);
    assert_cell(&f.csv->rows[19999][0], "20000", 20001, 1);
    assert_cell(&f.csv->rows[19999][1], "20000.5", 20001, 7);
    fixture_release(&f);
    pe_buf_release(&b);
}

static void test_csv_load_file_errors(void **state)
{
    (void)state;
    pe_arena *a = pe_arena_new();
    pe_diags d;
    pe_csv *csv = (pe_csv *)1;
    pe_diags_init(&d);
    assert_int_not_equal(pe_csv_load("/nonexistent/pe/x.csv", "x.csv", PE_ENC_AUTO, a, &d, &csv),
                         PE_OK);
    assert_null(csv);
    assert_diag(&d, 0, "x.csv: 错误：", "不存在");
    pe_diags_release(&d);
    pe_arena_free(a);
}

/* Regression (issue 13): positions were found by rescanning the line per
 * field, quadratic in a wide row. A 16,000-column row keeps exact columns. */
static void test_positions_wide_row(void **state)
{
    (void)state;
    const size_t ncols = 16000;
    pe_buf b;
    pe_buf_init(&b);
    for (size_t i = 0; i < ncols; i++)
        pe_buf_puts(&b, i ? ",列" : "列");
    pe_buf_puts(&b, "\n");
    for (size_t i = 0; i < ncols; i++)
        pe_buf_puts(&b, i ? ",x" : "x");
    pe_buf_puts(&b, "\n");
    fixture f;
    parse_enc(&f, b.s, b.len, PE_ENC_UTF8);
    assert_clean(&f);
    assert_int_equal(f.csv->ncols, ncols);
    assert_cell(&f.csv->header[ncols - 1], "列", 1, (int)(2 * ncols - 1));
    assert_cell(&f.csv->rows[0][ncols - 1], "x", 2, (int)(2 * ncols - 1));
    fixture_release(&f);
    pe_buf_release(&b);
}

/* A row of more than 16,384 cells stops the read with an error at the cell. */
static void test_too_many_columns(void **state)
{
    (void)state;
    size_t n = PE_CSV_MAX_COLS + 10;
    char *buf = malloc(n + 8);
    assert_non_null(buf);
    memcpy(buf, "a,b\n", 4);
    memset(buf + 4, ',', n);
    buf[4 + n] = '\n';
    fixture f;
    parse_enc(&f, buf, n + 5, PE_ENC_UTF8);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_null(f.csv);
    assert_int_equal(f.d.nerrors, 1);
    assert_diag(&f.d, 0, "t.csv:2:16385: 错误：", "超过 16384 列");
    fixture_release(&f);
    free(buf);
}

/* A row longer than 1 MB (short cells) stops the read at the cell where it passed the limit. */
static void test_row_too_long(void **state)
{
    (void)state;
    pe_buf b;
    pe_buf_init(&b);
    pe_buf_puts(&b, "a,b\n1,");
    while (b.len < PE_CSV_MAX_ROW + 100)
        pe_buf_puts(&b, "\"0123456789012345678901234567890123456789"
                        "0123456789012345678901234567890123456789012345\"\"\"");
    pe_buf_puts(&b, "\n");
    fixture f;
    parse_enc(&f, b.s, b.len, PE_ENC_UTF8);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(f.d.nerrors, 1);
    assert_diag(&f.d, 0, "t.csv:2:3: 错误：", "单元格内容过长");
    fixture_release(&f);
    pe_buf_release(&b);

    /* many cells: the row error names the cell being read */
    pe_buf_init(&b);
    pe_buf_puts(&b, "a\n");
    for (int i = 0; i < 16000; i++)
        pe_buf_puts(&b, "\"0123456789012345678901234567890123456789012345678901234567890123456789\",");
    pe_buf_puts(&b, "x\n");
    parse_enc(&f, b.s, b.len, PE_ENC_UTF8);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(f.d.nerrors, 1);
    assert_diag(&f.d, 0, "t.csv:2:", "这一行超过 1048576 字节");
    fixture_release(&f);
    pe_buf_release(&b);
}

/* More than 1,048,575 data rows: an error at the first row too many, before
 * the rest of the file is read. */
static void test_too_many_rows(void **state)
{
    (void)state;
    size_t rows = PE_CSV_MAX_ROWS + 3;
    size_t len = 2 + 2 * rows;
    char *buf = malloc(len);
    assert_non_null(buf);
    for (size_t i = 0; i < len; i += 2) {
        buf[i] = i ? '1' : 'a';
        buf[i + 1] = '\n';
    }
    fixture f;
    parse_enc(&f, buf, len, PE_ENC_UTF8);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(f.d.nerrors, 1);
    assert_diag(&f.d, 0, "t.csv:1048577:1: 错误：", "超过 1048575 行");
    fixture_release(&f);

    /* exactly the limit is accepted */
    parse_enc(&f, buf, len - 6, PE_ENC_UTF8);
    assert_clean(&f);
    assert_int_equal(f.csv->nrows, PE_CSV_MAX_ROWS);
    fixture_release(&f);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions_simple),
        cmocka_unit_test(test_positions_after_multiline_quoted_field),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom_stripped),
        cmocka_unit_test(test_blank_lines_skipped),
        cmocka_unit_test(test_all_empty_rows_dropped),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_trimming_and_quotes),
        cmocka_unit_test(test_gbk_buffer),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_many_ragged_rows_summarised),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_empty_header_cell),
        cmocka_unit_test(test_empty_and_blank_input),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_nul_and_invalid_bytes),
        cmocka_unit_test(test_field_too_long),
        cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_csv_load_file_errors),
        cmocka_unit_test(test_positions_wide_row),
        cmocka_unit_test(test_too_many_columns),
        cmocka_unit_test(test_row_too_long),
        cmocka_unit_test(test_too_many_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
