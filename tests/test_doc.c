/* test_doc.c — unit tests of the template stage (pe_doc.h): heading numbering,
 * field substitution and its error positions, data blocks, text joining, GFM
 * tables, lists and the signature, on templates held in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pe_doc.h"

#define FILE_NAME "templates/report.md"

/* A hand-made field set, as pe_fields_build would give for the sample case. */
static pe_field field_items[] = {
    { "report.title", "钦州市科技创新“十四五”规划中期评估报告" },
    { "report.issuer", "钦州市科学技术局" },
    { "report.date", "2023年8月15日" },
    { "period.base_year", "2020" },
    { "period.data_year", "2022" },
    { "indicators.2.name", "全社会研发经费支出占地区生产总值比重" },
    { "indicators.2.actual", "0.52" },
    { "indicators.3.progress", "62.5%" },
    { "indicators.3.status", "滞后序时进度" },
    { "indicators.summary", "10项主要指标中，快于序时进度3项。" },
    { "counties.灵山县.rate", "105.0%" },
    { "targets.6.1.actual", "161" },
};
static pe_fields fields = { .items = field_items,
                            .n = sizeof field_items / sizeof field_items[0],
                            .cap = sizeof field_items / sizeof field_items[0] };

static pe_status build(const char *tmpl, pe_diags *d, pe_doc **doc)
{
    pe_diags_init(d);
    return pe_doc_build(tmpl, strlen(tmpl), FILE_NAME, &fields, d, doc);
}

/* Index of the first diagnostic at line:col whose message holds `part`; -1. */
static int find_diag(const pe_diags *d, int line, int col, const char *part)
{
    for (size_t i = 0; i < d->n; i++) {
        const pe_diag *g = &d->items[i];
        if (g->line == line && g->col == col && strstr(g->msg, part))
            return (int)i;
    }
    return -1;
}

/* Builds a template that must succeed; the caller frees doc and diags. */
static pe_doc *build_ok(const char *tmpl, pe_diags *d)
{
    pe_doc *doc = NULL;
    pe_status st = build(tmpl, d, &doc);
    if (st != PE_OK) {
        for (size_t i = 0; i < d->n; i++) {
            char *s = pe_diag_format(&d->items[i]);
            print_error("%s\n", s);
            free(s);
        }
    }
    assert_int_equal(st, PE_OK);
    assert_non_null(doc);
    return doc;
}

/* Builds a template that must fail; returns the diagnostics' count. */
static size_t build_fails(const char *tmpl, pe_diags *d)
{
    pe_doc *doc = (pe_doc *)&doc;
    pe_status st = build(tmpl, d, &doc);
    assert_int_equal(st, PE_ERR_INPUT);
    assert_null(doc);
    assert_true(d->nerrors > 0);
    return d->nerrors;
}

/* ---- numbering ---- */

static void test_chinese_number(void **state)
{
    (void)state;
    static const struct { int n; const char *s; } cases[] = {
        { 1, "一" }, { 2, "二" }, { 9, "九" }, { 10, "十" }, { 11, "十一" }, { 19, "十九" },
        { 20, "二十" }, { 21, "二十一" }, { 45, "四十五" }, { 90, "九十" }, { 99, "九十九" },
        { 0, "0" }, { 100, "100" },
    };
    char buf[16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pe_doc_chinese_number(cases[i].n, buf, sizeof buf);
        assert_string_equal(buf, cases[i].s);
    }
}

static void test_heading_numbering_all_levels(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("# 标题\n\n## 甲\n\n### 甲一\n\n### 甲二\n\n#### 细目\n\n"
                           "##### 小项\n\n##### 小项\n\n#### 细目\n\n## 乙\n\n### 乙一\n\n"
                           "#### 乙细目\n", &d);
    static const struct { int level; const char *number, *text; } want[] = {
        { 1, "一、", "甲" }, { 2, "（一）", "甲一" }, { 2, "（二）", "甲二" },
        { 3, "1.", "细目" }, { 4, "（1）", "小项" }, { 4, "（2）", "小项" },
        { 3, "2.", "细目" }, { 1, "二、", "乙" }, { 2, "（一）", "乙一" }, { 3, "1.", "乙细目" },
    };
    assert_int_equal(doc->items[0].kind, PE_BLK_TITLE);
    size_t k = 1;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++, k++) {
        assert_int_equal(doc->items[k].kind, PE_BLK_HEADING);
        assert_int_equal(doc->items[k].level, want[i].level);
        assert_string_equal(doc->items[k].number, want[i].number);
        assert_string_equal(doc->items[k].text, want[i].text);
    }
    assert_int_equal(doc->items[k].kind, PE_BLK_SIGNATURE);
    assert_int_equal(doc->n, k + 1);
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_heading_numbers_past_ten(void **state)
{
    (void)state;
    pe_diags d;
    pe_buf b;
    pe_buf_init(&b);
    for (int i = 0; i < 12; i++)
        pe_buf_puts(&b, "## 节\n\n");
    pe_doc *doc = build_ok(b.s, &d);
    assert_string_equal(doc->items[9].number, "十、");
    assert_string_equal(doc->items[10].number, "十一、");
    assert_string_equal(doc->items[11].number, "十二、");
    pe_doc_free(doc);
    pe_diags_release(&d);
    pe_buf_release(&b);
}

static void test_title_from_heading_or_field(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("# {{report.title}}\n\n正文。\n", &d);
    assert_string_equal(doc->title, "钦州市科技创新“十四五”规划中期评估报告");
    assert_string_equal(doc->items[0].text, doc->title);
    pe_doc_free(doc);
    pe_diags_release(&d);

    doc = build_ok("## 总体进展\n\n正文。\n", &d);
    assert_string_equal(doc->title, "钦州市科技创新“十四五”规划中期评估报告");
    assert_int_equal(doc->items[0].kind, PE_BLK_HEADING);
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_second_title_is_error(void **state)
{
    (void)state;
    pe_diags d;
    build_fails("# 标题\n\n正文。\n\n# 又一个标题\n", &d);
    assert_true(find_diag(&d, 5, 1, "只能有一个") >= 0);
    pe_diags_release(&d);
}

static void test_typed_heading_number_is_error(void **state)
{
    (void)state;
    pe_diags d;
    assert_int_equal(build_fails("## 一、总体进展\n\n### （二）平台\n\n#### 1. 细目\n\n"
                                 "##### (3)小项\n\n## 2、其他\n", &d), 5);
    assert_true(find_diag(&d, 1, 1, "“一、”") >= 0);
    assert_true(find_diag(&d, 3, 1, "“（二）”") >= 0);
    assert_true(find_diag(&d, 5, 1, "“1.”") >= 0);
    assert_true(find_diag(&d, 7, 1, "“(3)”") >= 0);
    assert_true(find_diag(&d, 9, 1, "请删除") >= 0);
    pe_diags_release(&d);

    /* a decimal or a year is not a typed number */
    pe_doc *doc = build_ok("## 1.5倍增长\n\n## 2022年进展\n\n## 十四五中期\n", &d);
    assert_string_equal(doc->items[0].text, "1.5倍增长");
    assert_string_equal(doc->items[2].text, "十四五中期");
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_heading_too_deep_is_error(void **state)
{
    (void)state;
    pe_diags d;
    build_fails("## 甲\n\n###### 太深\n", &d);
    assert_true(find_diag(&d, 3, 1, "层级过深") >= 0);
    pe_diags_release(&d);
}

/* ---- fields ---- */

static void test_field_substitution(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("截至{{period.data_year}}年，{{ indicators.2.name }}达到"
                           "{{indicators.2.actual}}%，灵山县完成率{{counties.灵山县.rate}}。\n\n"
                           "{{indicators.summary}}\n", &d);
    assert_int_equal(doc->items[0].kind, PE_BLK_PARA);
    assert_string_equal(doc->items[0].text, "截至2022年，全社会研发经费支出占地区生产总值比重达到"
                        "0.52%，灵山县完成率105.0%。");
    assert_string_equal(doc->items[1].text, "10项主要指标中，快于序时进度3项。");
    assert_int_equal(d.nerrors, 0);
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_field_value_is_not_markdown(void **state)
{
    (void)state;
    static pe_field items[] = { { "x.v", "*不是强调* [不是链接]" } };
    pe_fields f = { .items = items, .n = 1, .cap = 1 };
    pe_diags d;
    pe_doc *doc = NULL;
    pe_diags_init(&d);
    const char *t = "值为{{x.v}}。\n";
    assert_int_equal(pe_doc_build(t, strlen(t), FILE_NAME, &f, &d, &doc), PE_OK);
    assert_string_equal(doc->items[0].text, "值为*不是强调* [不是链接]。");
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_unknown_field_position_in_characters(void **state)
{
    (void)state;
    pe_diags d;
    /* line 3: "指标进度为" is 5 characters (15 bytes), so `{{` is at column 6;
     * line 5: "- 列表里" is 5 characters, so column 6 again */
    build_fails("# 标题\n\n指标进度为{{indicators.3.progres}}。\n\n"
                "- 列表里{{nope}}\n", &d);
    int i = find_diag(&d, 3, 6, "未知字段“indicators.3.progres”");
    assert_true(i >= 0);
    assert_string_equal(d.items[i].file, FILE_NAME);
    assert_non_null(strstr(d.items[i].msg, "--list-fields"));
    assert_true(find_diag(&d, 5, 6, "未知字段“nope”") >= 0);
    char *s = pe_diag_format(&d.items[i]);
    assert_non_null(strstr(s, "templates/report.md:3:6: 错误：未知字段"));
    free(s);
    pe_diags_release(&d);
}

static void test_unknown_field_suggestion(void **state)
{
    (void)state;
    pe_diags d;
    build_fails("进度{{indicators.3.progres}}\n", &d);
    assert_true(find_diag(&d, 1, 3, "未知字段“indicators.3.progres”，是否为“indicators.3.progress”？")
                >= 0);
    pe_diags_release(&d);
}

static void test_unclosed_and_empty_fields(void **state)
{
    (void)state;
    pe_diags d;
    assert_int_equal(build_fails("标题为{{report.title\n\n空的{{ }}字段\n\n"
                                 "跨行{{report.\ntitle}}\n", &d), 3);
    assert_true(find_diag(&d, 1, 4, "没有配对") >= 0);
    assert_true(find_diag(&d, 3, 3, "空字段") >= 0);
    assert_true(find_diag(&d, 5, 3, "没有配对") >= 0);
    pe_diags_release(&d);
}

static void test_full_width_braces_warn(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("标题：｛｛report.title｝｝\n", &d);
    assert_int_equal(d.nwarnings, 1);
    assert_true(find_diag(&d, 1, 4, "全角") >= 0);
    pe_doc_free(doc);
    pe_diags_release(&d);
}

/* ---- data blocks ---- */

static void test_block_fields(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("## 核心指标\n\n{{table indicators}}\n\n{{ chart  indicators }}\n\n"
                           "{{table targets}}\n\n{{chart targets}}\n\n{{table counties}}\n\n"
                           "　{{annexes}}\n", &d);
    static const pe_block_kind want[] = {
        PE_BLK_HEADING, PE_BLK_TABLE_INDICATORS, PE_BLK_CHART_INDICATORS, PE_BLK_TABLE_TARGETS,
        PE_BLK_CHART_TARGETS, PE_BLK_TABLE_COUNTIES, PE_BLK_SIGNATURE, PE_BLK_ANNEXES,
    };
    assert_int_equal(doc->n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < doc->n; i++)
        assert_int_equal(doc->items[i].kind, want[i]);
    assert_null(doc->items[1].text);
    assert_int_equal(doc->items[1].src.line, 3);
    assert_int_equal(doc->items[2].src.line, 5);
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_block_not_alone_is_error(void **state)
{
    (void)state;
    pe_diags d;
    assert_int_equal(build_fails("见下表：{{table indicators}}\n\n"
                                 "第一行\n{{chart targets}}\n\n"
                                 "## {{annexes}}\n\n"
                                 "- {{table counties}}\n", &d), 4);
    assert_true(find_diag(&d, 1, 5, "须单独成段") >= 0);
    assert_true(find_diag(&d, 4, 1, "须单独成段") >= 0);
    assert_true(find_diag(&d, 6, 4, "须单独成段") >= 0);
    assert_true(find_diag(&d, 8, 3, "列表") >= 0);
    pe_diags_release(&d);
}

static void test_unknown_block_is_error(void **state)
{
    (void)state;
    pe_diags d;
    assert_int_equal(build_fails("{{table foo}}\n\n{{chart indicator}}\n\n正文{{table}}\n", &d), 3);
    assert_true(find_diag(&d, 1, 1, "未知的数据块“{{table foo}}”") >= 0);
    assert_true(find_diag(&d, 3, 1, "是否为“{{chart indicators}}”") >= 0);
    assert_true(find_diag(&d, 5, 3, "未知的数据块") >= 0);
    pe_diags_release(&d);
}

/* ---- text ---- */

static void test_soft_breaks_join(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("全市科技创新\n能力持续提升，\n“十四五”\nR&D\n经费 \nLatin\nwords here\n"
                           "2023\n年\n\n硬换行  \n第二行\\\n第三行\n\n　　首行缩进由程序生成。\n", &d);
    assert_string_equal(doc->items[0].text,
                        "全市科技创新能力持续提升，“十四五”R&D经费Latin words here 2023年");
    assert_string_equal(doc->items[1].text, "硬换行\n第二行\n第三行");
    assert_string_equal(doc->items[2].text, "首行缩进由程序生成。");
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_emphasis_links_and_code_are_plain(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("**重点任务**推进，*总体*良好，见[附件](x.pdf)，代号`A-1`。"
                           "<!-- 办公室注 -->\n\n<!-- 整段注释 -->\n\n末段。\n", &d);
    assert_string_equal(doc->items[0].text, "重点任务推进，总体良好，见附件，代号A-1。");
    assert_string_equal(doc->items[1].text, "末段。");
    assert_int_equal(doc->items[2].kind, PE_BLK_SIGNATURE);
    pe_doc_free(doc);
    pe_diags_release(&d);
}

/* Regression (fuzz_template): a stray byte in a code span reached the block
 * text as invalid UTF-8 (cmark replaces invalid bytes elsewhere, not there).
 * The template now goes through the encoding rules of the tables: a lone byte
 * that is not UTF-8 makes the whole file GB18030, and every text is UTF-8. */
static void test_invalid_utf8_in_code_span(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = NULL;
    pe_status st = build("列：`id,2021,20\x9a\xe2\x80\x9c高`。\n", &d, &doc);
    if (st == PE_OK) {
        for (size_t i = 0; i < doc->n; i++)
            if (doc->items[i].text)
                assert_true(pe_utf8_valid(doc->items[i].text, strlen(doc->items[i].text)));
    } else {
        assert_int_equal(st, PE_ERR_INPUT);
        assert_true(d.nerrors > 0);
    }
    pe_doc_free(doc);
    pe_diags_release(&d);
    /* a NUL byte is an error at its place */
    pe_diags_init(&d);
    doc = NULL;
    st = pe_doc_build("# 标题\n\n正文\0。\n", 21, FILE_NAME, &fields, &d, &doc);
    assert_int_equal(st, PE_ERR_INPUT);
    assert_null(doc);
    assert_true(find_diag(&d, 3, 3, "空字符") >= 0);
    pe_diags_release(&d);
}

static void test_gfm_table_cells(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("| 指标 | 完成值 | 备注 |\n|---|--:|---|\n"
                           "| {{indicators.2.name}} | {{indicators.2.actual}} | **好** |\n"
                           "| 高新技术企业 | {{targets.6.1.actual}} |\n", &d);
    const pe_block *t = &doc->items[0];
    assert_int_equal(t->kind, PE_BLK_GFM_TABLE);
    assert_int_equal(t->ncols, 3);
    assert_int_equal(t->nrows, 3);
    assert_string_equal(t->cells[0], "指标");
    assert_string_equal(t->cells[2], "备注");
    assert_string_equal(t->cells[3], "全社会研发经费支出占地区生产总值比重");
    assert_string_equal(t->cells[4], "0.52");
    assert_string_equal(t->cells[5], "好");
    assert_string_equal(t->cells[7], "161");
    assert_string_equal(t->cells[8], "");
    assert_int_equal(t->src.line, 1);
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_unknown_field_in_table_cell(void **state)
{
    (void)state;
    pe_diags d;
    build_fails("| 甲 | 乙 |\n|---|---|\n| 数值 | {{targets.6.1.actul}} |\n", &d);
    assert_true(find_diag(&d, 3, 8, "是否为“targets.6.1.actual”") >= 0);
    pe_diags_release(&d);
}

static void test_lists_and_pagebreak(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("1. 第一项\n2. 第二项\n   续段同一项\n\n---\n\n- 甲\n- 乙\n\n"
                           "3) 丙\n   - 内层\n", &d);
    const pe_block *b = doc->items;
    assert_int_equal(b[0].kind, PE_BLK_LIST_ITEM);
    assert_string_equal(b[0].number, "1.");
    assert_string_equal(b[0].text, "第一项");
    assert_int_equal(b[0].level, 1);
    assert_string_equal(b[1].number, "2.");
    assert_string_equal(b[1].text, "第二项续段同一项");
    assert_int_equal(b[2].kind, PE_BLK_PAGEBREAK);
    assert_string_equal(b[3].number, "");
    assert_string_equal(b[4].text, "乙");
    assert_string_equal(b[5].number, "3)");
    assert_int_equal(b[6].kind, PE_BLK_LIST_ITEM);
    assert_int_equal(b[6].level, 2);
    assert_string_equal(b[6].text, "内层");
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_signature_appended(void **state)
{
    (void)state;
    pe_diags d;
    pe_doc *doc = build_ok("# 标题\n\n正文。\n", &d);
    const pe_block *last = &doc->items[doc->n - 1];
    assert_int_equal(last->kind, PE_BLK_SIGNATURE);
    assert_string_equal(last->text, "钦州市科学技术局\n2023年8月15日");
    assert_int_equal(last->src.line, 0);
    pe_doc_free(doc);
    pe_diags_release(&d);

    /* the signature closes the body: it goes before trailing annexes */
    doc = build_ok("# 标题\n\n正文。\n\n{{annexes}}\n", &d);
    assert_int_equal(doc->n, 4);
    assert_int_equal(doc->items[2].kind, PE_BLK_SIGNATURE);
    assert_int_equal(doc->items[3].kind, PE_BLK_ANNEXES);
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_code_html_image_quote_are_errors(void **state)
{
    (void)state;
    pe_diags d;
    assert_int_equal(build_fails("正文。\n\n```\ncode\n```\n\n    缩进四格的段落\n\n"
                                 "<div>块</div>\n\n图![图](a.png)\n\n> 引用\n\n文字<b>粗</b>\n", &d), 6);
    assert_true(find_diag(&d, 3, 1, "不支持代码块") >= 0);
    assert_true(find_diag(&d, 7, 5, "行首的空格") >= 0);
    assert_true(find_diag(&d, 9, 1, "不支持 HTML") >= 0);
    assert_true(find_diag(&d, 11, 2, "不支持插入图片") >= 0);
    assert_true(find_diag(&d, 13, 1, "不支持引用块") >= 0);
    assert_true(find_diag(&d, 15, 3, "不支持 HTML 标签“<b>”") >= 0);
    pe_diags_release(&d);
}

static void test_crlf_and_bom(void **state)
{
    (void)state;
    pe_diags d;
    build_fails("\xEF\xBB\xBF# 标题\r\n\r\n第一行\r\n第二{{bad}}\r\n", &d);
    assert_true(find_diag(&d, 4, 3, "未知字段“bad”") >= 0);
    pe_diags_release(&d);

    pe_doc *doc = build_ok("\xEF\xBB\xBF# 标题\r\n\r\n第一行\r\n第二行\r\n", &d);
    assert_string_equal(doc->title, "标题");
    assert_string_equal(doc->items[1].text, "第一行第二行");
    pe_doc_free(doc);
    pe_diags_release(&d);
}

static void test_many_errors_and_free_null(void **state)
{
    (void)state;
    pe_diags d;
    pe_buf b;
    pe_buf_init(&b);
    for (int i = 0; i < 80; i++)
        pe_buf_puts(&b, "{{x}}\n");
    assert_int_equal(build_fails(b.s, &d), 80);
    assert_int_equal(d.n, PE_DIAG_MAX);
    pe_diags_release(&d);
    pe_buf_release(&b);
    pe_doc_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_number),
        cmocka_unit_test(test_heading_numbering_all_levels),
        cmocka_unit_test(test_heading_numbers_past_ten),
        cmocka_unit_test(test_title_from_heading_or_field),
        cmocka_unit_test(test_second_title_is_error),
        cmocka_unit_test(test_typed_heading_number_is_error),
        cmocka_unit_test(test_heading_too_deep_is_error),
        cmocka_unit_test(test_field_substitution),
        cmocka_unit_test(test_field_value_is_not_markdown),
        cmocka_unit_test(test_unknown_field_position_in_characters),
        cmocka_unit_test(test_unknown_field_suggestion),
        cmocka_unit_test(test_unclosed_and_empty_fields),
        cmocka_unit_test(test_full_width_braces_warn),
        cmocka_unit_test(test_block_fields),
        cmocka_unit_test(test_block_not_alone_is_error),
        cmocka_unit_test(test_unknown_block_is_error),
        cmocka_unit_test(test_soft_breaks_join),
        cmocka_unit_test(test_emphasis_links_and_code_are_plain),
        cmocka_unit_test(test_gfm_table_cells),
        cmocka_unit_test(test_invalid_utf8_in_code_span),
        cmocka_unit_test(test_unknown_field_in_table_cell),
        cmocka_unit_test(test_lists_and_pagebreak),
        cmocka_unit_test(test_signature_appended),
        cmocka_unit_test(test_code_html_image_quote_are_errors),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_many_errors_and_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
