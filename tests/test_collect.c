/* test_collect.c — the byte-exact CSV patcher of `merge` (pe_csv_patch):
 * only the edited fields change; BOM, CRLF, quoting, GBK and column order of
 * everything else are kept; a missing year column is added after the last. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pe_collect.h"

#include "pe_eval.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Patches `in` and expects exactly `want`. */
static void patch_to(const char *in, const pe_csv_edit *e, size_t n, const char *want)
{
    pe_diags d;
    pe_diags_init(&d);
    char *out = NULL;
    size_t len = 0;
    pe_status st = pe_csv_patch(in, strlen(in), "t.csv", e, n, &d, &out, &len);
    if (st != PE_OK)
        fail_msg("patch failed: %s", d.n ? d.items[0].msg : "?");
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);
    free(out);
    pe_diags_release(&d);
}

static void test_bom_crlf_quotes(void **state)
{
    (void)state;
    const char *in = "\xEF\xBB\xBFid,name,2021,2022,note\r\n"
                     "1,\"研发, 投入\",\"1,234.5\",,\"说明\"\"甲\"\"\"\r\n"
                     "2,高企, 12 ,13,\r\n";
    const pe_csv_edit e[] = {
        { "1", "2021", "1300", 0 },        /* a quoted field, replaced whole */
        { "1", "2022", "7.5", 0 },         /* an empty field */
        { "2", "2021", "12.5", 0 },        /* spaces around the old value */
        { "2", "note", "含,逗号", 0 },     /* the last field, empty before CRLF; quoted */
    };
    patch_to(in, e, 4,
             "\xEF\xBB\xBFid,name,2021,2022,note\r\n"
             "1,\"研发, 投入\",1300,7.5,\"说明\"\"甲\"\"\"\r\n"
             "2,高企,12.5,13,\"含,逗号\"\r\n");
}

static void test_year_suffix_and_last_line(void **state)
{
    (void)state;
    /* 2021年 headers match the year 2021; no newline at the end of the file */
    const char *in = "序号,指标名称,2021年,2022年\n1.1,甲,5,\n1.2,乙,6,7";
    const pe_csv_edit e[] = { { "1.1", "2022", "6", 0 }, { "1.2", "2022", "8", 0 } };
    patch_to(in, e, 2, "序号,指标名称,2021年,2022年\n1.1,甲,5,6\n1.2,乙,6,8");
}

static void test_add_year_column(void **state)
{
    (void)state;
    const char *in = "id,name,2021,2022,dept,note\n1,甲,1,2,科技局,\n\n2,乙,3,4,统计局,备注\n";
    const pe_csv_edit e[] = { { "2", "2023", "5.5", 0 } };
    /* added after the last year column; the blank line stays */
    patch_to(in, e, 1, "id,name,2021,2022,2023,dept,note\n1,甲,1,2,,科技局,\n\n2,乙,3,4,5.5,统计局,备注\n");
    const char *in2 = "id,name,2021年\r\n1,甲,1\r\n";
    const pe_csv_edit e2[] = { { "1", "2022", "2", 0 } };
    patch_to(in2, e2, 1, "id,name,2021年,2022年\r\n1,甲,1,2\r\n");
    const char *in3 = "id,name\n1,甲\n";       /* no year column at all: at the end */
    patch_to(in3, e2, 1, "id,name,2022\n1,甲,2\n");
}

static char *gbk(const char *utf8)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    size_t inl = strlen(utf8), outl = inl * 2 + 1;
    char *out = calloc(outl + 1, 1), *in = (char *)utf8, *o = out;
    assert_int_not_equal(iconv(cd, &in, &inl, &o, &outl), (size_t)-1);
    iconv_close(cd);
    return out;
}

static void test_gbk_kept(void **state)
{
    (void)state;
    /* 研 and 发 as GBK; the milestone word 是 is written in GBK too */
    char *in = gbk("序号,指标名称,单位,2016年,2017年,牵头部门\n1,研发投入,%,1.2,,市科技局\n2,平台建成,,,否,市发改委\n");
    char *want = gbk("序号,指标名称,单位,2016年,2017年,牵头部门\n1,研发投入,%,1.2,1.5,市科技局\n2,平台建成,,,是,市发改委\n");
    const pe_csv_edit e[] = { { "1", "2017", "1.5", 0 }, { "2", "2017", "是", 0 } };
    patch_to(in, e, 2, want);
    free(in);
    free(want);
}

static void test_add_several_columns(void **state)
{
    (void)state;
    const char *in = "id,name,2021,note\n1,甲,1,x\n2,乙,,\n";
    /* two years (ascending after 2021, whatever the edits' order) and a judgement column at the end */
    const pe_csv_edit e[] = { { "2", "2023", "3", 0 }, { "1", "2022", "2", 0 }, { "1", "judgement", "符合序时进度", 0 } };
    patch_to(in, e, 3, "id,name,2021,2022,2023,note,judgement\n1,甲,1,2,,x,符合序时进度\n2,乙,,,3,,\n");
}

/* The county table (long format): a row found by (county, year), Chinese
 * headers, a 2021年 year cell, CRLF; a missing 完成 column is added. */
static void test_county_rows(void **state)
{
    (void)state;
    const char *in = "县区,指标,单位,年份,目标,完成\r\n"
                     "甲县,项目,项,2020,3,4\r\n"
                     "甲县,项目,项,2021年,4,\r\n"
                     "乙县,项目,项,2021,5,5\r\n"
                     "合计,项目,项,2021,9,5\r\n";
    const pe_csv_edit e[] = { { "甲县", "完成", "6", 2021 }, { "合计", "完成", "11", 2021 },
                              { "甲县", "完成", "4.5", 2020 } };
    patch_to(in, e, 3,
             "县区,指标,单位,年份,目标,完成\r\n"
             "甲县,项目,项,2020,3,4.5\r\n"
             "甲县,项目,项,2021年,4,6\r\n"
             "乙县,项目,项,2021,5,5\r\n"
             "合计,项目,项,2021,9,11\r\n");
    const char *no_actual = "county,year,target\n甲县,2021,4\n乙县,2021,5\n";
    const pe_csv_edit e2[] = { { "乙县", "actual", "7", 2021 } };
    patch_to(no_actual, e2, 1, "county,year,target,actual\n甲县,2021,4,\n乙县,2021,5,7\n");
    /* no such row, or no year column: errors, nothing written */
    const pe_csv_edit e3[] = { { "丙县", "完成", "1", 2021 } };
    const char *no_year = "县区,目标,完成\n甲县,4,5\n";
    const pe_csv_edit e4[] = { { "甲县", "完成", "1", 2021 } };
    const char *ins[] = { in, no_year };
    const pe_csv_edit *cases[] = { e3, e4 };
    for (int i = 0; i < 2; i++) {
        pe_diags d;
        pe_diags_init(&d);
        char *out = NULL;
        size_t len = 0;
        assert_int_equal(pe_csv_patch(ins[i], strlen(ins[i]), "c.csv", cases[i], 1, &d, &out, &len),
                         PE_ERR_INPUT);
        assert_null(out);
        assert_true(d.nerrors >= 1);
        pe_diags_release(&d);
    }
}

static void test_errors(void **state)
{
    (void)state;
    const char *in = "id,name,2021\n1,甲,1\n";
    const pe_csv_edit e1[] = { { "9", "2021", "2", 0 } };
    const pe_csv_edit e2[] = { { "1", "a,b", "2", 0 } };
    const pe_csv_edit e3[] = { { "1", "2021", "2", 0 }, { "1", "2021", "3", 0 } };
    const pe_csv_edit *cases[] = { e1, e2, e3 };
    size_t ns[] = { 1, 1, 2 };
    for (int i = 0; i < 3; i++) {
        pe_diags d;
        pe_diags_init(&d);
        char *out = NULL;
        size_t len = 0;
        assert_int_equal(pe_csv_patch(in, strlen(in), "t.csv", cases[i], ns[i], &d, &out, &len),
                         PE_ERR_INPUT);
        assert_null(out);
        assert_true(d.nerrors >= 1);
        pe_diags_release(&d);
    }
}

/* A workbook like the shared one: 核心指标 with indicator 2's years up to the
 * target year as inputs, written with the identification of model `m`. */
static void shared_like_workbook(const pe_model *m, const char *path, double v2023, double v2025)
{
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "核心指标");
    pe_ident *id = pe_ident_new(m, NULL, m->eval_year);
    assert_non_null(id);
    assert_int_equal(pe_ident_write_string(id, ws, 0, 0, "序号", NULL), LXW_NO_ERROR);
    assert_int_equal(pe_ident_write_string(id, ws, 1, 0, "2", NULL), LXW_NO_ERROR);
    worksheet_write_number(ws, 1, 1, v2023, NULL);
    assert_int_equal(pe_ident_add_input(id, ws, 1, 1, PE_ID_ACTUAL, "indicators", "2", 2023, NULL), 0);
    if (v2025 >= 0)
        worksheet_write_number(ws, 1, 2, v2025, NULL);
    assert_int_equal(pe_ident_add_input(id, ws, 1, 2, PE_ID_ACTUAL, "indicators", "2", 2025, NULL), 0);
    assert_int_equal(pe_ident_write(id, wb), LXW_NO_ERROR);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    pe_ident_free(id);
}

static void test_merge_shared_workbook(void **state)
{
    (void)state;
    pe_diags d;
    pe_diags_init(&d);
    pe_model *m = NULL;
    assert_int_equal(pe_model_load(PE_SOURCE_DIR "/input/report.ini", &d, &m), PE_OK);
    pe_evaluate(m, &d);
    assert_int_equal(d.nerrors, 0);
    const char *path = PE_BINARY_DIR "/test_collect_shared.xlsx";
    const char *files[] = { path };

    /* unchanged 2023 value, empty 2025 cell: nothing to do, no error */
    shared_like_workbook(m, path, 0.54, -1);
    pe_diags md;
    pe_diags_init(&md);
    pe_merge_result *res = NULL;
    assert_int_equal(pe_merge_run(m, files, 1, 0, &md, &res), PE_OK);
    assert_int_equal(md.nerrors, 0);
    assert_int_equal(pe_merge_nchanges(res), 0);
    pe_merge_result_free(res);
    pe_diags_release(&md);

    /* a changed 2023 value is a change; a 2025 value is an error at its cell */
    shared_like_workbook(m, path, 0.56, 0.9);
    pe_diags_init(&md);
    assert_int_equal(pe_merge_run(m, files, 1, 0, &md, &res), PE_ERR_INPUT);
    assert_int_equal(md.nerrors, 1);
    assert_non_null(strstr(md.items[0].file, "test_collect_shared.xlsx:核心指标!C2"));
    assert_non_null(strstr(md.items[0].msg, "2025年的数值还不能填写"));
    assert_int_equal(pe_merge_nchanges(res), 1);
    const pe_merge_change *ch = pe_merge_change_at(res, 0);
    assert_string_equal(ch->old_text, "0.54");
    assert_string_equal(ch->new_text, "0.56");
    assert_int_equal(ch->year, 2023);
    assert_string_equal(ch->dept, "各部门（汇总表）");
    assert_int_equal(pe_merge_nwritten(res), 0);
    pe_merge_result_free(res);
    pe_diags_release(&md);

    unlink(path);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* The office's judgement typed in a workbook: a status word and its reason
 * become changes of the judgement columns; a differing judgement needs a reason. */
static void test_merge_judgement(void **state)
{
    (void)state;
    pe_diags d;
    pe_diags_init(&d);
    pe_model *m = NULL;
    assert_int_equal(pe_model_load(PE_SOURCE_DIR "/input/report.ini", &d, &m), PE_OK);
    pe_evaluate(m, &d);
    const pe_indicator *ind = NULL;
    for (size_t i = 0; i < m->indicators.n; i++)
        if (strcmp(m->indicators.items[i].id, "2") == 0)
            ind = &m->indicators.items[i];
    assert_non_null(ind);
    /* a status other than the computed one */
    const char *word = ind->ev.computed_state == PE_ST_ON_TRACK ? "滞后序时进度" : "符合序时进度";
    const char *path = PE_BINARY_DIR "/test_collect_judgement.xlsx";
    const char *files[] = { path };
    for (int with_note = 0; with_note < 2; with_note++) {
        lxw_workbook *wb = workbook_new(path);
        lxw_worksheet *ws = workbook_add_worksheet(wb, "核心指标");
        pe_ident *id = pe_ident_new(m, NULL, m->eval_year);
        worksheet_write_string(ws, 1, 1, word, NULL);
        assert_int_equal(pe_ident_add_input(id, ws, 1, 1, PE_ID_JUDGEMENT, "indicators", "2", 0, NULL), 0);
        if (with_note)
            worksheet_write_string(ws, 1, 2, "已完成中期调度，数据口径调整", NULL);
        assert_int_equal(pe_ident_add_input(id, ws, 1, 2, PE_ID_JUDGEMENT_NOTE, "indicators", "2", 0, NULL), 0);
        worksheet_write_string(ws, 2, 1, "差不多", NULL);
        assert_int_equal(pe_ident_add_input(id, ws, 2, 1, PE_ID_JUDGEMENT, "indicators", "3", 0, NULL), 0);
        assert_int_equal(pe_ident_write(id, wb), LXW_NO_ERROR);
        assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
        pe_ident_free(id);

        pe_diags md;
        pe_diags_init(&md);
        pe_merge_result *res = NULL;
        assert_int_equal(pe_merge_run(m, files, 1, 0, &md, &res), PE_ERR_INPUT);
        int unknown_word = 0, no_reason = 0;
        for (size_t i = 0; i < md.n; i++) {
            if (strstr(md.items[i].file, "核心指标!B3") && strstr(md.items[i].msg, "“差不多”不是评估结论用语"))
                unknown_word = 1;
            if (strstr(md.items[i].file, "核心指标!B2") && strstr(md.items[i].msg, "须在“研判说明”中写明理由"))
                no_reason = 1;
        }
        assert_true(unknown_word);
        assert_int_equal(no_reason, !with_note);
        assert_int_equal(pe_merge_nchanges(res), (size_t)(1 + with_note));
        const pe_merge_change *ch = pe_merge_change_at(res, 0);
        assert_string_equal(ch->column, "judgement");
        assert_string_equal(ch->new_text, word);
        assert_int_equal(ch->year, 0);
        pe_merge_result_free(res);
        pe_diags_release(&md);
    }
    unlink(path);
    pe_model_free(m);
    pe_diags_release(&d);
}

/* --apply on a copy of the sample: the judgement lands in the CSV's
 * judgement column, the reason in judgement_note. */
static void test_merge_judgement_apply(void **state)
{
    (void)state;
    const char *dir = PE_BINARY_DIR "/test_collect_judge";
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp -r '%s/input' '%s/templates' '%s/'", dir,
             dir, PE_SOURCE_DIR, PE_SOURCE_DIR, dir);
    assert_int_equal(system(cmd), 0);
    pe_diags d;
    pe_diags_init(&d);
    pe_model *m = NULL;
    assert_int_equal(pe_model_load(PE_BINARY_DIR "/test_collect_judge/input/report.ini", &d, &m), PE_OK);
    pe_evaluate(m, &d);
    const char *path = PE_BINARY_DIR "/test_collect_judge/j.xlsx";
    const char *files[] = { path };
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "核心指标");
    pe_ident *id = pe_ident_new(m, NULL, m->eval_year);
    worksheet_write_string(ws, 1, 1, "进展缓慢", NULL);
    assert_int_equal(pe_ident_add_input(id, ws, 1, 1, PE_ID_JUDGEMENT, "indicators", "4", 0, NULL), 0);
    worksheet_write_string(ws, 1, 2, "统计口径调整，, \"待核实\"", NULL);
    assert_int_equal(pe_ident_add_input(id, ws, 1, 2, PE_ID_JUDGEMENT_NOTE, "indicators", "4", 0, NULL), 0);
    assert_int_equal(pe_ident_write(id, wb), LXW_NO_ERROR);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    pe_ident_free(id);
    pe_diags md;
    pe_diags_init(&md);
    pe_merge_result *res = NULL;
    assert_int_equal(pe_merge_run(m, files, 1, 1, &md, &res), PE_OK);
    assert_int_equal(pe_merge_nwritten(res), 1);
    pe_merge_result_free(res);
    pe_diags_release(&md);
    pe_model_free(m);
    /* the next load reads the judgement back */
    pe_diags_release(&d);
    pe_diags_init(&d);
    assert_int_equal(pe_model_load(PE_BINARY_DIR "/test_collect_judge/input/report.ini", &d, &m), PE_OK);
    assert_int_equal(d.nerrors, 0);
    const pe_indicator *ind = NULL;
    for (size_t i = 0; i < m->indicators.n; i++)
        if (strcmp(m->indicators.items[i].id, "4") == 0)
            ind = &m->indicators.items[i];
    assert_non_null(ind);
    assert_true(ind->has_judgement);
    assert_int_equal(ind->judgement, PE_ST_SLOW);
    assert_string_equal(ind->judgement_note, "统计口径调整，, \"待核实\"");
    pe_model_free(m);
    pe_diags_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bom_crlf_quotes),
        cmocka_unit_test(test_year_suffix_and_last_line),
        cmocka_unit_test(test_add_year_column),
        cmocka_unit_test(test_gbk_kept),
        cmocka_unit_test(test_add_several_columns),
        cmocka_unit_test(test_merge_shared_workbook),
        cmocka_unit_test(test_merge_judgement),
        cmocka_unit_test(test_merge_judgement_apply),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_county_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
