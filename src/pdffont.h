/* pdffont.h — private to the PDF backend: the font objects of one HarfBuzz
 * subset (Type0 / CIDFontType2 with its descriptor, FontFile2, CIDToGIDMap,
 * widths, ToUnicode and CIDSet), made with libharu's object API
 * (hpdf_objects.h) rather than its TrueType loader: HPDF_LoadTTFontFromFile
 * and HPDF_GetFont parse the whole program and look up all 65,536 code
 * points of the UTF-8 encoder per font, which was a sixth of the drawing
 * thread's instructions on the sample.
 *
 * CIDs are BMP code points: the content streams show UTF-16BE codes under
 * /Identity-H, as libharu's UTF-8 encoder wrote them, and the CIDToGIDMap
 * maps each code to the subset's glyph.
 *
 * Three steps: pe_pdf_font_shell() makes the empty Type0 dictionary the pages
 * name while they are drawn; pe_pdf_font_read() reads and measures the subset
 * file and deflates its program and CIDToGIDMap (no libharu call: it runs on
 * a thread of its own meanwhile); pe_pdf_font_complete() fills the shell. */
#ifndef PE_PDFFONT_H
#define PE_PDFFONT_H

#include <hpdf.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *path;           /* in: the subset file (one face, TrueType) */
    char tag;                   /* in: 'A'…: the subset tag's last letter */
    /* out, set by pe_pdf_font_read */
    int ok;
    unsigned char *program;     /* the file, deflated (zlib) */
    size_t program_len, program_raw;
    unsigned char *map;         /* CIDToGIDMap, deflated */
    size_t map_len, map_raw;
    char name[80];              /* "XXXXXX+PostScriptName" */
    int upem;
    int ascent, descent, cap_height, x_height, italic_angle;
    int bbox[4];                /* xMin yMin xMax yMax, 1000 units */
    uint16_t *codes;            /* the BMP code points the subset maps, ascending */
    uint16_t *advance;          /* their advances, font units */
    size_t ncodes;
    uint16_t dw_advance;        /* /DW: the most frequent advance that is a whole
                                   number of thousandths of an em (poppler) */
} pe_pdf_font_data;

/* Fills fd's outputs from fd->path (fd->ok = 0 when the file cannot be read
 * or is not a usable TrueType subset). Thread-safe; `void *` for
 * pthread_create. */
void *pe_pdf_font_read(void *fd);

void pe_pdf_font_data_free(pe_pdf_font_data *fd);

/* A new, empty font dictionary in pdf's cross-reference table, or NULL
 * (the document's error handler has been called). */
HPDF_Dict pe_pdf_font_shell(HPDF_Doc pdf);

/* Makes `type0` (from pe_pdf_font_shell) the font fd describes, with all
 * its objects; PDF/A-1b complete (CIDSet, CapHeight, a ToUnicode CMap).
 * Returns a libharu status. */
HPDF_STATUS pe_pdf_font_complete(HPDF_Doc pdf, HPDF_Dict type0, const pe_pdf_font_data *fd);

#endif
