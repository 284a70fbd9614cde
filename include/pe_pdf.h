/* pe_pdf.h — the PDF renderer (libharu): GB/T 9704-2012 page geometry, text
 * flow, tables, chart, annexes, outline, page numbers and watermark. */
#ifndef PE_PDF_H
#define PE_PDF_H

#include "pe_model.h"
#include "pe_doc.h"

typedef struct {
    const char *fonts_dir;      /* project fonts/ directory (drop-in fonts) */
    const char *creator;        /* "planeval VERSION" */
    long long timestamp;        /* seconds since epoch for the PDF dates (UTC) */
} pe_pdf_options;

typedef struct {
    int pages;
    long bytes;
} pe_pdf_result;

/* Checks that every character the document uses is in its font (missing
 * glyphs, characters outside the BMP: errors naming the character, font and
 * where it is used). Nothing is written. */
pe_status pe_pdf_check(const pe_model *m, const pe_doc *doc, const pe_pdf_options *o,
                       pe_diags *d);
/* Lays out and writes the PDF to `path` via a temporary file in the same
 * directory, renamed on success; nothing is left behind on failure. */
pe_status pe_pdf_write(const pe_model *m, const pe_doc *doc, const pe_pdf_options *o,
                       const char *path, pe_diags *d, pe_pdf_result *res);

#endif
