/* pe_model.h — the plan's data: report settings from the INI, indicator and
 * target tables, county targets and annex tables, plus the evaluated figures.
 * Loaders fill it; pe_evaluate() computes; renderers read it through const. */
#ifndef PE_MODEL_H
#define PE_MODEL_H

#include "pe_util.h"
#include "pe_csv.h"

/* The kinds of plan indicator (SPEC §3.2), by what a year's actual and the
 * target mean. */
typedef enum {
    PE_KIND_LEVEL,          /* 水平值: the value at year end; target = value in T */
    PE_KIND_GROWTH,         /* 年均增长: yearly rate, %; target = average yearly rate */
    PE_KIND_CUMULATIVE,     /* 累计: that year's amount; target = total over B+1…T */
    PE_KIND_REDUCTION,      /* 累计降低: yearly reduction rate, %; target = total reduction, % */
    PE_KIND_CEILING,        /* 上限: the value; target = a maximum to hold every year */
    PE_KIND_FLOOR,          /* 下限: the value; target = a minimum to hold every year */
    PE_KIND_MILESTONE,      /* 节点: 1 achieved / 0 not yet; no target */
    PE_KIND_QUALITATIVE,    /* 定性: no actuals, no target; target_text says it */
    PE_KIND_COUNT
} pe_kind;
const char *pe_kind_name(pe_kind k);        /* 水平值, 年均增长, 累计, … */
const char *pe_kind_key(pe_kind k);         /* level, growth, cumulative, … */
int pe_kind_has_progress(pe_kind k);        /* level, growth, cumulative, reduction */
int pe_kind_needs_target(pe_kind k);        /* all but milestone and qualitative */
typedef enum { PE_DIR_UP, PE_DIR_DOWN } pe_direction;

/* Status words of SPEC §4, in the order summaries list them. */
typedef enum {
    PE_ST_DONE_EARLY,   /* 提前完成 */
    PE_ST_DONE,         /* 已完成 */
    PE_ST_AHEAD,        /* 快于序时进度 */
    PE_ST_ON_TRACK,     /* 符合序时进度 */
    PE_ST_LAGGING,      /* 滞后序时进度 */
    PE_ST_SLOW,         /* 进展缓慢 */
    PE_ST_MISSED,       /* 未完成: the target year's actual is in and the target was missed */
    PE_ST_NO_DATA,      /* 暂无数据 */
    PE_ST_COUNT
} pe_state;
const char *pe_state_name(pe_state s);
/* Parses a status word (as printed); 1 on success. */
int pe_state_parse(const char *s, pe_state *out);
/* Rank for the year-over-year comparison: 提前完成 = 已完成 > 快于 > 符合 > 滞后 >
 * 进展缓慢 = 未完成; −1 for 暂无数据. */
int pe_state_rank(pe_state s);

/* Year-over-year change of the status (SPEC §4). */
typedef enum {
    PE_CHANGE_NONE,     /* no actual this year (or a qualitative indicator): — */
    PE_CHANGE_NEW,      /* 新增数据: no status the year before */
    PE_CHANGE_BETTER,   /* 好转 */
    PE_CHANGE_SAME,     /* 持平 */
    PE_CHANGE_WORSE,    /* 下滑 */
    PE_CHANGE_COUNT
} pe_change;
const char *pe_change_name(pe_change c);    /* "—", 新增数据, 好转, 持平, 下滑 */

typedef enum {
    PE_NEED_NONE,       /* reached, no data, or no remaining year */
    PE_NEED_LEVEL,      /* needed_delta per year (unit; 个百分点 for %), maybe needed_rate */
    PE_NEED_GROWTH,     /* needed_rate: average yearly rate still needed, in % */
    PE_NEED_CUMULATIVE, /* needed_delta: amount still needed per remaining year, in the unit */
    PE_NEED_REDUCTION,  /* needed_rate: yearly reduction still needed, in % */
    PE_NEED_BOUND       /* ceiling/floor: hold the bound (保持在5.5%以内 / 以上) */
} pe_need;

/* Evaluated figures of one indicator (SPEC §4). Flags say which are defined;
 * an undefined figure is never NaN or inf. Rates and progress are fractions
 * (0.625 = 62.5%), except needed_rate and avg_rate which are in percent. */
typedef struct {
    int has_actual;
    int year;               /* y: latest year with an actual */
    double actual;          /* A (growth/reduction: the latest yearly rate, %;
                               cumulative: that year's amount; milestone: 1/0) */
    double time_progress;   /* τ = (y − B)/(T − B); eval-year based when no actual */
    int has_progress;
    double progress;        /* p */
    int has_ratio;
    double ratio;           /* ρ = p/τ */
    int reached;            /* target reached; ceiling/floor: the latest actual within the bound */
    pe_state state;         /* the status printed and counted: the judgement where given */
    pe_state computed_state;/* the status from the arithmetic alone */
    int judged;             /* state comes from the office's judgement */
    double cum_factor;      /* growth: F; reduction: ∏(1 − r/100) */
    double avg_rate;        /* growth: ā in % */
    double sum;             /* cumulative: S, the sum of the actuals of B+1…y */
    double reduced;         /* reduction: C in % (1 − ∏(1 − r/100)) × 100 */
    unsigned long long breach_cols;  /* ceiling/floor: bit k = year column k outside the bound */
    int achieved_year;      /* milestone: first year with 1; 0 if not achieved */
    int missing_years;      /* cumulative: years of B+1…y without an actual (counted as 0) */
    /* year over year: the same evaluation on the actuals up to y − 1, without judgement */
    int has_prev;
    int prev_year;
    pe_state prev_state;
    pe_change change;
    pe_need need;
    double needed_delta;    /* per remaining year, in the indicator's unit */
    int has_needed_rate;
    double needed_rate;     /* % per year */
    int years_left;         /* T − y */
    const char *note;       /* why a figure is undefined, e.g. 目标值与基期值相同; may be NULL */
} pe_eval;

typedef struct {
    const char *id, *name, *unit;
    const char *nature;     /* 预期性 / 约束性 or NULL */
    const char *chapter, *dept, *note;   /* NULL when absent */
    const char *target_text;/* the plan's wording of the target (〔13.5〕, <5.5), or NULL */
    const char *judgement_note;          /* reason for a judgement, or NULL */
    int has_judgement;
    pe_state judgement;     /* the office's own status (SPEC §4 judgement) */
    pe_kind kind;
    int has_dir;            /* direction was given in the table */
    pe_direction dir;
    int has_base;
    double base;
    int has_target;         /* 0 for milestone and qualitative */
    double target;
    int has_target_max;
    double target_max;
    int decimals;
    int *has_value;         /* [table.nyears] */
    double *value;          /* [table.nyears] actuals by year column */
    pe_src src;             /* the row */
    pe_src id_src, name_src, unit_src, chapter_src;   /* their cells (line and column) */
    pe_src target_src;
    pe_src judgement_src;   /* the judgement cell (row start when absent) */
    pe_eval ev;
    pe_eval prev_ev;        /* as of the year before ev.year, without the judgement
                               (SPEC §4 year over year): the workbook's hidden
                               year-before columns; no actual when ev has none */
} pe_indicator;

typedef struct {
    const char *key;        /* "indicators" or "targets": field prefix */
    const char *file;       /* as shown in messages */
    const char *title;
    int *years;             /* ascending year columns */
    size_t nyears;
    pe_indicator *items;
    size_t n;
    /* summary, filled by pe_evaluate */
    size_t count[PE_ST_COUNT];
    size_t changes[PE_CHANGE_COUNT];    /* year-over-year counts */
    size_t n_judged;        /* rows whose judgement differs from the computed status */
    size_t n_lagging;       /* 滞后序时进度 + 进展缓慢 */
    size_t n_binding_lagging; /* 约束性 among them */
    int data_year;          /* latest year with any actual; 0 if none */
} pe_indicator_table;

typedef struct {
    const char *name;
    int *has_target, *has_actual;   /* [nyears] */
    double *target, *actual;        /* [nyears] */
    pe_src src;
    /* evaluated */
    double total_target;    /* all years */
    double cum_target;      /* years with an actual */
    double cum_actual;
    int has_rate;
    double rate;            /* cum_actual / cum_target */
    pe_state state;
} pe_county;

typedef struct {
    int present;
    const char *file, *title;
    const char *measure, *unit;     /* from the first row */
    int *years;
    size_t nyears;
    pe_county *items;
    size_t n;
    int decimals;
    /* 合计 row (computed) */
    double *year_target, *year_actual;  /* [nyears] */
    int *year_has_actual;
    /* the table's own 合计 rows, as stated (merge keeps them adding up) */
    const char **stated_label;  /* [nyears]: the label as spelled, NULL without a 合计 row */
    int *has_stated_actual;     /* [nyears] */
    double *stated_actual;      /* [nyears] */
    double total_target, cum_target, cum_actual;
    int has_rate;
    double rate;
    pe_state state;
} pe_county_table;

typedef struct {
    int number;             /* printed 附件N */
    const char *section;    /* "annex.1" */
    const char *file, *title, *unit, *note;
    size_t ncols;
    const char **header;
    pe_src *header_src;
    size_t nrows;
    pe_cell **rows;         /* data rows, ncols each (a 合计 row in the CSV is removed) */
    int *is_merge;          /* [ncols] */
    int *is_total;          /* [ncols] */
    double *total;          /* [ncols] computed sums of total columns */
    int *total_decimals;    /* [ncols] */
    int has_stated_total;   /* the CSV had its own 合计 row */
    int title_count;        /* number stated in the title, -1 if none */
    pe_src merge_src, total_src;  /* INI positions of `merge` and `total` */
    pe_src title_src;             /* INI position of `title` */
    /* `status = <column>`: a progress column whose values are counted (SPEC §4) */
    int status_col;               /* −1 if none */
    pe_src status_src;            /* INI position of `status` */
    size_t nstatus;               /* distinct values, in order of first appearance */
    const char **status_value;
    size_t *status_count;
    size_t status_blank;          /* rows with the column empty */
} pe_annex;

typedef enum { PE_FONT_TITLE, PE_FONT_BODY, PE_FONT_HEADING, PE_FONT_KAI, PE_FONT_ROLES } pe_font_role;

/* Output formats ([output] formats, --format); PDF and XLSX by default. */
enum { PE_OUT_PDF = 1, PE_OUT_XLSX = 2, PE_OUT_OFD = 4 };
#define PE_OUT_DEFAULT (PE_OUT_PDF | PE_OUT_XLSX)

typedef struct {
    pe_arena *arena;
    const char *ini_path;   /* as given */
    const char *ini_dir;
    /* [report] */
    const char *title, *issuer;
    int year, month, day;   /* report date */
    const char *date_text;  /* 2023年8月15日 */
    int draft;
    const char *template_path;   /* resolved against ini_dir; NULL if none */
    /* [period] */
    int base_year, target_year, eval_year;
    int data_year;          /* latest year with any actual in indicators/targets */
    /* [assessment] */
    double ahead, on_track, at_risk;
    /* tables */
    pe_indicator_table indicators, targets;
    pe_county_table counties;
    pe_annex *annexes;
    size_t nannexes;
    /* [fonts]: override per role (path or family) or NULL */
    const char *font[PE_FONT_ROLES];
    /* [output] */
    const char *out_dir;    /* resolved; NULL = caller's default */
    const char *basename;
    unsigned formats;       /* PE_OUT_* from [output] formats; 0 = not given */
    size_t table_rows;      /* data rows of the tables loaded so far (PE_MAX_REPORT_ROWS) */
    size_t indicator_rows;  /* … of them in [indicators] and [targets] (PE_MAX_INDICATORS) */
    size_t table_bytes;     /* bytes of the table files read so far (PE_MAX_REPORT_BYTES) */
} pe_model;

/* Size limits of a report (README “规模上限”). A real plan has tens to a few
 * hundred indicators; SPEC §9's synthetic report (2,000 indicators, 500 targets,
 * 40 annexes) prints as 788 pages and is at PE_MAX_INDICATORS; a page limit
 * (PE_MAX_PAGES, pe_page.h) and a template limit (PE_DOC_MAX_BYTES, pe_doc.h)
 * bound what the template makes of them. Time and memory
 * are bounded for everything within these limits (tests/large/). Each is an error at the first row (or byte) beyond it, found while
 * reading: the rest of the file is not parsed. */
#define PE_MAX_TABLE_ROWS  2000     /* data rows of one table (indicators, targets, counties, an annex) */
#define PE_MAX_INDICATORS  2500     /* rows of [indicators] and [targets] together */
#define PE_MAX_REPORT_ROWS 5000     /* data rows of all the tables of a report together */
#define PE_MAX_ANNEXES     100      /* [annex.N] sections */
#define PE_MAX_REPORT_MB   4        /* bytes of all the table files together, in MB */
/* Lengths of the cells that are set inside sentences and table cells with
 * figures (code points): a unit such as %、亿元、家/万家 and a qualitative
 * target's wording; longer explanations belong in the note column. */
#define PE_MAX_UNIT_CHARS  16
#define PE_MAX_TARGET_TEXT_CHARS 80

/* Loads the INI at `ini_path` and every table it names. Paths inside the INI
 * are relative to its directory. All problems go to `d`. On PE_ERR_INPUT the
 * model is still returned (for listing diagnostics) and must be freed. */
pe_status pe_model_load(const char *ini_path, pe_diags *d, pe_model **out);
void pe_model_free(pe_model *m);   /* NULL is a no-op */

/* Lower-level loaders, on memory buffers (for tests). `m` must have its period
 * set; tables are allocated in m->arena. */
pe_status pe_config_parse_file(pe_model *m, const char *ini_path, pe_diags *d);
pe_status pe_indicator_table_parse(pe_model *m, pe_indicator_table *t, const char *buf,
                                   size_t len, pe_encoding enc, const char *file, pe_diags *d);
pe_status pe_county_table_parse(pe_model *m, pe_county_table *t, const char *buf, size_t len,
                                pe_encoding enc, const char *file, pe_diags *d);
pe_status pe_annex_parse(pe_model *m, pe_annex *a, const char *buf, size_t len,
                         pe_encoding enc, const char *file,
                         const char *merge, const char *total, pe_diags *d);
/* Counts the values of the annex's `status` column (INI key `status`, given at
 * `at`); an unknown column is an error. */
pe_status pe_annex_set_status(pe_model *m, pe_annex *a, const char *column, pe_src at,
                              pe_diags *d);
pe_model *pe_model_new(void);

/* Parses a list of output formats ("pdf, xlsx, ofd"; separated by commas,
 * spaces, ， or 、; case-insensitive). Returns 0 and the PE_OUT_* set in *out,
 * or −1 with the first unknown item in `bad` ("" for an empty list). */
int pe_formats_parse(const char *s, unsigned *out, char *bad, size_t badsz);

#endif
