/* eval.c — SPEC §4: time progress, completion progress of the eight kinds
 * (level with or without baseline, range, down; growth; cumulative; reduction;
 * the bound test of ceiling and floor; milestones; qualitative judgements),
 * status against the thresholds, the office's judgement beside the computed
 * status, the year-over-year change, pace still needed, summary counts and
 * county completion. No figure is ever NaN or inf: an
 * undefined one has its flag cleared and a note saying why. */
#include "pe_eval.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* A ratio that is exactly on a threshold in decimal (0.5) may come out a few
 * ulps below it in binary (0.4999999999999997); Excel and LibreOffice compare
 * with such a tolerance, and the PDF and the workbook must agree. */
#define PE_RATIO_EPS 1e-9

pe_state pe_state_for_ratio(const pe_period *p, double ratio)
{
    if (ratio >= p->ahead - PE_RATIO_EPS)
        return PE_ST_AHEAD;
    if (ratio >= p->on_track - PE_RATIO_EPS)
        return PE_ST_ON_TRACK;
    if (ratio >= p->at_risk - PE_RATIO_EPS)
        return PE_ST_LAGGING;
    return PE_ST_SLOW;
}

static void evaluate_level(pe_indicator *ind, pe_eval *ev)
{
    const double tgt = ind->target;   /* a range target uses its lower end */
    const double a = ev->actual;
    ev->reached = ind->dir == PE_DIR_UP ? a >= tgt : a <= tgt;
    if (ind->has_base) {
        if (tgt == ind->base) {
            ev->note = "目标值与基期值相同，无法计算完成进度";
        } else {
            ev->progress = (a - ind->base) / (tgt - ind->base);
            ev->has_progress = 1;
        }
    } else if (ind->dir == PE_DIR_UP) {
        if (tgt == 0) {
            ev->note = "目标值为0且无基期值，无法计算完成进度";
        } else {
            ev->progress = a / tgt;
            ev->has_progress = 1;
        }
    } else {
        /* down, no baseline: the share of the target reached, tgt/A (1 when A ≤ tgt) */
        if (a <= 0 || ev->reached) {
            ev->progress = 1.0;
            ev->has_progress = ev->reached;
            if (!ev->reached)
                ev->note = "逆向指标无基期值且实际值不为正，无法计算完成进度";
        } else {
            ev->progress = tgt / a;
            ev->has_progress = 1;
        }
    }
    if (ev->reached || ev->years_left <= 0)
        return;
    ev->need = PE_NEED_LEVEL;
    ev->needed_delta = (tgt - a) / ev->years_left;
    if (strcmp(ind->unit, "%") != 0 && a > 0 && tgt > 0) {
        ev->needed_rate = (pow(tgt / a, 1.0 / ev->years_left) - 1.0) * 100.0;
        ev->has_needed_rate = isfinite(ev->needed_rate);
    }
}

/* Σ ln(1 + sign·r/100) over the years B+1…y that have an actual; the loader
 * guarantees every such year is present and each factor positive. */
static double log_chain(const pe_period *p, const int *years, size_t nyears,
                        const pe_indicator *ind, int y, double sign)
{
    double acc = 0;
    for (size_t k = 0; k < nyears; k++)
        if (years[k] > p->base_year && years[k] <= y && ind->has_value[k])
            acc += log1p(sign * ind->value[k] / 100.0);
    return acc;
}

static void evaluate_growth(const pe_period *p, const int *years, size_t nyears,
                            pe_indicator *ind, pe_eval *ev)
{
    const double lnf = log_chain(p, years, nyears, ind, ev->year, 1.0);
    const int span = ev->year - p->base_year;
    ev->cum_factor = exp(lnf);
    ev->avg_rate = (exp(lnf / span) - 1.0) * 100.0;
    const double lng = log1p(ind->target / 100.0);
    const int period = p->target_year - p->base_year;
    if (lng == 0) {
        ev->note = "目标年均增长率为0，按累计增长是否为正判断";
        ev->reached = ind->dir == PE_DIR_UP ? lnf >= 0 : lnf <= 0;
    } else {
        ev->progress = lnf / (period * lng);
        ev->has_progress = 1;
        ev->reached = ev->progress >= 1.0;
    }
    if (ev->reached || ev->years_left <= 0)
        return;
    ev->need = PE_NEED_GROWTH;
    /* ((1+g)^(T−B) / F)^(1/(T−y)) − 1, in logs */
    ev->needed_rate = (exp((period * lng - lnf) / ev->years_left) - 1.0) * 100.0;
    ev->has_needed_rate = isfinite(ev->needed_rate);
}

static void evaluate_cumulative(const pe_period *p, const int *years, size_t nyears,
                                pe_indicator *ind, pe_eval *ev)
{
    double sum = 0;
    int have = 0;
    for (size_t k = 0; k < nyears; k++)
        if (years[k] > p->base_year && years[k] <= ev->year && ind->has_value[k]) {
            sum += ind->value[k];
            have++;
        }
    ev->sum = sum;
    ev->missing_years = ev->year - p->base_year - have;
    if (ev->missing_years > 0)
        ev->note = "期内有年份缺少数据，累计值按已有年份相加";
    ev->reached = sum >= ind->target;
    if (ind->target > 0) {
        ev->progress = sum / ind->target;
        ev->has_progress = 1;
    } else if (!ev->note) {
        ev->note = "累计目标不为正，无法计算完成进度";
    }
    if (ev->reached || ev->years_left <= 0)
        return;
    ev->need = PE_NEED_CUMULATIVE;
    ev->needed_delta = (ind->target - sum) / ev->years_left;
}

static void evaluate_reduction(const pe_period *p, const int *years, size_t nyears,
                               pe_indicator *ind, pe_eval *ev)
{
    const double lnr = log_chain(p, years, nyears, ind, ev->year, -1.0);   /* ln(1 − C) */
    const double g = ind->target / 100.0;
    ev->cum_factor = exp(lnr);
    ev->reduced = -expm1(lnr) * 100.0;
    /* C ≥ G, compared in logs with the ratio tolerance: 13.5 % must reach 13.5 % */
    if (g == 0) {
        ev->note = "目标降低率为0，按累计降低是否为正判断";
        ev->reached = lnr <= 0;
    } else {
        ev->progress = lnr / log1p(-g);
        ev->has_progress = 1;
        ev->reached = ev->progress >= 1.0 - PE_RATIO_EPS;
    }
    if (ev->reached || ev->years_left <= 0)
        return;
    ev->need = PE_NEED_REDUCTION;
    /* 1 − ((1 − G)/(1 − C))^(1/(T−y)), in % */
    ev->needed_rate = -expm1((log1p(-g) - lnr) / ev->years_left) * 100.0;
    ev->has_needed_rate = isfinite(ev->needed_rate);
}

/* Ceiling and floor: no progress; the latest actual inside the bound holds,
 * earlier years outside it are recorded in breach_cols. */
static void evaluate_bound(const pe_period *p, const int *years, size_t nyears,
                           pe_indicator *ind, pe_eval *ev)
{
    const int ceiling = ind->kind == PE_KIND_CEILING;
    for (size_t k = 0; k < nyears && k < 64; k++) {
        if (!ind->has_value[k] || years[k] > ev->year)
            continue;
        double v = ind->value[k];
        if (ceiling ? v > ind->target : v < ind->target)
            ev->breach_cols |= 1ULL << k;
    }
    ev->reached = ceiling ? ev->actual <= ind->target : ev->actual >= ind->target;
    if (ev->year >= p->target_year)
        ev->state = ev->reached ? PE_ST_DONE : PE_ST_MISSED;
    else
        ev->state = ev->reached ? PE_ST_ON_TRACK : PE_ST_LAGGING;
    if (ev->years_left > 0)
        ev->need = PE_NEED_BOUND;
}

static void evaluate_milestone(const pe_period *p, const int *years, size_t nyears,
                               pe_indicator *ind, pe_eval *ev)
{
    for (size_t k = 0; k < nyears; k++)
        if (years[k] <= ev->year && ind->has_value[k] && ind->value[k] != 0) {
            ev->achieved_year = years[k];
            break;
        }
    ev->reached = ev->achieved_year != 0;
    if (ev->reached)
        ev->state = ev->year < p->target_year ? PE_ST_DONE_EARLY : PE_ST_DONE;
    else
        ev->state = ev->year >= p->target_year ? PE_ST_MISSED : PE_ST_LAGGING;
}

/* The evaluation of SPEC §4 on the actuals of the years up to `cutoff`,
 * without the office's judgement. */
static void evaluate_as_of(const pe_period *p, const int *years, size_t nyears,
                           pe_indicator *ind, int cutoff, pe_eval *ev)
{
    memset(ev, 0, sizeof *ev);
    const int span = p->target_year - p->base_year;
    if (ind->kind != PE_KIND_QUALITATIVE)
        for (size_t k = nyears; k-- > 0;)
            if (ind->has_value[k] && years[k] <= cutoff) {
                ev->has_actual = 1;
                ev->year = years[k];
                ev->actual = ind->value[k];
                break;
            }
    if (!ev->has_actual) {
        ev->state = PE_ST_NO_DATA;
        ev->time_progress = span > 0 ? (double)(p->eval_year - p->base_year) / span : 0;
        ev->need = PE_NEED_NONE;
        return;
    }
    ev->time_progress = (double)(ev->year - p->base_year) / span;
    ev->years_left = p->target_year - ev->year;
    switch (ind->kind) {
    case PE_KIND_CEILING:
    case PE_KIND_FLOOR:
        evaluate_bound(p, years, nyears, ind, ev);
        return;
    case PE_KIND_MILESTONE:
        evaluate_milestone(p, years, nyears, ind, ev);
        return;
    case PE_KIND_GROWTH:
        evaluate_growth(p, years, nyears, ind, ev);
        break;
    case PE_KIND_CUMULATIVE:
        evaluate_cumulative(p, years, nyears, ind, ev);
        break;
    case PE_KIND_REDUCTION:
        evaluate_reduction(p, years, nyears, ind, ev);
        break;
    default:
        evaluate_level(ind, ev);
        break;
    }
    if (ev->has_progress && ev->time_progress > 0) {
        ev->ratio = ev->progress / ev->time_progress;
        ev->has_ratio = 1;
    }
    if (ev->reached) {
        ev->state = ev->year < p->target_year ? PE_ST_DONE_EARLY : PE_ST_DONE;
        ev->need = PE_NEED_NONE;
    } else if (ev->year >= p->target_year) {
        ev->state = PE_ST_MISSED;
    } else if (ev->has_ratio) {
        ev->state = pe_state_for_ratio(p, ev->ratio);
    } else {
        ev->state = PE_ST_SLOW;
    }
}

void pe_indicator_evaluate(const pe_period *p, const int *years, size_t nyears,
                           pe_indicator *ind)
{
    pe_eval *ev = &ind->ev;
    evaluate_as_of(p, years, nyears, ind, INT_MAX, ev);
    ev->computed_state = ev->state;
    /* a qualitative target has no arithmetic: its judgement is its status */
    if (ind->kind == PE_KIND_QUALITATIVE && ind->has_judgement)
        ev->computed_state = ind->judgement;
    if (ind->has_judgement) {
        ev->state = ind->judgement;
        ev->judged = 1;
    }
    ev->change = PE_CHANGE_NONE;
    /* year over year: the same rules on the actuals up to y − 1; a judgement
     * counts only for the year it was given in */
    pe_eval *pv = &ind->prev_ev;
    evaluate_as_of(p, years, nyears, ind, ev->has_actual ? ev->year - 1 : INT_MIN, pv);
    pv->computed_state = pv->state;
    if (!ev->has_actual)
        return;
    const pe_eval prev = *pv;
    if (!prev.has_actual) {
        ev->change = PE_CHANGE_NEW;
        return;
    }
    ev->has_prev = 1;
    ev->prev_year = prev.year;
    ev->prev_state = prev.state;
    int now = pe_state_rank(ev->state), before = pe_state_rank(prev.state);
    if (now < 0)
        ev->change = PE_CHANGE_NONE;
    else
        ev->change = now > before ? PE_CHANGE_BETTER
                   : now < before ? PE_CHANGE_WORSE : PE_CHANGE_SAME;
}

static int is_lagging(pe_state s)
{
    return s == PE_ST_LAGGING || s == PE_ST_SLOW || s == PE_ST_MISSED;
}

static void evaluate_table(const pe_period *p, pe_indicator_table *t, pe_diags *d)
{
    memset(t->count, 0, sizeof t->count);
    memset(t->changes, 0, sizeof t->changes);
    t->n_lagging = t->n_binding_lagging = t->n_judged = 0;
    t->data_year = 0;
    for (size_t i = 0; i < t->n; i++) {
        pe_indicator *ind = &t->items[i];
        pe_indicator_evaluate(p, t->years, t->nyears, ind);
        const pe_eval *ev = &ind->ev;
        t->count[ev->state]++;
        t->changes[ev->change]++;
        if (is_lagging(ev->state)) {
            t->n_lagging++;
            if (ind->nature && strcmp(ind->nature, "约束性") == 0)
                t->n_binding_lagging++;
        }
        if (ev->has_actual && ev->year > t->data_year)
            t->data_year = ev->year;
        if (ev->judged && ev->state != ev->computed_state) {
            t->n_judged++;
            if (!ind->judgement_note)
                pe_error(d, ind->judgement_src,
                         "评估结论“%s”与测算状态“%s”不同，请在 judgement_note（研判说明）列写明理由",
                         pe_state_name(ev->state), pe_state_name(ev->computed_state));
        }
        if (ind->kind == PE_KIND_QUALITATIVE) {
            if (!ind->has_judgement)
                pe_warn(d, ind->src, "定性指标“%s”（序号 %s）尚无评估结论，状态记为“暂无数据”；"
                        "请在 judgement（评估结论）列填写研判结论", ind->name, ind->id);
        } else if (!ev->has_actual) {
            pe_warn(d, ind->src, "指标“%s”（序号 %s）尚无任何年份的实际值，状态记为“暂无数据”",
                    ind->name, ind->id);
        } else if (ind->kind == PE_KIND_MILESTONE && !ev->reached && !ind->has_judgement) {
            pe_warn(d, ind->src, "节点目标“%s”（序号 %s）尚未实现，测算状态记为“%s”；请在 judgement"
                    "（评估结论）列填写研判结论", ind->name, ind->id, pe_state_name(ev->state));
        }
    }
}

static pe_state county_state(const pe_period *p, double cum_actual, double cum_target,
                             double total_target, int all_years, int *has_rate, double *rate)
{
    *has_rate = cum_target > 0;
    *rate = *has_rate ? cum_actual / cum_target : 0;
    if (total_target > 0 && cum_actual >= total_target)
        return all_years ? PE_ST_DONE : PE_ST_DONE_EARLY;
    if (!*has_rate)
        return PE_ST_NO_DATA;
    return pe_state_for_ratio(p, *rate);
}

static void evaluate_counties(const pe_period *p, pe_county_table *t)
{
    t->total_target = t->cum_target = t->cum_actual = 0;
    for (size_t y = 0; y < t->nyears; y++) {
        t->year_target[y] = t->year_actual[y] = 0;
        t->year_has_actual[y] = 0;
    }
    int all_years_total = 1;
    for (size_t i = 0; i < t->n; i++) {
        pe_county *c = &t->items[i];
        int any = 0, all_years = 1;
        c->total_target = c->cum_target = c->cum_actual = 0;
        for (size_t y = 0; y < t->nyears; y++) {
            double tg = c->has_target[y] ? c->target[y] : 0;
            c->total_target += tg;
            t->year_target[y] += tg;
            if (c->has_actual[y]) {
                any = 1;
                c->cum_target += tg;
                c->cum_actual += c->actual[y];
                t->year_actual[y] += c->actual[y];
                t->year_has_actual[y] = 1;
            } else if (c->has_target[y]) {
                all_years = 0;
            }
        }
        if (!all_years)
            all_years_total = 0;
        c->state = any ? county_state(p, c->cum_actual, c->cum_target, c->total_target, all_years,
                                      &c->has_rate, &c->rate)
                       : PE_ST_NO_DATA;
        if (!any)
            c->has_rate = 0;
        t->total_target += c->total_target;
        t->cum_target += c->cum_target;
        t->cum_actual += c->cum_actual;
    }
    t->state = county_state(p, t->cum_actual, t->cum_target, t->total_target, all_years_total,
                            &t->has_rate, &t->rate);
}

pe_status pe_evaluate(pe_model *m, pe_diags *d)
{
    size_t errors_before = d->nerrors;
    pe_period p = { m->base_year, m->target_year, m->eval_year, m->ahead, m->on_track, m->at_risk };
    evaluate_table(&p, &m->indicators, d);
    evaluate_table(&p, &m->targets, d);
    if (m->counties.present)
        evaluate_counties(&p, &m->counties);
    m->data_year = m->indicators.data_year > m->targets.data_year ? m->indicators.data_year
                                                                  : m->targets.data_year;
    return d->nerrors > errors_before ? PE_ERR_INPUT : PE_OK;
}
