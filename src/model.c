/* model.c — builds the model's tables from parsed CSVs: column aliases,
 * values checked and converted, every problem recorded with its cell. */
#include "pe_model.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

pe_model *pe_model_new(void)
{
    pe_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->arena = pe_arena_new();
    if (!m->arena) {
        free(m);
        return NULL;
    }
    m->ahead = 1.10;
    m->on_track = 0.90;
    m->at_risk = 0.50;
    m->indicators.key = "indicators";
    m->targets.key = "targets";
    return m;
}

void pe_model_free(pe_model *m)
{
    if (!m)
        return;
    pe_arena_free(m->arena);
    free(m);
}

pe_status pe_model_load(const char *ini_path, pe_diags *d, pe_model **out)
{
    pe_model *m = pe_model_new();
    *out = m;
    if (!m)
        return PE_ERR_NOMEM;
    return pe_config_parse_file(m, ini_path, d);
}

static const char *const state_names[PE_ST_COUNT] = {
    "提前完成", "已完成", "快于序时进度", "符合序时进度", "滞后序时进度", "进展缓慢", "未完成",
    "暂无数据"
};

const char *pe_state_name(pe_state s)
{
    return (unsigned)s < PE_ST_COUNT ? state_names[s] : "";
}

int pe_state_parse(const char *s, pe_state *out)
{
    for (int k = 0; k < PE_ST_COUNT; k++)
        if (strcmp(s, state_names[k]) == 0)
            return *out = (pe_state)k, 1;
    return 0;
}

int pe_state_rank(pe_state s)
{
    switch (s) {
    case PE_ST_DONE_EARLY:
    case PE_ST_DONE: return 4;
    case PE_ST_AHEAD: return 3;
    case PE_ST_ON_TRACK: return 2;
    case PE_ST_LAGGING: return 1;
    case PE_ST_SLOW:
    case PE_ST_MISSED: return 0;
    default: return -1;
    }
}

const char *pe_change_name(pe_change c)
{
    static const char *const names[PE_CHANGE_COUNT] = { "—", "新增数据", "好转", "持平", "下滑" };
    return (unsigned)c < PE_CHANGE_COUNT ? names[c] : "";
}

/* Names of the kinds: key, then Chinese aliases (the first is the printed name). */
static const char *const kind_names[PE_KIND_COUNT][5] = {
    [PE_KIND_LEVEL] = { "level", "水平值", "水平", "总量", NULL },
    [PE_KIND_GROWTH] = { "growth", "年均增长", "增长率", "增速", NULL },
    [PE_KIND_CUMULATIVE] = { "cumulative", "累计", "累计值", "期内累计", NULL },
    [PE_KIND_REDUCTION] = { "reduction", "累计降低", "降低率", "累计下降", NULL },
    [PE_KIND_CEILING] = { "ceiling", "上限", "控制上限", "约束上限", NULL },
    [PE_KIND_FLOOR] = { "floor", "下限", "保持下限", "不低于", NULL },
    [PE_KIND_MILESTONE] = { "milestone", "节点", "节点目标", "里程碑", NULL },
    [PE_KIND_QUALITATIVE] = { "qualitative", "定性", "定性目标", "定性指标", NULL },
};

const char *pe_kind_name(pe_kind k)
{
    return (unsigned)k < PE_KIND_COUNT ? kind_names[k][1] : "";
}

const char *pe_kind_key(pe_kind k)
{
    return (unsigned)k < PE_KIND_COUNT ? kind_names[k][0] : "";
}

int pe_kind_has_progress(pe_kind k)
{
    return k == PE_KIND_LEVEL || k == PE_KIND_GROWTH || k == PE_KIND_CUMULATIVE ||
           k == PE_KIND_REDUCTION;
}

int pe_kind_needs_target(pe_kind k)
{
    return k != PE_KIND_MILESTONE && k != PE_KIND_QUALITATIVE;
}

static pe_src cell_at(const char *file, const pe_cell *c)
{
    return (pe_src){ file, c->line, c->col };
}

/* 1 if a unit keeps to PE_MAX_UNIT_CHARS (it is set in sentences and cells
 * beside figures); else an error at `at`, ending with `hint`. */
static int unit_fits(pe_diags *d, pe_src at, const char *unit, const char *hint)
{
    size_t n = pe_utf8_len(unit);
    if (n <= PE_MAX_UNIT_CHARS)
        return 1;
    pe_error(d, at, "单位过长（%zu 个字），最多 %d 个字，如“%%”“亿元”“家/万家”%s", n,
             PE_MAX_UNIT_CHARS, hint);
    return 0;
}

/* A header like 2021 or 2021年: returns the year, 0 if not a year header,
 * -1 if it is all digits (with optional 年) but not four of them. */
static int header_year(const char *h)
{
    size_t n = strlen(h);
    if (n >= 3 && strcmp(h + n - 3, "年") == 0)
        n -= 3;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)h[i]))
            return 0;
    if (n != 4)
        return -1;
    return (int)strtol(h, NULL, 10);
}

/* ---- indicator tables ---- */

enum { C_ID, C_NAME, C_UNIT, C_KIND, C_DIR, C_NATURE, C_BASE, C_TARGET, C_TMAX, C_TTEXT,
       C_DEC, C_CHAPTER, C_JUDGE, C_JNOTE, C_DEPT, C_NOTE, C_NCOLS };

static const struct { const char *name; const char *alias[3]; } ind_cols[C_NCOLS] = {
    [C_ID] = { "id", { "序号", "编号", NULL } },
    [C_NAME] = { "name", { "指标名称", "指标", "名称" } },
    [C_UNIT] = { "unit", { "单位", NULL, NULL } },
    [C_KIND] = { "kind", { "类型", NULL, NULL } },
    [C_DIR] = { "direction", { "方向", NULL, NULL } },
    [C_NATURE] = { "nature", { "属性", NULL, NULL } },
    [C_BASE] = { "base", { "基期值", NULL, NULL } },
    [C_TARGET] = { "target", { "目标值", NULL, NULL } },
    [C_TMAX] = { "target_max", { "目标上限", NULL, NULL } },
    [C_TTEXT] = { "target_text", { "目标表述", "目标描述", NULL } },
    [C_JUDGE] = { "judgement", { "评估结论", "研判结论", NULL } },
    [C_JNOTE] = { "judgement_note", { "研判说明", "结论说明", NULL } },
    [C_DEC] = { "decimals", { "小数位", NULL, NULL } },
    [C_CHAPTER] = { "chapter", { "章节", NULL, NULL } },
    [C_DEPT] = { "dept", { "牵头部门", "责任单位", NULL } },
    [C_NOTE] = { "note", { "备注", NULL, NULL } },
};

static int ind_column(const char *h)
{
    for (int c = 0; c < C_NCOLS; c++) {
        if (strcmp(h, ind_cols[c].name) == 0)
            return c;
        for (int a = 0; a < 3 && ind_cols[c].alias[a]; a++)
            if (strcmp(h, ind_cols[c].alias[a]) == 0)
                return c;
    }
    return -1;
}

static void unknown_column(pe_diags *d, pe_src at, const char *h, const char *const *cands,
                           size_t ncands, const char *known_list)
{
    const char *sug = pe_suggest(h, cands, ncands);
    if (sug)
        pe_error(d, at, "未知的列“%s”，是否为“%s”？可用的列：%s", h, sug, known_list);
    else
        pe_error(d, at, "未知的列“%s”。可用的列：%s", h, known_list);
}

static int parse_kind(const char *s, pe_kind *k)
{
    for (int i = 0; i < PE_KIND_COUNT; i++)
        for (int a = 0; a < 5 && kind_names[i][a]; a++)
            if (strcmp(s, kind_names[i][a]) == 0)
                return *k = (pe_kind)i, 1;
    return 0;
}

/* A milestone's actual: 1/是/已实现/已完成 → 1, 0/否/未实现/未完成 → 0; −1 otherwise. */
static int milestone_value(const char *s)
{
    static const char *const yes[] = { "1", "是", "已实现", "已完成", "实现" };
    static const char *const no[] = { "0", "否", "未实现", "未完成" };
    for (size_t i = 0; i < COUNT(yes); i++)
        if (strcmp(s, yes[i]) == 0)
            return 1;
    for (size_t i = 0; i < COUNT(no); i++)
        if (strcmp(s, no[i]) == 0)
            return 0;
    return -1;
}

static int parse_direction(const char *s, pe_direction *dir)
{
    static const char *const up[] = { "up", "正向", "越大越好" };
    static const char *const down[] = { "down", "逆向", "越小越好" };
    for (size_t i = 0; i < COUNT(up); i++)
        if (strcmp(s, up[i]) == 0)
            return *dir = PE_DIR_UP, 1;
    for (size_t i = 0; i < COUNT(down); i++)
        if (strcmp(s, down[i]) == 0)
            return *dir = PE_DIR_DOWN, 1;
    return 0;
}

/* Parses a numeric cell; records an error and returns 0 when it is not a
 * finite number. *present is 0 for an empty/`-` cell. */
static int number_cell(pe_diags *d, const char *file, const pe_cell *c, const char *what,
                       double *v, int *present, int *decimals)
{
    *present = 0;
    if (!c->text)
        return 1;
    int dec = 0;
    pe_num_result r = pe_number_parse(c->text, v, &dec);
    switch (r) {
    case PE_NUM_OK:
        *present = 1;
        if (decimals && dec > *decimals)
            *decimals = dec;
        return 1;
    case PE_NUM_MISSING:
        return 1;
    case PE_NUM_NONFINITE:
        pe_error(d, cell_at(file, c), "%s“%s”不是有限数值（不能是 NaN、inf 或超出范围的数），请填写实际数字",
                 what, c->text);
        return 0;
    case PE_NUM_RANGE:
        pe_error(d, cell_at(file, c),
                 "%s“%s”超出可接受的范围：数值的绝对值不能超过 1e15（1000 万亿）；"
                 "请检查是否多写了位数，或换用更大的单位（如 亿元）",
                 what, c->text);
        return 0;
    case PE_NUM_PRECISION:
        pe_error(d, cell_at(file, c),
                 "%s“%s”的有效数字超过 %d 位，超出计算能保持的精度；请四舍五入到至多 %d 位有效数字",
                 what, c->text, PE_NUM_DIGITS, PE_NUM_DIGITS);
        return 0;
    case PE_NUM_INVALID:
    default:
        pe_error(d, cell_at(file, c), "%s“%s”不是数字，请填写数字（如 1234.5），未知请留空或写 -",
                 what, c->text);
        return 0;
    }
}

/* The cells of one indicator row after id, name and kind: direction, nature,
 * base, the target (as the kind needs it), target text, the yearly actuals
 * (numbers, or milestone words), the series rules of growth and reduction, and
 * the office's judgement. Returns 0 when it recorded an error. */
static int indicator_row(pe_model *m, pe_indicator_table *t, pe_indicator *ind,
                         const pe_cell *row, const int *colmap, const int *yearcol,
                         const char *file, pe_diags *d, int *decimals)
{
    int ok = 1, present;
    const pe_kind kind = ind->kind;
    const char *kname = pe_kind_name(kind);
#define CELL(c) (colmap[c] >= 0 ? &row[colmap[c]] : NULL)
#define TEXT(c) (colmap[c] >= 0 ? row[colmap[c]].text : NULL)
#define AT(c) (colmap[c] >= 0 ? cell_at(file, &row[colmap[c]]) : ind->src)
    ind->dir = PE_DIR_UP;
    ind->has_dir = TEXT(C_DIR) != NULL;
    if (TEXT(C_DIR)) {
        if (!parse_direction(TEXT(C_DIR), &ind->dir)) {
            pe_error(d, AT(C_DIR), "方向“%s”无法识别，请写 up（正向）或 down（逆向）", TEXT(C_DIR));
            ok = 0;
        } else if (kind != PE_KIND_LEVEL && !(kind == PE_KIND_GROWTH && ind->dir == PE_DIR_UP)) {
            pe_warn(d, AT(C_DIR), "%s类指标没有方向，方向“%s”将被忽略；只有水平值指标需要填写方向",
                    kname, TEXT(C_DIR));
            ind->dir = PE_DIR_UP;
        }
    }
    const char *nature = TEXT(C_NATURE);
    if (nature) {
        if (strcmp(nature, "预期性") != 0 && strcmp(nature, "约束性") != 0) {
            pe_error(d, AT(C_NATURE), "属性“%s”无法识别，请写 预期性 或 约束性，或留空", nature);
            ok = 0;
        }
        ind->nature = nature;
    }
    ind->target_text = TEXT(C_TTEXT);
    size_t tlen = ind->target_text ? pe_utf8_len(ind->target_text) : 0;
    if (tlen > PE_MAX_TARGET_TEXT_CHARS) {
        pe_error(d, AT(C_TTEXT), "目标表述过长（%zu 个字），最多 %d 个字；请精简，详细说明写在备注（note）列",
                 tlen, PE_MAX_TARGET_TEXT_CHARS);
        ok = 0;
    }
    if (CELL(C_BASE))
        ok &= number_cell(d, file, CELL(C_BASE), "基期值", &ind->base, &ind->has_base, decimals);

    /* target */
    const pe_cell *tc = CELL(C_TARGET);
    ind->target_src = cell_at(file, tc);
    if (pe_kind_needs_target(kind)) {
        if (!tc->text || strcmp(tc->text, "-") == 0) {
            pe_error(d, cell_at(file, tc), "目标值为空：%s类指标须填写数字目标，请填写 %d 年的目标值",
                     kname, m->target_year);
            ok = 0;
        } else if (number_cell(d, file, tc, "目标值", &ind->target, &present, decimals)) {
            if (!present) {
                pe_error(d, cell_at(file, tc), "目标值为空：%s类指标须填写数字目标，请填写 %d 年的目标值",
                         kname, m->target_year);
                ok = 0;
            }
            ind->has_target = present;
        } else {
            ok = 0;
        }
    } else if (tc->text && strcmp(tc->text, "-") != 0) {
        pe_warn(d, cell_at(file, tc), "%s类指标没有数值目标，目标值“%s”将被忽略；目标的文字表述请填在 "
                "target_text（目标表述）列", kname, tc->text);
    }
    if (kind == PE_KIND_QUALITATIVE && !ind->target_text) {
        pe_error(d, AT(C_TTEXT), "定性指标须在 target_text（目标表述）列写明规划目标，如“保持在合理区间”");
        ok = 0;
    }
    if (CELL(C_TMAX)) {
        if (number_cell(d, file, CELL(C_TMAX), "目标上限", &ind->target_max, &ind->has_target_max,
                        decimals)) {
            if (ind->has_target_max && kind != PE_KIND_LEVEL && kind != PE_KIND_CUMULATIVE) {
                pe_error(d, AT(C_TMAX), "%s类指标不支持区间目标，请删除目标上限（只有水平值和累计类可写区间）",
                         kname);
                ok = 0;
            } else if (ind->has_target_max && ind->has_target &&
                       ind->target_max < ind->target) {
                pe_error(d, AT(C_TMAX),
                         "目标上限 %s 小于目标值 %s：区间目标应写成 目标值=下限、目标上限=上限",
                         TEXT(C_TMAX), tc->text);
                ok = 0;
            }
        } else {
            ok = 0;
        }
    }
    if (ind->has_target && kind == PE_KIND_GROWTH && ind->target <= -100.0) {
        pe_error(d, cell_at(file, tc), "年均增长率目标 %s%% 不可能小于或等于 -100%%，请检查", tc->text);
        ok = 0;
    }
    if (ind->has_target && kind == PE_KIND_REDUCTION && (ind->target < 0 || ind->target >= 100.0)) {
        pe_error(d, cell_at(file, tc),
                 "累计降低率目标 %s%% 应在 0 到 100 之间（不含100），如〔13.5〕填 13.5", tc->text);
        ok = 0;
    }

    /* yearly actuals */
    ind->has_value = pe_arena_alloc(m->arena, (t->nyears + 1) * sizeof(int));
    ind->value = pe_arena_alloc(m->arena, (t->nyears + 1) * sizeof(double));
    if (!ind->has_value || !ind->value)
        return -1;
    int ignored_qualitative = 0;
    for (size_t k = 0; k < t->nyears; k++) {
        const pe_cell *c = &row[yearcol[k]];
        char what[32];
        ind->has_value[k] = 0;
        ind->value[k] = 0;
        if (kind == PE_KIND_QUALITATIVE) {
            if (c->text && strcmp(c->text, "-") != 0 && !ignored_qualitative) {
                pe_warn(d, cell_at(file, c), "定性指标没有年度实际值，“%s”将被忽略；评估结论请填在 "
                        "judgement（评估结论）列", c->text);
                ignored_qualitative = 1;
            }
            continue;
        }
        if (kind == PE_KIND_MILESTONE) {
            if (!c->text || strcmp(c->text, "-") == 0)
                continue;
            int v = milestone_value(c->text);
            if (v < 0) {
                pe_error(d, cell_at(file, c),
                         "节点类指标 %d 年的值“%s”无法识别：已实现请写 1、是 或 已实现，尚未实现请写 "
                         "0、否 或 未实现，未知请留空",
                         t->years[k], c->text);
                ok = 0;
                continue;
            }
            ind->has_value[k] = 1;
            ind->value[k] = v;
        } else {
            snprintf(what, sizeof what, "%d年实际值", t->years[k]);
            if (!number_cell(d, file, c, what, &ind->value[k], &ind->has_value[k], decimals)) {
                ok = 0;
                continue;
            }
        }
        if (ind->has_value[k] && t->years[k] > m->eval_year) {
            pe_error(d, cell_at(file, c),
                     "%d 年晚于评估年 %d，不应已有实际值；请删除该值或检查 [period] eval_year",
                     t->years[k], m->eval_year);
            ok = 0;
        }
        if (ind->has_value[k] && kind == PE_KIND_GROWTH && ind->value[k] <= -100.0) {
            pe_error(d, cell_at(file, c), "年增长率 %s%% 不可能小于或等于 -100%%，请检查", c->text);
            ok = 0;
        }
        if (ind->has_value[k] && kind == PE_KIND_REDUCTION && ind->value[k] >= 100.0) {
            pe_error(d, cell_at(file, c), "年降低率 %s%% 不可能大于或等于 100%%，请检查", c->text);
            ok = 0;
        }
    }
    /* growth and reduction chain the yearly rates: no year of B+1…y may be missing */
    if (kind == PE_KIND_GROWTH || kind == PE_KIND_REDUCTION) {
        int last = 0;
        for (size_t k = 0; k < t->nyears; k++)
            if (ind->has_value[k])
                last = t->years[k];
        for (int y = m->base_year + 1; y < last; y++) {
            size_t k = 0;
            while (k < t->nyears && t->years[k] != y)
                k++;
            if (k == t->nyears) {
                pe_error(d, ind->name_src,
                         "%s类指标按年连乘，缺少 %d 年的列；请在表头添加“%d”列并填写该年的%s率",
                         kname, y, y, kind == PE_KIND_GROWTH ? "增长" : "降低");
                ok = 0;
            } else if (!ind->has_value[k]) {
                pe_error(d, cell_at(file, &row[yearcol[k]]),
                         "%s类指标按年连乘，%d 年的%s率为空而其后年份已有数值；请补填该年的值",
                         kname, y, kind == PE_KIND_GROWTH ? "增长" : "降低");
                ok = 0;
            }
        }
    }

    /* the office's judgement */
    ind->judgement_src = AT(C_JUDGE);
    ind->judgement_note = TEXT(C_JNOTE);
    if (TEXT(C_JUDGE)) {
        if (!pe_state_parse(TEXT(C_JUDGE), &ind->judgement)) {
            pe_error(d, AT(C_JUDGE),
                     "评估结论“%s”不是状态用语，请写 提前完成、已完成、快于序时进度、符合序时进度、"
                     "滞后序时进度、进展缓慢、未完成 或 暂无数据 之一，或留空（按测算结果）",
                     TEXT(C_JUDGE));
            ok = 0;
        } else {
            ind->has_judgement = 1;
        }
    } else if (ind->judgement_note) {
        pe_warn(d, AT(C_JNOTE), "填写了研判说明但评估结论为空，说明将不会印出；请填写 judgement（评估结论）"
                "或删除说明");
    }
#undef CELL
#undef TEXT
#undef AT
    return ok;
}

/* Parses a table's CSV within the size limits (PE_MAX_TABLE_ROWS for this
 * table; what is left of PE_MAX_INDICATORS for an indicator table, and of
 * PE_MAX_REPORT_ROWS and PE_MAX_REPORT_MB for the report) and counts its rows
 * and bytes against the report's. `what` names the table in the messages. */
static pe_status table_csv_parse(pe_model *m, const char *what, int indicators,
                                 const char *buf, size_t len, pe_encoding enc,
                                 const char *file, pe_diags *d, pe_csv **csv)
{
    char rows_msg[768], bytes_msg[768], before[96] = "";
    const size_t max_bytes = (size_t)PE_MAX_REPORT_MB * 1024 * 1024;
    size_t left = m->table_rows < PE_MAX_REPORT_ROWS ? PE_MAX_REPORT_ROWS - m->table_rows : 0;
    size_t ileft = m->indicator_rows < PE_MAX_INDICATORS
                       ? PE_MAX_INDICATORS - m->indicator_rows : 0;
    pe_csv_limits lim = { PE_MAX_TABLE_ROWS, rows_msg,
                          m->table_bytes < max_bytes ? max_bytes - m->table_bytes : 0, bytes_msg };
    if (indicators && ileft < lim.max_rows && ileft <= left) {
        lim.max_rows = ileft;
        snprintf(rows_msg, sizeof rows_msg,
                 "%s使核心指标与量化目标合计超过 %d 项的上限（核心指标表已有 %zu 行），从这一行起"
                 "未读取：一份规划的指标通常几十到几百项，%d 项的报告已有数百页。请检查是否选错"
                 "了文件，或把两表精简到合计 %d 项以内（见 README“规模上限”）",
                 what, PE_MAX_INDICATORS, m->indicator_rows, PE_MAX_INDICATORS, PE_MAX_INDICATORS);
    } else if (left < lim.max_rows) {
        lim.max_rows = left;
        snprintf(rows_msg, sizeof rows_msg,
                 "%s使全部表格合计超过 %d 行的上限（前面的表已有 %zu 行），从这一行起未读取："
                 "这个规模的报告有数百页，已无法阅读。请检查是否选错了文件，或把各表精简到合计 %d "
                 "行以内（见 README“规模上限”）",
                 what, PE_MAX_REPORT_ROWS, m->table_rows, PE_MAX_REPORT_ROWS);
    } else {
        snprintf(rows_msg, sizeof rows_msg,
                 "%s超过 %d 行的上限，从这一行起未读取：%d 行的表格已印成上百页，更大的表已无法"
                 "阅读。请检查是否选错了文件，或把表精简、拆分到每表 %d 行以内（见 README“规模上限”）",
                 what, PE_MAX_TABLE_ROWS, PE_MAX_TABLE_ROWS, PE_MAX_TABLE_ROWS);
    }
    if (m->table_bytes >= 1024 * 1024)
        snprintf(before, sizeof before, "（前面的表格文件共 %.1f MB）",
                 (double)m->table_bytes / 1048576.0);
    else if (m->table_bytes)
        snprintf(before, sizeof before, "（前面的表格文件共 %zu KB）",
                 (m->table_bytes + 1023) / 1024);
    snprintf(bytes_msg, sizeof bytes_msg,
             "%s使表格文件合计超过 %d MB 的上限%s，从这一行起未读取：这么多文字的表格印出来有数百页。"
             "请检查是否选错了文件，或精简表中的文字（见 README“规模上限”）",
             what, PE_MAX_REPORT_MB, before);
    pe_status st = pe_csv_parse_max(buf, len, enc, file, &lim, m->arena, d, csv);
    if (*csv) {
        m->table_rows += (*csv)->nrows;
        m->table_bytes += (*csv)->bytes;
        if (indicators)
            m->indicator_rows += (*csv)->nrows;
    }
    return st;
}

pe_status pe_indicator_table_parse(pe_model *m, pe_indicator_table *t, const char *buf,
                                   size_t len, pe_encoding enc, const char *file, pe_diags *d)
{
    pe_csv *csv = NULL;
    size_t errors_before = d->nerrors;
    int colmap[C_NCOLS];
    int *yearcol = NULL;
    pe_status st = table_csv_parse(m, t == &m->targets ? "量化目标表" : "核心指标表", 1, buf, len,
                                   enc, file, d, &csv);
    if (!csv)
        return st == PE_OK ? PE_ERR_INPUT : st;
    file = csv->file;
    t->file = file;
    for (int c = 0; c < C_NCOLS; c++)
        colmap[c] = -1;

    /* header */
    static const char *const cands[] = { "id", "name", "unit", "kind", "direction", "nature",
                                         "base", "target", "target_max", "target_text",
                                         "decimals", "chapter", "judgement", "judgement_note",
                                         "dept", "note", "序号", "指标名称", "单位", "类型", "方向",
                                         "属性", "基期值", "目标值", "目标上限", "目标表述",
                                         "小数位", "章节", "评估结论", "研判说明", "牵头部门",
                                         "备注" };
    const char *known = "id(序号) name(指标名称) unit(单位) kind(类型) direction(方向) nature(属性) "
                        "base(基期值) target(目标值) target_max(目标上限) target_text(目标表述) "
                        "decimals(小数位) chapter(章节) judgement(评估结论) "
                        "judgement_note(研判说明) dept(牵头部门) note(备注)，以及四位年份列如 2021";
    t->years = pe_arena_alloc(m->arena, (csv->ncols + 1) * sizeof(int));
    int *ycol = pe_arena_alloc(m->arena, (csv->ncols + 1) * sizeof(int));
    if (!t->years || !ycol)
        return PE_ERR_NOMEM;
    yearcol = ycol;
    for (size_t c = 0; c < csv->ncols; c++) {
        const pe_cell *h = &csv->header[c];
        if (!h->text)
            continue;
        int y = header_year(h->text);
        if (y < 0) {
            pe_error(d, cell_at(file, h), "年份列“%s”不是四位年份，请写成 2021 这样的年份", h->text);
            continue;
        }
        if (y > 0) {
            if (y <= m->base_year) {
                pe_error(d, cell_at(file, h),
                         "年份列 %d 不在规划期内（基期 %d 年之后）：基期值请填在 base（基期值）列，"
                         "或删除这一列",
                         y, m->base_year);
                continue;
            }
            if (y > m->target_year) {
                pe_error(d, cell_at(file, h), "年份列 %d 晚于目标年 %d，请删除这一列或检查 [period]",
                         y, m->target_year);
                continue;
            }
            int dup = 0;
            for (size_t k = 0; k < t->nyears; k++)
                if (t->years[k] == y)
                    dup = 1;
            if (dup) {
                pe_error(d, cell_at(file, h), "年份列 %d 重复出现，请删除多余的一列", y);
                continue;
            }
            /* keep ascending order */
            size_t k = t->nyears++;
            while (k > 0 && t->years[k - 1] > y) {
                t->years[k] = t->years[k - 1];
                ycol[k] = ycol[k - 1];
                k--;
            }
            t->years[k] = y;
            ycol[k] = (int)c;
            continue;
        }
        int col = ind_column(h->text);
        if (col < 0) {
            unknown_column(d, cell_at(file, h), h->text, cands, COUNT(cands), known);
            continue;
        }
        if (colmap[col] >= 0) {
            pe_error(d, cell_at(file, h), "列“%s”与第 %d 列重复（%s），请删除其中一列", h->text,
                     colmap[col] + 1, ind_cols[col].name);
            continue;
        }
        colmap[col] = (int)c;
    }
    static const int required[] = { C_ID, C_NAME, C_TARGET };
    for (size_t i = 0; i < COUNT(required); i++)
        if (colmap[required[i]] < 0)
            pe_error(d, ((pe_src){ file, csv->header_line, 1 }), "缺少必需的列“%s”（%s），请在表头添加",
                     ind_cols[required[i]].name, ind_cols[required[i]].alias[0]);
    if (d->nerrors > errors_before)
        return PE_ERR_INPUT;

    if (csv->nrows == 0)
        pe_warn(d, ((pe_src){ file, csv->header_line, 0 }), "表中只有表头，没有数据行");

    t->items = pe_arena_alloc(m->arena, (csv->nrows + 1) * sizeof(pe_indicator));
    if (!t->items)
        return PE_ERR_NOMEM;
    pe_strmap ids = { NULL, NULL, 0, 0 };
    for (size_t r = 0; r < csv->nrows; r++) {
        const pe_cell *row = csv->rows[r];
        pe_indicator *ind = &t->items[t->n];
        int decimals = 0, ok = 1;
#define CELL(c) (colmap[c] >= 0 ? &row[colmap[c]] : NULL)
#define TEXT(c) (colmap[c] >= 0 ? row[colmap[c]].text : NULL)
        ind->src = (pe_src){ file, row[0].line, 0 };
        ind->id_src = colmap[C_ID] >= 0 ? cell_at(file, &row[colmap[C_ID]]) : ind->src;
        ind->name_src = colmap[C_NAME] >= 0 ? cell_at(file, &row[colmap[C_NAME]]) : ind->src;
        ind->unit_src = colmap[C_UNIT] >= 0 ? cell_at(file, &row[colmap[C_UNIT]]) : ind->src;
        ind->chapter_src = colmap[C_CHAPTER] >= 0 ? cell_at(file, &row[colmap[C_CHAPTER]]) : ind->src;
        ind->id = TEXT(C_ID);
        ind->name = TEXT(C_NAME);
        ind->unit = TEXT(C_UNIT) ? TEXT(C_UNIT) : "";
        if (TEXT(C_UNIT) &&
            !unit_fits(d, cell_at(file, CELL(C_UNIT)), ind->unit, "；说明请写在备注（note）列"))
            ok = 0;
        ind->chapter = TEXT(C_CHAPTER);
        ind->dept = TEXT(C_DEPT);
        ind->note = TEXT(C_NOTE);
        if (!ind->id) {
            pe_error(d, cell_at(file, CELL(C_ID)), "序号（id）为空，请为每个指标填写唯一的序号");
            ok = 0;
        } else {
            size_t first;
            int put = pe_strmap_put(&ids, ind->id, t->n, &first);
            if (put < 0) {
                pe_strmap_release(&ids);
                return PE_ERR_NOMEM;
            }
            if (put == 1) {
                pe_error(d, cell_at(file, CELL(C_ID)),
                         "序号“%s”与第 %d 行重复，每个指标的序号必须唯一", ind->id,
                         t->items[first].src.line);
                ok = 0;
            }
            for (const char *p = ind->id; *p; p++)
                if (*p == ' ' || *p == '{' || *p == '}') {
                    pe_error(d, cell_at(file, CELL(C_ID)), "序号“%s”中不能含空格或花括号", ind->id);
                    ok = 0;
                    break;
                }
        }
        if (!ind->name) {
            pe_error(d, cell_at(file, CELL(C_NAME)), "指标名称为空，请填写");
            ok = 0;
        }
        ind->kind = PE_KIND_LEVEL;
        if (TEXT(C_KIND) && !parse_kind(TEXT(C_KIND), &ind->kind)) {
            pe_error(d, cell_at(file, CELL(C_KIND)),
                     "类型“%s”无法识别，请写 level（水平值）、growth（年均增长）、cumulative（累计）、"
                     "reduction（累计降低）、ceiling（上限）、floor（下限）、milestone（节点）或 "
                     "qualitative（定性）",
                     TEXT(C_KIND));
            ok = 0;
        }
        int row_ok = indicator_row(m, t, ind, row, colmap, yearcol, file, d, &decimals);
        if (row_ok < 0) {
            pe_strmap_release(&ids);
            return PE_ERR_NOMEM;
        }
        ok &= row_ok;
        ind->decimals = decimals;
        if (TEXT(C_DEC)) {
            double v;
            int dd;
            if (pe_number_parse(TEXT(C_DEC), &v, &dd) != PE_NUM_OK || v < 0 || v > 6 || v != floor(v)) {
                pe_error(d, cell_at(file, CELL(C_DEC)), "小数位“%s”应为 0 到 6 的整数", TEXT(C_DEC));
                ok = 0;
            } else {
                ind->decimals = (int)v;
            }
        }
#undef CELL
#undef TEXT
        (void)ok;
        t->n++;
    }
    pe_strmap_release(&ids);
    return d->nerrors > errors_before ? PE_ERR_INPUT : PE_OK;
}

/* ---- counties ---- */

enum { K_COUNTY, K_MEASURE, K_UNIT, K_YEAR, K_TARGET, K_ACTUAL, K_NCOLS };

static const struct { const char *name; const char *alias[2]; } county_cols[K_NCOLS] = {
    [K_COUNTY] = { "county", { "县区", "县（市、区）" } },
    [K_MEASURE] = { "measure", { "指标", "指标名称" } },
    [K_UNIT] = { "unit", { "单位", NULL } },
    [K_YEAR] = { "year", { "年份", "年度" } },
    [K_TARGET] = { "target", { "目标", "目标值" } },
    [K_ACTUAL] = { "actual", { "完成", "完成值" } },
};

static int is_total_label(const char *s)
{
    if (!s)
        return 0;
    char buf[64];
    size_t k = 0;
    for (const char *p = s; *p && k < sizeof buf - 1;) {
        if (*p == ' ') {
            p++;
        } else if (strncmp(p, "\xE3\x80\x80", 3) == 0) {
            p += 3;
        } else {
            buf[k++] = *p++;
        }
    }
    buf[k] = '\0';
    return strcmp(buf, "合计") == 0 || strcmp(buf, "总计") == 0;
}

pe_status pe_county_table_parse(pe_model *m, pe_county_table *t, const char *buf, size_t len,
                                pe_encoding enc, const char *file, pe_diags *d)
{
    pe_csv *csv = NULL;
    size_t errors_before = d->nerrors;
    int colmap[K_NCOLS];
    pe_status st = table_csv_parse(m, "县区表", 0, buf, len, enc, file, d, &csv);
    if (!csv)
        return st == PE_OK ? PE_ERR_INPUT : st;
    file = csv->file;
    t->file = file;
    t->present = 1;
    for (int c = 0; c < K_NCOLS; c++)
        colmap[c] = -1;
    static const char *const cands[] = { "county", "measure", "unit", "year", "target", "actual",
                                         "县区", "指标", "单位", "年份", "目标", "完成" };
    for (size_t c = 0; c < csv->ncols; c++) {
        const pe_cell *h = &csv->header[c];
        if (!h->text)
            continue;
        int found = -1;
        for (int k = 0; k < K_NCOLS; k++) {
            if (strcmp(h->text, county_cols[k].name) == 0)
                found = k;
            for (int a = 0; a < 2; a++)
                if (county_cols[k].alias[a] && strcmp(h->text, county_cols[k].alias[a]) == 0)
                    found = k;
        }
        if (found < 0) {
            unknown_column(d, cell_at(file, h), h->text, cands, COUNT(cands),
                           "county(县区) measure(指标) unit(单位) year(年份) target(目标) actual(完成)");
            continue;
        }
        if (colmap[found] >= 0) {
            pe_error(d, cell_at(file, h), "列“%s”重复，请删除其中一列", h->text);
            continue;
        }
        colmap[found] = (int)c;
    }
    static const int required[] = { K_COUNTY, K_YEAR, K_TARGET };
    for (size_t i = 0; i < COUNT(required); i++)
        if (colmap[required[i]] < 0)
            pe_error(d, ((pe_src){ file, csv->header_line, 1 }), "缺少必需的列“%s”（%s），请在表头添加",
                     county_cols[required[i]].name, county_cols[required[i]].alias[0]);
    if (d->nerrors > errors_before)
        return PE_ERR_INPUT;
    if (csv->nrows == 0)
        pe_warn(d, ((pe_src){ file, csv->header_line, 0 }), "表中只有表头，没有数据行");

    /* first pass: years and counties, in order of appearance (years sorted) */
    size_t cap = csv->nrows + 1;
    int *years = pe_arena_alloc(m->arena, cap * sizeof(int));
    const char **names = pe_arena_alloc(m->arena, cap * sizeof(char *));
    int *yr = pe_arena_alloc(m->arena, cap * sizeof(int));
    if (!years || !names || !yr)
        return PE_ERR_NOMEM;
    size_t ny = 0, nc = 0;
    pe_strmap index = { NULL, NULL, 0, 0 };   /* county name → item, so that any size stays linear */
    /* years are four digits: a direct table year → seen, later year → column */
    size_t *year_col = pe_arena_alloc(m->arena, 10000 * sizeof(size_t));
    unsigned char *year_seen = pe_arena_alloc(m->arena, 10000);
    if (!year_col || !year_seen)
        return PE_ERR_NOMEM;
    for (size_t r = 0; r < csv->nrows; r++) {
        const pe_cell *row = csv->rows[r];
        const pe_cell *cc = &row[colmap[K_COUNTY]], *yc = &row[colmap[K_YEAR]];
        yr[r] = 0;
        if (!cc->text) {
            pe_error(d, cell_at(file, cc), "县区名称为空，请填写");
            continue;
        }
        int y = yc->text ? header_year(yc->text) : 0;
        if (y <= 0) {
            pe_error(d, cell_at(file, yc), "年份“%s”不是四位年份，请写成 2021", yc->text ? yc->text : "");
            continue;
        }
        yr[r] = y;
        size_t k;
        if (!year_seen[y]) {
            year_seen[y] = 1;
            k = ny++;
            while (k > 0 && years[k - 1] > y) {
                years[k] = years[k - 1];
                k--;
            }
            years[k] = y;
        }
        if (is_total_label(cc->text))
            continue;
        int put = pe_strmap_put(&index, cc->text, nc, NULL);
        if (put < 0) {
            pe_strmap_release(&index);
            return PE_ERR_NOMEM;
        }
        if (put == 0)
            names[nc++] = cc->text;
        if (colmap[K_MEASURE] >= 0 && row[colmap[K_MEASURE]].text) {
            if (!t->measure)
                t->measure = row[colmap[K_MEASURE]].text;
            else if (strcmp(t->measure, row[colmap[K_MEASURE]].text) != 0)
                pe_error(d, cell_at(file, &row[colmap[K_MEASURE]]),
                         "县区表只能有一个指标，这里是“%s”，前面是“%s”；请分成两个文件",
                         row[colmap[K_MEASURE]].text, t->measure);
        }
        if (colmap[K_UNIT] >= 0 && row[colmap[K_UNIT]].text &&
            unit_fits(d, cell_at(file, &row[colmap[K_UNIT]]), row[colmap[K_UNIT]].text, "") &&
            !t->unit)
            t->unit = row[colmap[K_UNIT]].text;
    }
    t->years = years;
    t->nyears = ny;
    for (size_t k = 0; k < ny; k++)
        year_col[years[k]] = k;
    /* The pivot holds counties × years cells: a table whose rows fill only a
     * sliver of it (stray years or names) would need memory far beyond its size. */
    if (ny > 1 && nc > 0 && nc * ny > 4 * (csv->nrows + 1024)) {
        pe_error(d, ((pe_src){ file, csv->header_line, 0 }),
                 "县区表有 %zu 个县区、%zu 个不同年份（%d—%d），但只有 %zu 行：展开成“县区 × 年份”的表后"
                 "大部分为空。请检查年份和县区名称是否填错",
                 nc, ny, years[0], years[ny - 1], csv->nrows);
        pe_strmap_release(&index);
        return PE_ERR_INPUT;
    }
    t->items = pe_arena_alloc(m->arena, (nc + 1) * sizeof(pe_county));
    t->year_target = pe_arena_alloc(m->arena, (ny + 1) * sizeof(double));
    t->year_actual = pe_arena_alloc(m->arena, (ny + 1) * sizeof(double));
    t->year_has_actual = pe_arena_alloc(m->arena, (ny + 1) * sizeof(int));
    double *stated_t = pe_arena_alloc(m->arena, (ny + 1) * sizeof(double));
    double *stated_a = pe_arena_alloc(m->arena, (ny + 1) * sizeof(double));
    int *has_st = pe_arena_alloc(m->arena, (ny + 1) * sizeof(int));
    int *has_sa = pe_arena_alloc(m->arena, (ny + 1) * sizeof(int));
    pe_src *stated_src = pe_arena_alloc(m->arena, (ny + 1) * sizeof(pe_src));
    t->stated_label = pe_arena_alloc(m->arena, (ny + 1) * sizeof(char *));
    t->has_stated_actual = has_sa;
    t->stated_actual = stated_a;
    if (!t->items || !t->year_target || !t->year_actual || !t->year_has_actual || !stated_t ||
        !stated_a || !has_st || !has_sa || !stated_src || !t->stated_label) {
        pe_strmap_release(&index);
        return PE_ERR_NOMEM;
    }
    t->n = nc;
    for (size_t k = 0; k < nc; k++) {
        pe_county *c = &t->items[k];
        c->name = names[k];
        c->has_target = pe_arena_alloc(m->arena, (ny + 1) * sizeof(int));
        c->has_actual = pe_arena_alloc(m->arena, (ny + 1) * sizeof(int));
        c->target = pe_arena_alloc(m->arena, (ny + 1) * sizeof(double));
        c->actual = pe_arena_alloc(m->arena, (ny + 1) * sizeof(double));
        if (!c->has_target || !c->has_actual || !c->target || !c->actual) {
            pe_strmap_release(&index);
            return PE_ERR_NOMEM;
        }
    }
    int decimals = 0;
    for (size_t r = 0; r < csv->nrows; r++) {
        const pe_cell *row = csv->rows[r];
        const pe_cell *cc = &row[colmap[K_COUNTY]];
        if (!yr[r] || !cc->text)
            continue;
        size_t yi = year_col[yr[r]];
        double tv = 0, av = 0;
        int tp = 0, ap = 0;
        const pe_cell *tcell = &row[colmap[K_TARGET]];
        if (number_cell(d, file, tcell, "目标", &tv, &tp, &decimals) && !tp)
            pe_error(d, cell_at(file, tcell), "目标为空，请填写该县区该年的目标");
        if (colmap[K_ACTUAL] >= 0) {
            const pe_cell *ac = &row[colmap[K_ACTUAL]];
            if (number_cell(d, file, ac, "完成值", &av, &ap, &decimals) && ap && yr[r] > m->eval_year)
                pe_error(d, cell_at(file, ac), "%d 年晚于评估年 %d，不应已有完成值；请删除", yr[r],
                         m->eval_year);
        }
        if (is_total_label(cc->text)) {
            if (t->stated_label[yi]) {
                pe_error(d, cell_at(file, cc), "%d 年的合计行重复，请删除多余的一行", yr[r]);
                continue;
            }
            t->stated_label[yi] = cc->text;
            has_st[yi] = tp;
            stated_t[yi] = tv;
            has_sa[yi] = ap;
            stated_a[yi] = av;
            stated_src[yi] = cell_at(file, cc);
            continue;
        }
        size_t k = 0;
        pe_strmap_get(&index, cc->text, &k);
        pe_county *c = &t->items[k];
        if (c->has_target[yi] || c->has_actual[yi]) {
            pe_error(d, cell_at(file, cc), "“%s”%d 年出现了两次，请合并为一行", cc->text, yr[r]);
            continue;
        }
        if (k < nc && !c->src.file)
            c->src = (pe_src){ file, cc->line, 0 };
        c->has_target[yi] = tp;
        c->target[yi] = tv;
        c->has_actual[yi] = ap;
        c->actual[yi] = av;
    }
    pe_strmap_release(&index);
    t->decimals = decimals;
    /* stated totals are checked against the sums */
    for (size_t yi = 0; yi < ny; yi++) {
        double st_sum = 0, ac_sum = 0;
        int any_actual = 0;
        for (size_t k = 0; k < nc; k++) {
            st_sum += t->items[k].has_target[yi] ? t->items[k].target[yi] : 0;
            if (t->items[k].has_actual[yi]) {
                ac_sum += t->items[k].actual[yi];
                any_actual = 1;
            }
        }
        char a[64], b[64];
        if (has_st[yi] && fabs(stated_t[yi] - st_sum) > 1e-9 * (1 + fabs(st_sum))) {
            pe_number_format(stated_t[yi], decimals, a, sizeof a);
            pe_number_format(st_sum, decimals, b, sizeof b);
            pe_warn(d, stated_src[yi], "%d 年合计行的目标为 %s，但各县区目标之和为 %s；报告采用计算值 %s，请核对",
                    years[yi], a, b, b);
        }
        if (has_sa[yi] && any_actual && fabs(stated_a[yi] - ac_sum) > 1e-9 * (1 + fabs(ac_sum))) {
            pe_number_format(stated_a[yi], decimals, a, sizeof a);
            pe_number_format(ac_sum, decimals, b, sizeof b);
            pe_warn(d, stated_src[yi], "%d 年合计行的完成值为 %s，但各县区完成值之和为 %s；报告采用计算值 %s，请核对",
                    years[yi], a, b, b);
        }
    }
    return d->nerrors > errors_before ? PE_ERR_INPUT : PE_OK;
}

/* ---- annexes ---- */

/* Splits a column list (`a, b` or `a、b`) and marks the columns; unknown names are errors. */
static void mark_columns(pe_annex *a, const char *list, int *flags, pe_src at, const char *key,
                         pe_arena *arena, pe_diags *d)
{
    if (!list)
        return;
    char *copy = pe_arena_strdup(arena, list);
    char *p = copy;
    while (p && *p) {
        char *sep = p;
        char *next = NULL;
        for (; *sep; sep++) {
            if (*sep == ',') {
                next = sep + 1;
                break;
            }
            if (strncmp(sep, "、", 3) == 0 || strncmp(sep, "，", 3) == 0) {
                next = sep + 3;
                break;
            }
        }
        *sep = '\0';
        pe_trim(p);
        if (*p) {
            size_t c;
            for (c = 0; c < a->ncols && strcmp(a->header[c], p) != 0; c++)
                ;
            if (c == a->ncols) {
                const char *sug = pe_suggest(p, a->header, a->ncols);
                pe_error(d, at, "[%s] %s = %s：表“%s”中没有这一列%s%s%s，请写表头中的列名", a->section,
                         key, p, a->file, sug ? "，是否为“" : "", sug ? sug : "", sug ? "”" : "");
            } else {
                flags[c] = 1;
            }
        }
        p = next;
    }
}

/* The count a title states (突破20项 → 20, 创建40个 → 40), or -1: the first
 * number followed by a measure word and not preceded by 第 (第3批 is an ordinal). */
static int title_count(const char *title)
{
    static const char *const measure[] = { "项", "个", "家", "人", "名", "所", "座", "条", "类",
                                           "件", "套", "支", "批" };
    if (!title)
        return -1;
    for (const char *p = title; *p; p++) {
        if (!isdigit((unsigned char)*p))
            continue;
        const char *start = p;
        while (isdigit((unsigned char)*p))
            p++;
        int ordinal = start - title >= 3 && strncmp(start - 3, "第", 3) == 0;
        for (size_t i = 0; i < COUNT(measure) && !ordinal; i++)
            if (strncmp(p, measure[i], strlen(measure[i])) == 0)
                return (int)strtol(start, NULL, 10);
        if (!*p)
            break;
    }
    return -1;
}

pe_status pe_annex_parse(pe_model *m, pe_annex *a, const char *buf, size_t len,
                         pe_encoding enc, const char *file, const char *merge,
                         const char *total, pe_diags *d)
{
    pe_csv *csv = NULL;
    size_t errors_before = d->nerrors;
    a->status_col = -1;
    char what[32];
    snprintf(what, sizeof what, "附件%d的表", a->number);
    pe_status st = table_csv_parse(m, what, 0, buf, len, enc, file, d, &csv);
    if (!csv)
        return st == PE_OK ? PE_ERR_INPUT : st;
    a->file = csv->file;
    a->ncols = csv->ncols;
    a->header = pe_arena_alloc(m->arena, (a->ncols + 1) * sizeof(char *));
    a->header_src = pe_arena_alloc(m->arena, (a->ncols + 1) * sizeof(pe_src));
    a->is_merge = pe_arena_alloc(m->arena, (a->ncols + 1) * sizeof(int));
    a->is_total = pe_arena_alloc(m->arena, (a->ncols + 1) * sizeof(int));
    a->total = pe_arena_alloc(m->arena, (a->ncols + 1) * sizeof(double));
    a->total_decimals = pe_arena_alloc(m->arena, (a->ncols + 1) * sizeof(int));
    a->rows = pe_arena_alloc(m->arena, (csv->nrows + 1) * sizeof(pe_cell *));
    if (!a->header || !a->header_src || !a->is_merge || !a->is_total || !a->total ||
        !a->total_decimals || !a->rows)
        return PE_ERR_NOMEM;
    pe_strmap seen = { NULL, NULL, 0, 0 };   /* header → first column: linear in wide tables */
    for (size_t c = 0; c < a->ncols; c++) {
        a->header[c] = csv->header[c].text ? csv->header[c].text : "";
        a->header_src[c] = cell_at(a->file, &csv->header[c]);
        size_t k;
        int put = *a->header[c] ? pe_strmap_put(&seen, a->header[c], c, &k) : 0;
        if (put < 0) {
            pe_strmap_release(&seen);
            return PE_ERR_NOMEM;
        }
        if (put == 1)
            pe_error(d, a->header_src[c], "列名“%s”与第 %zu 列重复，请改名", a->header[c], k + 1);
    }
    pe_strmap_release(&seen);
    mark_columns(a, merge, a->is_merge, a->merge_src, "merge", m->arena, d);
    mark_columns(a, total, a->is_total, a->total_src, "total", m->arena, d);
    if (csv->nrows == 0)
        pe_warn(d, ((pe_src){ a->file, csv->header_line, 0 }), "表中只有表头，没有数据行");

    const pe_cell *stated = NULL;
    for (size_t r = 0; r < csv->nrows; r++) {
        pe_cell *row = csv->rows[r];
        int is_total_row = 0;
        for (size_t c = 0; c < a->ncols; c++)
            if (!a->is_total[c] && is_total_label(row[c].text))
                is_total_row = 1;
        if (is_total_row) {
            if (stated)
                pe_error(d, cell_at(a->file, &row[0]), "合计行重复（第 %d 行已有合计），请删除多余的一行",
                         stated[0].line);
            stated = row;
            a->has_stated_total = 1;
            continue;
        }
        if (stated)
            pe_error(d, cell_at(a->file, &row[0]), "合计行（第 %d 行）之后还有数据行，请把合计行移到表末",
                     stated[0].line);
        for (size_t c = 0; c < a->ncols; c++) {
            /* an empty merged cell continues the group above */
            if (a->is_merge[c] && !row[c].text && a->nrows > 0)
                row[c].text = a->rows[a->nrows - 1][c].text;
            if (a->is_total[c]) {
                double v;
                int present = 0, dec = a->total_decimals[c];
                if (number_cell(d, a->file, &row[c], a->header[c], &v, &present, &dec) && present) {
                    a->total[c] += v;
                    a->total_decimals[c] = dec;
                }
            }
        }
        a->rows[a->nrows++] = row;
    }
    if (stated) {
        for (size_t c = 0; c < a->ncols; c++) {
            if (!a->is_total[c] || !stated[c].text)
                continue;
            double v;
            int present = 0, dec = 0;
            if (number_cell(d, a->file, &stated[c], a->header[c], &v, &present, &dec) && present &&
                fabs(v - a->total[c]) > 1e-9 * (1 + fabs(v))) {
                char x[64], y[64];
                pe_number_format(v, a->total_decimals[c], x, sizeof x);
                pe_number_format(a->total[c], a->total_decimals[c], y, sizeof y);
                pe_warn(d, cell_at(a->file, &stated[c]),
                        "表中合计“%s”为 %s，但逐行相加为 %s；报告采用计算值，请核对", a->header[c], x, y);
            }
        }
    }
    a->title_count = title_count(a->title);
    pe_src title_at = a->title_src.file ? a->title_src : (pe_src){ a->file, 0, 0 };
    if (a->title_count >= 0 && d->nerrors == errors_before) {
        size_t first_total = a->ncols;
        for (size_t c = 0; c < a->ncols; c++)
            if (a->is_total[c]) {
                first_total = c;
                break;
            }
        /* the count may be of the rows (实施80项项目计划 beside 总投资 totals) or of a
         * total column (创建40个平台 over a 数量 column): either agreeing is enough */
        int agrees = (size_t)a->title_count == a->nrows;
        for (size_t c = 0; c < a->ncols && !agrees; c++)
            agrees = a->is_total[c] && fabs(a->total[c] - a->title_count) <= 1e-9;
        if (!agrees && first_total < a->ncols) {
            char y[64];
            pe_number_format(a->total[first_total], a->total_decimals[first_total], y, sizeof y);
            pe_warn(d, title_at,
                    "附件%d 标题“%s”写的是 %d，但表中有 %zu 行，“%s”合计为 %s，请核对标题或数据",
                    a->number, a->title, a->title_count, a->nrows, a->header[first_total], y);
        } else if (!agrees) {
            pe_warn(d, title_at,
                    "附件%d 标题“%s”写的是 %d 项，但 %s 中有 %zu 行，请核对标题或数据", a->number, a->title,
                    a->title_count, a->file, a->nrows);
        }
    }
    return d->nerrors > errors_before ? PE_ERR_INPUT : PE_OK;
}

pe_status pe_annex_set_status(pe_model *m, pe_annex *a, const char *column, pe_src at,
                              pe_diags *d)
{
    size_t c = 0;
    while (c < a->ncols && strcmp(a->header[c], column) != 0)
        c++;
    if (c == a->ncols) {
        const char *sug = pe_suggest(column, a->header, a->ncols);
        if (sug)
            pe_error(d, at, "status 指定的列“%s”在附件%d 的表头中不存在，是否为“%s”？", column,
                     a->number, sug);
        else
            pe_error(d, at, "status 指定的列“%s”在附件%d 的表头中不存在，请写表头中的进展列名",
                     column, a->number);
        return PE_ERR_INPUT;
    }
    a->status_col = (int)c;
    a->nstatus = a->status_blank = 0;
    a->status_value = pe_arena_alloc(m->arena, (a->nrows + 1) * sizeof(char *));
    a->status_count = pe_arena_alloc(m->arena, (a->nrows + 1) * sizeof(size_t));
    if (!a->status_value || !a->status_count)
        return PE_ERR_NOMEM;
    pe_strmap seen = { NULL, NULL, 0, 0 };
    for (size_t r = 0; r < a->nrows; r++) {
        const char *v = a->rows[r][c].text;
        size_t first;
        if (!v) {
            a->status_blank++;
            continue;
        }
        int put = pe_strmap_put(&seen, v, a->nstatus, &first);
        if (put < 0) {
            pe_strmap_release(&seen);
            return PE_ERR_NOMEM;
        }
        if (put == 1) {
            a->status_count[first]++;
        } else {
            a->status_value[a->nstatus] = v;
            a->status_count[a->nstatus++] = 1;
        }
    }
    pe_strmap_release(&seen);
    return PE_OK;
}
