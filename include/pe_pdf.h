/* pe_pdf.h — the PDF backend (libharu): draws a page model (pe_page.h) on the
 * HarfBuzz subset fonts, with outline and document info. No layout. */
#ifndef PE_PDF_H
#define PE_PDF_H

#include "pe_page.h"

typedef struct {
    int pages;
    long bytes;             /* set by the caller once the file is in place */
} pe_pdf_result;

/* Writes the pages as PDF to `file` (the caller's temporary file, renamed by
 * the caller when every output succeeded); `shown` names the output in
 * messages. The fonts must have been subset (pe_pages_subset). */
pe_status pe_pdf_write(const pe_pages *p, const char *file, const char *shown, pe_diags *d,
                       pe_pdf_result *res);

#endif
