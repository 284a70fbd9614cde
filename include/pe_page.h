/* pe_page.h — the page model: the laid-out report as positioned glyph runs,
 * stroked lines and filled rectangles on numbered pages, with its outline,
 * metadata and fonts. Layout (src/pages.c: flow, line breaking, tables,
 * charts, pagination, page numbers, watermark) builds it once; the drawing
 * backends (PDF, OFD) only copy it to their format and never measure. */
#ifndef PE_PAGE_MODEL_H
#define PE_PAGE_MODEL_H

#include <stddef.h>
#include "pe_model.h"
#include "pe_doc.h"
#include "pe_font.h"

/* Every coordinate is in PDF points (1/72 in) from the page's bottom-left
 * corner, y upwards; backends with other conventions convert. */

/* A glyph run: one line (or piece of a justified line) in one font and size.
 * Glyph i is drawn at x + adv[0] + … + adv[i−1] along the baseline. */
typedef struct {
    pe_font_role role;
    double size;            /* type size, pt */
    double x, y;            /* baseline origin of the first glyph */
    double angle;           /* degrees counter-clockwise about (x, y); 0 but for the watermark */
    double gray;            /* fill grey: 0 black … 1 white */
    double tc;              /* character spacing already included in each advance */
    const char *text;       /* UTF-8, `len` bytes, not NUL-terminated */
    size_t len;
    size_t nchars;          /* code points in text */
    const double *adv;      /* nchars advances: glyph width at `size` + tc */
} pe_page_run;

typedef struct { double x0, y0, x1, y1; } pe_page_seg;

/* Straight segments stroked as one path with one pen. */
typedef struct {
    double width, gray;
    double dash_on, dash_off;   /* both 0: solid */
    const pe_page_seg *segs;
    size_t nsegs;
} pe_page_lines;

/* A filled rectangle; (x, y) is its lower-left corner. */
typedef struct { double x, y, w, h, gray; } pe_page_rect;

typedef enum { PE_OBJ_TEXT, PE_OBJ_LINES, PE_OBJ_RECT } pe_page_obj_kind;

/* Objects are painted in order; later ones cover earlier ones. */
typedef struct {
    pe_page_obj_kind kind;
    union {
        pe_page_run text;
        pe_page_lines lines;
        pe_page_rect rect;
    } u;
} pe_page_obj;

typedef struct {
    const pe_page_obj *objs;
    size_t n;
    double width, height;   /* this page's size, pt: A4, or A4 landscape (an annex
                               too wide for portrait, GB/T 9704 10.1) */
} pe_page;

/* An outline (bookmark) entry: a heading or an annex. */
typedef struct {
    int level;              /* 1 (一、, 附件) … 4 */
    const char *title;
    int page;               /* 0-based */
    double y;               /* top of the heading's first line */
} pe_page_outline;

/* The fonts: roles that resolve to the same file and face share a slot
 * (slot[r] is the lowest role with that file). */
typedef struct {
    pe_font *font[PE_FONT_ROLES];           /* opened faces (owned) */
    const char *path[PE_FONT_ROLES];        /* resolved file */
    int face_index[PE_FONT_ROLES];
    int slot[PE_FONT_ROLES];
    unsigned *cps[PE_FONT_ROLES];           /* per slot: code points used, ascending */
    size_t ncps[PE_FONT_ROLES];
    char *subset[PE_FONT_ROLES];            /* per slot after pe_pages_subset: the
                                               HarfBuzz subset (TrueType) file */
} pe_page_fonts;

typedef struct {
    double width, height;   /* the portrait page size, pt (A4); each page has its own */
    const char *title, *author, *subject, *creator;
    long long timestamp;    /* creation/modification date, seconds since epoch (UTC) */
    pe_page *pages;
    size_t npages;
    pe_page_outline *outline;
    size_t noutline;
    pe_page_fonts fonts;
    /* Typesetting notes, formatted like diagnostics (`file:line: 警告：…`):
     * loose lines kept because their paragraph has no better breaks. Not
     * problems in the input: the command line prints them with -v only. */
    const char *const *notes;
    size_t nnotes;
    struct pe_pages_priv *priv;
} pe_pages;

typedef struct {
    const char *fonts_dir;  /* project fonts/ directory (drop-in fonts) */
    const char *creator;    /* "planeval VERSION" */
    long long timestamp;    /* seconds since epoch for the document dates (UTC) */
} pe_pages_options;

/* A report longer than this is an error where the template passes it (README
 * “规模上限”): time and memory of the layout stay bounded whatever the
 * template repeats. SPEC §9's synthetic 2,000-indicator report has 788 pages. */
#define PE_MAX_PAGES 1000

/* Lays the document out once: resolves and opens the fonts, checks that every
 * character is in its font (a missing glyph or a character outside the BMP is
 * an error naming the character, its font and where it is used: then
 * PE_ERR_INPUT, and *out is NULL), breaks lines, sizes tables, builds charts,
 * paginates and places everything. *out owns all it points to (nothing is
 * borrowed from m or doc) and is freed with pe_pages_free. */
pe_status pe_pages_build(const pe_model *m, const pe_doc *doc, const pe_pages_options *o,
                         pe_diags *d, pe_pages **out);
/* Writes each font slot's HarfBuzz subset (the code points used) to a private
 * temporary directory (fonts.subset[slot]); removed by pe_pages_free. */
pe_status pe_pages_subset(pe_pages *p, pe_diags *d);
void pe_pages_free(pe_pages *p);    /* NULL is a no-op */

/* Is `slot` a font slot in use (some role maps to it)? */
int pe_pages_slot_used(const pe_pages *p, int slot);

#endif
