/* pe_collect.h — the departments' side (SPEC §2, issue 12): the hidden
 * identification every workbook sent to a 牵头部门 carries, `planeval collect`
 * (one fill-in workbook per department) and `planeval merge` (reading the
 * returned workbooks back and patching the CSVs byte by byte). */
#ifndef PE_COLLECT_H
#define PE_COLLECT_H

#include "pe_model.h"

#include <stdint.h>
#include <xlsxwriter.h>

/* ======================================================================
 * The identification (format version 2; merge also reads version 1)
 *
 * A workbook that `merge` may read back carries one extra worksheet named
 * PE_ID_SHEET, hidden (libxlsxwriter 1.1.4 cannot write Excel's veryHidden
 * state) and protected without a password. All its cells are strings, so no
 * spreadsheet program re-formats them. Rows (0-based), columns A, B, C, …:
 *
 *   0  planeval-id | 2                       format version
 *   1  plan        | <[report] title>
 *   2  plan_hash   | <16 hex digits>         pe_plan_hash(): title, issuer, period
 *   3  period      | base | target | eval    years of [period]
 *   4  dept        | <牵头部门>                "*" = all departments (the shared workbook)
 *   5  year        | <the year being collected>
 *   6  counts      | <inputs> | <locked>
 *   7  seal        | <16 hex digits>         see below
 *   8… <sheet>     | <records of that sheet, packed>
 *
 * Each row from 8 on holds records of one worksheet (named in column A; a
 * sheet's records may go on over several rows; the first empty A ends them),
 * one record a line (lines separated by "\n", at most PE_ID_BLOCK_MAX bytes
 * a cell), fields separated by "\t":
 *      in   | ref | role | table | id | year | label
 *      lock | ref | <16 hex digits: pe_ident_value_hash of the cell's value>
 * In a field a backslash is written as two, a tab as backslash-t, a line feed
 * as backslash-n and every other byte below 0x20 as backslash-x and two
 * lowercase hex digits. The seal is pe_ident_hash over every field of rows
 * 0–6 (each followed by a NUL byte, each row by "\n"), then over column A and
 * column B of each row from 8 on in the same way. pe_ident_unpack() parses a
 * row into records.
 *
 * Version 1 (written before 2026-12-02, still read) has the same rows 0–7 with
 * "1" in B1, and from row 8 one record a row, its fields in columns A, B, C, …:
 *      in   | sheet | ref | role | table | id | year | label
 *      lock | sheet | ref | <hash>
 * with the seal over rows 0–6 and 8… cell by cell (a NUL after each, "\n" after
 * each row), a version-1 row being a version-2 record with its sheet added.
 *
 * `in` records list every input cell merge reads: its sheet and A1 reference, the
 * role (PE_ID_ROLE_* words below), the table key ("indicators"/"targets"), the
 * indicator id, the year (actuals; "0" otherwise) and a label (the contact
 * block's field name, else ""). `lock` records list locked constant cells (labels,
 * ids, names, units, targets, base values…; not formulas, whose cached values
 * a spreadsheet recalculates) with a hash of their value, so merge can name
 * each locked cell a department changed. The seal detects edits of the
 * identification itself.
 *
 * Value hashing (pe_ident_value_hash): FNV-1a 64 of the cell's canonical text —
 * a string as its UTF-8 bytes, a number as printf("%.15g") (−0 as "0"), an
 * empty cell as "".
 *
 * Usage by any workbook writer (collect, the shared workbook):
 *     pe_ident *id = pe_ident_new(m, dept_or_NULL, year);
 *     pe_ident_write_string(id, ws, row, col, "指标名称", fmt);   // locked + recorded
 *     pe_ident_write_number(id, ws, row, col, 1.01, fmt);          // locked + recorded
 *     worksheet_write_blank(ws, row, col, input_fmt);              // unlocked input …
 *     pe_ident_add_input(id, ws, row, col, PE_ID_ACTUAL, "indicators", "2", 2024, NULL);
 *     …
 *     pe_ident_write(id, wb);   // adds the hidden sheet; call after all other sheets
 *     pe_ident_free(id);
 * ====================================================================== */

#define PE_ID_SHEET   "planeval_id"
#define PE_ID_MAGIC   "planeval-id"
#define PE_ID_VERSION "2"
#define PE_ID_VERSION_1 "1"     /* still read by merge */
#define PE_ID_BLOCK_MAX 30000   /* bytes of packed records in one cell (Excel: 32,767 characters) */
#define PE_ID_ALL_DEPTS "*"

typedef enum {
    PE_ID_ACTUAL,           /* a year's actual ("actual") */
    PE_ID_JUDGEMENT,        /* the office's status word ("judgement") */
    PE_ID_JUDGEMENT_NOTE,   /* its reason ("judgement_note") */
    PE_ID_SOURCE,           /* 数据来源 ("source") */
    PE_ID_NOTE,             /* 备注 ("note") */
    PE_ID_CONTACT,          /* 填报单位/填报人/联系电话/填报日期/审核人 ("contact"; label names it) */
    PE_ID_COUNTY_ACTUAL,    /* a county's actual of a year ("county_actual"; table "counties",
                               id = the county's name) */
    PE_ID_ROLE_COUNT
} pe_id_role;
const char *pe_id_role_word(pe_id_role r);   /* "actual", "judgement", … */
int pe_id_role_parse(const char *w);         /* -1 if unknown */

typedef struct pe_ident pe_ident;

/* A new identification for model `m`; `dept` NULL for a workbook holding all
 * departments; `year` the year being collected. NULL on OOM. */
pe_ident *pe_ident_new(const pe_model *m, const char *dept, int year);
void pe_ident_free(pe_ident *id);   /* NULL is a no-op */

/* Records an input cell of worksheet `ws` (0-based row/col). `table` and
 * `ind_id` may be NULL for PE_ID_CONTACT; `label` may be NULL. 0 or -1 (OOM). */
int pe_ident_add_input(pe_ident *id, const lxw_worksheet *ws, unsigned row, unsigned col,
                       pe_id_role role, const char *table, const char *ind_id, int year,
                       const char *label);
/* Records a locked constant cell holding a string / a number / nothing. */
int pe_ident_add_locked_string(pe_ident *id, const lxw_worksheet *ws, unsigned row,
                               unsigned col, const char *text);
int pe_ident_add_locked_number(pe_ident *id, const lxw_worksheet *ws, unsigned row,
                               unsigned col, double v);
/* Writes a string (always as a string, never a formula) or a number and records
 * it as locked; `fmt` should leave the cell locked. A failed record is OOM. */
lxw_error pe_ident_write_string(pe_ident *id, lxw_worksheet *ws, unsigned row, unsigned col,
                                const char *text, lxw_format *fmt);
lxw_error pe_ident_write_number(pe_ident *id, lxw_worksheet *ws, unsigned row, unsigned col,
                                double v, lxw_format *fmt);
/* Adds the hidden, protected PE_ID_SHEET to `wb` (call it last: a hidden sheet
 * must not be the first), its rows in order (a constant_memory workbook can
 * hold it). Once: no record can be added after it. */
lxw_error pe_ident_write(pe_ident *id, lxw_workbook *wb);

/* FNV-1a 64 helpers of the format above. */
uint64_t pe_ident_hash(uint64_t h, const char *s, size_t n);   /* start with PE_ID_FNV_INIT */
#define PE_ID_FNV_INIT 0xcbf29ce484222325ULL
uint64_t pe_ident_value_hash(const char *canonical);
void pe_ident_number_text(double v, char out[32]);             /* "%.15g", −0 → "0" */
/* Hash of the plan settings a workbook must match: [report] title and issuer,
 * [period] base, target and eval years. */
uint64_t pe_plan_hash(const pe_model *m);

/* One record of the identification in version 1's layout: f[0] "in" or
 * "lock", f[1] the sheet, f[2] the cell reference, then role, table, id, year,
 * label ("in", n = 8) or the hash ("lock", n = 4). */
typedef struct {
    const char *f[8];
    unsigned n;
} pe_id_record;
/* Parses one version-2 row (`sheet` in A, `packed` in B) and appends its
 * records to *recs (grown with realloc; strings in `a`). 0, or -1 on OOM or
 * on a record that is neither "in" with 7 fields nor "lock" with 3. */
int pe_ident_unpack(pe_arena *a, const char *sheet, const char *packed, pe_id_record **recs,
                    size_t *n, size_t *cap);

/* ======================================================================
 * collect
 * ====================================================================== */

/* The year a collection asks for: eval_year (an actual after eval_year is an
 * input error, SPEC §8). Its column is empty where the CSV has no value yet
 * and shows the CSV's value where it has one, for the department to confirm
 * or correct. */
int pe_collect_year(const pe_model *m);

/* Name used for indicators without a 牵头部门. */
#define PE_COLLECT_NO_DEPT "未明确牵头部门"

typedef struct {
    int files;      /* workbooks written */
    long bytes;     /* their total size */
} pe_collect_result;

/* Writes DIR/收集表_<dept>.xlsx for each department of the indicators and
 * targets tables (atomically; on error nothing is left). `timestamp` fixes the
 * workbooks' created date (deterministic bytes). A department name that cannot
 * be a file name is an input error at its CSV cell. */
pe_status pe_collect_write(const pe_model *m, const char *dir, long long timestamp,
                           pe_diags *d, pe_collect_result *res);

/* ======================================================================
 * merge
 * ====================================================================== */

/* One applied (or, in a dry run, proposed) change. Strings live in the result. */
typedef struct {
    const char *table;      /* "indicators" / "targets" / "counties" */
    const char *id, *name;  /* counties: id is the county (or the 合计 label), name the measure */
    int year;               /* a year's actual; 0 for the columns below */
    const char *column;     /* NULL for an actual, else "judgement" or "judgement_note" */
    const char *old_text;   /* the CSV's text ("" when empty) */
    const char *new_text;   /* what will be written */
    const char *dept;       /* 填报单位 (from the contact block, else the workbook's dept) */
    const char *where;      /* file.xlsx:Sheet!C7 */
} pe_merge_change;

/* Remarks a department wrote (数据来源, 备注, judgement note…) shown to the office. */
typedef struct {
    const char *where, *what, *text;
} pe_merge_remark;

typedef struct pe_merge_result pe_merge_result;
size_t pe_merge_nchanges(const pe_merge_result *r);
const pe_merge_change *pe_merge_change_at(const pe_merge_result *r, size_t i);
size_t pe_merge_nremarks(const pe_merge_result *r);
const pe_merge_remark *pe_merge_remark_at(const pe_merge_result *r, size_t i);
/* Files rewritten by --apply (empty in a dry run). */
size_t pe_merge_nwritten(const pe_merge_result *r);
const char *pe_merge_written_at(const pe_merge_result *r, size_t i);
void pe_merge_result_free(pe_merge_result *r);   /* NULL is a no-op */

/* Reads `files` (returned workbooks), checks every value against model `m`
 * (loaded without errors) and collects the changes. With `apply`, and only
 * when no error was found, rewrites each changed CSV in place atomically.
 * Errors are recorded as `file.xlsx:Sheet!C7` places (pe_src.file holds the
 * whole place, line and col are 0). */
pe_status pe_merge_run(const pe_model *m, const char *const *files, size_t nfiles, int apply,
                       pe_diags *d, pe_merge_result **out);

/* ---- the CSV patcher, exposed for tests (src/csvpatch.c) ----
 * Edits a CSV held in memory without touching any other byte: each edit
 * replaces the raw field (quotes included) of (row id, column) by `text`,
 * quoted only when it needs quotes. Rows are found by the id column (`id`,
 * 序号 or 编号); a year column by its year (`2024` matches `2024` and `2024年`).
 * A year column that does not exist yet is added right after the last year
 * column (at the end of each line when there is none), its header written in
 * the style of the other year headers (`2024` or `2024年`); rows without an
 * edit get an empty field there. The encoding of the original (UTF-8 with or
 * without BOM, or GB18030/GBK, detected as the loader does) is kept: new text
 * is converted to it. Line ends, BOM, quoting of other fields: untouched.
 * An edit with a `year` finds its row in a long table instead (the county
 * table, SPEC §3.3): the row whose county column (county/县区/县（市、区）) is
 * `id` and whose year column (year/年份/年度) holds `year`. */
typedef struct {
    const char *id;         /* the row's id; with `year`, the county */
    const char *column;     /* header text, or a year as four digits */
    const char *text;       /* new UTF-8 text of the cell */
    int year;               /* 0: row by id; else row by (county, year) */
} pe_csv_edit;

pe_status pe_csv_patch(const char *buf, size_t len, const char *file,
                       const pe_csv_edit *edits, size_t nedits,
                       pe_diags *d, char **out, size_t *outlen);

#endif
