/* pe_util.h — shared plumbing: arena allocation, diagnostics (errors as values),
 * string buffers, UTF-8 helpers and the number/encoding rules of SPEC §3. */
#ifndef PE_UTIL_H
#define PE_UTIL_H

#include <stddef.h>
#include <stdarg.h>

/* Status of every fallible library call. Only main.c maps these to exit codes. */
typedef enum {
    PE_OK = 0,
    PE_ERR_INPUT,   /* input problems were recorded in the diagnostics list */
    PE_ERR_IO,      /* output could not be written; nothing partial is left */
    PE_ERR_NOMEM
} pe_status;

/* ---- arena: every string and array of a model lives here, freed at once ---- */
typedef struct pe_arena pe_arena;
pe_arena *pe_arena_new(void);
void pe_arena_free(pe_arena *a);                         /* NULL is a no-op */
void *pe_arena_alloc(pe_arena *a, size_t size);          /* zeroed; NULL on OOM */
char *pe_arena_strdup(pe_arena *a, const char *s);
char *pe_arena_strndup(pe_arena *a, const char *s, size_t n);
char *pe_arena_printf(pe_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands a malloc'd block to the arena, freed with it. Returns 0, or -1 when
 * out of memory (p is then freed at once). */
int pe_arena_adopt(pe_arena *a, void *p);

/* ---- source positions and diagnostics ---- */
typedef struct {
    const char *file;   /* as the user named it (relative to cwd); may be NULL */
    int line;           /* 1-based; 0 = whole file */
    int col;            /* 1-based; 0 = whole line */
} pe_src;

typedef enum { PE_SEV_WARNING, PE_SEV_ERROR } pe_severity;

typedef struct {
    pe_severity sev;
    char *file;
    int line, col;
    char *msg;          /* Chinese, says what is wrong and how to fix it */
} pe_diag;

#define PE_DIAG_MAX 50  /* SPEC §8: report up to 50 problems, then a count */

typedef struct {
    pe_diag *items;     /* the first PE_DIAG_MAX problems, in order found */
    size_t n, cap;
    size_t nerrors, nwarnings;  /* totals, including those not stored */
} pe_diags;

void pe_diags_init(pe_diags *d);
void pe_diags_release(pe_diags *d);
void pe_diag_add(pe_diags *d, pe_severity sev, pe_src at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pe_diag_vadd(pe_diags *d, pe_severity sev, pe_src at, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
#define pe_error(d, at, ...) pe_diag_add((d), PE_SEV_ERROR, (at), __VA_ARGS__)
#define pe_warn(d, at, ...)  pe_diag_add((d), PE_SEV_WARNING, (at), __VA_ARGS__)
/* Formats one diagnostic as `file:line:col: 错误：msg` into a malloc'd string. */
char *pe_diag_format(const pe_diag *g);

/* ---- growable byte buffer ---- */
typedef struct { char *s; size_t len, cap; int oom; } pe_buf;
void pe_buf_init(pe_buf *b);
void pe_buf_release(pe_buf *b);
void pe_buf_add(pe_buf *b, const char *s, size_t n);
void pe_buf_puts(pe_buf *b, const char *s);
void pe_buf_printf(pe_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- files ---- */
/* Reads a whole regular file. Errors (missing, directory, unreadable, empty
 * when !allow_empty) are recorded at `shown` (the name printed to the user). */
pe_status pe_file_read(const char *path, const char *shown, pe_diags *d,
                       char **out, size_t *outlen);
/* The same, but a file over `max` bytes (0: no limit) is an error before any of
 * it is read (an input's size limit: README “规模上限”). */
pe_status pe_file_read_max(const char *path, const char *shown, size_t max, pe_diags *d,
                           char **out, size_t *outlen);
/* Table files and templates over this are refused unread: 16 × the tables'
 * PE_MAX_REPORT_MB, so a file over it can never be within the limits. */
#define PE_FILE_MAX_BYTES ((size_t)64 * 1024 * 1024)
/* Output written atomically: pe_outfile_begin creates an empty temporary file
 * next to `path` (`path.tmp-XXXXXX`, permissions as the umask gives a new file)
 * for the writer to fill; pe_outfile_commit renames it over `path` and reports
 * its size; pe_outfile_abort removes it (a no-op after commit or a failed begin).
 * Failures are recorded in `d` against `path` and return PE_ERR_IO. */
typedef struct {
    char *tmp;          /* the temporary file's name, NULL when none is pending */
    const char *path;   /* borrowed */
} pe_outfile;
pe_status pe_outfile_begin(pe_outfile *o, const char *path, pe_diags *d);
pe_status pe_outfile_commit(pe_outfile *o, pe_diags *d, long *bytes);
void pe_outfile_abort(pe_outfile *o);

/* Joins dir and rel unless rel is absolute; malloc'd. */
char *pe_path_join(const char *dir, const char *rel);
char *pe_path_dir(const char *path);     /* malloc'd directory part, "." if none */

/* ---- UTF-8 ---- */
/* Decodes one code point at s (len bytes left); returns bytes used, 0 if invalid. */
size_t pe_utf8_decode(const char *s, size_t len, unsigned *cp);
int pe_utf8_valid(const char *s, size_t len);
size_t pe_utf8_encode(unsigned cp, char out[4]);
/* Display width on a terminal: 2 for CJK/full-width, 1 otherwise. */
size_t pe_utf8_width(const char *s);
/* Number of code points. */
size_t pe_utf8_len(const char *s);

/* ---- encodings (SPEC §3) ---- */
typedef enum { PE_ENC_AUTO, PE_ENC_UTF8, PE_ENC_GB18030 } pe_encoding;
/* Parses an INI `encoding` value (utf-8, gbk, gb2312, gb18030); -1 if unknown. */
int pe_encoding_parse(const char *name);
/* Converts buf to UTF-8: strips a UTF-8 BOM, rejects NUL bytes, validates UTF-8,
 * and (AUTO) converts from GB18030 when the bytes are not valid UTF-8. Problems
 * are recorded against `file` with line and column. *out is malloc'd, NUL-ended. */
pe_status pe_text_to_utf8(const char *buf, size_t len, pe_encoding enc,
                          const char *file, pe_diags *d, char **out, size_t *outlen);

/* ---- numbers (SPEC §3.2) ---- */
typedef enum {
    PE_NUM_OK,
    PE_NUM_MISSING,     /* empty, `-`, `—`, `－`: no value */
    PE_NUM_INVALID,     /* not a number at all */
    PE_NUM_NONFINITE,   /* NaN, inf, or overflow such as 1e400 */
    PE_NUM_RANGE,       /* finite but beyond ±PE_NUM_MAX (1e300, 2e15) */
    PE_NUM_PRECISION    /* more than PE_NUM_DIGITS significant digits */
} pe_num_result;
/* What the tables accept: a double holds any decimal of 15 significant digits
 * exactly (DBL_DIG), and 1e15 with 9 decimals still prints in 26 characters.
 * Significant digits run from the first to the last non-zero digit written
 * (1.500000000000000000 has two; 1234567890.123456 has sixteen). */
#define PE_NUM_MAX 1e15
#define PE_NUM_DIGITS 15
/* Accepts `1,234.5`, full-width digits/point/comma, `－60`, `+3`, surrounding
 * spaces, and a trailing `%`. *decimals gets the digits after the point
 * (at most 9). Values beyond ±PE_NUM_MAX or with more than PE_NUM_DIGITS
 * significant digits are refused (PE_NUM_RANGE, PE_NUM_PRECISION). */
pe_num_result pe_number_parse(const char *s, double *out, int *decimals);
/* Formats v with exactly `decimals` digits (0–9), no `-0`; into out (size >= 64:
 * every value within ±PE_NUM_MAX fits). A value whose digits would not fit in
 * `outsz` (only computed figures, e.g. 1e300) prints as `—`, never truncated. */
void pe_number_format(double v, int decimals, char *out, size_t outsz);
/* Formats a ratio as a percentage with one decimal: 0.625 -> "62.5%". */
void pe_percent_format(double ratio, char *out, size_t outsz);

/* ---- string → index map (open addressing; keys are borrowed, not copied) ---- */
typedef struct {
    const char **keys;
    size_t *vals;
    size_t cap, n;
} pe_strmap;
/* Inserts key → val. Returns 0 when inserted, 1 when the key was already there
 * (*old, if not NULL, gets its value; nothing changes), -1 on OOM. */
int pe_strmap_put(pe_strmap *m, const char *key, size_t val, size_t *old);
/* Looks key up; returns 1 and sets *val when found. An empty map finds nothing. */
int pe_strmap_get(const pe_strmap *m, const char *key, size_t *val);
void pe_strmap_release(pe_strmap *m);

/* Trims ASCII and full-width (U+3000) spaces in place; returns s. */
char *pe_trim(char *s);
/* Suggests the closest of `n` candidates to `word` (edit distance ≤ 2), or NULL. */
const char *pe_suggest(const char *word, const char *const *cands, size_t n);

#endif
