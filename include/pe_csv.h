/* pe_csv.h — strict CSV reading with libcsv: every cell keeps its line and
 * column; BOM, encoding, CRLF, ragged rows and NULs are handled here. */
#ifndef PE_CSV_H
#define PE_CSV_H

#include "pe_util.h"

typedef struct {
    char *text;         /* UTF-8, trimmed; NULL when the field was empty */
    int line, col;      /* 1-based position of the field's first byte (col in characters) */
} pe_cell;

typedef struct {
    const char *file;   /* name used in messages (arena) */
    size_t ncols;       /* from the header row */
    pe_cell *header;    /* ncols cells */
    size_t nrows;       /* data rows (blank lines skipped) */
    pe_cell **rows;     /* nrows × ncols; short rows are errors, not padded */
    int header_line;
    size_t bytes;       /* UTF-8 bytes of the text read */
} pe_csv;

/* Limits a user can understand; each is an error at its place and stops the read. */
#define PE_CSV_MAX_ROW  (1024 * 1024)   /* bytes in one row (quoted line breaks included) */
#define PE_CSV_MAX_COLS 16384           /* cells in one row: Excel's column limit */
#define PE_CSV_MAX_ROWS 1048575         /* data rows: Excel's 1,048,576 rows less the header */

/* Parses a CSV held in memory (any encoding per `enc`). The table and its
 * strings are allocated in `arena`. Every problem is recorded in `d`; returns
 * PE_ERR_INPUT if any error was found (the table may still be partially filled). */
pe_status pe_csv_parse(const char *buf, size_t len, pe_encoding enc, const char *file,
                       pe_arena *arena, pe_diags *d, pe_csv **out);
/* Lower limits than the CSV's own (a table kind's, see pe_model.h): the first
 * data row beyond `max_rows`, or the first row that ends past `max_bytes` bytes
 * of UTF-8 text, is an error at its place with the message given (what the
 * limit is and what to do), and reading stops there, so a file far over a limit
 * costs only its conversion and its rows up to the limit. */
typedef struct {
    size_t max_rows;            /* ≤ PE_CSV_MAX_ROWS */
    const char *rows_msg;
    size_t max_bytes;
    const char *bytes_msg;
} pe_csv_limits;
pe_status pe_csv_parse_max(const char *buf, size_t len, pe_encoding enc, const char *file,
                           const pe_csv_limits *lim, pe_arena *arena, pe_diags *d,
                           pe_csv **out);
/* Reads and parses a file; `shown` is the name used in messages. */
pe_status pe_csv_load(const char *path, const char *shown, pe_encoding enc,
                      pe_arena *arena, pe_diags *d, pe_csv **out);

#endif
