/* test_eval.c — SPEC §4 formulas against hand-computed values and edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "pe_eval.h"

static const pe_period P = { 2020, 2025, 2023, 1.10, 0.90, 0.50 };
static const int YEARS[] = { 2021, 2022, 2023, 2024, 2025 };

/* Builds an indicator with actuals for 2021.. (NAN = missing). */
static pe_indicator make(pe_kind kind, pe_direction dir, int has_base, double base, double target,
                         const double *vals, size_t n, int *hv, double *v)
{
    pe_indicator ind;
    memset(&ind, 0, sizeof ind);
    ind.id = "x";
    ind.name = "指标";
    ind.unit = "家";
    ind.kind = kind;
    ind.dir = dir;
    ind.has_base = has_base;
    ind.base = base;
    ind.target = target;
    for (size_t i = 0; i < 5; i++) {
        hv[i] = i < n && !isnan(vals[i]);
        v[i] = hv[i] ? vals[i] : 0;
    }
    ind.has_value = hv;
    ind.value = v;
    return ind;
}

static void assert_close(double a, double b)
{
    if (fabs(a - b) > 1e-6)
        fail_msg("%.9f != %.9f", a, b);
}

/* R&D/GDP: base 0.14, target 1.01, 2023: 0.54 → p = 0.40/0.87 = 0.459770, ρ = 0.766284. */
static void test_level_up(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 0.31, 0.38, 0.54 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 0.14, 1.01, a, 3, hv, v);
    ind.unit = "%";
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_true(ind.ev.has_actual);
    assert_int_equal(ind.ev.year, 2023);
    assert_close(ind.ev.time_progress, 0.6);
    assert_close(ind.ev.progress, 0.40 / 0.87);
    assert_close(ind.ev.ratio, 0.40 / 0.87 / 0.6);
    assert_int_equal(ind.ev.state, PE_ST_LAGGING);
    assert_int_equal(ind.ev.need, PE_NEED_LEVEL);
    assert_close(ind.ev.needed_delta, 0.235);
    assert_false(ind.ev.has_needed_rate);   /* % units: percentage points only */
}

/* Growth 160%, 45%, 44%: F = 2.6·1.45·1.44 = 5.4288; p = ln F / (5 ln 1.6) = 0.719868. */
static void test_growth(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 160, 45, 44 };
    pe_indicator ind = make(PE_KIND_GROWTH, PE_DIR_UP, 1, -60, 60, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.cum_factor, 5.4288);
    assert_close(ind.ev.progress, log(5.4288) / (5 * log(1.6)));
    assert_close(ind.ev.avg_rate, (pow(5.4288, 1.0 / 3) - 1) * 100);
    assert_int_equal(ind.ev.state, PE_ST_AHEAD);   /* ρ = 1.1998 */
    assert_int_equal(ind.ev.need, PE_NEED_GROWTH);
    assert_close(ind.ev.needed_rate, (sqrt(pow(1.6, 5) / 5.4288) - 1) * 100);   /* 38.98% */
}

/* No baseline: p = A / target = 9.5 / 15.4 = 0.616883, ρ = 1.028 → 符合序时进度. */
static void test_no_baseline(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 8.2, 8.9, 9.5 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 0, 0, 15.4, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.progress, 9.5 / 15.4);
    assert_int_equal(ind.ev.state, PE_ST_ON_TRACK);
}

/* Down: base 10 → target 6, actual 8: p = (8−10)/(6−10) = 0.5, ρ = 0.833 → 滞后. */
static void test_level_down(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 9, 8.5, 8 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_DOWN, 1, 10, 6, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.progress, 0.5);
    assert_int_equal(ind.ev.state, PE_ST_LAGGING);
    assert_close(ind.ev.needed_delta, -1.0);
    assert_true(ind.ev.has_needed_rate);
    assert_close(ind.ev.needed_rate, (sqrt(6.0 / 8.0) - 1) * 100);
}

static void test_down_reached_early(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 9, 7, 5.5 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_DOWN, 1, 10, 6, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_true(ind.ev.reached);
    assert_int_equal(ind.ev.state, PE_ST_DONE_EARLY);
    assert_int_equal(ind.ev.need, PE_NEED_NONE);
}

/* Range 2–3 uses the lower end: 1 of 2 → p = 0.5; 2 → reached. */
static void test_range_target(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 0, 1, 1 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 0, 2, a, 3, hv, v);
    ind.has_target_max = 1;
    ind.target_max = 3;
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.progress, 0.5);
    assert_int_equal(ind.ev.state, PE_ST_LAGGING);
    v[2] = 2;
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_DONE_EARLY);
}

static void test_base_equals_target(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 3, 3, 3 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 4, 4, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_false(ind.ev.has_progress);
    assert_false(ind.ev.has_ratio);
    assert_non_null(ind.ev.note);
    assert_int_equal(ind.ev.state, PE_ST_SLOW);
    v[2] = 4;
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_DONE_EARLY);
}

static void test_no_data(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 1, 2, NULL, 0, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_false(ind.ev.has_actual);
    assert_int_equal(ind.ev.state, PE_ST_NO_DATA);
    assert_close(ind.ev.time_progress, 0.6);   /* eval year */
    assert_false(ind.ev.has_progress);
}

/* The latest year, not the last column, decides y; a gap year is skipped. */
static void test_latest_year(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 10, NAN, NAN };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 0, 50, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.year, 2021);
    assert_close(ind.ev.time_progress, 0.2);
    assert_close(ind.ev.progress, 0.2);
    assert_int_equal(ind.ev.state, PE_ST_ON_TRACK);
    assert_int_equal(ind.ev.years_left, 4);
    assert_close(ind.ev.needed_delta, 10.0);
}

static void test_reached_in_target_year(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 1, 2, 3, 4, 5 };
    pe_period p = P;
    p.eval_year = 2025;
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 0, 5, a, 5, hv, v);
    pe_indicator_evaluate(&p, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_DONE);
    v[4] = 4;
    pe_indicator_evaluate(&p, YEARS, 5, &ind);
    /* p = 0.8, τ = 1: the target year is in and the target missed → 未完成, not a pace word */
    assert_int_equal(ind.ev.state, PE_ST_MISSED);
    assert_int_equal(ind.ev.need, PE_NEED_NONE);     /* no year left */
}

static void test_threshold_boundaries(void **state)
{
    (void)state;
    assert_int_equal(pe_state_for_ratio(&P, 1.10), PE_ST_AHEAD);
    assert_int_equal(pe_state_for_ratio(&P, 1.0999), PE_ST_ON_TRACK);
    assert_int_equal(pe_state_for_ratio(&P, 0.90), PE_ST_ON_TRACK);
    assert_int_equal(pe_state_for_ratio(&P, 0.8999), PE_ST_LAGGING);
    assert_int_equal(pe_state_for_ratio(&P, 0.50), PE_ST_LAGGING);
    assert_int_equal(pe_state_for_ratio(&P, 0.4999), PE_ST_SLOW);
    assert_int_equal(pe_state_for_ratio(&P, -3), PE_ST_SLOW);
}

/* Regression: (44.8 − 40)/(56 − 40) ÷ 0.6 is 0.4999999999999997 in binary; it is
 * on the at_risk threshold, as Excel and LibreOffice see it. */
static void test_threshold_binary_rounding(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 41, 43, 44.8 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 40, 56, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_true(ind.ev.ratio < 0.5);
    assert_int_equal(ind.ev.state, PE_ST_LAGGING);
}

static void test_growth_zero_target(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 1, -2, 0.5 };
    pe_indicator ind = make(PE_KIND_GROWTH, PE_DIR_UP, 0, 0, 0, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_false(ind.ev.has_progress);
    assert_non_null(ind.ev.note);
    assert_true(isfinite(ind.ev.cum_factor));
    /* 1.01 · 0.98 · 1.005 = 0.994749 < 1: not reached */
    assert_false(ind.ev.reached);
    assert_int_equal(ind.ev.state, PE_ST_SLOW);
}

/* Negative target rate (a reduction): −4%/yr for 3 years against −3%/yr over 5. */
static void test_growth_negative_target(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { -4, -4, -4 };
    pe_indicator ind = make(PE_KIND_GROWTH, PE_DIR_DOWN, 0, 0, -3, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.progress, 3 * log(0.96) / (5 * log(0.97)));   /* 0.80411 */
    assert_int_equal(ind.ev.state, PE_ST_AHEAD);
}

/* Other units: the pace is also an average growth rate (200/150)^(1/2) − 1. */
static void test_needed_rate(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 120, 130, 150 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 100, 200, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.needed_delta, 25);
    assert_true(ind.ev.has_needed_rate);
    assert_close(ind.ev.needed_rate, (sqrt(200.0 / 150.0) - 1) * 100);
}

/* Zero target without baseline, zero actual for down: defined, never NaN. */
static void test_no_nan(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 0, 0, 0 };
    const pe_kind kinds[] = { PE_KIND_LEVEL, PE_KIND_GROWTH };
    const pe_direction dirs[] = { PE_DIR_UP, PE_DIR_DOWN };
    for (int k = 0; k < 2; k++)
        for (int dd = 0; dd < 2; dd++)
            for (int hb = 0; hb < 2; hb++) {
                pe_indicator ind = make(kinds[k], dirs[dd], hb, 0, 0, a, 3, hv, v);
                pe_indicator_evaluate(&P, YEARS, 5, &ind);
                assert_true(isfinite(ind.ev.progress));
                assert_true(isfinite(ind.ev.ratio));
                assert_true(isfinite(ind.ev.needed_delta));
                assert_true(isfinite(ind.ev.needed_rate));
                assert_true(isfinite(ind.ev.avg_rate));
                assert_true(ind.ev.state < PE_ST_COUNT);
            }
}

/* Counties: cumulative actual ÷ cumulative target of the years with data. */
static void test_counties(void **state)
{
    (void)state;
    pe_model *m = pe_model_new();
    pe_diags d;
    pe_diags_init(&d);
    m->base_year = 2020;
    m->target_year = 2025;
    m->eval_year = 2023;
    const char *csv = "county,measure,unit,year,target,actual\n"
                      "甲县,成果转化,项,2019,3,4\n甲县,成果转化,项,2020,3,2\n甲县,成果转化,项,2021,4,\n"
                      "乙县,成果转化,项,2019,2,1\n乙县,成果转化,项,2020,3,1\n乙县,成果转化,项,2021,4,\n";
    assert_int_equal(pe_county_table_parse(m, &m->counties, csv, strlen(csv), PE_ENC_AUTO, "c.csv", &d),
                     PE_OK);
    pe_evaluate(m, &d);
    const pe_county_table *t = &m->counties;
    assert_int_equal(t->n, 2);
    assert_close(t->items[0].cum_target, 6);
    assert_close(t->items[0].cum_actual, 6);
    assert_close(t->items[0].rate, 1.0);
    assert_int_equal(t->items[0].state, PE_ST_ON_TRACK);   /* 100% of the pace, 6 of 10 overall */
    assert_close(t->items[1].rate, 2.0 / 5.0);
    assert_int_equal(t->items[1].state, PE_ST_SLOW);
    assert_close(t->cum_target, 11);
    assert_close(t->cum_actual, 8);
    assert_close(t->rate, 8.0 / 11.0);
    assert_close(t->total_target, 19);
    assert_close(t->year_target[2], 8);
    pe_diags_release(&d);
    pe_model_free(m);
}

/* ---- the kinds added for real plans (SPEC §3.2, §4), hand-computed ---- */

/* Cumulative 转化科技成果 300 项: flows 52, 56, 63 → S = 171, p = 0.57, τ = 0.6,
 * ρ = 0.95 → 符合序时进度; still needed (300 − 171)/2 = 64.5 a year. The year
 * before: S = 108, p = 0.36, ρ = 0.36/0.4 = 0.9 (0.8999999999999999 in binary,
 * on the threshold within tolerance) → 符合 too: 持平. */
static void test_cumulative(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 52, 56, 63 };
    pe_indicator ind = make(PE_KIND_CUMULATIVE, PE_DIR_UP, 0, 0, 300, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.sum, 171);
    assert_close(ind.ev.progress, 0.57);
    assert_close(ind.ev.ratio, 0.95);
    assert_int_equal(ind.ev.state, PE_ST_ON_TRACK);
    assert_int_equal(ind.ev.need, PE_NEED_CUMULATIVE);
    assert_close(ind.ev.needed_delta, 64.5);
    assert_true(ind.ev.has_prev);
    assert_int_equal(ind.ev.prev_year, 2022);
    assert_int_equal(ind.ev.prev_state, PE_ST_ON_TRACK);
    assert_int_equal(ind.ev.change, PE_CHANGE_SAME);
    /* reaching the total early */
    v[2] = 200;
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.sum, 308);
    assert_int_equal(ind.ev.state, PE_ST_DONE_EARLY);
    assert_int_equal(ind.ev.change, PE_CHANGE_BETTER);
    assert_int_equal(ind.ev.need, PE_NEED_NONE);
}

/* Reduction 〔13.5〕: yearly 3.0, 2.5, 2.8 % → ∏ = 0.97·0.975·0.972 = 0.919269,
 * C = 8.0731 %, p = ln 0.919269 / ln 0.865 = 0.580424, ρ = 0.967374 → 符合;
 * still needed 1 − (0.865/0.919269)^(1/2) = 2.9966 % a year. */
static void test_reduction(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 3.0, 2.5, 2.8 };
    pe_indicator ind = make(PE_KIND_REDUCTION, PE_DIR_UP, 0, 0, 13.5, a, 3, hv, v);
    ind.unit = "%";
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_close(ind.ev.reduced, 8.0731);
    assert_close(ind.ev.progress, 0.580424353552316);
    assert_close(ind.ev.ratio, 0.9673739225871935);
    assert_int_equal(ind.ev.state, PE_ST_ON_TRACK);
    assert_int_equal(ind.ev.need, PE_NEED_REDUCTION);
    assert_close(ind.ev.needed_rate, 2.9966469959215924);
    /* 2022: p = ln(0.97·0.975)/ln 0.865 = 0.384601, ρ = 0.961502 → 符合: 持平 */
    assert_int_equal(ind.ev.prev_state, PE_ST_ON_TRACK);
    assert_int_equal(ind.ev.change, PE_CHANGE_SAME);
    /* the total reached exactly: 13.5 % of 13.5 % is reached, not 99.999… % */
    const double b[] = { 13.5 };
    ind = make(PE_KIND_REDUCTION, PE_DIR_UP, 0, 0, 13.5, b, 1, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_DONE_EARLY);
    assert_int_equal(ind.ev.change, PE_CHANGE_NEW);
}

/* Ceiling 5.5 (城镇调查失业率 <5.5): 5.2, 5.6, 5.4 → the latest holds → 符合,
 * 2022 named as a breach; the year before (5.6) was 滞后: 好转. */
static void test_ceiling(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 5.2, 5.6, 5.4 };
    pe_indicator ind = make(PE_KIND_CEILING, PE_DIR_UP, 0, 0, 5.5, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_false(ind.ev.has_progress);
    assert_false(ind.ev.has_ratio);
    assert_true(ind.ev.reached);
    assert_int_equal(ind.ev.state, PE_ST_ON_TRACK);
    assert_int_equal(ind.ev.breach_cols, 1u << 1);
    assert_int_equal(ind.ev.need, PE_NEED_BOUND);
    assert_int_equal(ind.ev.prev_state, PE_ST_LAGGING);
    assert_int_equal(ind.ev.change, PE_CHANGE_BETTER);
    /* breached in the latest year, overridden by the office with a reason */
    v[2] = 5.7;
    ind.has_judgement = 1;
    ind.judgement = PE_ST_ON_TRACK;
    ind.judgement_note = "受外部冲击影响";
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.computed_state, PE_ST_LAGGING);
    assert_int_equal(ind.ev.state, PE_ST_ON_TRACK);
    assert_true(ind.ev.judged);
    /* a judgement counts only for its year: 2022 computed 滞后 → now 符合 = 好转 */
    assert_int_equal(ind.ev.prev_state, PE_ST_LAGGING);
    assert_int_equal(ind.ev.change, PE_CHANGE_BETTER);
}

/* Floor 100 (每年保持100家以上): 128, 156, 183 → 符合; in the target year → 已完成,
 * below the floor then → 未完成. */
static void test_floor(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 128, 156, 183, 190, 99 };
    pe_indicator ind = make(PE_KIND_FLOOR, PE_DIR_UP, 1, 91, 100, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_ON_TRACK);
    assert_int_equal(ind.ev.breach_cols, 0);
    assert_int_equal(ind.ev.change, PE_CHANGE_SAME);
    pe_period p = P;
    p.eval_year = 2025;
    ind = make(PE_KIND_FLOOR, PE_DIR_UP, 1, 91, 100, a, 5, hv, v);
    pe_indicator_evaluate(&p, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_MISSED);
    assert_int_equal(ind.ev.change, PE_CHANGE_WORSE);
    v[4] = 101;
    pe_indicator_evaluate(&p, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_DONE);
}

/* Milestone: 0, 1, 1 → achieved in 2022 → 提前完成 (持平 with 2022);
 * 0, 0, 0 → 滞后, and 未完成 once the target year is in. */
static void test_milestone(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 0, 1, 1 };
    pe_indicator ind = make(PE_KIND_MILESTONE, PE_DIR_UP, 0, 0, 0, a, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.achieved_year, 2022);
    assert_int_equal(ind.ev.state, PE_ST_DONE_EARLY);
    assert_false(ind.ev.has_progress);
    assert_int_equal(ind.ev.change, PE_CHANGE_SAME);
    const double b[] = { 0, 0, 0, 0, 0 };
    ind = make(PE_KIND_MILESTONE, PE_DIR_UP, 0, 0, 0, b, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_LAGGING);
    pe_period p = P;
    p.eval_year = 2025;
    ind = make(PE_KIND_MILESTONE, PE_DIR_UP, 0, 0, 0, b, 5, hv, v);
    pe_indicator_evaluate(&p, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_MISSED);
}

/* Qualitative: the status is the judgement; without one 暂无数据; never a change. */
static void test_qualitative(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    pe_indicator ind = make(PE_KIND_QUALITATIVE, PE_DIR_UP, 0, 0, 0, NULL, 0, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_NO_DATA);
    ind.has_judgement = 1;
    ind.judgement = PE_ST_ON_TRACK;
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_ON_TRACK);
    assert_int_equal(ind.ev.computed_state, PE_ST_ON_TRACK);   /* no arithmetic: the judgement is the status */
    assert_int_equal(ind.ev.change, PE_CHANGE_NONE);
    assert_false(ind.ev.has_progress);
}

/* Year over year on a level: R&D/GDP 0.38 (2022: p = 0.24/0.87, ρ = 0.6897 →
 * 滞后) to 0.54 (ρ = 0.7663 → 滞后): 持平; a drop to 0.20 (ρ = 0.115 → 进展缓慢): 下滑. */
static void test_year_over_year(void **state)
{
    (void)state;
    int hv[5];
    double v[5];
    const double a[] = { 0.31, 0.38, 0.54 };
    pe_indicator ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 0.14, 1.01, a, 3, hv, v);
    ind.unit = "%";
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.prev_state, PE_ST_LAGGING);
    assert_int_equal(ind.ev.change, PE_CHANGE_SAME);
    v[2] = 0.20;
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.state, PE_ST_SLOW);
    assert_int_equal(ind.ev.change, PE_CHANGE_WORSE);
    const double b[] = { NAN, NAN, 0.54 };
    ind = make(PE_KIND_LEVEL, PE_DIR_UP, 1, 0.14, 1.01, b, 3, hv, v);
    pe_indicator_evaluate(&P, YEARS, 5, &ind);
    assert_int_equal(ind.ev.change, PE_CHANGE_NEW);
    assert_false(ind.ev.has_prev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_up),          cmocka_unit_test(test_growth),
        cmocka_unit_test(test_no_baseline),       cmocka_unit_test(test_level_down),
        cmocka_unit_test(test_down_reached_early), cmocka_unit_test(test_range_target),
        cmocka_unit_test(test_base_equals_target), cmocka_unit_test(test_no_data),
        cmocka_unit_test(test_latest_year),       cmocka_unit_test(test_reached_in_target_year),
        cmocka_unit_test(test_threshold_boundaries), cmocka_unit_test(test_threshold_binary_rounding), cmocka_unit_test(test_growth_zero_target),
        cmocka_unit_test(test_growth_negative_target), cmocka_unit_test(test_needed_rate),
        cmocka_unit_test(test_cumulative), cmocka_unit_test(test_reduction),
        cmocka_unit_test(test_ceiling), cmocka_unit_test(test_floor),
        cmocka_unit_test(test_milestone), cmocka_unit_test(test_qualitative),
        cmocka_unit_test(test_year_over_year),
        cmocka_unit_test(test_no_nan),            cmocka_unit_test(test_counties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
