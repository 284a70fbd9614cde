/* merge.c — `planeval merge`: reads returned workbooks (pe_xlsxread.h), checks
 * their identification and every value against the model, lists the changes
 * and, on --apply, patches the CSVs in place (pe_csv_patch), all or nothing. */
#include "pe_collect.h"
#include "pe_xlsxread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pe_merge_result {
    pe_arena *arena;
    pe_merge_change *changes;
    size_t n, cap;
    pe_merge_remark *remarks;
    size_t nr, rcap;
    const char **written;
    size_t nw;
};

size_t pe_merge_nchanges(const pe_merge_result *r) { return r ? r->n : 0; }
const pe_merge_change *pe_merge_change_at(const pe_merge_result *r, size_t i) { return &r->changes[i]; }
size_t pe_merge_nremarks(const pe_merge_result *r) { return r ? r->nr : 0; }
const pe_merge_remark *pe_merge_remark_at(const pe_merge_result *r, size_t i) { return &r->remarks[i]; }
size_t pe_merge_nwritten(const pe_merge_result *r) { return r ? r->nw : 0; }
const char *pe_merge_written_at(const pe_merge_result *r, size_t i) { return r->written[i]; }

void pe_merge_result_free(pe_merge_result *r)
{
    if (!r)
        return;
    free(r->changes);
    free(r->remarks);
    free(r->written);
    pe_arena_free(r->arena);
    free(r);
}

/* ---- one workbook's identification ---- */

typedef struct {
    const pe_xsheet *sh;
    const char *dept;
    int year;
    const char *filler;     /* 填报单位 from the contact block, or NULL */
    pe_id_record *recs;     /* the records (version 1's layout), malloc'ed */
    size_t nrecs;
} ident_info;

static const char *idcell(const pe_xsheet *s, unsigned row, unsigned col)
{
    const pe_xcell *c = pe_xsheet_cell(s, row, col);
    return c ? c->text : "";
}

/* The canonical text of a cell as pe_ident_value_hash hashes it. */
static void canonical(const pe_xcell *c, char *out, size_t n, const char **p)
{
    if (!c) {
        *p = "";
        return;
    }
    if (c->type == PE_XV_NUMBER) {
        char t[32];
        pe_ident_number_text(strtod(c->text, NULL), t);
        snprintf(out, n, "%s", t);
        *p = out;
        return;
    }
    *p = c->text;
}

static const char *place(pe_arena *a, const char *file, const char *sheet, const char *ref)
{
    return pe_arena_printf(a, "%s:%s!%s", file, sheet, ref);
}

/* Checks the identification sheet; 0 when the workbook belongs to this plan. */
static int ident_check(const pe_model *m, const pe_xbook *b, pe_arena *a, pe_diags *d,
                       ident_info *info)
{
    const pe_xsheet *s = pe_xbook_sheet(b, PE_ID_SHEET);
    memset(info, 0, sizeof *info);
    if (!s || strcmp(idcell(s, 0, 0), PE_ID_MAGIC) != 0) {
        pe_error(d, ((pe_src){ b->file, 0, 0 }),
                 "不是本规划下发的收集表（缺少隐藏的标识工作表“%s”）：只能导入 planeval collect "
                 "生成或随报告生成的工作簿，请用下发的表格填报", PE_ID_SHEET);
        return -1;
    }
    int v1 = strcmp(idcell(s, 0, 1), PE_ID_VERSION_1) == 0;
    if (!v1 && strcmp(idcell(s, 0, 1), PE_ID_VERSION) != 0) {
        pe_error(d, ((pe_src){ place(a, b->file, PE_ID_SHEET, "B1"), 0, 0 }),
                 "标识格式版本“%s”不受支持（本程序读取版本 %s 和 %s），请用本版本重新下发收集表",
                 idcell(s, 0, 1), PE_ID_VERSION_1, PE_ID_VERSION);
        return -1;
    }
    /* the seal over rows 0–6 and 8…; the records */
    unsigned long ninputs = strtoul(idcell(s, 6, 1), NULL, 10);
    unsigned long nlocked = strtoul(idcell(s, 6, 2), NULL, 10);
    uint64_t seal = PE_ID_FNV_INIT;
    static const unsigned widths[] = { 2, 2, 2, 4, 2, 2, 3 };
    size_t cap = 0;
    int bad = ninputs + nlocked > 1000000;
    for (unsigned r = 0; r < 7; r++) {
        for (unsigned c = 0; c < widths[r]; c++) {
            const char *t = idcell(s, r, c);
            seal = pe_ident_hash(seal, t, strlen(t));
            seal = pe_ident_hash(seal, "", 1);
        }
        seal = pe_ident_hash(seal, "\n", 1);
    }
    for (unsigned r = 8; !bad && (v1 ? r < 8 + ninputs + nlocked : *idcell(s, r, 0) != '\0'); r++) {
        unsigned w = !v1 ? 2 : strcmp(idcell(s, r, 0), "in") == 0 ? 8 : 4;
        for (unsigned c = 0; c < w; c++) {
            const char *t = idcell(s, r, c);
            seal = pe_ident_hash(seal, t, strlen(t));
            seal = pe_ident_hash(seal, "", 1);
        }
        seal = pe_ident_hash(seal, "\n", 1);
        if (!v1) {
            if (pe_ident_unpack(a, idcell(s, r, 0), idcell(s, r, 1), &info->recs, &info->nrecs,
                                &cap) != 0)
                bad = 1;
            continue;
        }
        if (info->nrecs == cap) {
            size_t nc = cap ? 2 * cap : 256;
            pe_id_record *p = realloc(info->recs, nc * sizeof *p);
            if (!p) {
                bad = 1;
                break;
            }
            info->recs = p;
            cap = nc;
        }
        pe_id_record *rec = &info->recs[info->nrecs++];
        rec->n = w;
        for (unsigned c = 0; c < 8; c++)
            rec->f[c] = c < w ? idcell(s, r, c) : "";
    }
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)seal);
    if (bad || info->nrecs != ninputs + nlocked || strcmp(idcell(s, 7, 1), hex) != 0) {
        pe_error(d, ((pe_src){ place(a, b->file, PE_ID_SHEET, "B8"), 0, 0 }),
                 "标识工作表已被改动（校验值不符），无法确认表格来源，请用原下发的收集表重新填报");
        return -1;
    }
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)pe_plan_hash(m));
    if (strcmp(idcell(s, 2, 1), hex) != 0) {
        pe_error(d, ((pe_src){ place(a, b->file, PE_ID_SHEET, "B3"), 0, 0 }),
                 "这份工作簿属于另一规划或另一评估轮次（“%s”，评估年份 %s），与本配置（“%s”，评估年份 %d）不符，"
                 "请确认文件，或用本配置重新生成收集表",
                 idcell(s, 1, 1), idcell(s, 3, 3), m->title ? m->title : "", m->eval_year);
        return -1;
    }
    info->sh = s;
    info->dept = strcmp(idcell(s, 4, 1), PE_ID_ALL_DEPTS) == 0
                     ? pe_arena_printf(a, "%s", "各部门（汇总表）")
                     : pe_arena_strdup(a, idcell(s, 4, 1));
    info->year = (int)strtol(idcell(s, 5, 1), NULL, 10);
    return 0;
}

/* ---- values ---- */

static const pe_indicator_table *table_by_key(const pe_model *m, const char *key)
{
    if (m->indicators.key && strcmp(m->indicators.key, key) == 0)
        return &m->indicators;
    if (m->targets.key && strcmp(m->targets.key, key) == 0)
        return &m->targets;
    return NULL;
}

static const pe_indicator *find_indicator(const pe_indicator_table *t, const char *id)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (strcmp(t->items[i].id, id) == 0)
            return &t->items[i];
    return NULL;
}

/* Shortest decimal text that reads back as v (no exponent). */
static void number_text(double v, char *out, size_t n)
{
    for (int dec = 0; dec <= 15; dec++) {
        snprintf(out, n, "%.*f", dec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    if (strcmp(out, "-0") == 0)
        snprintf(out, n, "0");
}

typedef struct {
    const char *table, *id;
    int year;               /* 0: the text column `column` */
    const char *column;
    double value;
    const char *text;
    const char *where, *dept;
} seen_value;

typedef struct {
    const pe_model *m;
    pe_diags *d;
    pe_merge_result *res;
    seen_value *seen;
    size_t nseen, seencap;
    pe_strmap seen_index;   /* table, id, year, column → index in seen */
    pe_strmap counties;     /* county name → index in m->counties.items */
    int oom;
} mctx;

/* The key of a cell's answer in seen_index: table, id, year and column. */
static const char *seen_key(mctx *c, const char *table, const char *id, int year,
                            const char *column)
{
    const char *k = pe_arena_printf(c->res->arena, "%s\x1f%s\x1f%d\x1f%s", table, id, year,
                                    column ? column : "");
    if (!k)
        c->oom = 1;
    return k;
}

/* The answer another workbook already gave for the same cell, or NULL. */
static const seen_value *seen_find(mctx *c, const char *table, const char *id, int year,
                                   const char *column)
{
    const char *k = seen_key(c, table, id, year, column);
    size_t i;
    return k && pe_strmap_get(&c->seen_index, k, &i) == 1 ? &c->seen[i] : NULL;
}

/* Appends a value (or a text) answered by a workbook to the values seen so
 * far; 0 (and c->oom) when memory runs out. */
static int seen_push(mctx *c, seen_value v)
{
    const char *k = seen_key(c, v.table, v.id, v.year, v.column);
    if (!k || pe_strmap_put(&c->seen_index, k, c->nseen, NULL) < 0) {
        c->oom = 1;
        return 0;
    }
    if (c->nseen == c->seencap) {
        size_t cap = c->seencap ? c->seencap * 2 : 64;
        seen_value *ns = realloc(c->seen, cap * sizeof *ns);
        if (!ns) {
            c->oom = 1;
            return 0;
        }
        c->seen = ns;
        c->seencap = cap;
    }
    c->seen[c->nseen++] = v;
    return 1;
}

static void add_change(mctx *c, const pe_merge_change *ch)
{
    pe_merge_result *r = c->res;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        pe_merge_change *nc = realloc(r->changes, cap * sizeof *nc);
        if (!nc) {
            c->oom = 1;
            return;
        }
        r->changes = nc;
        r->cap = cap;
    }
    r->changes[r->n++] = *ch;
}

static void add_remark(mctx *c, const char *where, const char *what, const char *text)
{
    pe_merge_result *r = c->res;
    if (r->nr == r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 64;
        pe_merge_remark *nr = realloc(r->remarks, cap * sizeof *nr);
        if (!nr) {
            c->oom = 1;
            return;
        }
        r->remarks = nr;
        r->rcap = cap;
    }
    pe_merge_remark k = { where, pe_arena_strdup(r->arena, what), pe_arena_strdup(r->arena, text) };
    if (!k.what || !k.text) {
        c->oom = 1;
        return;
    }
    r->remarks[r->nr++] = k;
}

/* A milestone's words (SPEC §3.2): 1 or 0, or NULL when `t` is none of them. */
static const char *milestone_word(const char *t, double *v)
{
    static const char *const yes[] = { "1", "是", "已实现" }, *const no[] = { "0", "否", "未实现" };
    for (int i = 0; i < 3; i++) {
        if (strcmp(t, yes[i]) == 0) {
            *v = 1;
            return yes[i];
        }
        if (strcmp(t, no[i]) == 0) {
            *v = 0;
            return no[i];
        }
    }
    return NULL;
}

/* Parses the answer in cell `x` for indicator `ind`; 0 and *v on success, 1
 * when the cell is empty (no answer), -1 on error (recorded at `where`).
 * *word gets a milestone's word as typed (written to the CSV as it is), else NULL. */
/* The number (or milestone word) typed in cell `x` for a value of `kind` in
 * `unit`: 0 with *v, 1 for an empty cell, −1 after an error at `where`. */
static int answer_value(mctx *c, pe_kind kind, const char *unit, const pe_xcell *x,
                        const char *where, double *v, const char **word)
{
    *word = NULL;
    if (!x)
        return 1;
    int pct_unit = strcmp(unit, "%") == 0;
    if (x->type == PE_XV_NUMBER) {
        char *end;
        *v = strtod(x->text, &end);
        if (end == x->text || *end || !isfinite(*v)) {
            pe_error(c->d, ((pe_src){ where, 0, 0 }), "数值“%s”无法识别，请重新填写", x->text);
            return -1;
        }
        /* typed as 0.6% into a cell Excel then formats as a percentage */
        if (x->percent_style && pct_unit) {
            char t[32];
            snprintf(t, sizeof t, "%.12g", *v * 100.0);    /* 0.0069 → 0.69, not 0.6900000000000001 */
            *v = strtod(t, NULL);
        }
        return 0;
    }
    if (x->type != PE_XV_STRING) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }), "这里应填写数值，而单元格中是%s“%s”，请改为数字",
                 x->type == PE_XV_BOOL ? "逻辑值" : "错误值", x->text);
        return -1;
    }
    char *t = pe_arena_strdup(c->res->arena, x->text);
    if (!t) {
        c->oom = 1;
        return -1;
    }
    pe_trim(t);
    if (t[0] == '\'')
        pe_trim(++t);
    if (!*t)
        return 1;
    if (kind == PE_KIND_MILESTONE) {
        const char *w = milestone_word(t, v);
        if (!w) {
            pe_error(c->d, ((pe_src){ where, 0, 0 }),
                     "“%s”不是节点目标的填法：已实现填 1、是或已实现，尚未实现填 0、否或未实现", x->text);
            return -1;
        }
        *word = (w[0] == '1' || w[0] == '0') ? NULL : w;
        return 0;
    }
    size_t tl = strlen(t);
    int has_pct = (tl >= 1 && t[tl - 1] == '%') || (tl >= 3 && strcmp(t + tl - 3, "％") == 0);
    int dec;
    pe_num_result nr = pe_number_parse(t, v, &dec);
    if (nr == PE_NUM_MISSING)
        return 1;
    if (nr == PE_NUM_RANGE || nr == PE_NUM_PRECISION) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }),
                 "“%s”超出可接受的数值：绝对值不能超过 1e15，有效数字不能超过 %d 位，请检查后重新填写",
                 x->text, PE_NUM_DIGITS);
        return -1;
    }
    if (nr != PE_NUM_OK) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }),
                 "“%s”不是数字：这里只能填写数值（单位：%s），不要带单位或文字，说明请写在“备注”栏",
                 x->text, *unit ? unit : "无");
        return -1;
    }
    if (has_pct && !pct_unit) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }), "“%s”带有百分号，而该指标的单位是“%s”，请按单位填写数值",
                 x->text, unit);
        return -1;
    }
    return 0;
}

/* The plausible range of a year's actual; see value_range in collect.c. */
static int in_range(pe_kind kind, const char *unit, double v, char *why, size_t n)
{
    /* what the tables accept (pe_util.h): a number cell of 1e300 would
     * otherwise be written to the CSV and refused only by the next run */
    if (!(fabs(v) <= PE_NUM_MAX)) {
        snprintf(why, n, "超出可接受的范围（绝对值不超过 10^15）");
        return 0;
    }
    if (kind == PE_KIND_GROWTH) {
        if (v <= -100 || v > 10000) {
            snprintf(why, n, "增长率须大于 -100%%（单位 %%）");
            return 0;
        }
    } else if (kind == PE_KIND_MILESTONE) {
        if (v != 0 && v != 1) {
            snprintf(why, n, "节点目标只能填 1（已实现）或 0（尚未实现）");
            return 0;
        }
    } else if (kind == PE_KIND_REDUCTION) {
        if (v >= 100 || v < -100) {
            snprintf(why, n, "降低率须小于 100%%（单位 %%）");
            return 0;
        }
    } else if (kind == PE_KIND_QUALITATIVE) {
        snprintf(why, n, "定性指标没有年度实际值，评估结论请填在“评估结论”列");
        return 0;
    } else if (strcmp(unit, "%") == 0) {
        if (v < 0 || v > 100) {
            snprintf(why, n, "单位为 %%，须在 0 至 100 之间（0.54%% 填 0.54）");
            return 0;
        }
    } else if (v < 0) {
        snprintf(why, n, "单位为“%s”，不能为负数", unit);
        return 0;
    }
    return 1;
}

/* The indicator an answer at `where` is for, or NULL after an error saying
 * it is not in this configuration (`form` names the kind of workbook). */
static const pe_indicator *answered_indicator(mctx *c, const char *where, const char *table,
                                              const char *id, const char *form)
{
    const pe_indicator *ind = find_indicator(table_by_key(c->m, table), id);
    if (!ind)
        pe_error(c->d, ((pe_src){ where, 0, 0 }),
                 "指标“%s”（%s）在本配置的指标表中不存在：可能已删除或改了序号，请用最新配置重新生成%s",
                 id, table, form);
    return ind;
}

static void check_actual(mctx *c, const ident_info *info, const pe_xbook *b, const char *sheet,
                         const char *ref, const char *table, const char *id, int year,
                         const pe_xcell *x)
{
    pe_arena *a = c->res->arena;
    const char *where = place(a, b->file, sheet, ref);
    const pe_indicator_table *t = table_by_key(c->m, table);
    double v;
    const char *word;
    char why[256];
    if (!where) {
        c->oom = 1;
        return;
    }
    const pe_indicator *ind = answered_indicator(c, where, table, id, "收集表");
    if (!ind)
        return;
    int r = answer_value(c, ind->kind, ind->unit, x, where, &v, &word);
    if (r != 0)
        return;
    /* the shared workbook has columns up to the target year: only answers count */
    if (year <= c->m->base_year || year > c->m->eval_year) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }),
                 "%d年的数值还不能填写（评估年份为 %d 年，只能填写 %d—%d 年），请删除该数值", year,
                 c->m->eval_year, c->m->base_year + 1, c->m->eval_year);
        return;
    }
    if (!in_range(ind->kind, ind->unit, v, why, sizeof why)) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }), "“%s”不合理：%s，请核对后重新填写", x->text, why);
        return;
    }
    /* 0.54% typed where the cell shows no percentage: 0.0054 is in range but 100 × off */
    if (ind->kind != PE_KIND_GROWTH && strcmp(ind->unit, "%") == 0 && v > 0) {
        double prev = 0;
        for (size_t j = 0; j < t->nyears; j++)
            if (t->years[j] < year && ind->has_value[j])
                prev = ind->value[j];
        if (prev > 0 && fabs(v * 100.0 - prev) <= 0.5 * prev)
            pe_warn(c->d, ((pe_src){ where, 0, 0 }),
                    "“%s”只有上一年数值（%g）的百分之一左右：单位为 %% 的指标应填百分数的数值（0.54%% 填 0.54），"
                    "请确认不是把“%g%%”填成了小数", x->text, prev, v * 100.0);
    }
    /* two workbooks, one cell */
    const seen_value *s = seen_find(c, table, id, year, NULL);
    if (s) {
        if (s->value != v)
            pe_error(c->d, ((pe_src){ where, 0, 0 }),
                     "冲突：“%s”%d年的数值由两个单位填报且不一致（%s 填 %g，%s 填 %g），请与两个单位核实后只保留一份",
                     ind->name, year, s->dept, s->value, *info->dept ? info->dept : b->file, v);
        return;
    }
    if (!seen_push(c, (seen_value){ table, id, year, NULL, v, NULL, where,
                                    info->filler ? info->filler : info->dept }))
        return;

    /* compare with the CSV */
    int has_old = 0;
    double old = 0;
    for (size_t j = 0; j < t->nyears; j++)
        if (t->years[j] == year && ind->has_value[j]) {
            has_old = 1;
            old = ind->value[j];
        }
    if (has_old && fabs(old - v) <= 1e-9 * (1.0 + fabs(old)))
        return;
    char ot[64] = "", nt[64];
    if (has_old && ind->kind == PE_KIND_MILESTONE)
        snprintf(ot, sizeof ot, "%s", old != 0 ? "1" : "0");
    else if (has_old)
        number_text(old, ot, sizeof ot);
    if (word)
        snprintf(nt, sizeof nt, "%s", word);
    else
        number_text(v, nt, sizeof nt);
    pe_merge_change ch = { t->key, ind->id, ind->name, year, NULL, pe_arena_strdup(a, ot),
                           pe_arena_strdup(a, nt), info->filler ? info->filler : info->dept, where };
    if (!ch.old_text || !ch.new_text) {
        c->oom = 1;
        return;
    }
    add_change(c, &ch);
}

/* A county's actual of `year`, typed in the shared workbook's county sheet:
 * checked like a year's actual (a number, ≥ 0, 0–100 for %), against the
 * county table's own row of that year. */
static void check_county_actual(mctx *c, const ident_info *info, const pe_xbook *b,
                                const char *sheet, const char *ref, const char *name, int year,
                                const pe_xcell *x)
{
    pe_arena *a = c->res->arena;
    const pe_county_table *t = &c->m->counties;
    const char *where = place(a, b->file, sheet, ref);
    size_t k = 0, yi = (size_t)-1;
    double v;
    const char *word;
    char why[256];
    if (!where) {
        c->oom = 1;
        return;
    }
    if (!t->present || pe_strmap_get(&c->counties, name, &k) != 1) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }),
                 "县区“%s”在本配置的县区表中不存在：可能已删除或改了名称，请用最新配置重新生成工作簿", name);
        return;
    }
    const pe_county *co = &t->items[k];
    const char *unit = t->unit ? t->unit : "";
    if (answer_value(c, PE_KIND_LEVEL, unit, x, where, &v, &word) != 0)
        return;
    for (size_t j = 0; j < t->nyears; j++)
        if (t->years[j] == year)
            yi = j;
    if (year > c->m->eval_year) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }),
                 "%d年的完成值还不能填写（评估年份为 %d 年），请删除该数值", year, c->m->eval_year);
        return;
    }
    if (!in_range(PE_KIND_LEVEL, unit, v, why, sizeof why)) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }), "“%s”不合理：%s，请核对后重新填写", x->text, why);
        return;
    }
    if (yi == (size_t)-1 || (!co->has_target[yi] && !co->has_actual[yi])) {
        pe_error(c->d, ((pe_src){ where, 0, 0 }),
                 "县区表（%s）中没有“%s”%d 年的行，完成值无处写入：请先在县区表中补上该县区该年的目标，"
                 "再重新生成工作簿", t->file ? t->file : "counties.csv", name, year);
        return;
    }
    const seen_value *s = seen_find(c, "counties", name, year, NULL);
    if (s) {
        if (s->value != v)
            pe_error(c->d, ((pe_src){ where, 0, 0 }),
                     "冲突：县区“%s”%d年的完成值由两份工作簿填报且不一致（%s 填 %g，%s 填 %g），请核实后只保留一份",
                     name, year, s->dept, s->value, *info->dept ? info->dept : b->file, v);
        return;
    }
    if (!seen_push(c, (seen_value){ "counties", co->name, year, NULL, v, NULL, where,
                                    info->filler ? info->filler : info->dept }))
        return;
    if (co->has_actual[yi] && fabs(co->actual[yi] - v) <= 1e-9 * (1.0 + fabs(co->actual[yi])))
        return;
    char ot[64] = "", nt[64];
    if (co->has_actual[yi])
        number_text(co->actual[yi], ot, sizeof ot);
    number_text(v, nt, sizeof nt);
    pe_merge_change ch = { "counties", co->name, t->measure ? t->measure : "县区表", year, NULL,
                           pe_arena_strdup(a, ot), pe_arena_strdup(a, nt),
                           info->filler ? info->filler : info->dept, where };
    if (!ch.old_text || !ch.new_text) {
        c->oom = 1;
        return;
    }
    add_change(c, &ch);
}

/* The county table's 合计 rows state each year's sum: where a county's actual
 * changes and the stated sum agreed with the counties before, it is changed
 * with them (and listed), so that the table keeps adding up. */
static void county_totals(mctx *c)
{
    const pe_county_table *t = &c->m->counties;
    pe_arena *a = c->res->arena;
    size_t n0 = c->res->n;
    for (size_t yi = 0; t->present && yi < t->nyears; yi++) {
        if (!t->stated_label[yi] || !t->has_stated_actual[yi])
            continue;
        double old_sum = 0, new_sum = 0;
        int changed = 0;
        for (size_t k = 0; k < t->n; k++) {
            const pe_county *co = &t->items[k];
            double v = co->has_actual[yi] ? co->actual[yi] : 0;
            old_sum += v;
            for (size_t i = 0; i < n0; i++) {
                const pe_merge_change *ch = &c->res->changes[i];
                if (ch->year == t->years[yi] && strcmp(ch->table, "counties") == 0 &&
                    strcmp(ch->id, co->name) == 0) {
                    v = strtod(ch->new_text, NULL);
                    changed = 1;
                }
            }
            new_sum += v;
        }
        double st = t->stated_actual[yi];
        if (!changed || fabs(st - old_sum) > 1e-9 * (1.0 + fabs(old_sum)))
            continue;   /* an already differing 合计 is the loader's warning, left as written */
        char ot[64], nt[64];
        number_text(st, ot, sizeof ot);
        number_text(new_sum, nt, sizeof nt);
        pe_merge_change ch = { "counties", t->stated_label[yi],
                               pe_arena_printf(a, "%s（按各县区重算）", t->measure ? t->measure : "县区表"),
                               t->years[yi], NULL, pe_arena_strdup(a, ot), pe_arena_strdup(a, nt),
                               "（合计行）", pe_arena_printf(a, "%s", t->file ? t->file : "") };
        if (!ch.name || !ch.old_text || !ch.new_text || !ch.where) {
            c->oom = 1;
            return;
        }
        add_change(c, &ch);
    }
}

/* The office's judgement (status word) or its reason, typed in the shared
 * workbook: checked and listed as a change of the CSV's judgement /
 * judgement_note column. An empty cell is no answer. */
static void check_judgement(mctx *c, const ident_info *info, const pe_xbook *b, const char *sheet,
                            const char *ref, const char *table, const char *id, int role,
                            const pe_xcell *x)
{
    pe_arena *a = c->res->arena;
    const char *where = place(a, b->file, sheet, ref);
    const char *column = role == PE_ID_JUDGEMENT ? "judgement" : "judgement_note";
    if (!where) {
        c->oom = 1;
        return;
    }
    const pe_indicator *ind = answered_indicator(c, where, table, id, "表格");
    if (!ind)
        return;
    if (!x)
        return;
    char *t = pe_arena_strdup(a, x->text);
    if (!t) {
        c->oom = 1;
        return;
    }
    pe_trim(t);
    if (!*t)
        return;
    const char *old = "";
    if (role == PE_ID_JUDGEMENT) {
        pe_state st;
        if (!pe_state_parse(t, &st)) {
            pe_error(c->d, ((pe_src){ where, 0, 0 }),
                     "“%s”不是评估结论用语：请填 提前完成、已完成、快于序时进度、符合序时进度、滞后序时进度、"
                     "进展缓慢、未完成 或 暂无数据 之一，或留空（按测算结果）", t);
            return;
        }
        if (ind->has_judgement)
            old = pe_state_name(ind->judgement);
    } else if (ind->judgement_note) {
        old = ind->judgement_note;
    }
    const seen_value *s = seen_find(c, table, id, 0, column);
    if (s) {
        if (strcmp(s->text, t) != 0)
            pe_error(c->d, ((pe_src){ where, 0, 0 }),
                     "冲突：“%s”的%s由两份表格填写且不一致（%s 填“%s”，%s 填“%s”），请核实后只保留一份",
                     ind->name, role == PE_ID_JUDGEMENT ? "评估结论" : "研判说明", s->where, s->text,
                     b->file, t);
        return;
    }
    if (!seen_push(c, (seen_value){ table, id, 0, column, 0, t, where,
                                    info->filler ? info->filler : info->dept }))
        return;
    if (strcmp(old, t) == 0)
        return;
    pe_merge_change ch = { table_by_key(c->m, table)->key, ind->id, ind->name, 0, column,
                           old, t, info->filler ? info->filler : info->dept, where };
    add_change(c, &ch);
}

/* A judgement that differs from the computed status needs its reason (SPEC
 * §3.2): checks the judgements as they will be after the merge. */
static void check_judgement_reasons(mctx *c)
{
    for (size_t i = 0; i < c->res->n; i++) {
        const pe_merge_change *ch = &c->res->changes[i];
        if (!ch->column || strcmp(ch->column, "judgement") != 0)
            continue;
        const pe_indicator *ind = find_indicator(table_by_key(c->m, ch->table), ch->id);
        pe_state st;
        if (!ind || !pe_state_parse(ch->new_text, &st) || st == ind->ev.computed_state)
            continue;
        const char *note = ind->judgement_note;
        for (size_t k = 0; k < c->res->n; k++) {
            const pe_merge_change *o = &c->res->changes[k];
            if (o->column && strcmp(o->column, "judgement_note") == 0 && strcmp(o->table, ch->table) == 0 &&
                strcmp(o->id, ch->id) == 0)
                note = o->new_text;
        }
        if (!note || !*note)
            pe_error(c->d, ((pe_src){ ch->where, 0, 0 }),
                     "评估结论“%s”与测算状态“%s”不同，须在“研判说明”中写明理由", ch->new_text,
                     pe_state_name(ind->ev.computed_state));
    }
}

/* Checks one workbook: locked cells, then every input cell. */
static void merge_book(mctx *c, const pe_xbook *b)
{
    pe_arena *a = c->res->arena;
    ident_info info;
    size_t errors_before = c->d->nerrors;
    if (ident_check(c->m, b, a, c->d, &info) != 0) {
        free(info.recs);
        return;
    }
    /* pass 1: locked cells and the contact block's 填报单位 */
    for (size_t r = 0; r < info.nrecs; r++) {
        const char *const *f = info.recs[r].f;
        const char *kind = f[0], *sheet = f[1], *ref = f[2];
        unsigned row, col;
        if (pe_xcell_parse_ref(ref, &row, &col) != 0)
            continue;
        const pe_xsheet *ws = pe_xbook_sheet(b, sheet);
        if (!ws) {
            pe_error(c->d, ((pe_src){ place(a, b->file, sheet, ref), 0, 0 }),
                     "工作表“%s”不见了（被删除或改名），请用原下发的收集表重新填报", sheet);
            goto done;
        }
        const pe_xcell *x = pe_xsheet_cell(ws, row, col);
        if (strcmp(kind, "lock") == 0) {
            char buf[64], hex[17];
            const char *t;
            canonical(x, buf, sizeof buf, &t);
            snprintf(hex, sizeof hex, "%016llx", (unsigned long long)pe_ident_value_hash(t));
            if (strcmp(hex, f[3]) != 0)
                pe_error(c->d, ((pe_src){ place(a, b->file, sheet, ref), 0, 0 }),
                         "锁定的单元格被改动（现为“%s”）：序号、名称、单位、目标值等不能修改，请恢复原内容或用原下发的收集表重新填报",
                         t);
        } else if (strcmp(kind, "in") == 0 && strcmp(f[3], "contact") == 0 &&
                   strcmp(f[7], "填报单位") == 0 && x && *x->text) {
            info.filler = pe_arena_strdup(a, x->text);
        }
    }
    if (c->d->nerrors > errors_before)
        goto done;  /* values of an altered form are not trusted */
    /* pass 2: inputs */
    for (size_t r = 0; r < info.nrecs; r++) {
        const char *const *f = info.recs[r].f;
        if (strcmp(f[0], "in") != 0)
            continue;
        const char *sheet = f[1], *ref = f[2];
        int role = pe_id_role_parse(f[3]);
        unsigned row, col;
        if (pe_xcell_parse_ref(ref, &row, &col) != 0)
            continue;
        const pe_xsheet *ws = pe_xbook_sheet(b, sheet);
        const pe_xcell *x = ws ? pe_xsheet_cell(ws, row, col) : NULL;
        const char *where = place(a, b->file, sheet, ref);
        switch (role) {
        case PE_ID_ACTUAL:
            check_actual(c, &info, b, sheet, ref, f[4], f[5],
                         (int)strtol(f[6], NULL, 10), x);
            break;
        case PE_ID_JUDGEMENT:
        case PE_ID_JUDGEMENT_NOTE:
            check_judgement(c, &info, b, sheet, ref, f[4], f[5], role, x);
            break;
        case PE_ID_COUNTY_ACTUAL:
            check_county_actual(c, &info, b, sheet, ref, f[5],
                                (int)strtol(f[6], NULL, 10), x);
            break;
        case PE_ID_SOURCE:
        case PE_ID_NOTE:
        case PE_ID_CONTACT:
            if (role == PE_ID_NOTE && x) {
                /* the shared workbook shows the CSV's note: only a changed one is news */
                const pe_indicator *ind = find_indicator(table_by_key(c->m, f[4]),
                                                         f[5]);
                if (ind && ind->note && strcmp(ind->note, x->text) == 0)
                    break;
            }
            if (x && *x->text) {
                const char *what = role == PE_ID_CONTACT ? f[7]
                                   : role == PE_ID_SOURCE ? "数据来源"
                                                          : "备注";
                add_remark(c, where, what, x->text);
            }
            break;
        default:
            pe_error(c->d, ((pe_src){ where, 0, 0 }), "标识中的单元格用途“%s”无法识别，请用本版本重新下发收集表",
                     f[3]);
        }
    }
done:
    free(info.recs);
}

/* ---- applying ---- */

/* The header of the CSV column `key` ("judgement"/"judgement_note"/"actual") as the
 * table spells it (an alias of the loader); when the column is missing, the
 * name to add: the key, or its Chinese alias when the id column is Chinese. */
static const char *csv_column_name(const char *buf, size_t len, const char *key)
{
    static const char *const judge[] = { "judgement", "评估结论", "研判结论" };
    static const char *const jnote[] = { "judgement_note", "研判说明", "结论说明" };
    static const char *const actual[] = { "actual", "完成", "完成值" };
    const char *const *names = strcmp(key, "judgement") == 0 ? judge
                               : strcmp(key, "actual") == 0  ? actual
                                                             : jnote;
    const char *res = NULL;
    pe_arena *a = pe_arena_new();
    pe_diags d;
    pe_csv *csv = NULL;
    pe_diags_init(&d);
    if (a && pe_csv_parse(buf, len, PE_ENC_AUTO, "", a, &d, &csv) == PE_OK && csv) {
        for (size_t c = 0; c < csv->ncols && !res; c++)
            for (int k = 0; k < 3 && !res; k++)
                if (csv->header[c].text && strcmp(csv->header[c].text, names[k]) == 0)
                    res = names[k];
        if (!res && csv->ncols && csv->header[0].text && (unsigned char)csv->header[0].text[0] >= 0x80)
            res = names[1];
    }
    pe_diags_release(&d);
    pe_arena_free(a);
    return res ? res : names[0];
}

static pe_status apply_changes(mctx *c)
{
    enum { NTABLES = 3 };
    const char *keys[NTABLES] = { c->m->indicators.key, c->m->targets.key, "counties" };
    const char *files[NTABLES] = { c->m->indicators.file, c->m->targets.file,
                                   c->m->counties.present ? c->m->counties.file : NULL };
    pe_outfile outs[NTABLES] = { { NULL, NULL }, { NULL, NULL }, { NULL, NULL } };
    pe_status st = PE_OK;
    pe_merge_result *r = c->res;

    for (int k = 0; k < NTABLES && st == PE_OK; k++) {
        size_t n = 0;
        for (size_t i = 0; i < r->n; i++)
            if (keys[k] && strcmp(r->changes[i].table, keys[k]) == 0)
                n++;
        if (!n || !files[k])
            continue;
        pe_csv_edit *edits = calloc(n, sizeof *edits);
        char (*years)[8] = calloc(n, sizeof *years);
        char *buf = NULL, *nb = NULL;
        size_t len = 0, nlen = 0, e = 0;
        if (!edits || !years) {
            free(edits);
            free(years);
            return PE_ERR_NOMEM;
        }
        st = pe_file_read(files[k], files[k], c->d, &buf, &len);
        const char *actual_col = st == PE_OK && k == 2 ? csv_column_name(buf, len, "actual") : NULL;
        for (size_t i = 0; st == PE_OK && i < r->n; i++)
            if (strcmp(r->changes[i].table, keys[k]) == 0) {
                const pe_merge_change *ch = &r->changes[i];
                const char *col = years[e];
                int year = 0;
                if (k == 2) {
                    col = actual_col;   /* the row is the county's of that year */
                    year = ch->year;
                } else if (ch->column) {
                    col = csv_column_name(buf, len, ch->column);
                } else {
                    snprintf(years[e], sizeof years[e], "%d", ch->year);
                }
                edits[e] = (pe_csv_edit){ ch->id, col, ch->new_text, year };
                e++;
            }
        if (st == PE_OK)
            st = pe_csv_patch(buf, len, files[k], edits, n, c->d, &nb, &nlen);
        if (st == PE_OK)
            st = pe_outfile_begin(&outs[k], files[k], c->d);
        if (st == PE_OK) {
            FILE *f = fopen(outs[k].tmp, "wb");
            if (!f || fwrite(nb, 1, nlen, f) != nlen || fclose(f) != 0) {
                if (f && ferror(f))
                    fclose(f);
                pe_error(c->d, ((pe_src){ files[k], 0, 0 }), "写入临时文件失败，原文件未改动，请检查磁盘空间和权限");
                st = PE_ERR_IO;
            }
        }
        free(buf);
        free(nb);
        free(edits);
        free(years);
    }
    /* rename only when every file was prepared */
    for (int k = 0; k < NTABLES; k++) {
        if (!outs[k].tmp)
            continue;
        if (st == PE_OK) {
            st = pe_outfile_commit(&outs[k], c->d, NULL);
            if (st == PE_OK) {
                const char **nw = realloc(r->written, (r->nw + 1) * sizeof *nw);
                if (nw) {
                    r->written = nw;
                    r->written[r->nw++] = files[k];
                }
            }
        }
        pe_outfile_abort(&outs[k]);
    }
    return st;
}

pe_status pe_merge_run(const pe_model *m, const char *const *files, size_t nfiles, int apply,
                       pe_diags *d, pe_merge_result **out)
{
    mctx c;
    pe_status st = PE_OK;
    size_t errors_before = d->nerrors;
    *out = NULL;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.d = d;
    c.res = calloc(1, sizeof *c.res);
    if (!c.res)
        return PE_ERR_NOMEM;
    c.res->arena = pe_arena_new();
    if (!c.res->arena) {
        free(c.res);
        return PE_ERR_NOMEM;
    }
    for (size_t k = 0; m->counties.present && k < m->counties.n; k++)
        if (pe_strmap_put(&c.counties, m->counties.items[k].name, k, NULL) < 0)
            c.oom = 1;
    pe_xbook **books = calloc(nfiles + 1, sizeof *books);
    if (!books) {
        pe_merge_result_free(c.res);
        return PE_ERR_NOMEM;
    }
    for (size_t i = 0; i < nfiles; i++) {
        pe_status s = pe_xbook_read(files[i], files[i], d, &books[i]);
        if (s == PE_ERR_NOMEM)
            st = s;
        if (books[i])
            merge_book(&c, books[i]);
    }
    check_judgement_reasons(&c);
    county_totals(&c);
    if (c.oom)
        st = PE_ERR_NOMEM;
    if (st == PE_OK && d->nerrors > errors_before)
        st = PE_ERR_INPUT;
    if (st == PE_OK && apply && c.res->n)
        st = apply_changes(&c);
    for (size_t i = 0; i < nfiles; i++)
        pe_xbook_free(books[i]);
    free(books);
    free(c.seen);
    pe_strmap_release(&c.seen_index);
    pe_strmap_release(&c.counties);
    *out = c.res;
    return st;
}
