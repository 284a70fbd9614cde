/* pe_ofd.h — the OFD backend (GB/T 33190-2016): writes a page model
 * (pe_page.h) as an OFD package (libxml2 xmlTextWriter, libzip) with the
 * HarfBuzz subset fonts embedded. No layout. */
#ifndef PE_OFD_H
#define PE_OFD_H

#include "pe_page.h"

typedef struct {
    int pages;
    long bytes;             /* set by the caller once the file is in place */
} pe_ofd_result;

/* Writes the pages as OFD to `file` (the caller's temporary file, renamed by
 * the caller when every output succeeded); `shown` names the output in
 * messages. The fonts must have been subset (pe_pages_subset). The same
 * pages give the same bytes (fixed zip timestamps from the document date). */
pe_status pe_ofd_write(const pe_pages *p, const char *file, const char *shown, pe_diags *d,
                       pe_ofd_result *res);

#endif
