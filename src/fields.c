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
    char a[64], b[64];
    pe_fmt_value(ind, ind->target, a, sizeof a);
    if (ind->has_target_max && ind->target_max != ind->target) {
        pe_fmt_value(ind, ind->target_max, b, sizeof b);
        snprintf(out, n, "%s–%s", a, b);
    } else {
        snprintf(out, n, "%s", a);
    }
}

void pe_fmt_needed(const pe_indicator *ind, char *out, size_t n)
{
    const pe_eval *ev = &ind->ev;
    char a[64], r[64];
    switch (ev->need) {
    case PE_NEED_LEVEL: {
        int pct = strcmp(ind->unit, "%") == 0;
        double delta = fabs(ev->needed_delta);
        /* one more decimal than the indicator so small paces do not print as 0,
         * without trailing zeros: 17.5家, 1家, 0.235个百分点 */
        pe_number_format(delta, ind->decimals + 1 > 2 ? ind->decimals + 1 : 2, a, sizeof a);
        if (strchr(a, '.')) {
            size_t k = strlen(a);
            while (k > 0 && a[k - 1] == '0')
                a[--k] = '\0';
            if (k > 0 && a[k - 1] == '.')
                a[--k] = '\0';
        }
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
    case PE_NEED_NONE:
    default:
        snprintf(out, n, "%s", ev->reached ? "已达目标" : "—");
        break;
    }
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

static int add_indicator(pe_fields *f, const char *key, const pe_indicator *ind)
{
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
    if (ev->has_actual)
        pe_fmt_value(ind, ev->actual, v, sizeof v);
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, NAME("actual"), v);
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
    pe_fmt_needed(ind, v, sizeof v);
    rc |= add(f, NAME("needed"), v);
    if (ind->kind == PE_KIND_GROWTH && ev->has_actual)
        pe_number_format(ev->avg_rate, 1, v, sizeof v), strcat(v, "%");
    else
        snprintf(v, sizeof v, "—");
    rc |= add(f, NAME("avg_rate"), v);
    rc |= add(f, NAME("note"), ev->note ? ev->note : "");
#undef NAME
    return rc;
}

/* 10项核心指标中，提前完成2项，快于序时进度3项，……，暂无数据1项。 */
static int add_table(pe_fields *f, const pe_indicator_table *t, const char *noun)
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
        if (ind->ev.state != PE_ST_LAGGING && ind->ev.state != PE_ST_SLOW)
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
    for (size_t i = 0; i < t->n; i++)
        rc |= add_indicator(f, key, &t->items[i]);
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
    rc |= add_table(f, &m->indicators, "核心指标");
    if (m->targets.file)
        rc |= add_table(f, &m->targets, "量化目标");
    if (m->counties.present)
        rc |= add_counties(f, &m->counties);
    for (size_t i = 0; i < m->nannexes; i++) {
        char name[64];
        snprintf(name, sizeof name, "annexes.%d.title", m->annexes[i].number);
        rc |= add(f, name, m->annexes[i].title);
        snprintf(name, sizeof name, "annexes.%d.rows", m->annexes[i].number);
        rc |= addf(f, name, "%zu", m->annexes[i].nrows);
    }
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
