/* pdfa.h — private to the PDF backend: makes a libharu 2.3.0 document
 * PDF/A-1b (ISO 19005-1 = GB/T 23286.1) with libharu's own object API.
 * Two calls: pe_pdfa_outline_dest() when an outline item is made, and
 * pe_pdfa_finish() after the last page is drawn, just before saving. */
#ifndef PE_PDFA_H
#define PE_PDFA_H

#include "pe_util.h"

#include <hpdf.h>

/* The sRGB profile of Debian's icc-profiles-free; PLANEVAL_SRGB_ICC names
 * another ICC v2 RGB profile (used by the tests for the missing-file case). */
#define PE_PDFA_ICC_PATH "/usr/share/color/icc/sRGB.icc"
#define PE_PDFA_ICC_ENV "PLANEVAL_SRGB_ICC"

/* Points outline item `ol` at (left, top, zoom) on `page` with a direct
 * /Dest [page /XYZ left top zoom] array (libharu's HPDF_Destination is an
 * indirect object, which PDF/A validators reject). On failure raises the
 * error through the document's libharu error handler and returns it. */
HPDF_STATUS pe_pdfa_outline_dest(HPDF_Outline ol, HPDF_Page page, HPDF_REAL left,
                                 HPDF_REAL top, HPDF_REAL zoom);

/* Marks `stream` (a stream dictionary) as holding deflated bytes: it is
 * written with /Filter /FlateDecode and its data copied as it is. */
void pe_pdfa_stream_deflated(HPDF_Dict stream);

/* Completes `pdf` as PDF/A-1b. Call once, after every page is drawn and
 * its fonts are complete (pdffont.c makes them PDF/A-ready), right before
 * HPDF_SaveTo*:
 * - an sRGB output intent (GTS_PDFA1) with the ICC profile read from
 *   $PLANEVAL_SRGB_ICC or PE_PDFA_ICC_PATH;
 * - XMP metadata built from the Info dictionary (title, author, subject,
 *   creator tool, producer, dates) with pdfaid:part 1, conformance B;
 * - PDF version 1.4 and a trailer /ID that is the MD5 of the Info values,
 *   the `nfonts` embedded fonts' names `fonts` and every page's content
 *   stream, so the same content gives the same bytes;
 * - every stream still to be deflated is deflated with libdeflate.
 * Errors (a missing or unusable ICC file, a libharu failure) are recorded in
 * `d` with Chinese messages; returns PE_OK, PE_ERR_IO or PE_ERR_NOMEM. */
pe_status pe_pdfa_finish(HPDF_Doc pdf, const char *const *fonts, size_t nfonts, pe_diags *d);

#endif
