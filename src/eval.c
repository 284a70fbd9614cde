/* eval.c — SPEC §4: time progress, completion progress (level, no baseline,
 * range, down, growth), status against the thresholds, pace still needed,
 * summary counts and county completion. No figure is ever NaN or inf: an
 * undefined one has its flag cleared and a note saying why. */
#include "pe_eval.h"

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

static void evaluate_level(const pe_period *p, pe_indicator *ind, pe_eval *ev)
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
    (void)p;
}

static void evaluate_growth(const pe_period *p, const int *years, size_t nyears,
                            pe_indicator *ind, pe_eval *ev)
{
    double lnf = 0;
    int gaps = 0;
    for (size_t k = 0; k < nyears; k++) {
        if (years[k] <= p->base_year || years[k] > ev->year)
            continue;
        if (!ind->has_value[k]) {
            gaps++;
            continue;
        }
        lnf += log1p(ind->value[k] / 100.0);   /* values > −100 are guaranteed by the loader */
    }
    /* years with no column at all also count as gaps */
    int span = ev->year - p->base_year, have = 0;
    for (size_t k = 0; k < nyears; k++)
        if (years[k] > p->base_year && years[k] <= ev->year && ind->has_value[k])
            have++;
    if (have < span)
        gaps = span - have;
    ev->cum_factor = exp(lnf);
    ev->avg_rate = (exp(lnf / span) - 1.0) * 100.0;
    const double g = ind->target / 100.0;
    const double lng = log1p(g);
    const int period = p->target_year - p->base_year;
    if (lng == 0) {
        ev->note = "目标年均增长率为0，按累计增长是否为正判断";
        ev->reached = ind->dir == PE_DIR_UP ? lnf >= 0 : lnf <= 0;
    } else {
        ev->progress = lnf / (period * lng);
        ev->has_progress = 1;
        ev->reached = ev->progress >= 1.0;
    }
    if (gaps > 0 && !ev->note)
        ev->note = "中间年份缺少增长率，累计增长按已有年份计算";
    if (ev->reached || ev->years_left <= 0)
        return;
    ev->need = PE_NEED_GROWTH;
    /* ((1+g)^(T−B) / F)^(1/(T−y)) − 1, in logs */
    ev->needed_rate = (exp((period * lng - lnf) / ev->years_left) - 1.0) * 100.0;
    ev->has_needed_rate = isfinite(ev->needed_rate);
}

void pe_indicator_evaluate(const pe_period *p, const int *years, size_t nyears,
                           pe_indicator *ind)
{
    pe_eval *ev = &ind->ev;
    memset(ev, 0, sizeof *ev);
    const int span = p->target_year - p->base_year;
    for (size_t k = nyears; k-- > 0;)
        if (ind->has_value[k]) {
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
    if (ind->kind == PE_KIND_GROWTH)
        evaluate_growth(p, years, nyears, ind, ev);
    else
        evaluate_level(p, ind, ev);

    if (ev->has_progress && ev->time_progress > 0) {
        ev->ratio = ev->progress / ev->time_progress;
        ev->has_ratio = 1;
    }
    if (ev->reached) {
        ev->state = ev->year < p->target_year ? PE_ST_DONE_EARLY : PE_ST_DONE;
        ev->need = PE_NEED_NONE;
    } else if (ev->has_ratio) {
        ev->state = pe_state_for_ratio(p, ev->ratio);
    } else {
        ev->state = PE_ST_SLOW;
    }
}

static void evaluate_table(const pe_period *p, pe_indicator_table *t, pe_diags *d)
{
    memset(t->count, 0, sizeof t->count);
    t->n_lagging = t->n_binding_lagging = 0;
    t->data_year = 0;
    for (size_t i = 0; i < t->n; i++) {
        pe_indicator *ind = &t->items[i];
        pe_indicator_evaluate(p, t->years, t->nyears, ind);
        t->count[ind->ev.state]++;
        if (ind->ev.state == PE_ST_LAGGING || ind->ev.state == PE_ST_SLOW) {
            t->n_lagging++;
            if (ind->nature && strcmp(ind->nature, "约束性") == 0)
                t->n_binding_lagging++;
        }
        if (ind->ev.has_actual && ind->ev.year > t->data_year)
            t->data_year = ind->ev.year;
        if (!ind->ev.has_actual)
            pe_warn(d, ind->src, "指标“%s”（序号 %s）尚无任何年份的实际值，状态记为“暂无数据”",
                    ind->name, ind->id);
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
    pe_period p = { m->base_year, m->target_year, m->eval_year, m->ahead, m->on_track, m->at_risk };
    evaluate_table(&p, &m->indicators, d);
    evaluate_table(&p, &m->targets, d);
    if (m->counties.present)
        evaluate_counties(&p, &m->counties);
    m->data_year = m->indicators.data_year > m->targets.data_year ? m->indicators.data_year
                                                                  : m->targets.data_year;
    return PE_OK;
}
