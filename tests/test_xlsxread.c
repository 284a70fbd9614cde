/* test_xlsxread.c — the safe XLSX reader (pe_xlsxread.h) on workbooks built
 * here: libxlsxwriter's own output, and hand-made parts as Excel, WPS and
 * LibreOffice write them (inline strings, rich-text runs, phonetic runs, any
 * sheet order), plus hostile files: not a zip, corrupt, oversized, DTDs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pe_xlsxread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#define CT "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELS_ROOT CT "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"

typedef struct {
    const char *name, *data;
    size_t len;         /* 0: strlen(data) */
} part;

/* A zip built in memory from `parts`; malloc'd bytes in *out. */
static size_t make_zip(const part *parts, size_t n, char **out)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    for (size_t i = 0; i < n; i++) {
        size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);
        zip_source_t *s = zip_source_buffer(za, parts[i].data, len, 0);
        assert_non_null(s);
        assert_true(zip_file_add(za, parts[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(za), 0);
    assert_int_equal(zip_source_open(src), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_stat(src, &st), 0);
    char *buf = malloc(st.size);
    assert_non_null(buf);
    assert_int_equal(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *out = buf;
    return (size_t)st.size;
}

/* The workbook parts with two sheets listed in the order 第二, 第一 but stored
 * as sheet1 = 第一; `sheet2_xml` is the content of 第二. */
static size_t make_book(const char *sheet2_xml, char **out)
{
    static const char wb[] = CT "<workbook " NS "><sheets>"
        "<sheet name=\"第二\" sheetId=\"2\" r:id=\"rId2\"/>"
        "<sheet name=\"第一\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/></sheets></workbook>";
    static const char wbrels[] = CT "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
        "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        "</Relationships>";
    static const char sst[] = CT "<sst " NS " count=\"3\" uniqueCount=\"3\">"
        "<si><t>指标名称</t></si>"
        "<si><r><rPr><b/></rPr><t>富</t></r><r><t xml:space=\"preserve\">文本 </t></r><rPh sb=\"0\" eb=\"1\"><t>フ</t></rPh></si>"
        "<si><t>0.6</t></si></sst>";
    static const char styles[] = CT "<styleSheet " NS "><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.0%\"/></numFmts>"
        "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"10\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>";
    static const char sheet1[] = CT "<worksheet " NS "><sheetData>"
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
        "<row r=\"7\"><c r=\"C7\"><v>0.54</v></c><c r=\"D7\" t=\"s\"><v>2</v></c>"
        "<c r=\"E7\" t=\"inlineStr\"><is><r><t>２</t></r><r><t>１</t></r></is></c>"
        "<c r=\"F7\" s=\"1\"><v>6.0000000000000001E-3</v></c><c r=\"G7\" s=\"2\"><v>0.5</v></c>"
        "<c r=\"H7\" t=\"b\"><v>1</v></c><c r=\"I7\" t=\"str\"><f>A1</f><v>指标名称</v></c><c r=\"J7\" s=\"1\"/></row>"
        "<row><c><v>1</v></c><c><v>2</v></c></row>"
        "</sheetData></worksheet>";
    part parts[] = {
        { "[Content_Types].xml", CT "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>", 0 },
        { "_rels/.rels", RELS_ROOT, 0 },
        { "xl/workbook.xml", wb, 0 },
        { "xl/_rels/workbook.xml.rels", wbrels, 0 },
        { "xl/sharedStrings.xml", sst, 0 },
        { "xl/styles.xml", styles, 0 },
        { "xl/worksheets/sheet1.xml", sheet1, 0 },
        { "xl/worksheets/sheet2.xml", sheet2_xml, 0 },
    };
    return make_zip(parts, sizeof parts / sizeof *parts, out);
}

static const char plain_sheet[] = CT "<worksheet " NS "><sheetData><row r=\"2\"><c r=\"B2\"><v>42</v></c></row></sheetData></worksheet>";

static void test_hand_made_parts(void **state)
{
    (void)state;
    char *zip;
    size_t n = make_book(plain_sheet, &zip);
    pe_diags d;
    pe_diags_init(&d);
    pe_xbook *b = NULL;
    assert_int_equal(pe_xbook_read_buf(zip, n, "a.xlsx", &d, &b), PE_OK);
    assert_int_equal(d.nerrors, 0);
    assert_int_equal(b->nsheets, 2);
    assert_string_equal(b->sheets[0].name, "第二");
    assert_string_equal(b->sheets[1].name, "第一");
    assert_false(b->sheets[0].hidden);
    assert_true(b->sheets[1].hidden);
    const pe_xsheet *s = pe_xbook_sheet(b, "第一");
    assert_non_null(s);
    const pe_xcell *c = pe_xsheet_cell(s, 0, 0);
    assert_non_null(c);
    assert_string_equal(c->text, "指标名称");
    c = pe_xsheet_cell(s, 0, 1);     /* rich text: runs joined, phonetic run dropped */
    assert_string_equal(c->text, "富文本 ");
    c = pe_xsheet_cell(s, 6, 2);
    assert_int_equal(c->type, PE_XV_NUMBER);
    assert_string_equal(c->text, "0.54");
    c = pe_xsheet_cell(s, 6, 3);     /* a number stored as text */
    assert_int_equal(c->type, PE_XV_STRING);
    assert_string_equal(c->text, "0.6");
    c = pe_xsheet_cell(s, 6, 4);     /* inline string with runs */
    assert_int_equal(c->type, PE_XV_STRING);
    assert_string_equal(c->text, "２１");
    c = pe_xsheet_cell(s, 6, 5);
    assert_true(c->percent_style);   /* built-in 0.00% */
    c = pe_xsheet_cell(s, 6, 6);
    assert_true(c->percent_style);   /* custom 0.0% */
    assert_int_equal(pe_xsheet_cell(s, 6, 7)->type, PE_XV_BOOL);
    c = pe_xsheet_cell(s, 6, 8);
    assert_true(c->has_formula);
    assert_string_equal(c->text, "指标名称");
    assert_null(pe_xsheet_cell(s, 6, 9));    /* styled but empty */
    /* a row and cells without r: next row, columns in order */
    assert_string_equal(pe_xsheet_cell(s, 7, 0)->text, "1");
    assert_string_equal(pe_xsheet_cell(s, 7, 1)->text, "2");
    assert_string_equal(pe_xsheet_cell(pe_xbook_sheet(b, "第二"), 1, 1)->text, "42");
    pe_xbook_free(b);
    pe_diags_release(&d);
    free(zip);
}

static void test_libxlsxwriter_output(void **state)
{
    (void)state;
    const char *path = PE_BINARY_DIR "/test_xlsxread.xlsx";
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "核心指标");
    worksheet_write_string(ws, 2, 1, "研发经费", NULL);
    worksheet_write_number(ws, 6, 2, 1.01, NULL);
    worksheet_write_string(ws, 6, 3, "=SUM(A1)", NULL);   /* text, never a formula */
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    pe_diags d;
    pe_diags_init(&d);
    pe_xbook *b = NULL;
    assert_int_equal(pe_xbook_read(path, "x.xlsx", &d, &b), PE_OK);
    const pe_xsheet *s = pe_xbook_sheet(b, "核心指标");
    assert_string_equal(pe_xsheet_cell(s, 2, 1)->text, "研发经费");
    assert_string_equal(pe_xsheet_cell(s, 6, 2)->text, "1.01");
    assert_string_equal(pe_xsheet_cell(s, 6, 3)->text, "=SUM(A1)");
    assert_false(pe_xsheet_cell(s, 6, 3)->has_formula);
    pe_xbook_free(b);
    pe_diags_release(&d);
    unlink(path);
}

/* Reads `zip` expecting an error whose message contains `want`. */
static void expect_error(const char *zip, size_t n, const char *want)
{
    pe_diags d;
    pe_diags_init(&d);
    pe_xbook *b = NULL;
    assert_int_equal(pe_xbook_read_buf(zip, n, "bad.xlsx", &d, &b), PE_ERR_INPUT);
    assert_null(b);
    assert_true(d.nerrors >= 1);
    if (!strstr(d.items[0].msg, want))
        fail_msg("message “%s” lacks “%s”", d.items[0].msg, want);
    assert_memory_equal(d.items[0].file, "bad.xlsx", 8);  /* maybe :part */
    pe_diags_release(&d);
}

static void test_not_zip_and_corrupt(void **state)
{
    (void)state;
    expect_error("序号,名称\n1,甲\n", strlen("序号,名称\n1,甲\n"), "不是 zip 格式");
    char *zip;
    size_t n = make_book(plain_sheet, &zip);
    /* flip bytes across the entries' data (the central directory at the end stays) */
    for (size_t i = 40; i < n * 2 / 3; i += 3)
        zip[i] ^= 0x5A;
    pe_diags d;
    pe_diags_init(&d);
    pe_xbook *b = NULL;
    assert_int_not_equal(pe_xbook_read_buf(zip, n, "bad.xlsx", &d, &b), PE_OK);
    assert_null(b);
    assert_true(d.nerrors >= 1);
    pe_diags_release(&d);
    /* truncated: no central directory */
    expect_error(zip, n / 2, "");
    free(zip);
}

static void test_oversized_part(void **state)
{
    (void)state;
    size_t big = PE_XREAD_MAX_PART + 1024;
    char *zeros = calloc(big, 1);
    assert_non_null(zeros);
    memcpy(zeros, CT, strlen(CT));
    part parts[] = {
        { "_rels/.rels", RELS_ROOT, 0 },
        { "xl/workbook.xml", zeros, big },
    };
    char *zip;
    size_t n = make_zip(parts, 2, &zip);
    assert_true(n < big / 100);     /* a bomb: small on disk */
    expect_error(zip, n, "压缩炸弹");
    free(zip);
    free(zeros);
}

static void test_dtd_rejected(void **state)
{
    (void)state;
    static const char xxe[] = CT "<!DOCTYPE worksheet [<!ENTITY x SYSTEM \"file:///etc/passwd\">"
        "<!ENTITY y SYSTEM \"http://127.0.0.1:9/evil\">]>"
        "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&x;&y;</t></is></c></row></sheetData></worksheet>";
    static const char laughs[] = CT "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
        "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>";
    char *zip;
    size_t n = make_book(xxe, &zip);
    expect_error(zip, n, "DTD");
    free(zip);
    n = make_book(laughs, &zip);
    expect_error(zip, n, "DTD");
    free(zip);
}

static void test_bad_xml_and_refs(void **state)
{
    (void)state;
    static const char broken[] = CT "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row></sheetData>";
    static const char badref[] = CT "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"1A\"><v>1</v></c></row></sheetData></worksheet>";
    static const char badsst[] = CT "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row></sheetData></worksheet>";
    char *zip;
    size_t n = make_book(broken, &zip);
    expect_error(zip, n, "XML");
    free(zip);
    n = make_book(badref, &zip);
    expect_error(zip, n, "1A");
    free(zip);
    n = make_book(badsst, &zip);
    expect_error(zip, n, "共享字符串");
    free(zip);
}

static void test_parse_ref(void **state)
{
    (void)state;
    unsigned r, c;
    assert_int_equal(pe_xcell_parse_ref("C7", &r, &c), 0);
    assert_int_equal(r, 6);
    assert_int_equal(c, 2);
    assert_int_equal(pe_xcell_parse_ref("$AA$10", &r, &c), 0);
    assert_int_equal(r, 9);
    assert_int_equal(c, 26);
    assert_int_equal(pe_xcell_parse_ref("A0", &r, &c), -1);
    assert_int_equal(pe_xcell_parse_ref("7C", &r, &c), -1);
    assert_int_equal(pe_xcell_parse_ref("XFE1", &r, &c), -1);
    assert_int_equal(pe_xcell_parse_ref("A1048577", &r, &c), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_made_parts),
        cmocka_unit_test(test_libxlsxwriter_output),
        cmocka_unit_test(test_not_zip_and_corrupt),
        cmocka_unit_test(test_oversized_part),
        cmocka_unit_test(test_dtd_rejected),
        cmocka_unit_test(test_bad_xml_and_refs),
        cmocka_unit_test(test_parse_ref),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
