/* pe_fields.h — the template field namespace of SPEC §5 (`report.*`, `period.*`,
 * `indicators.*`, `targets.*`, `counties.*`), computed once from the evaluated model. */
#ifndef PE_FIELDS_H
#define PE_FIELDS_H

#include "pe_model.h"

typedef struct { const char *name, *value; } pe_field;

typedef struct {
    pe_arena *arena;
    pe_field *items;    /* in a stable, documented order */
    size_t n, cap;
    pe_strmap index;    /* name → item; empty for hand-built lists (linear lookup) */
} pe_fields;

/* Builds every field from an evaluated model. */
pe_status pe_fields_build(const pe_model *m, pe_fields **out);
void pe_fields_free(pe_fields *f);    /* NULL is a no-op */
/* Looks a field up by exact name; NULL if unknown. */
const char *pe_fields_get(const pe_fields *f, const char *name);
/* Closest known field name to `name`, for "did you mean" messages; may be NULL. */
const char *pe_fields_suggest(const pe_fields *f, const char *name);

/* Formatting shared by fields, PDF and XLSX so that every figure reads the same. */
void pe_fmt_value(const pe_indicator *ind, double v, char *out, size_t n);  /* with decimals */
/* The target as printed: target_text where given, else the number ("2–3" for a range, "—" none). */
void pe_fmt_target(const pe_indicator *ind, char *out, size_t n);
void pe_fmt_target_value(const pe_indicator *ind, char *out, size_t n);    /* the number only */
/* Pace still needed in the kind's own terms: "每年需提高0.29个百分点", "每年需完成43项",
 * "此后每年需降低2.7%", "保持在5.5%以内", "已实现", "已达目标" or "—". */
void pe_fmt_needed(const pe_indicator *ind, char *out, size_t n);
/* The latest figure in the kind's own terms, with its year after `sep`:
 * "0.54（2023年）", "累计171项（2023年）", "累计3.3%（2023年）", "已实现（2022年）" (the
 * year it was reached) or "—" without an actual. */
void pe_fmt_latest(const pe_indicator *ind, const char *sep, char *out, size_t n);
/* Its parts: the figure alone ("累计171项", "已实现") and the year printed with it
 * (the year a milestone was reached; 0 without an actual). */
void pe_fmt_latest_value(const pe_indicator *ind, char *out, size_t n);
int pe_fmt_latest_year(const pe_indicator *ind);
/* Earlier years of a ceiling/floor outside the bound: "2022年未达到", or "" if none. */
void pe_fmt_breaches(const pe_indicator *ind, const int *years, size_t nyears, char *out,
                     size_t n);
/* One sentence of official prose on the indicator, fitting its kind and status
 * (SPEC §4), appended to `b`. */
void pe_fmt_sentence(const pe_indicator *ind, const int *years, size_t nyears, int base_year,
                     int target_year, pe_buf *b);

#endif
