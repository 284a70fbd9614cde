/* test_model.c — unit tests of the loaders (pe_model.h) on memory buffers:
 * indicator tables (schema, aliases, values, every error of SPEC §8 with its
 * position), county tables, annex tables, and report.ini via temp files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pe_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ---- */

typedef struct {
    pe_model *m;
    pe_diags d;
    pe_status st;
} fixture;

/* A model with the plan period 2020–2025, evaluated in 2023. */
static void fixture_init(fixture *f)
{
    f->m = pe_model_new();
    assert_non_null(f->m);
    f->m->base_year = 2020;
    f->m->target_year = 2025;
    f->m->eval_year = 2023;
    pe_diags_init(&f->d);
    f->st = PE_OK;
}

static void fixture_release(fixture *f)
{
    pe_diags_release(&f->d);
    pe_model_free(f->m);
}

static pe_indicator_table *indicators(fixture *f, const char *csv)
{
    fixture_init(f);
    f->st = pe_indicator_table_parse(f->m, &f->m->indicators, csv, strlen(csv), PE_ENC_AUTO,
                                     "t.csv", &f->d);
    return &f->m->indicators;
}

static pe_county_table *counties(fixture *f, const char *csv)
{
    fixture_init(f);
    f->st = pe_county_table_parse(f->m, &f->m->counties, csv, strlen(csv), PE_ENC_AUTO, "c.csv",
                                  &f->d);
    return &f->m->counties;
}

static pe_annex *annex(fixture *f, const char *title, const char *csv, const char *merge,
                       const char *total)
{
    fixture_init(f);
    pe_annex *a = pe_arena_alloc(f->m->arena, sizeof *a);
    assert_non_null(a);
    a->number = 1;
    a->section = "annex.1";
    a->title = title;
    a->merge_src = (pe_src){ "report.ini", 30, 1 };
    a->total_src = (pe_src){ "report.ini", 31, 1 };
    f->st = pe_annex_parse(f->m, a, csv, strlen(csv), PE_ENC_AUTO, "a.csv", merge, total, &f->d);
    return a;
}

static void assert_near(double got, double want)
{
    if (fabs(got - want) > 1e-9 * (1.0 + fabs(want)))
        fail_msg("got %.12g, want %.12g", got, want);
}

static void dump(const pe_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        char *s = pe_diag_format(&d->items[i]);
        fprintf(stderr, "  [%zu] %s\n", i, s ? s : "?");
        free(s);
    }
}

/* Some diagnostic starts with `prefix` and contains `needle`. */
static void assert_has_diag(const pe_diags *d, const char *prefix, const char *needle)
{
    for (size_t i = 0; i < d->n; i++) {
        char *s = pe_diag_format(&d->items[i]);
        int ok = s && strncmp(s, prefix, strlen(prefix)) == 0 && strstr(s, needle);
        free(s);
        if (ok)
            return;
    }
    dump(d);
    fail_msg("no diagnostic “%s…%s”", prefix, needle);
}

static void assert_counts(const pe_diags *d, size_t nerrors, size_t nwarnings)
{
    if (d->nerrors != nerrors || d->nwarnings != nwarnings) {
        dump(d);
        fail_msg("%zu errors and %zu warnings, want %zu and %zu", d->nerrors, d->nwarnings,
                 nerrors, nwarnings);
    }
}

/* ---- indicator tables ---- */

static void test_indicator_basic(void **state)
{
    (void)state;
    fixture f;
    pe_indicator_table *t = indicators(&f,
        "id,name,unit,kind,direction,nature,base,target,target_max,decimals,2021,2022,2023,2024,2025,dept,note\n"
        "2,全社会研发经费支出占地区生产总值比重,%,level,up,,0.14,1.01,,,0.31,0.38,0.54,,,市科技局,说明\n"
        "3,高新技术企业数,家,,,,19,25,,,20,,24,,,,\n");
    assert_counts(&f.d, 0, 0);
    assert_int_equal(f.st, PE_OK);
    assert_int_equal(t->n, 2);
    assert_int_equal(t->nyears, 5);
    assert_int_equal(t->years[0], 2021);
    assert_int_equal(t->years[4], 2025);
    assert_string_equal(t->file, "t.csv");
    const pe_indicator *a = &t->items[0], *b = &t->items[1];
    assert_string_equal(a->id, "2");
    assert_string_equal(a->name, "全社会研发经费支出占地区生产总值比重");
    assert_string_equal(a->unit, "%");
    assert_string_equal(a->dept, "市科技局");
    assert_string_equal(a->note, "说明");
    assert_null(a->nature);
    assert_int_equal(a->kind, PE_KIND_LEVEL);
    assert_int_equal(a->dir, PE_DIR_UP);
    assert_true(a->has_base);
    assert_near(a->base, 0.14);
    assert_near(a->target, 1.01);
    assert_false(a->has_target_max);
    assert_int_equal(a->decimals, 2);
    assert_true(a->has_value[2]);
    assert_near(a->value[2], 0.54);
    assert_false(a->has_value[3]);
    assert_int_equal(a->src.line, 2);
    /* defaults: level, up; a gap in the years stays a gap */
    assert_int_equal(b->kind, PE_KIND_LEVEL);
    assert_int_equal(b->dir, PE_DIR_UP);
    assert_true(b->has_value[0]);
    assert_false(b->has_value[1]);
    assert_true(b->has_value[2]);
    assert_null(b->dept);
    assert_int_equal(b->decimals, 0);
    assert_int_equal(b->src.line, 3);
    assert_int_equal(b->target_src.line, 3);
    assert_int_equal(b->target_src.col, 19);
    fixture_release(&f);
}

static void test_indicator_chinese_aliases(void **state)
{
    (void)state;
    fixture f;
    pe_indicator_table *t = indicators(&f,
        "序号,指标名称,单位,类型,方向,属性,基期值,目标值,目标上限,小数位,2021,2022,2023\n"
        "1,全社会研发经费投入增长,%,年均增长,正向,约束性,－60,60,,0,160,45,44\n"
        "2,单位产值能耗,吨标准煤,水平值,逆向,预期性,10,8,,1,9.5,9,8.8\n");
    assert_counts(&f.d, 0, 0);
    assert_int_equal(t->n, 2);
    assert_int_equal(t->items[0].kind, PE_KIND_GROWTH);
    assert_int_equal(t->items[0].dir, PE_DIR_UP);
    assert_string_equal(t->items[0].nature, "约束性");
    assert_near(t->items[0].base, -60.0);
    assert_int_equal(t->items[0].decimals, 0);
    assert_int_equal(t->items[1].kind, PE_KIND_LEVEL);
    assert_int_equal(t->items[1].dir, PE_DIR_DOWN);
    assert_string_equal(t->items[1].nature, "预期性");
    assert_int_equal(t->items[1].decimals, 1);
    fixture_release(&f);
}

static void test_indicator_unknown_column(void **state)
{
    (void)state;
    fixture f;
    indicators(&f, "id,name,targte,2021\n1,a,5,1\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "t.csv:1:9: 错误：", "未知的列“targte”，是否为“target”？");
    assert_has_diag(&f.d, "t.csv:1:1: 错误：", "缺少必需的列“target”");
    fixture_release(&f);

    indicators(&f, "id,name,target,备注说明\n1,a,5,x\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "t.csv:1:16: 错误：", "未知的列“备注说明”");
    fixture_release(&f);
}

static void test_indicator_duplicate_and_missing_columns(void **state)
{
    (void)state;
    fixture f;
    indicators(&f, "id,name,target,目标值\n1,a,5,6\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "t.csv:1:16: 错误：", "与第 3 列重复");
    fixture_release(&f);

    indicators(&f, "id,unit\n1,%\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_counts(&f.d, 2, 0);
    assert_has_diag(&f.d, "t.csv:1:1: 错误：", "缺少必需的列“name”");
    assert_has_diag(&f.d, "t.csv:1:1: 错误：", "缺少必需的列“target”");
    fixture_release(&f);
}

static void test_indicator_years_sorted(void **state)
{
    (void)state;
    fixture f;
    pe_indicator_table *t = indicators(&f, "id,name,target,2023,2021,2022年\n1,a,10,3,1,2\n");
    assert_counts(&f.d, 0, 0);
    assert_int_equal(t->nyears, 3);
    assert_int_equal(t->years[0], 2021);
    assert_int_equal(t->years[1], 2022);
    assert_int_equal(t->years[2], 2023);
    assert_near(t->items[0].value[0], 1.0);
    assert_near(t->items[0].value[1], 2.0);
    assert_near(t->items[0].value[2], 3.0);
    fixture_release(&f);
}

static void test_indicator_decimals(void **state)
{
    (void)state;
    fixture f;
    pe_indicator_table *t = indicators(&f,
        "id,name,target,base,decimals,2021\n"
        "1,a,0.7,0.499,,0.512\n"
        "2,b,\"5,000\",\"1,234.5\",,\"2,000\"\n"
        "3,c,10,1,2,5\n"
        "4,d,１２３,－６０,,６０．２５\n");
    assert_counts(&f.d, 0, 0);
    assert_int_equal(t->items[0].decimals, 3);
    assert_int_equal(t->items[1].decimals, 1);
    assert_near(t->items[1].target, 5000.0);
    assert_near(t->items[1].base, 1234.5);
    assert_int_equal(t->items[2].decimals, 2);   /* explicit */
    assert_near(t->items[3].target, 123.0);
    assert_near(t->items[3].base, -60.0);
    assert_near(t->items[3].value[0], 60.25);
    assert_int_equal(t->items[3].decimals, 2);
    fixture_release(&f);

    indicators(&f, "id,name,target,decimals,note\n1,a,1,7,x\n2,b,1,1.5,x\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "t.csv:2:7: 错误：", "小数位“7”应为 0 到 6 的整数");
    assert_has_diag(&f.d, "t.csv:3:7: 错误：", "小数位“1.5”应为 0 到 6 的整数");
    fixture_release(&f);
}

static void test_indicator_no_baseline_and_range(void **state)
{
    (void)state;
    fixture f;
    pe_indicator_table *t = indicators(&f,
        "id,name,base,target,target_max,2021\n"
        "1,a,-,15.4,,8.6\n"
        "2,b,,2,3,1\n"
        "3,c,—,1,1,0\n");
    assert_counts(&f.d, 0, 0);
    assert_false(t->items[0].has_base);
    assert_false(t->items[1].has_base);
    assert_false(t->items[2].has_base);
    assert_true(t->items[1].has_target_max);
    assert_near(t->items[1].target, 2.0);
    assert_near(t->items[1].target_max, 3.0);
    assert_true(t->items[2].has_target_max);   /* equal bounds are allowed */
    fixture_release(&f);
}

static void test_indicator_row_errors(void **state)
{
    (void)state;
    fixture f;
    indicators(&f,
        "id,name,target,note\n"
        "1,a,5,x\n"
        "1,b,6,x\n"
        "2,,7,x\n"
        "3,c,,x\n"
        "4,d,abc,x\n"
        "5,e,-,x\n"
        ",f,1,x\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_counts(&f.d, 6, 0);
    assert_has_diag(&f.d, "t.csv:3:1: 错误：", "序号“1”与第 2 行重复");
    assert_has_diag(&f.d, "t.csv:4:3: 错误：", "指标名称为空");
    assert_has_diag(&f.d, "t.csv:5:5: 错误：", "目标值为空");
    assert_has_diag(&f.d, "t.csv:6:5: 错误：", "目标值“abc”不是数字");
    assert_has_diag(&f.d, "t.csv:7:5: 错误：", "目标值为空");
    assert_has_diag(&f.d, "t.csv:8:1: 错误：", "序号（id）为空");
    fixture_release(&f);
}

static void test_indicator_nonfinite_values(void **state)
{
    (void)state;
    fixture f;
    indicators(&f,
        "id,name,base,target,2021,2022,note\n"
        "1,a,NaN,5,1,2,x\n"
        "2,b,1,inf,1,2,x\n"
        "3,c,1,5,1e400,2,x\n"
        "4,d,1,5,1,-Infinity,x\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_counts(&f.d, 4, 0);
    assert_has_diag(&f.d, "t.csv:2:5: 错误：", "基期值“NaN”不是有限数值");
    assert_has_diag(&f.d, "t.csv:3:7: 错误：", "目标值“inf”不是有限数值");
    assert_has_diag(&f.d, "t.csv:4:9: 错误：", "2021年实际值“1e400”不是有限数值");
    assert_has_diag(&f.d, "t.csv:5:11: 错误：", "2022年实际值“-Infinity”不是有限数值");
    fixture_release(&f);
}

static void test_indicator_year_header_errors(void **state)
{
    (void)state;
    fixture f;
    indicators(&f, "id,name,target,20222,2020,2019,2026,2021,2021\n1,a,5,1,1,1,1,1,1\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_counts(&f.d, 5, 0);
    assert_has_diag(&f.d, "t.csv:1:16: 错误：", "年份列“20222”不是四位年份");
    assert_has_diag(&f.d, "t.csv:1:22: 错误：", "年份列 2020 不在规划期内");
    assert_has_diag(&f.d, "t.csv:1:27: 错误：", "年份列 2019 不在规划期内");
    assert_has_diag(&f.d, "t.csv:1:32: 错误：", "年份列 2026 晚于目标年 2025");
    assert_has_diag(&f.d, "t.csv:1:42: 错误：", "年份列 2021 重复出现");
    fixture_release(&f);
}

static void test_indicator_value_rules(void **state)
{
    (void)state;
    fixture f;
    indicators(&f,
        "id,name,kind,direction,nature,target,target_max,2022,2023,2024,note\n"
        "1,a,level,up,,25,,1,2,3,x\n"           /* 2024 > eval_year */
        "2,b,growth,up,,8,,5,-100,,x\n"         /* growth ≤ −100 */
        "3,c,level,up,,25,22,1,2,,x\n"          /* target_max < target */
        "4,d,lvl,up,,5,,1,2,,x\n"
        "5,e,level,upward,,5,,1,2,,x\n"
        "6,f,level,up,必须,5,,1,2,,x\n"
        "7,g,growth,up,,-100,,1,2,,x\n");       /* growth target ≤ −100 */
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_counts(&f.d, 9, 0);
    /* growth chains B+1…y: a table without a 2021 column cannot hold a growth series */
    assert_has_diag(&f.d, "t.csv:3:3: 错误：", "缺少 2021 年的列");
    assert_has_diag(&f.d, "t.csv:8:3: 错误：", "缺少 2021 年的列");
    assert_has_diag(&f.d, "t.csv:2:23: 错误：", "2024 年晚于评估年 2023");
    assert_has_diag(&f.d, "t.csv:3:21: 错误：", "年增长率 -100% 不可能小于或等于 -100%");
    assert_has_diag(&f.d, "t.csv:4:18: 错误：", "目标上限 22 小于目标值 25");
    assert_has_diag(&f.d, "t.csv:5:5: 错误：", "类型“lvl”无法识别");
    assert_has_diag(&f.d, "t.csv:6:11: 错误：", "方向“upward”无法识别");
    assert_has_diag(&f.d, "t.csv:7:14: 错误：", "属性“必须”无法识别");
    assert_has_diag(&f.d, "t.csv:8:16: 错误：", "年均增长率目标 -100% 不可能小于或等于 -100%");
    fixture_release(&f);
}

static void test_indicator_header_only_and_gbk(void **state)
{
    (void)state;
    fixture f;
    pe_indicator_table *t = indicators(&f, "id,name,target\n");
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 1);
    assert_has_diag(&f.d, "t.csv:1: 警告：", "只有表头");
    assert_int_equal(t->n, 0);
    fixture_release(&f);

    /* 序号,指标名称,目标值 / 1,中文,5 in GBK */
    fixture_init(&f);
    static const char gbk[] = "\xD0\xF2\xBA\xC5,\xD6\xB8\xB1\xEA\xC3\xFB\xB3\xC6,"
                              "\xC4\xBF\xB1\xEA\xD6\xB5\n1,\xD6\xD0\xCE\xC4,5\n";
    f.st = pe_indicator_table_parse(f.m, &f.m->indicators, gbk, sizeof gbk - 1, PE_ENC_AUTO,
                                    "g.csv", &f.d);
    assert_counts(&f.d, 0, 0);
    assert_int_equal(f.m->indicators.n, 1);
    assert_string_equal(f.m->indicators.items[0].name, "中文");
    fixture_release(&f);
}

/* ---- county tables ---- */

static const char county_csv[] =
    "county,measure,unit,year,target,actual\n"
    "灵山县,重大科技成果转化项目,项,2022,4,5\n"
    "灵山县,重大科技成果转化项目,项,2021,3,3\n"
    "浦北县,重大科技成果转化项目,项,2021,3,2\n"
    "浦北县,重大科技成果转化项目,项,2022,4,\n"
    "合计,重大科技成果转化项目,项,2021,6,5\n"
    "合计,重大科技成果转化项目,项,2022,8,5\n";

static void test_county_pivot(void **state)
{
    (void)state;
    fixture f;
    pe_county_table *t = counties(&f, county_csv);
    assert_counts(&f.d, 0, 0);
    assert_int_equal(f.st, PE_OK);
    assert_true(t->present);
    assert_string_equal(t->measure, "重大科技成果转化项目");
    assert_string_equal(t->unit, "项");
    assert_int_equal(t->nyears, 2);
    assert_int_equal(t->years[0], 2021);
    assert_int_equal(t->years[1], 2022);
    assert_int_equal(t->n, 2);                /* 合计 is not a county */
    assert_string_equal(t->items[0].name, "灵山县");
    assert_string_equal(t->items[1].name, "浦北县");
    assert_near(t->items[0].target[0], 3.0);
    assert_near(t->items[0].actual[1], 5.0);
    assert_true(t->items[1].has_target[1]);
    assert_false(t->items[1].has_actual[1]);
    assert_int_equal(t->items[0].src.line, 2);
    fixture_release(&f);
}

static void test_county_aliases_and_stated_total_mismatch(void **state)
{
    (void)state;
    fixture f;
    counties(&f,
        "县区,指标,单位,年份,目标,完成\n"
        "甲县,项目,项,2021,3,4\n"
        "乙县,项目,项,2021,3,3\n"
        "合计,项目,项,2021,7,8\n");
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 2);
    assert_has_diag(&f.d, "c.csv:4:1: 警告：", "2021 年合计行的目标为 7，但各县区目标之和为 6");
    assert_has_diag(&f.d, "c.csv:4:1: 警告：", "2021 年合计行的完成值为 8，但各县区完成值之和为 7");
    fixture_release(&f);
}

/* Regression (issue 13): county names were matched by a linear search (10 MB
 * of distinct names took minutes). PE_MAX_TABLE_ROWS − 1 distinct counties keep
 * their order, each its own figures; a duplicate far from its first row is
 * still found. */
static void test_county_many_distinct(void **state)
{
    (void)state;
    pe_buf b;
    pe_buf_init(&b);
    pe_buf_puts(&b, "county,year,target,actual\n");
    for (int i = 0; i < PE_MAX_TABLE_ROWS - 1; i++)
        pe_buf_printf(&b, "县%d,%d,%d,%d\n", i, 2021 + i % 2, i % 7 + 1, i % 5);
    pe_buf_puts(&b, "县3,2022,1,1\n");   /* 县3 already has 2022 (line 5) */
    fixture f;
    pe_county_table *t = counties(&f, b.s);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(t->n, PE_MAX_TABLE_ROWS - 1);
    assert_int_equal(t->nyears, 2);
    assert_string_equal(t->items[0].name, "县0");
    assert_string_equal(t->items[1998].name, "县1998");
    assert_true(t->items[1234].has_target[0]);
    assert_true(t->items[1234].target[0] == 1234 % 7 + 1);
    assert_has_diag(&f.d, "c.csv:2001:1: 错误：", "“县3”2022 年出现了两次");
    fixture_release(&f);
    pe_buf_release(&b);
}

/* Issue 13: a table over PE_MAX_TABLE_ROWS rows is an error at the first row
 * beyond the limit, and the rest of the file is not read; the tables of a
 * report together are limited to PE_MAX_REPORT_ROWS rows. */
static void test_table_row_limits(void **state)
{
    (void)state;
    pe_buf b;
    pe_buf_init(&b);
    pe_buf_puts(&b, "county,year,target,actual\n");
    for (int i = 0; i < PE_MAX_TABLE_ROWS + 500; i++)
        pe_buf_printf(&b, "县%d,2021,1,1\n", i);
    pe_buf_puts(&b, "县1,2021,\"unclosed\n");   /* never reached */
    fixture f;
    pe_county_table *t = counties(&f, b.s);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_int_equal(t->n, 0);
    assert_counts(&f.d, 1, 0);
    assert_has_diag(&f.d, "c.csv:2002:1: 错误：", "县区表超过 2000 行的上限，从这一行起未读取");
    fixture_release(&f);

    /* the report's total: 4,000 rows already read leave 1,000 for this table */
    fixture g;
    pe_buf_release(&b);
    pe_buf_init(&b);
    pe_buf_puts(&b, "county,year,target,actual\n");
    for (int i = 0; i < 1001; i++)
        pe_buf_printf(&b, "县%d,2021,1,1\n", i);
    fixture_init(&g);
    g.m->table_rows = PE_MAX_REPORT_ROWS - 1000;
    g.st = pe_county_table_parse(g.m, &g.m->counties, b.s, b.len, PE_ENC_AUTO, "c.csv", &g.d);
    assert_int_equal(g.st, PE_ERR_INPUT);
    assert_has_diag(&g.d, "c.csv:1002:1: 错误：", "县区表使全部表格合计超过 5000 行的上限（前面的表已有 4000 行）");
    fixture_release(&g);
    pe_buf_release(&b);
}

/* A county table whose counties × years pivot would be mostly empty (stray
 * years) is an error naming the counts, before the pivot is allocated. */
static void test_county_sparse_pivot(void **state)
{
    (void)state;
    pe_buf b;
    pe_buf_init(&b);
    pe_buf_puts(&b, "county,year,target\n");
    for (int i = 0; i < 1500; i++)
        pe_buf_printf(&b, "县%d,%d,1\n", i, 1000 + i);
    fixture f;
    counties(&f, b.s);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "c.csv:1: 错误：", "1500 个县区、1500 个不同年份（1000—2499），但只有 1500 行");
    fixture_release(&f);
    pe_buf_release(&b);
}

static void test_county_errors(void **state)
{
    (void)state;
    fixture f;
    counties(&f,
        "county,year,target,actual\n"
        "甲县,2021,3,4\n"
        "甲县,2021,3,4\n"          /* duplicate county+year */
        "甲县,2024,3,4\n"          /* actual after eval_year */
        "乙县,202,3,4\n"           /* not a year */
        "乙县,2021,abc,1\n"        /* not a number */
        ",2021,1,1\n");           /* empty county */
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "c.csv:3:1: 错误：", "“甲县”2021 年出现了两次");
    assert_has_diag(&f.d, "c.csv:4:11: 错误：", "2024 年晚于评估年 2023，不应已有完成值");
    assert_has_diag(&f.d, "c.csv:5:4: 错误：", "年份“202”不是四位年份");
    assert_has_diag(&f.d, "c.csv:6:9: 错误：", "目标“abc”不是数字");
    assert_has_diag(&f.d, "c.csv:7:1: 错误：", "县区名称为空");
    fixture_release(&f);

    counties(&f, "contry,year,target\n甲县,2021,3\n");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "c.csv:1:1: 错误：", "未知的列“contry”，是否为“county”？");
    fixture_release(&f);

    /* a year after eval_year with a target only is a plan, not an error */
    counties(&f, "county,year,target,actual\n甲县,2021,3,4\n甲县,2025,3,\n");
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 0);
    fixture_release(&f);
}

/* ---- annex tables ---- */

static const char annex_csv[] =
    "序号,级别,类别,数量\n"
    "1,国家级,高新区,1\n"
    "2,,孵化器,2\n"
    "3,自治区级,众创空间,3\n"
    "4,,星创天地,\n"
    "合计,,,6\n";

static void test_annex_merge_and_total(void **state)
{
    (void)state;
    fixture f;
    pe_annex *a = annex(&f, "创建6个创新平台计划", annex_csv, "级别", "数量");
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 0);
    assert_int_equal(a->ncols, 4);
    assert_string_equal(a->header[1], "级别");
    assert_int_equal(a->nrows, 4);           /* the 合计 row is removed */
    assert_true(a->has_stated_total);
    assert_true(a->is_merge[1]);
    assert_false(a->is_merge[0]);
    assert_true(a->is_total[3]);
    assert_string_equal(a->rows[1][1].text, "国家级");    /* filled down */
    assert_string_equal(a->rows[3][1].text, "自治区级");
    assert_null(a->rows[3][3].text);                     /* other columns are not */
    assert_near(a->total[3], 6.0);
    assert_int_equal(a->title_count, 6);
    fixture_release(&f);
}

static void test_annex_stated_total_mismatch(void **state)
{
    (void)state;
    fixture f;
    annex(&f, "平台计划", "类别,数量\nA,1\nB,2\n合计,4\n", NULL, "数量");
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 1);
    assert_has_diag(&f.d, "a.csv:4:4: 警告：", "表中合计“数量”为 4，但逐行相加为 3");
    fixture_release(&f);
}

static void test_annex_title_count(void **state)
{
    (void)state;
    fixture f;
    annex(&f, "突破3项重大技术计划", "序号,课题名称\n1,甲\n2,乙\n", NULL, NULL);
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 1);
    assert_has_diag(&f.d, "a.csv", "写的是 3 项，但 a.csv 中有 2 行");
    fixture_release(&f);

    annex(&f, "创建7个平台计划", "类别,数量\nA,1\nB,5\n", NULL, "数量");
    assert_counts(&f.d, 0, 1);
    assert_has_diag(&f.d, "a.csv", "写的是 7，但表中有 2 行，“数量”合计为 6");
    fixture_release(&f);

    /* a count of the rows beside a total of money: the rows agree */
    annex(&f, "实施3项项目计划", "序号,名称,投资\n1,甲,800\n2,乙,1200\n3,丙,500\n", NULL, "投资");
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 0);
    fixture_release(&f);

    annex(&f, "突破2项重大技术计划", "序号,课题名称\n1,甲\n2,乙\n", NULL, NULL);
    assert_counts(&f.d, 0, 0);
    fixture_release(&f);
}

static void test_annex_errors(void **state)
{
    (void)state;
    fixture f;
    annex(&f, "计划", annex_csv, "级别类型", "数目");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "report.ini:30:1: 错误：", "merge = 级别类型");
    assert_has_diag(&f.d, "report.ini:31:1: 错误：", "total = 数目");
    fixture_release(&f);

    annex(&f, "计划", "Level,Count\nA,1\n", "Levle", NULL);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "report.ini:30:1: 错误：", "是否为“Level”");
    fixture_release(&f);

    annex(&f, "计划", "类别,数量\nA,1\nB,若干\n", NULL, "数量");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "a.csv:3:3: 错误：", "数量“若干”不是数字");
    fixture_release(&f);

    annex(&f, "计划", "类别,数量,类别\nA,1,x\n", NULL, NULL);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "a.csv:1:7: 错误：", "列名“类别”与第 1 列重复");
    fixture_release(&f);

    annex(&f, "计划", "类别,数量\nA,1\n合计,1\nB,2\n", NULL, "数量");
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, "a.csv:4:1: 错误：", "合计行（第 3 行）之后还有数据行");
    fixture_release(&f);
}

/* ---- report.ini ---- */

typedef struct {
    char dir[64];
    char path[128];
} tmpdir;

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    fclose(fp);
}

static void tmpdir_make(tmpdir *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/pe-test-model-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/report.ini", t->dir);
    static const char ind[] = "id,name,unit,target,2021,2022,2023\n1,研发投入,亿元,10,2,3,4\n";
    write_file(t->dir, "indicators.csv", ind, sizeof ind - 1);
    write_file(t->dir, "report.md", "# x\n", 4);   /* the template must exist */
}

static void tmpdir_remove(tmpdir *t)
{
    char p[256];
    snprintf(p, sizeof p, "%s/indicators.csv", t->dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/report.md", t->dir);
    unlink(p);
    unlink(t->path);
    rmdir(t->dir);
}

static const char good_ini[] =
    "[report]\n"
    "title    = 测试市科技创新规划中期评估报告\n"
    "issuer   = 测试市科学技术局\n"
    "date     = 2023-08-15\n"
    "draft    = true\n"
    "template = report.md\n"
    "\n"
    "[period]\n"
    "base_year   = 2020\n"
    "target_year = 2025\n"
    "eval_year   = 2023\n"
    "\n"
    "[indicators]\n"
    "file = indicators.csv\n";

static void config(fixture *f, tmpdir *t, const char *ini, size_t len)
{
    f->m = pe_model_new();
    assert_non_null(f->m);
    pe_diags_init(&f->d);
    tmpdir_make(t);
    write_file(t->dir, "report.ini", ini, len);
    f->st = pe_config_parse_file(f->m, t->path, &f->d);
}

static void test_config_good(void **state)
{
    (void)state;
    fixture f;
    tmpdir t;
    config(&f, &t, good_ini, sizeof good_ini - 1);
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 0);
    assert_string_equal(f.m->title, "测试市科技创新规划中期评估报告");
    assert_string_equal(f.m->issuer, "测试市科学技术局");
    assert_string_equal(f.m->date_text, "2023年8月15日");
    assert_int_equal(f.m->draft, 1);
    assert_int_equal(f.m->base_year, 2020);
    assert_int_equal(f.m->target_year, 2025);
    assert_int_equal(f.m->eval_year, 2023);
    assert_near(f.m->ahead, 1.10);          /* defaults without [assessment] */
    assert_near(f.m->on_track, 0.90);
    assert_near(f.m->at_risk, 0.50);
    assert_int_equal(f.m->indicators.n, 1);
    assert_string_equal(f.m->basename, "report");
    assert_non_null(strstr(f.m->template_path, "report.md"));
    assert_string_equal(f.m->ini_dir, t.dir);
    fixture_release(&f);
    tmpdir_remove(&t);
}

static void test_config_bom(void **state)
{
    (void)state;
    fixture f;
    tmpdir t;
    char buf[sizeof good_ini + 3];
    memcpy(buf, "\xEF\xBB\xBF", 3);
    memcpy(buf + 3, good_ini, sizeof good_ini - 1);
    config(&f, &t, buf, sizeof good_ini - 1 + 3);
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 0);
    assert_string_equal(f.m->title, "测试市科技创新规划中期评估报告");
    assert_int_equal(f.m->eval_year, 2023);
    fixture_release(&f);
    tmpdir_remove(&t);
}

static void test_config_unknown_key_and_section(void **state)
{
    (void)state;
    fixture f;
    tmpdir t;
    static const char ini[] =
        "[report]\n"
        "title    = 测试市科技创新规划中期评估报告\n"
        "issuer   = 测试市科学技术局\n"
        "date     = 2023-08-15\n"
        "drafts   = true\n"
        "template = report.md\n"
        "\n"
        "[period]\n"
        "base_year   = 2020\n"
        "target_year = 2025\n"
        "eval_year   = 2023\n"
        "\n"
        "[indicators]\n"
        "file = indicators.csv\n"
        "\n"
        "[assesment]\n"
        "ahead = 1.2\n";
    config(&f, &t, ini, sizeof ini - 1);
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 2);
    assert_has_diag(&f.d, t.path, ":5:1: 警告：[report] 节中的键“drafts”无法识别");
    assert_has_diag(&f.d, t.path, "是否为“draft”？");
    assert_has_diag(&f.d, t.path, ":16:1: 警告：[assesment]：未知的节");
    assert_has_diag(&f.d, t.path, "是否为 [assessment]？");
    fixture_release(&f);
    tmpdir_remove(&t);
}

static void test_config_missing_period(void **state)
{
    (void)state;
    fixture f;
    tmpdir t;
    static const char ini[] =
        "[report]\ntitle = 标题\nissuer = 单位\ndate = 2023-08-15\ntemplate = report.md\n"
        "\n[indicators]\nfile = indicators.csv\n";
    config(&f, &t, ini, sizeof ini - 1);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_counts(&f.d, 1, 0);
    assert_has_diag(&f.d, t.path, ": 错误：缺少 [period] 节");
    fixture_release(&f);
    tmpdir_remove(&t);
}

static void test_config_value_errors(void **state)
{
    (void)state;
    fixture f;
    tmpdir t;
    static const char ini[] =
        "[report]\n"
        "title = 标题\n"
        "issuer = 单位\n"
        "date = 2023-02-30\n"
        "draft = maybe\n"
        "template = report.md\n"
        "[period]\n"
        "base_year = 2020\n"
        "target_year = 2025\n"
        "eval_year = 2023\n"
        "[assessment]\n"
        "ahead = 0.8\n"
        "on_track = 0.9\n"
        "at_risk = x\n"
        "[indicators]\n"
        "file = indicators.csv\n";
    config(&f, &t, ini, sizeof ini - 1);
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_has_diag(&f.d, t.path, ":4:1: 错误：日期“2023-02-30”无效");
    assert_has_diag(&f.d, t.path, ":5:1: 错误：draft = maybe 无法识别");
    assert_has_diag(&f.d, t.path, ":14:1: 错误：at_risk = x 不是有效的非负数");
    fixture_release(&f);
    tmpdir_remove(&t);
}

/* [output] formats / --format lists. */
static void test_formats_parse(void **state)
{
    unsigned f = 0;
    char bad[16];
    (void)state;

    assert_int_equal(pe_formats_parse("pdf, xlsx, ofd", &f, bad, sizeof bad), 0);
    assert_int_equal(f, PE_OUT_PDF | PE_OUT_XLSX | PE_OUT_OFD);
    assert_int_equal(pe_formats_parse("OFD", &f, bad, sizeof bad), 0);
    assert_int_equal(f, PE_OUT_OFD);
    assert_int_equal(pe_formats_parse("pdf，ofd、pdf", &f, bad, sizeof bad), 0);
    assert_int_equal(f, PE_OUT_PDF | PE_OUT_OFD);
    assert_int_equal(pe_formats_parse("pdf,docx", &f, bad, sizeof bad), -1);
    assert_string_equal(bad, "docx");
    assert_int_equal(pe_formats_parse("pdfxlsx", &f, bad, sizeof bad), -1);
    assert_string_equal(bad, "pdfxlsx");
    assert_int_equal(pe_formats_parse(" , ", &f, bad, sizeof bad), -1);
    assert_string_equal(bad, "");
    /* a long unknown item is cut on a character boundary */
    assert_int_equal(pe_formats_parse("文档文档文档文档", &f, bad, sizeof bad), -1);
    assert_string_equal(bad, "文档文档文");
}

/* The eight kinds by English and Chinese name, target_text, milestone words,
 * judgements, and a direction on a kind that has none (a warning). */
static void test_indicator_kinds(void **state)
{
    (void)state;
    fixture f;
    pe_indicator_table *t = indicators(&f,
        "序号,指标名称,单位,类型,方向,目标值,目标表述,2021,2022,2023,评估结论,研判说明\n"
        "1,a,%,水平值,,2,,1,1.5,1.8,,\n"
        "2,b,%,年均增长,,8,,7,8,9,,\n"
        "3,c,项,累计,,300,累计300项以上,52,56,63,,\n"
        "4,d,%,累计降低,,13.5,〔13.5〕,3,2.5,2.8,,\n"
        "5,e,%,上限,逆向,5.5,<5.5,5.2,5.6,5.4,,\n"
        "6,f,家,下限,,100,每年100家以上,128,156,183,,\n"
        "7,g,,节点,,,零突破,否,是,已实现,,\n"
        "8,h,,定性,,,保持在合理区间,,,,符合序时进度,总体平稳\n");
    assert_int_equal(f.st, PE_OK);
    assert_counts(&f.d, 0, 1);
    assert_has_diag(&f.d, "t.csv:6:10: 警告：", "上限类指标没有方向");
    static const pe_kind want[] = { PE_KIND_LEVEL, PE_KIND_GROWTH, PE_KIND_CUMULATIVE,
                                    PE_KIND_REDUCTION, PE_KIND_CEILING, PE_KIND_FLOOR,
                                    PE_KIND_MILESTONE, PE_KIND_QUALITATIVE };
    assert_int_equal(t->n, 8);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(t->items[i].kind, want[i]);
    assert_string_equal(t->items[2].target_text, "累计300项以上");
    assert_true(t->items[2].has_target);
    assert_false(t->items[6].has_target);
    assert_int_equal(t->items[6].has_value[0], 1);
    assert_true(t->items[6].value[0] == 0 && t->items[6].value[1] == 1 && t->items[6].value[2] == 1);
    assert_true(t->items[7].has_judgement);
    assert_int_equal(t->items[7].judgement, PE_ST_ON_TRACK);
    assert_string_equal(t->items[7].judgement_note, "总体平稳");
    assert_int_equal(t->items[4].dir, PE_DIR_UP);   /* ignored */
    fixture_release(&f);

    /* English names */
    t = indicators(&f,
        "id,name,kind,target,target_text,2021\n"
        "1,a,cumulative,3,,1\n2,b,reduction,10,,1\n3,c,ceiling,5,,1\n4,d,floor,5,,6\n"
        "5,e,milestone,,,1\n6,f,qualitative,,与经济增长基本同步,\n");
    assert_int_equal(f.st, PE_OK);
    assert_int_equal(t->items[0].kind, PE_KIND_CUMULATIVE);
    assert_int_equal(t->items[5].kind, PE_KIND_QUALITATIVE);
    fixture_release(&f);
}

/* Every new error at its cell, with how to fix it. */
static void test_indicator_kind_errors(void **state)
{
    (void)state;
    fixture f;
    indicators(&f,
        "id,name,kind,target,target_text,2021,2022,2023,judgement\n"
        "1,a,cumulative,,,1,2,3,\n"             /* needs a number */
        "2,b,qualitative,,,,,,\n"               /* needs target_text */
        "3,c,level,5,,1,2,3,良好\n"             /* not a status word */
        "4,d,growth,5,,4,,6,\n"                 /* a missing year in between */
        "5,e,reduction,10,,3,100,2,\n"          /* a yearly reduction of 100 % */
        "6,f,milestone,,,0,也许,,\n"            /* none of its words */
        "7,g,reduction,120,,1,1,1,\n");         /* a total reduction ≥ 100 */
    assert_int_equal(f.st, PE_ERR_INPUT);
    assert_counts(&f.d, 7, 0);
    assert_has_diag(&f.d, "t.csv:2:16: 错误：", "目标值为空：累计类指标须填写数字目标");
    assert_has_diag(&f.d, "t.csv:3:18: 错误：", "定性指标须在 target_text（目标表述）列写明规划目标");
    assert_has_diag(&f.d, "t.csv:4:20: 错误：", "评估结论“良好”不是状态用语");
    assert_has_diag(&f.d, "t.csv:5:17: 错误：", "2022 年的增长率为空而其后年份已有数值");
    assert_has_diag(&f.d, "t.csv:6:21: 错误：", "年降低率 100% 不可能大于或等于 100%");
    assert_has_diag(&f.d, "t.csv:7:19: 错误：", "节点类指标 2022 年的值“也许”无法识别");
    assert_has_diag(&f.d, "t.csv:8:15: 错误：", "累计降低率目标 120% 应在 0 到 100 之间");
    fixture_release(&f);
}

/* An annex's progress column counted in order of first appearance. */
static void test_annex_status(void **state)
{
    (void)state;
    fixture f;
    pe_annex *a = annex(&f, "突破5项技术计划",
                        "序号,课题,进展情况\n1,甲,推进中\n2,乙,已完成\n3,丙,推进中\n4,丁,\n5,戊,未启动\n",
                        NULL, NULL);
    assert_int_equal(pe_annex_set_status(f.m, a, "进展情况", (pe_src){ "r.ini", 9, 1 }, &f.d),
                     PE_OK);
    assert_int_equal(a->nstatus, 3);
    assert_string_equal(a->status_value[0], "推进中");
    assert_int_equal(a->status_count[0], 2);
    assert_string_equal(a->status_value[1], "已完成");
    assert_int_equal(a->status_blank, 1);
    assert_int_equal(pe_annex_set_status(f.m, a, "进度", (pe_src){ "r.ini", 9, 1 }, &f.d),
                     PE_ERR_INPUT);
    assert_has_diag(&f.d, "r.ini:9:1: 错误：", "status 指定的列“进度”在附件1 的表头中不存在");
    fixture_release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indicator_basic),
        cmocka_unit_test(test_indicator_chinese_aliases),
        cmocka_unit_test(test_indicator_unknown_column),
        cmocka_unit_test(test_indicator_duplicate_and_missing_columns),
        cmocka_unit_test(test_indicator_years_sorted),
        cmocka_unit_test(test_indicator_decimals),
        cmocka_unit_test(test_indicator_no_baseline_and_range),
        cmocka_unit_test(test_indicator_row_errors),
        cmocka_unit_test(test_indicator_nonfinite_values),
        cmocka_unit_test(test_indicator_year_header_errors),
        cmocka_unit_test(test_indicator_value_rules),
        cmocka_unit_test(test_indicator_kinds),
        cmocka_unit_test(test_indicator_kind_errors),
        cmocka_unit_test(test_annex_status),
        cmocka_unit_test(test_indicator_header_only_and_gbk),
        cmocka_unit_test(test_county_pivot),
        cmocka_unit_test(test_county_aliases_and_stated_total_mismatch),
        cmocka_unit_test(test_county_errors),
        cmocka_unit_test(test_county_many_distinct),
        cmocka_unit_test(test_table_row_limits),
        cmocka_unit_test(test_county_sparse_pivot),
        cmocka_unit_test(test_annex_merge_and_total),
        cmocka_unit_test(test_annex_stated_total_mismatch),
        cmocka_unit_test(test_annex_title_count),
        cmocka_unit_test(test_annex_errors),
        cmocka_unit_test(test_config_good),
        cmocka_unit_test(test_config_bom),
        cmocka_unit_test(test_config_unknown_key_and_section),
        cmocka_unit_test(test_config_missing_period),
        cmocka_unit_test(test_config_value_errors),
        cmocka_unit_test(test_formats_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
