/* pe_xlsxread.h — reading an XLSX workbook's cell values back, safely: libzip
 * for the container, libxml2's xmlTextReader for the parts. Accepts what Excel,
 * WPS and LibreOffice write (shared strings, inline strings, rich-text runs,
 * any sheet order); bounds every part's uncompressed size, loads nothing from
 * outside the file and rejects any DTD (so no entity is ever expanded). */
#ifndef PE_XLSXREAD_H
#define PE_XLSXREAD_H

#include "pe_util.h"

/* Limits: a zip bomb is rejected from its declared sizes before inflating,
 * and reading stops at the limit whatever the headers claim. */
#define PE_XREAD_MAX_PART   (16u << 20)    /* one part, uncompressed */
#define PE_XREAD_MAX_TOTAL  (48u << 20)    /* all parts read, uncompressed */
#define PE_XREAD_MAX_ENTRIES 4096          /* entries in the zip */

typedef enum {
    PE_XV_NUMBER,       /* text: the stored number, as written (e.g. "0.54") */
    PE_XV_STRING,       /* shared, inline or formula string; rich-text runs joined */
    PE_XV_BOOL,         /* text "0"/"1" */
    PE_XV_ERROR         /* text "#N/A", … */
} pe_xv_type;

typedef struct {
    unsigned row, col;  /* 0-based */
    pe_xv_type type;
    const char *text;   /* never NULL; cells without a value are not stored */
    int has_formula;
    int percent_style;  /* its number format shows a percentage (typed as 0.6%) */
} pe_xcell;

typedef struct {
    const char *name;
    int hidden;         /* state="hidden" or "veryHidden" */
    pe_xcell *cells;    /* sorted by row, then column */
    size_t n;
} pe_xsheet;

typedef struct {
    pe_arena *arena;
    const char *file;   /* as shown in messages */
    pe_xsheet *sheets;  /* in workbook order */
    size_t nsheets;
} pe_xbook;

/* Reads a workbook held in memory; `shown` names it in messages. Problems
 * (not a zip, corrupt, too large, bad XML, a DTD, a missing part) are errors
 * at `shown` and give PE_ERR_INPUT. */
pe_status pe_xbook_read_buf(const void *buf, size_t len, const char *shown, pe_diags *d,
                            pe_xbook **out);
pe_status pe_xbook_read(const char *path, const char *shown, pe_diags *d, pe_xbook **out);
void pe_xbook_free(pe_xbook *b);   /* NULL is a no-op */

/* The sheet named `name`, or NULL. */
const pe_xsheet *pe_xbook_sheet(const pe_xbook *b, const char *name);
/* The cell at (row, col), or NULL when it holds no value. */
const pe_xcell *pe_xsheet_cell(const pe_xsheet *s, unsigned row, unsigned col);
/* Parses "C7" (also "$C$7") into 0-based row and column; 0 on success. */
int pe_xcell_parse_ref(const char *ref, unsigned *row, unsigned *col);

#endif
