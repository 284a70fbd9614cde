/* fields.c — the template field namespace (SPEC §5) and the formatting every
 * renderer shares, so a figure reads the same in the text, tables and workbook. */
#include "pe_fields.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void pe_fmt_value(const pe_indicator *ind, double v, char *out, size_t n)
{
    pe_number_format(v, ind->decimals, out, n);
}

void pe_fmt_target(const pe_indicator *ind, char *out, size_t n)
{
    if (ind->target_text) {
        snprintf(out, n, "%s", ind->target_text);
        return;
    }
    pe_fmt_target_value(ind, out, n);
}

void pe_fmt_target_value(const pe_indicator *ind, char *out, size_t n)
{
    char a[64], b[64];
    if (!ind->has_target) {
        snprintf(out, n, "—");
        return;
    }
    pe_fmt_value(ind, ind->target, a, sizeof a);
    if (ind->has_target_max && ind->target_max != ind->target) {
        pe_fmt_value(ind, ind->target_max, b, sizeof b);
        snprintf(out, n, "%s–%s", a, b);
    } else {
        snprintf(out, n, "%s", a);
    }
}

/* A pace in the unit: one more decimal than the indicator so small paces do
 * not print as 0, without trailing zeros: 17.5家, 1家, 0.235个百分点. */
static void fmt_pace(const pe_indicator *ind, double v, char *a, size_t n)
{
    pe_number_format(fabs(v), ind->decimals + 1 > 2 ? ind->decimals + 1 : 2, a, n);
    if (strchr(a, '.')) {
        size_t k = strlen(a);
        while (k > 0 && a[k - 1] == '0')
            a[--k] = '\0';
        if (k > 0 && a[k - 1] == '.')
            a[--k] = '\0';
    }
}

int pe_fmt_latest_year(const pe_indicator *ind)
{
    const pe_eval *ev = &ind->ev;
    if (!ev->has_actual)
        return 0;
    return ind->kind == PE_KIND_MILESTONE && ev->reached ? ev->achieved_year : ev->year;
}

void pe_fmt_latest_value(const pe_indicator *ind, char *out, size_t n)
{
    const pe_eval *ev = &ind->ev;
    char v[128];
    if (!ev->has_actual) {
        snprintf(out, n, "—");
        return;
    }
    switch (ind->kind) {
    case PE_KIND_CUMULATIVE:
        pe_fmt_value(ind, ev->sum, v, sizeof v);
        snprintf(out, n, "累计%s", v);
        return;
    case PE_KIND_REDUCTION:
        pe_number_format(ev->reduced, 1, v, sizeof v);
        snprintf(out, n, "累计%s%%", v);
        return;
    case PE_KIND_MILESTONE:
        snprintf(out, n, "%s", ev->reached ? "已实现" : "未实现");
        return;
    default:
        pe_fmt_value(ind, ev->actual, out, n);
        return;
    }
}

void pe_fmt_latest(const pe_indicator *ind, const char *sep, char *out, size_t n)
{
    char v[160];
    if (!ind->ev.has_actual) {
        snprintf(out, n, "—");
        return;
    }
    pe_fmt_latest_value(ind, v, sizeof v);
    snprintf(out, n, "%s%s（%d年）", v, sep, pe_fmt_latest_year(ind));
}

void pe_fmt_needed(const pe_indicator *ind, char *out, size_t n)
{
    const pe_eval *ev = &ind->ev;
    char a[64], r[64];
    switch (ev->need) {
    case PE_NEED_LEVEL: {
        int pct = strcmp(ind->unit, "%") == 0;
        fmt_pace(ind, ev->needed_delta, a, sizeof a);
        const char *verb = ev->needed_delta >= 0 ? "提高" : "降低";
        if (pct) {
            snprintf(out, n, "每年需%s%s个百分点", verb, a);
        } else if (ev->has_needed_rate) {
            pe_number_format(fabs(ev->needed_rate), 1, r, sizeof r);
            snprintf(out, n, "每年需%s%s%s（年均%s%s%%）", ev->needed_delta >= 0 ? "增加" : "减少", a,
                     ind->unit, ev->needed_rate >= 0 ? "增长" : "下降", r);
        } else {
            snprintf(out, n, "每年需%s%s%s", ev->needed_delta >= 0 ? "增加" : "减少", a, ind->unit);
        }
        break;
    }
    case PE_NEED_GROWTH:
        if (ev->has_needed_rate) {
            pe_number_format(fabs(ev->needed_rate), 1, r, sizeof r);
            snprintf(out, n, "此后年均需%s%s%%", ev->needed_rate >= 0 ? "增长" : "下降", r);
        } else {
            snprintf(out, n, "—");
        }
        break;
    case PE_NEED_CUMULATIVE:
        fmt_pace(ind, ev->needed_delta, a, sizeof a);
        snprintf(out, n, "每年需完成%s%s", a, ind->unit);
        break;
    case PE_NEED_REDUCTION:
        if (ev->has_needed_rate) {
            pe_number_format(fabs(ev->needed_rate), 1, r, sizeof r);
            snprintf(out, n, "此后每年需%s%s%%", ev->needed_rate >= 0 ? "降低" : "可上升", r);
        } else {
            snprintf(out, n, "—");
        }
        break;
    case PE_NEED_BOUND:
        pe_fmt_value(ind, ind->target, a, sizeof a);
        snprintf(out, n, "保持在%s%s%s", a, ind->unit,
                 ind->kind == PE_KIND_CEILING ? "以内" : "以上");
        break;
    case PE_NEED_NONE:
    default:
        if (ind->kind == PE_KIND_MILESTONE && ev->reached)
            snprintf(out, n, "已实现");
        else
            snprintf(out, n, "%s", ev->reached ? "已达目标" : "—");
        break;
    }
}

void pe_fmt_breaches(const pe_indicator *ind, const int *years, size_t nyears, char *out,
                     size_t n)
{
    const pe_eval *ev = &ind->ev;
    size_t len = 0;
    out[0] = '\0';
    for (size_t k = 0; k < nyears && k < 64 && len + 16 < n; k++) {
        if (!(ev->breach_cols & (1ULL << k)) || years[k] == ev->year)
            continue;
        len += (size_t)snprintf(out + len, n - len, "%s%d年", len ? "、" : "", years[k]);
    }
    if (len && len + 16 < n)
        snprintf(out + len, n - len, "%s", ind->kind == PE_KIND_CEILING ? "超出控制目标" : "未达到");
}

/* "0.54%", "183家": a value with its unit. */
static void fmt_with_unit(const pe_indicator *ind, double v, char *out, size_t n)
{
    char a[64];
    pe_fmt_value(ind, v, a, sizeof a);
    snprintf(out, n, "%s%s", a, ind->unit);
}

/* The status clause: the status, or for a judgement that differs from the
 * arithmetic, the computed status followed by the office's. */
static void sentence_status(pe_buf *b, const pe_indicator *ind)
{
    const pe_eval *ev = &ind->ev;
    if (ev->judged && ev->state != ev->computed_state) {
        pe_buf_printf(b, "测算为%s；经综合研判，评估为%s", pe_state_name(ev->computed_state),
                      pe_state_name(ev->state));
        if (ind->judgement_note)
            pe_buf_printf(b, "（%s）", ind->judgement_note);
    } else {
        pe_buf_puts(b, pe_state_name(ev->state));
    }
}

void pe_fmt_sentence(const pe_indicator *ind, const int *years, size_t nyears, int base_year,
                     int target_year, pe_buf *b)
{
    const pe_eval *ev = &ind->ev;
    char a[96], t[96], p[32], r[32], x[128];
    const int pending = ev->need != PE_NEED_NONE && ev->years_left > 0;

    if (ind->kind == PE_KIND_QUALITATIVE) {
        pe_buf_printf(b, "%s（目标：%s）", ind->name, ind->target_text ? ind->target_text : "—");
        if (ind->has_judgement) {
            pe_buf_printf(b, "，经综合研判，评估为%s", pe_state_name(ev->state));
            if (ind->judgement_note)
                pe_buf_printf(b, "（%s）", ind->judgement_note);
            pe_buf_puts(b, "。");
        } else {
            pe_buf_puts(b, "，尚无评估结论。");
        }
        return;
    }
    if (!ev->has_actual) {
        pe_buf_printf(b, "%s尚无实际数据，", ind->name);
        sentence_status(b, ind);
        pe_buf_puts(b, "。");
        return;
    }
    fmt_with_unit(ind, ev->actual, a, sizeof a);
    if (ind->has_target)
        fmt_with_unit(ind, ind->target, t, sizeof t);
    else
        snprintf(t, sizeof t, "—");
    if (ev->has_progress)
        pe_percent_format(ev->progress, p, sizeof p);
    else
        snprintf(p, sizeof p, "—");
    switch (ind->kind) {
    case PE_KIND_GROWTH:
        pe_number_format(ev->avg_rate, 1, r, sizeof r);
        if (ev->year == base_year + 1)
            pe_buf_printf(b, "%s%d年增长%s%%", ind->name, ev->year, r);
        else
            pe_buf_printf(b, "%s%d—%d年年均增长%s%%", ind->name, base_year + 1, ev->year, r);
        pe_buf_printf(b, "（目标年均%s）", t);
        break;
    case PE_KIND_CUMULATIVE:
        fmt_with_unit(ind, ev->sum, x, sizeof x);
        pe_buf_printf(b, "%s%d—%d年累计%s，为%d年目标%s的", ind->name, base_year + 1, ev->year, x,
                      target_year, t);
        break;
    case PE_KIND_REDUCTION:
        pe_number_format(ev->reduced, 1, r, sizeof r);
        pe_buf_printf(b, "%s%d—%d年累计降低%s%%（目标累计降低%s）", ind->name, base_year + 1,
                      ev->year, r, t);
        break;
    case PE_KIND_CEILING:
    case PE_KIND_FLOOR: {
        int ceil = ind->kind == PE_KIND_CEILING;
        pe_buf_printf(b, "%s%d年为%s，", ind->name, ev->year, a);
        if (ev->reached)
            pe_buf_printf(b, "%s%s%s", ceil ? "控制在" : "保持在", t, ceil ? "以内" : "以上");
        else
            pe_buf_printf(b, "%s%s的%s", ceil ? "高于" : "低于", t, ceil ? "控制目标" : "目标下限");
        pe_fmt_breaches(ind, years, nyears, x, sizeof x);
        if (*x)
            pe_buf_printf(b, "（%s）", x);
        pe_buf_puts(b, "，");
        sentence_status(b, ind);
        if (pending)
            pe_buf_printf(b, "，今后需%s%s%s%s", ev->reached ? "继续" : "", ceil ? "控制在" : "保持在", t,
                          ceil ? "以内" : "以上");
        pe_buf_puts(b, "。");
        return;
    }
    case PE_KIND_MILESTONE:
        /* 独角兽企业 + 零突破: the name and the plan's wording make the milestone */
        pe_buf_printf(b, "%s%s", ind->name, ind->target_text ? ind->target_text : "");
        if (ev->reached)
            pe_buf_printf(b, "已于%d年实现，", ev->achieved_year);
        else
            pe_buf_printf(b, "截至%d年尚未实现，", ev->year);
        sentence_status(b, ind);
        pe_buf_puts(b, "。");
        return;
    default:
        pe_buf_printf(b, "%s%d年为%s", ind->name, ev->year, a);
        break;
    }
    /* level, growth, cumulative, reduction */
    if (ind->kind == PE_KIND_CUMULATIVE)
        pe_buf_printf(b, "%s，", p);
    else if (ev->reached && ind->kind == PE_KIND_LEVEL)
        pe_buf_printf(b, "，已达到%s的目标，", t);
    else if (ev->has_progress)
        pe_buf_printf(b, "，完成进度%s，", p);
    else
        pe_buf_printf(b, "，%s，", ev->note ? ev->note : "无法计算完成进度");
    sentence_status(b, ind);
    if (pending) {
        /* the years still to go: 2024—2025年需年均…, or with one year left
         * 2025年需… (never 2025—2025年, nor 年均 over one year) */
        char span[32];
        int one = ev->year + 1 == target_year;
        const char *avg = one ? "" : "年均";
        if (one)
            snprintf(span, sizeof span, "%d年", target_year);
        else
            snprintf(span, sizeof span, "%d—%d年", ev->year + 1, target_year);
        switch (ev->need) {
        case PE_NEED_LEVEL:
            fmt_pace(ind, ev->needed_delta, x, sizeof x);
            if (strcmp(ind->unit, "%") == 0)
                pe_buf_printf(b, "，%s%d年需%s%s%s个百分点", one ? "" : "到", target_year, avg,
                              ev->needed_delta >= 0 ? "提高" : "降低", x);
            else
                pe_buf_printf(b, "，%s%d年需%s%s%s%s", one ? "" : "到", target_year, avg,
                              ev->needed_delta >= 0 ? "增加" : "减少", x, ind->unit);
            break;
        case PE_NEED_GROWTH:
            if (ev->has_needed_rate) {
                pe_number_format(fabs(ev->needed_rate), 1, r, sizeof r);
                pe_buf_printf(b, "，%s需%s%s%s%%", span, avg,
                              ev->needed_rate >= 0 ? "增长" : "下降", r);
            }
            break;
        case PE_NEED_CUMULATIVE:
            fmt_pace(ind, ev->needed_delta, x, sizeof x);
            pe_buf_printf(b, "，%s需%s完成%s%s", span, avg, x, ind->unit);
            break;
        case PE_NEED_REDUCTION:
            if (ev->has_needed_rate) {
                pe_number_format(fabs(ev->needed_rate), 1, r, sizeof r);
                pe_buf_printf(b, "，%s需%s降低%s%%", span, avg, r);
            }
            break;
        default:
            break;
        }
    }
    pe_buf_puts(b, "。");
}

/* ---- the field list ---- */

static int add(pe_fields *f, const char *name, const char *value)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        pe_field *items = realloc(f->items, cap * sizeof(*items));
        if (!items)
            return -1;
        f->items = items;
        f->cap = cap;
    }
    f->items[f->n].name = pe_arena_strdup(f->arena, name);
    f->items[f->n].value = pe_arena_strdup(f->arena, value ? value : "");
    if (!f->items[f->n].name || !f->items[f->n].value)
        return -1;
    f->n++;
    return 0;
}

static int addf(pe_fields *f, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int addf(pe_fields *f, const char *name, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return add(f, name, buf);
}

static int add_indicator(pe_fields *f, const pe_model *m, const pe_indicator_table *t,
                         const pe_indicator *ind)
{
    const char *key = t->key;
    char name[256], v[256];
    const pe_eval *ev = &ind->ev;
    int rc = 0;
#define NAME(suffix) (snprintf(name, sizeof name, "%s.%s.%s", key, ind->id, suffix), name)
    rc |= add(f, NAME("name"), ind->name);
    rc |= add(f, NAME("unit"), ind->unit);
    if (ind->has_base)
        pe_fmt_value(ind, ind->base, v, sizeof v);
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, NAME("base"), v);
    pe_fmt_target(ind, v, sizeof v);
    rc |= add(f, NAME("target"), v);
    pe_fmt_target_value(ind, v, sizeof v);
    rc |= add(f, NAME("target_value"), v);
    rc |= add(f, NAME("kind"), pe_kind_name(ind->kind));
    if (!ev->has_actual)
        snprintf(v, sizeof v, "—");
    else if (ind->kind == PE_KIND_MILESTONE)
        snprintf(v, sizeof v, "%s", ev->actual != 0 ? "已实现" : "未实现");
    else
        pe_fmt_value(ind, ev->actual, v, sizeof v);
    rc |= add(f, NAME("actual"), v);
    if (ind->kind == PE_KIND_CUMULATIVE && ev->has_actual)
        pe_fmt_value(ind, ev->sum, v, sizeof v);
    else if (ind->kind == PE_KIND_REDUCTION && ev->has_actual)
        pe_number_format(ev->reduced, 1, v, sizeof v), strcat(v, "%");
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, NAME("total"), v);
    if (ev->has_actual)
        snprintf(v, sizeof v, "%d", ev->year);
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, NAME("year"), v);
    if (ev->has_progress)
        pe_percent_format(ev->progress, v, sizeof v);
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, NAME("progress"), v);
    pe_percent_format(ev->time_progress, v, sizeof v);
    rc |= add(f, NAME("time_progress"), v);
    if (ev->has_ratio)
        pe_percent_format(ev->ratio, v, sizeof v);
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, NAME("ratio"), v);
    rc |= add(f, NAME("status"), pe_state_name(ev->state));
    rc |= add(f, NAME("computed_status"), pe_state_name(ev->computed_state));
    rc |= add(f, NAME("change"), pe_change_name(ev->change));
    rc |= add(f, NAME("prev_status"), ev->has_prev ? pe_state_name(ev->prev_state) : "—");
    rc |= add(f, NAME("judgement_note"), ev->judged && ind->judgement_note ? ind->judgement_note : "");
    {
        pe_buf sb;
        pe_buf_init(&sb);
        pe_fmt_sentence(ind, t->years, t->nyears, m->base_year, m->target_year, &sb);
        rc |= sb.oom ? -1 : add(f, NAME("sentence"), sb.s);
        pe_buf_release(&sb);
    }
    pe_fmt_needed(ind, v, sizeof v);
    rc |= add(f, NAME("needed"), v);
    if (ind->kind == PE_KIND_GROWTH && ev->has_actual)
        pe_number_format(ev->avg_rate, 1, v, sizeof v), strcat(v, "%");
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, NAME("avg_rate"), v);
    {
        char br[256];
        pe_fmt_breaches(ind, t->years, t->nyears, br, sizeof br);
        rc |= add(f, NAME("note"), *br ? br : ev->note ? ev->note : "");
    }
#undef NAME
    return rc;
}

/* 与上年相比，3项指标进展状态好转，5项持平，1项下滑。 */
static int add_changes(pe_fields *f, const pe_indicator_table *t, const char *noun)
{
    char name[128];
    int rc = 0;
    static const pe_change order[] = { PE_CHANGE_BETTER, PE_CHANGE_SAME, PE_CHANGE_WORSE,
                                       PE_CHANGE_NEW };
    for (size_t i = 0; i < COUNT(order); i++) {
        snprintf(name, sizeof name, "%s.changes.%s", t->key, pe_change_name(order[i]));
        rc |= addf(f, name, "%zu", t->changes[order[i]]);
    }
    size_t better = t->changes[PE_CHANGE_BETTER], same = t->changes[PE_CHANGE_SAME];
    size_t worse = t->changes[PE_CHANGE_WORSE], fresh = t->changes[PE_CHANGE_NEW];
    pe_buf b;
    pe_buf_init(&b);
    if (better + same + worse == 0) {
        pe_buf_printf(&b, "各项%s均无上年数据可比，暂不作同比分析。", noun);
    } else {
        pe_buf_puts(&b, "与上年相比，");
        const char *sep = "";
        if (better)
            pe_buf_printf(&b, "%zu项%s进展状态好转", better, noun), sep = "，";
        if (same)
            pe_buf_printf(&b, "%s%zu项%s", sep, same, *sep ? "持平" : "进展状态持平"), sep = "，";
        if (worse)
            pe_buf_printf(&b, "%s%zu项%s", sep, worse, *sep ? "下滑" : "进展状态下滑"), sep = "，";
        if (fresh)
            pe_buf_printf(&b, "%s%zu项为新增数据", sep, fresh);
        pe_buf_puts(&b, "。");
    }
    snprintf(name, sizeof name, "%s.changes.summary", t->key);
    rc |= b.oom ? -1 : add(f, name, b.s);
    pe_buf_release(&b);
    return rc;
}

/* What an annex counts, from its title: "突破20项重大技术计划" → "重大技术计划";
 * a title without a stated count gives "所列事项". */
static const char *annex_noun(const char *title, char *buf, size_t n)
{
    const char *p = title;
    while (p && *p) {
        if (*p >= '0' && *p <= '9') {
            while (*p >= '0' && *p <= '9')
                p++;
            if (strncmp(p, "项", 3) == 0 && p[3]) {
                snprintf(buf, n, "%s", p + 3);
                return buf;
            }
            continue;
        }
        p++;
    }
    return "所列事项";
}

/* 21项重大技术计划中，已完成5项，推进中12项，未启动4项。 */
static int add_annex(pe_fields *f, const pe_annex *a)
{
    char name[256];
    int rc = 0;
    snprintf(name, sizeof name, "annexes.%d.title", a->number);
    rc |= add(f, name, a->title);
    snprintf(name, sizeof name, "annexes.%d.rows", a->number);
    rc |= addf(f, name, "%zu", a->nrows);
    if (a->status_col < 0)
        return rc;
    pe_buf b;
    pe_buf_init(&b);
    pe_buf_printf(&b, "%zu项%s中", a->nrows, annex_noun(a->title, name, sizeof name));
    for (size_t k = 0; k < a->nstatus; k++) {
        snprintf(name, sizeof name, "annexes.%d.count.%s", a->number, a->status_value[k]);
        rc |= addf(f, name, "%zu", a->status_count[k]);
        pe_buf_printf(&b, "%s%s%zu项", k ? "，" : "", a->status_value[k], a->status_count[k]);
    }
    if (a->status_blank)
        pe_buf_printf(&b, "%s未填写进展%zu项", a->nstatus ? "，" : "", a->status_blank);
    pe_buf_puts(&b, "。");
    snprintf(name, sizeof name, "annexes.%d.summary", a->number);
    rc |= b.oom ? -1 : add(f, name, b.s);
    pe_buf_release(&b);
    return rc;
}

/* 10项核心指标中，提前完成2项，快于序时进度3项，……，暂无数据1项。 */
static int add_table(pe_fields *f, const pe_model *m, const pe_indicator_table *t,
                     const char *noun)
{
    char name[128];
    pe_buf b;
    int rc = 0;
    const char *key = t->key;
    snprintf(name, sizeof name, "%s.title", key);
    rc |= add(f, name, t->title ? t->title : "");
    snprintf(name, sizeof name, "%s.total", key);
    rc |= addf(f, name, "%zu", t->n);
    for (int s = 0; s < PE_ST_COUNT; s++) {
        snprintf(name, sizeof name, "%s.count.%s", key, pe_state_name((pe_state)s));
        rc |= addf(f, name, "%zu", t->count[s]);
    }
    pe_buf_init(&b);
    pe_buf_printf(&b, "%zu项%s中", t->n, noun);
    for (int s = 0; s < PE_ST_COUNT; s++)
        if (t->count[s])
            pe_buf_printf(&b, "，%s%zu项", pe_state_name((pe_state)s), t->count[s]);
    pe_buf_puts(&b, "。");
    snprintf(name, sizeof name, "%s.summary", key);
    rc |= add(f, name, b.oom ? "" : b.s);
    pe_buf_release(&b);

    /* lagging names; 约束性 ones separately */
    pe_buf lag, bind;
    pe_buf_init(&lag);
    pe_buf_init(&bind);
    for (size_t i = 0; i < t->n; i++) {
        const pe_indicator *ind = &t->items[i];
        if (ind->ev.state != PE_ST_LAGGING && ind->ev.state != PE_ST_SLOW &&
            ind->ev.state != PE_ST_MISSED)
            continue;
        if (lag.len)
            pe_buf_puts(&lag, "、");
        pe_buf_puts(&lag, ind->name);
        if (ind->nature && strcmp(ind->nature, "约束性") == 0) {
            if (bind.len)
                pe_buf_puts(&bind, "、");
            pe_buf_puts(&bind, ind->name);
        }
    }
    snprintf(name, sizeof name, "%s.lagging", key);
    rc |= add(f, name, lag.len ? lag.s : "无");
    snprintf(name, sizeof name, "%s.binding_lagging", key);
    rc |= add(f, name, bind.len ? bind.s : "无");
    pe_buf_release(&lag);
    pe_buf_release(&bind);
    snprintf(name, sizeof name, "%s.count.lagging", key);
    rc |= addf(f, name, "%zu", t->n_lagging);

    size_t good = t->count[PE_ST_DONE_EARLY] + t->count[PE_ST_DONE] + t->count[PE_ST_AHEAD] +
                  t->count[PE_ST_ON_TRACK];
    size_t with_data = t->n - t->count[PE_ST_NO_DATA];
    char v[64];
    if (with_data)
        pe_percent_format((double)good / (double)with_data, v, sizeof v);
    else
        snprintf(v, sizeof v, "—");
    snprintf(name, sizeof name, "%s.share_on_track", key);
    rc |= add(f, name, v);
    rc |= add_changes(f, t, noun);
    for (size_t i = 0; i < t->n; i++)
        rc |= add_indicator(f, m, t, &t->items[i]);
    return rc;
}

static int add_counties(pe_fields *f, const pe_county_table *t)
{
    char name[256], v[128], a[64], b[64];
    int rc = 0;
    const char *unit = t->unit ? t->unit : "";
    if (t->has_rate)
        pe_percent_format(t->rate, v, sizeof v);
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, "counties.rate", v);
    rc |= add(f, "counties.status", pe_state_name(t->state));
    rc |= addf(f, "counties.total", "%zu", t->n);
    rc |= add(f, "counties.measure", t->measure ? t->measure : "");
    rc |= add(f, "counties.unit", unit);
    pe_number_format(t->total_target, t->decimals, a, sizeof a);
    rc |= add(f, "counties.total_target", a);
    pe_number_format(t->cum_target, t->decimals, a, sizeof a);
    rc |= add(f, "counties.cum_target", a);
    pe_number_format(t->cum_actual, t->decimals, b, sizeof b);
    rc |= add(f, "counties.cum_actual", b);

    pe_buf s, done, behind;
    pe_buf_init(&s);
    pe_buf_init(&done);
    pe_buf_init(&behind);
    for (size_t i = 0; i < t->n; i++) {
        const pe_county *c = &t->items[i];
        snprintf(name, sizeof name, "counties.%s.rate", c->name);
        if (c->has_rate)
            pe_percent_format(c->rate, v, sizeof v);
        else
            snprintf(v, sizeof v, "—");
        rc |= add(f, name, v);
        snprintf(name, sizeof name, "counties.%s.status", c->name);
        rc |= add(f, name, pe_state_name(c->state));
        snprintf(name, sizeof name, "counties.%s.cum_actual", c->name);
        pe_number_format(c->cum_actual, t->decimals, a, sizeof a);
        rc |= add(f, name, a);
        snprintf(name, sizeof name, "counties.%s.cum_target", c->name);
        pe_number_format(c->cum_target, t->decimals, a, sizeof a);
        rc |= add(f, name, a);
        if (!c->has_rate)
            continue;
        pe_buf *dst = c->rate >= 1.0 ? &done : &behind;
        if (dst->len)
            pe_buf_puts(dst, "、");
        pe_buf_puts(dst, c->name);
        if (dst == &behind)
            pe_buf_printf(dst, "（%s）", v);
    }
    if (t->has_rate) {
        pe_number_format(t->cum_target, t->decimals, a, sizeof a);
        pe_percent_format(t->rate, v, sizeof v);
        pe_buf_printf(&s, "%zu个县区累计完成%s%s%s，为同期目标%s%s的%s", t->n,
                      t->measure ? t->measure : "", b, unit, a, unit, v);
        if (done.len)
            pe_buf_printf(&s, "；%s完成了同期目标", done.s);
        if (behind.len)
            pe_buf_printf(&s, "；%s尚未完成同期目标", behind.s);
        pe_buf_puts(&s, "。");
    } else {
        pe_buf_puts(&s, "各县区暂无完成数据。");
    }
    rc |= add(f, "counties.summary", s.oom ? "" : s.s);
    pe_buf_release(&s);
    pe_buf_release(&done);
    pe_buf_release(&behind);
    return rc;
}

pe_status pe_fields_build(const pe_model *m, pe_fields **out)
{
    pe_fields *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f)
        return PE_ERR_NOMEM;
    f->arena = pe_arena_new();
    if (!f->arena) {
        free(f);
        return PE_ERR_NOMEM;
    }
    int rc = 0;
    rc |= add(f, "report.title", m->title);
    rc |= add(f, "report.issuer", m->issuer);
    rc |= add(f, "report.date", m->date_text);
    rc |= addf(f, "period.base_year", "%d", m->base_year);
    rc |= addf(f, "period.target_year", "%d", m->target_year);
    rc |= addf(f, "period.eval_year", "%d", m->eval_year);
    if (m->data_year)
        rc |= addf(f, "period.data_year", "%d", m->data_year);
    else
        rc |= add(f, "period.data_year", "—");
    rc |= addf(f, "period.years", "%d", m->target_year - m->base_year);
    rc |= add_table(f, m, &m->indicators, "核心指标");
    if (m->targets.file)
        rc |= add_table(f, m, &m->targets, "量化目标");
    if (m->counties.present)
        rc |= add_counties(f, &m->counties);
    for (size_t i = 0; i < m->nannexes; i++)
        rc |= add_annex(f, &m->annexes[i]);
    rc |= addf(f, "annexes.total", "%zu", m->nannexes);
    for (size_t i = 0; i < f->n && !rc; i++)
        if (pe_strmap_put(&f->index, f->items[i].name, i, NULL) < 0)
            rc = -1;
    if (rc) {
        pe_fields_free(f);
        return PE_ERR_NOMEM;
    }
    *out = f;
    return PE_OK;
}

void pe_fields_free(pe_fields *f)
{
    if (!f)
        return;
    pe_arena_free(f->arena);
    pe_strmap_release(&f->index);
    free(f->items);
    free(f);
}

const char *pe_fields_get(const pe_fields *f, const char *name)
{
    size_t k;
    if (f->index.cap)
        return pe_strmap_get(&f->index, name, &k) ? f->items[k].value : NULL;
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i].name, name) == 0)
            return f->items[i].value;
    return NULL;
}

const char *pe_fields_suggest(const pe_fields *f, const char *name)
{
    const char **names = malloc((f->n + 1) * sizeof(char *));
    if (!names)
        return NULL;
    for (size_t i = 0; i < f->n; i++)
        names[i] = f->items[i].name;
    const char *s = pe_suggest(name, names, f->n);
    free(names);
    return s;
}
