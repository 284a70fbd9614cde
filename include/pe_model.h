/* pe_model.h — the plan's data: report settings from the INI, indicator and
 * target tables, county targets and annex tables, plus the evaluated figures.
 * Loaders fill it; pe_evaluate() computes; renderers read it through const. */
#ifndef PE_MODEL_H
#define PE_MODEL_H

#include "pe_util.h"
#include "pe_csv.h"

typedef enum { PE_KIND_LEVEL, PE_KIND_GROWTH } pe_kind;
typedef enum { PE_DIR_UP, PE_DIR_DOWN } pe_direction;

/* Status words of SPEC §4, in the order summaries list them. */
typedef enum {
    PE_ST_DONE_EARLY,   /* 提前完成 */
    PE_ST_DONE,         /* 已完成 */
    PE_ST_AHEAD,        /* 快于序时进度 */
    PE_ST_ON_TRACK,     /* 符合序时进度 */
    PE_ST_LAGGING,      /* 滞后序时进度 */
    PE_ST_SLOW,         /* 进展缓慢 */
    PE_ST_NO_DATA,      /* 暂无数据 */
    PE_ST_COUNT
} pe_state;
const char *pe_state_name(pe_state s);

typedef enum {
    PE_NEED_NONE,       /* reached, no data, or no remaining year */
    PE_NEED_LEVEL,      /* needed_delta per year (unit; 个百分点 for %), maybe needed_rate */
    PE_NEED_GROWTH      /* needed_rate: average yearly rate still needed, in % */
} pe_need;

/* Evaluated figures of one indicator (SPEC §4). Flags say which are defined;
 * an undefined figure is never NaN or inf. Rates and progress are fractions
 * (0.625 = 62.5%), except needed_rate and avg_rate which are in percent. */
typedef struct {
    int has_actual;
    int year;               /* y: latest year with an actual */
    double actual;          /* A (growth: the latest yearly rate, %) */
    double time_progress;   /* τ = (y − B)/(T − B); eval-year based when no actual */
    int has_progress;
    double progress;        /* p */
    int has_ratio;
    double ratio;           /* ρ = p/τ */
    int reached;
    pe_state state;
    double cum_factor;      /* growth: F */
    double avg_rate;        /* growth: ā in % */
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
    pe_kind kind;
    pe_direction dir;
    int has_base;
    double base;
    double target;
    int has_target_max;
    double target_max;
    int decimals;
    int *has_value;         /* [table.nyears] */
    double *value;          /* [table.nyears] actuals by year column */
    pe_src src;             /* the row */
    pe_src id_src, name_src, unit_src, chapter_src;   /* their cells (line and column) */
    pe_src target_src;
    pe_eval ev;
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
} pe_model;

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
pe_model *pe_model_new(void);

/* Parses a list of output formats ("pdf, xlsx, ofd"; separated by commas,
 * spaces, ， or 、; case-insensitive). Returns 0 and the PE_OUT_* set in *out,
 * or −1 with the first unknown item in `bad` ("" for an empty list). */
int pe_formats_parse(const char *s, unsigned *out, char *bad, size_t badsz);

#endif
