/* test_fields.c — the field namespace of SPEC §5 built from a small evaluated model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "pe_eval.h"
#include "pe_fields.h"

typedef struct {
    pe_model *m;
    pe_fields *f;
    pe_diags d;
} fixture;

static const char *IND =
    "序号,指标名称,单位,类型,方向,属性,基期值,目标值,目标上限,2021,2022,2023\n"
    "1,研发经费投入增长,%,年均增长,正向,,－60,60,,160,45,44\n"
    "2,研发投入强度,%,水平值,正向,约束性,0.14,1.01,,0.31,0.38,0.54\n"
    "3,新产品销售收入占比,%,水平值,正向,,-,15.4,,8.2,8.9,9.5\n"
    "4,重点实验室,家,水平值,正向,,0,2,3,,,\n"
    "5,单位产值能耗,吨标煤/万元,水平值,逆向,,1.20,1.00,,1.15,1.10,1.02\n"
    "6,技术合同成交额,亿元,水平值,正向,,\"1,342\",\"3,000\",,\"1,800\",\"2,400\",\"3,126\"\n";

static int setup(void **state)
{
    fixture *fx = test_calloc(1, sizeof *fx);
    pe_diags_init(&fx->d);
    fx->m = pe_model_new();
    fx->m->base_year = 2020;
    fx->m->target_year = 2025;
    fx->m->eval_year = 2023;
    fx->m->title = "测试报告";
    fx->m->issuer = "某市科学技术局";
    fx->m->date_text = "2023年8月15日";
    if (pe_indicator_table_parse(fx->m, &fx->m->indicators, IND, strlen(IND), PE_ENC_AUTO, "i.csv",
                                 &fx->d) != PE_OK)
        return -1;
    pe_evaluate(fx->m, &fx->d);
    if (pe_fields_build(fx->m, &fx->f) != PE_OK)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    pe_fields_free(fx->f);
    pe_model_free(fx->m);
    pe_diags_release(&fx->d);
    test_free(fx);
    return 0;
}

#define FIELD(name) pe_fields_get(((fixture *)*state)->f, name)

static void test_report_fields(void **state)
{
    assert_string_equal(FIELD("report.title"), "测试报告");
    assert_string_equal(FIELD("report.date"), "2023年8月15日");
    assert_string_equal(FIELD("period.data_year"), "2023");
    assert_string_equal(FIELD("period.base_year"), "2020");
}

static void test_indicator_figures(void **state)
{
    assert_string_equal(FIELD("indicators.2.progress"), "46.0%");
    assert_string_equal(FIELD("indicators.2.status"), "滞后序时进度");
    assert_string_equal(FIELD("indicators.2.actual"), "0.54");
    assert_string_equal(FIELD("indicators.2.year"), "2023");
    assert_string_equal(FIELD("indicators.2.needed"), "每年需提高0.235个百分点");
    assert_string_equal(FIELD("indicators.1.progress"), "72.0%");
    assert_string_equal(FIELD("indicators.1.status"), "快于序时进度");
    assert_string_equal(FIELD("indicators.1.base"), "-60");
    assert_string_equal(FIELD("indicators.1.needed"), "此后年均需增长39.0%");
    assert_string_equal(FIELD("indicators.3.base"), "—");
    assert_string_equal(FIELD("indicators.3.progress"), "61.7%");
    assert_string_equal(FIELD("indicators.3.time_progress"), "60.0%");
}

static void test_range_and_missing(void **state)
{
    assert_string_equal(FIELD("indicators.4.target"), "2–3");
    assert_string_equal(FIELD("indicators.4.status"), "暂无数据");
    assert_string_equal(FIELD("indicators.4.actual"), "—");
    assert_string_equal(FIELD("indicators.4.progress"), "—");
}

static void test_down_and_thousands(void **state)
{
    /* (1.02 − 1.20)/(1.00 − 1.20) = 0.9, ρ = 1.5 */
    assert_string_equal(FIELD("indicators.5.progress"), "90.0%");
    assert_string_equal(FIELD("indicators.5.status"), "快于序时进度");
    assert_string_equal(FIELD("indicators.5.needed"), "每年需减少0.01吨标煤/万元（年均下降1.0%）");
    assert_string_equal(FIELD("indicators.6.actual"), "3126");
    assert_string_equal(FIELD("indicators.6.status"), "提前完成");
    assert_string_equal(FIELD("indicators.6.needed"), "已达目标");
}

static void test_summary(void **state)
{
    assert_string_equal(FIELD("indicators.total"), "6");
    assert_string_equal(FIELD("indicators.count.快于序时进度"), "2");
    assert_string_equal(FIELD("indicators.count.进展缓慢"), "0");
    assert_string_equal(FIELD("indicators.summary"),
                        "6项核心指标中，提前完成1项，快于序时进度2项，符合序时进度1项，"
                        "滞后序时进度1项，暂无数据1项。");
    assert_string_equal(FIELD("indicators.lagging"), "研发投入强度");
    assert_string_equal(FIELD("indicators.binding_lagging"), "研发投入强度");
    assert_string_equal(FIELD("indicators.share_on_track"), "80.0%");
}

static void test_lookup_and_suggest(void **state)
{
    fixture *fx = *state;
    assert_null(pe_fields_get(fx->f, "indicators.2.progres"));
    assert_string_equal(pe_fields_suggest(fx->f, "indicators.2.progres"), "indicators.2.progress");
    assert_null(pe_fields_suggest(fx->f, "完全无关的名字"));
}

/* ---- the kinds of SPEC §3.2: one sentence each, change, computed status ---- */

static const char *KINDS =
    "id,name,unit,kind,target,target_text,2021,2022,2023,judgement,judgement_note\n"
    "c1,城镇调查失业率,%,ceiling,5.5,<5.5,5.2,5.4,5.7,符合序时进度,受外部冲击影响\n"
    "c2,城镇登记失业率,%,ceiling,5.5,<5.5,5.2,5.6,5.4,,\n"
    "f1,科技型中小企业数量,家,floor,100,每年100家以上,128,156,183,,\n"
    "m1,重点企业首席技术官,,milestone,,全覆盖,0,0,1,,\n"
    "m2,独角兽企业,,milestone,,零突破,0,0,0,滞后序时进度,\n"
    "r1,单位地区生产总值能源消耗降低,%,reduction,13.5,〔13.5〕,1.0,1.2,1.1,,\n"
    "s1,转化科技成果,项,cumulative,300,累计300项以上,52,56,63,,\n"
    "q1,经济运行,,qualitative,,保持在合理区间,,,,符合序时进度,总体平稳\n";

/* A fixture of indicators `csv` (file name `file` in messages) evaluated in
 * `eval_year` of the plan 2020–2025, its fields built. */
static int setup_csv(void **state, const char *csv, const char *file, int eval_year)
{
    fixture *fx = test_calloc(1, sizeof *fx);
    *state = fx;
    if (!fx)
        return -1;
    pe_diags_init(&fx->d);
    fx->m = pe_model_new();
    fx->m->base_year = 2020;
    fx->m->target_year = 2025;
    fx->m->eval_year = eval_year;
    fx->m->title = "测试报告";
    if (pe_indicator_table_parse(fx->m, &fx->m->indicators, csv, strlen(csv), PE_ENC_AUTO, file,
                                 &fx->d) != PE_OK ||
        pe_evaluate(fx->m, &fx->d) != PE_OK || pe_fields_build(fx->m, &fx->f) != PE_OK)
        return -1;
    return 0;
}

static int setup_kinds(void **state)
{
    return setup_csv(state, KINDS, "k.csv", 2023);
}

static void test_kind_sentences(void **state)
{
    /* a breached cap overridden by the office, with its reason */
    assert_string_equal(FIELD("indicators.c1.sentence"),
                        "城镇调查失业率2023年为5.7%，高于5.5%的控制目标，测算为滞后序时进度；"
                        "经综合研判，评估为符合序时进度（受外部冲击影响），今后需控制在5.5%以内。");
    assert_string_equal(FIELD("indicators.c1.status"), "符合序时进度");
    assert_string_equal(FIELD("indicators.c1.computed_status"), "滞后序时进度");
    assert_string_equal(FIELD("indicators.c1.target"), "<5.5");
    assert_string_equal(FIELD("indicators.c1.target_value"), "5.5");
    assert_string_equal(FIELD("indicators.c1.progress"), "—");
    assert_string_equal(FIELD("indicators.c1.needed"), "保持在5.5%以内");
    /* a cap that holds, with an earlier breach named */
    assert_string_equal(FIELD("indicators.c2.sentence"),
                        "城镇登记失业率2023年为5.4%，控制在5.5%以内（2022年超出控制目标），"
                        "符合序时进度，今后需继续控制在5.5%以内。");
    assert_string_equal(FIELD("indicators.c2.note"), "2022年超出控制目标");
    assert_string_equal(FIELD("indicators.c2.change"), "好转");
    assert_string_equal(FIELD("indicators.f1.sentence"),
                        "科技型中小企业数量2023年为183家，保持在100家以上，符合序时进度，"
                        "今后需继续保持在100家以上。");
    /* milestones */
    assert_string_equal(FIELD("indicators.m1.sentence"),
                        "重点企业首席技术官全覆盖已于2023年实现，提前完成。");
    assert_string_equal(FIELD("indicators.m1.actual"), "已实现");
    assert_string_equal(FIELD("indicators.m1.change"), "好转");
    assert_string_equal(FIELD("indicators.m2.sentence"), "独角兽企业零突破截至2023年尚未实现，滞后序时进度。");
    /* a reduction behind schedule: C = 1 − 0.99·0.988·0.989 = 3.26 %,
     * p = ln 0.967361 / ln 0.865 = 22.9 %, ρ = 0.381 → 进展缓慢; still needed
     * 1 − (0.865/0.967361)^(1/2) = 5.44 % a year */
    assert_string_equal(FIELD("indicators.r1.sentence"),
                        "单位地区生产总值能源消耗降低2021—2023年累计降低3.3%（目标累计降低13.5%），"
                        "完成进度22.9%，进展缓慢，2024—2025年需年均降低5.4%。");
    assert_string_equal(FIELD("indicators.r1.total"), "3.3%");
    assert_string_equal(FIELD("indicators.r1.needed"), "此后每年需降低5.4%");
    assert_string_equal(FIELD("indicators.s1.sentence"),
                        "转化科技成果2021—2023年累计171项，为2025年目标300项的57.0%，符合序时进度，"
                        "2024—2025年需年均完成64.5项。");
    assert_string_equal(FIELD("indicators.s1.total"), "171");
    assert_string_equal(FIELD("indicators.s1.needed"), "每年需完成64.5项");
    assert_string_equal(FIELD("indicators.q1.sentence"),
                        "经济运行（目标：保持在合理区间），经综合研判，评估为符合序时进度（总体平稳）。");
    assert_string_equal(FIELD("indicators.q1.change"), "—");
}

static void test_change_summary(void **state)
{
    /* c1: 2022 computed 符合 (5.4 within), 2023 judged 符合 → 持平; c2 滞后 → 符合
     * and m1 滞后 → 提前完成: 好转; f1, m2, s1 and r1 (2022: ρ = 0.382, 进展缓慢) 持平;
     * q1 has no series */
    assert_string_equal(FIELD("indicators.c1.change"), "持平");
    assert_string_equal(FIELD("indicators.changes.好转"), "2");
    assert_string_equal(FIELD("indicators.changes.持平"), "5");
    assert_string_equal(FIELD("indicators.changes.下滑"), "0");
    assert_string_equal(FIELD("indicators.changes.summary"),
                        "与上年相比，2项核心指标进展状态好转，5项持平。");
}

/* ---- one year left (eval 2025, data to 2024): 2025年需…, never 2025—2025年 ---- */

static const char *LAST =
    "id,name,unit,kind,base,target,2021,2022,2023,2024\n"
    "g1,研发经费投入增长,%,growth,,12,14.2,11.8,13.5,10.9\n"
    "s1,科技型中小企业入库,家,cumulative,,3000,520,610,680,702\n"
    "r1,能耗降低,%,reduction,,14,3.1,2.8,2.9,2.6\n"
    "l1,研发投入强度,%,level,1.86,2.50,1.95,2.07,2.18,2.29\n"
    "l2,高新技术企业,家,level,612,1200,705,826,948,1063\n";

static int setup_last(void **state)
{
    return setup_csv(state, LAST, "l.csv", 2025);
}

static void test_one_year_left(void **state)
{
    /* F = 1.142·1.118·1.135·1.109 = 1.6071, ā = 12.6 %; 1.12^5 / F − 1 = 9.7 % */
    assert_string_equal(FIELD("indicators.g1.sentence"),
                        "研发经费投入增长2021—2024年年均增长12.6%（目标年均12.0%），完成进度83.7%，"
                        "符合序时进度，2025年需增长9.7%。");
    /* 3000 − 2512 = 488 in the one year left */
    assert_string_equal(FIELD("indicators.s1.sentence"),
                        "科技型中小企业入库2021—2024年累计2512家，为2025年目标3000家的83.7%，"
                        "符合序时进度，2025年需完成488家。");
    /* C = 1 − 0.969·0.972·0.971·0.974 = 10.9 %; 1 − 0.86/0.890776 = 3.5 % */
    assert_string_equal(FIELD("indicators.r1.sentence"),
                        "能耗降低2021—2024年累计降低10.9%（目标累计降低14.0%），完成进度76.7%，"
                        "符合序时进度，2025年需降低3.5%。");
    assert_string_equal(FIELD("indicators.l1.sentence"),
                        "研发投入强度2024年为2.29%，完成进度67.2%，滞后序时进度，"
                        "2025年需提高0.21个百分点。");
    assert_string_equal(FIELD("indicators.l2.sentence"),
                        "高新技术企业2024年为1063家，完成进度76.7%，符合序时进度，2025年需增加137家。");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_fields),     cmocka_unit_test(test_indicator_figures),
        cmocka_unit_test(test_range_and_missing), cmocka_unit_test(test_down_and_thousands),
        cmocka_unit_test(test_summary),           cmocka_unit_test(test_lookup_and_suggest),
    };
    const struct CMUnitTest kinds[] = {
        cmocka_unit_test(test_kind_sentences),
        cmocka_unit_test(test_change_summary),
    };
    const struct CMUnitTest last[] = {
        cmocka_unit_test(test_one_year_left),
    };
    return cmocka_run_group_tests(tests, setup, teardown) |
           cmocka_run_group_tests(kinds, setup_kinds, teardown) |
           cmocka_run_group_tests(last, setup_last, teardown);
}
