/* pe_font.h — font resolution (INI override → fonts/ → Debian defaults →
 * fontconfig), glyph coverage and cached advance widths with FreeType, and
 * HarfBuzz subsetting of each font to the characters a document uses. */
#ifndef PE_FONT_H
#define PE_FONT_H

#include "pe_util.h"
#include "pe_model.h"

typedef struct pe_font pe_font;

/* Default family per role (SPEC §6): title "AR PL SungtiL GB", body "AR PL UMing CN",
 * heading "WenQuanYi Zen Hei", kai "AR PL KaitiM GB". */
const char *pe_font_default_family(pe_font_role role);
const char *pe_font_role_name(pe_font_role role);   /* "title", "body", ... */

/* Resolves a role to a font file and face index, in order: `override` (a path,
 * relative to `base_dir`, or a fontconfig family name) → a file in `fonts_dir`
 * named after the role (title.ttf/.otf/.ttc, ...) → the Debian default file
 * path → fontconfig match of the default family (accepted only if the matched
 * family really is that family, or, with a warning, covers CJK). Strings are
 * allocated in `a`.
 * An override that cannot be found is an error recorded at `at`. */
pe_status pe_font_resolve(pe_font_role role, const char *override, const char *base_dir,
                          const char *fonts_dir, pe_arena *a, pe_src at, pe_diags *d,
                          const char **path, int *face_index);
/* pe_font_resolve() loads the fontconfig configuration once and keeps it for
 * later calls; this releases it (optional, e.g. at exit for leak checkers). */
void pe_font_cache_release(void);

/* Opens a face with FreeType. */
pe_status pe_font_open(const char *path, int face_index, pe_font **out);
void pe_font_free(pe_font *f);                     /* NULL is a no-op */
const char *pe_font_path(const pe_font *f);
int pe_font_face_index(const pe_font *f);
const char *pe_font_family(const pe_font *f);      /* FreeType family name */
/* 1 if the font maps cp to a glyph (not .notdef). */
int pe_font_has_glyph(const pe_font *f, unsigned cp);
/* Advance width of cp in 1/1000 em (PDF glyph space), cached per code point. */
double pe_font_advance(pe_font *f, unsigned cp);
/* Blank (ink-free) space left and right of cp's glyph within its advance,
 * in 1/1000 em, from the outline's bounding box: where a punctuation mark
 * may be compressed without touching its neighbour (AR PL UMing draws 。
 * near the middle of its em, mainland fonts at the left). Returns 0, or −1
 * (both 0) when cp has no glyph or no ink. Cached per code point; not
 * thread-safe for one font. */
int pe_font_blank(pe_font *f, unsigned cp, double *left, double *right);
/* Width of a UTF-8 string at `size` pt. */
double pe_font_text_width(pe_font *f, const char *s, size_t len, double size);

/* Writes a subset of the font holding exactly `cps` (plus .notdef and space)
 * as a single-face TrueType file in `tmpdir`; *out_path is malloc'd; the
 * caller removes the file. Uses hb_subset_or_fail. */
pe_status pe_font_subset(const pe_font *f, const unsigned *cps, size_t ncps,
                         const char *tmpdir, char **out_path);

/* pe_font_subset() for n fonts at once, each on its own thread (the fonts
 * must be distinct objects: each owns its FreeType library). fonts[i] NULL is
 * skipped. out_paths[i] and status[i] get each font's result (out_paths[i]
 * NULL unless status[i] is PE_OK). Returns PE_OK, or the first failing status
 * in index order. The bytes written are those of the serial calls. */
pe_status pe_font_subset_many(size_t n, pe_font *const *fonts, unsigned *const *cps,
                              const size_t *ncps, const char *tmpdir, char **out_paths,
                              pe_status *status);

#endif
