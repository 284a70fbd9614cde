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

/* Makes the font descriptor of Type0/CIDFontType2 font `f` now, with the
 * font program `z` (the subset file libharu loaded, `len` bytes, already
 * deflated into `zlen` bytes) as its FontFile2 stream: libharu would make
 * the same descriptor at save time, but re-serialize the program glyph by
 * glyph and deflate it on the saving thread. The stream is written as is
 * (its /Filter /FlateDecode stays, libharu does not deflate it again). Call
 * before pe_pdfa_finish; returns a libharu status. */
HPDF_STATUS pe_pdf_font_program(HPDF_Doc pdf, HPDF_Font f, const unsigned char *z, size_t zlen,
                                size_t len);

/* Completes `pdf` as PDF/A-1b. Call once, after every page is drawn (the
 * embedded glyph sets are final) and right before HPDF_SaveTo*:
 * - every Type0/CIDFontType2 font on the UTF-8 encoder gets a valid
 *   ToUnicode CMap (identity bfranges over the high bytes its subset uses;
 *   libharu writes a `begincidrange` that readers reject), and its font
 *   descriptor CapHeight and a CIDSet of the CIDs whose glyphs are embedded;
 * - an sRGB output intent (GTS_PDFA1) with the ICC profile read from
 *   $PLANEVAL_SRGB_ICC or PE_PDFA_ICC_PATH;
 * - XMP metadata built from the Info dictionary (title, author, subject,
 *   creator tool, producer, dates) with pdfaid:part 1, conformance B;
 * - PDF version 1.4 and a trailer /ID that is the MD5 of the Info values,
 *   the fonts' names and every page's content stream, so the same content
 *   gives the same bytes;
 * - outline items lose libharu's /Type /Outlines, CIDFonts their /DW2 and
 *   FontFile2 streams their Type 1 /Length2 /Length3 (bytes for nothing).
 * Errors (a missing or unusable ICC file, a libharu failure) are recorded in
 * `d` with Chinese messages; returns PE_OK, PE_ERR_IO or PE_ERR_NOMEM. */
pe_status pe_pdfa_finish(HPDF_Doc pdf, pe_diags *d);

#endif
