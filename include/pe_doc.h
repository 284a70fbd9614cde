/* pe_doc.h — the report as a list of blocks: the Markdown template (cmark-gfm)
 * with fields filled, headings numbered 一、/（一）/1./（1）, and the table,
 * chart and annex blocks the renderers draw from the model. */
#ifndef PE_DOC_H
#define PE_DOC_H

#include "pe_util.h"
#include "pe_fields.h"

typedef enum {
    PE_BLK_TITLE,           /* `#`: the document title (2号 小标宋, centred) */
    PE_BLK_HEADING,         /* `##`..`#####`: level 1..4 */
    PE_BLK_PARA,            /* body paragraph, first line indented two characters */
    PE_BLK_LIST_ITEM,       /* list item, drawn as a paragraph with its marker */
    PE_BLK_GFM_TABLE,       /* a table typed in the template */
    PE_BLK_TABLE_INDICATORS,/* {{table indicators}} */
    PE_BLK_TABLE_TARGETS,   /* {{table targets}} */
    PE_BLK_TABLE_COUNTIES,  /* {{table counties}} */
    PE_BLK_CHART_INDICATORS,/* {{chart indicators}} */
    PE_BLK_CHART_TARGETS,   /* {{chart targets}} */
    PE_BLK_ANNEXES,         /* {{annexes}} */
    PE_BLK_SIGNATURE,       /* issuer and date, right-aligned (added at the end of the body) */
    PE_BLK_PAGEBREAK        /* a thematic break `---` */
} pe_block_kind;

typedef struct {
    pe_block_kind kind;
    int level;              /* headings: 1 = 一、, 2 = （一）, 3 = 1., 4 = （1） */
    const char *number;     /* headings: "一、", "（一）", "1.", "（1）"; list items: marker */
    const char *text;       /* UTF-8 with fields filled; NULL for data blocks */
    pe_src src;             /* template position */
    size_t ncols, nrows;    /* PE_BLK_GFM_TABLE: header is row 0 */
    const char **cells;     /* nrows × ncols */
} pe_block;

typedef struct {
    pe_arena *arena;
    const char *title;      /* text of the `#` heading, or report.title */
    pe_block *items;
    size_t n, cap;
} pe_doc;

/* A template longer than this (UTF-8 bytes) is an error at the line that passes
 * it, before it is parsed (README “规模上限”). The sample's is 16 KB; 256 KB of
 * prose print as about 140 pages, and cmark's tree of the most node-dense
 * 256 KB (`[x]` repeated: 3 nodes per 3 bytes) stays under 40 MB. */
#define PE_DOC_MAX_BYTES (256 * 1024)

/* Parses a template held in memory and fills its fields from `f`. Unknown
 * fields or blocks, an unclosed `{{`, and a data block not alone on its line
 * are errors at file:line:col in `d`. The signature block is appended. */
pe_status pe_doc_build(const char *tmpl, size_t len, const char *file,
                       const pe_fields *f, pe_diags *d, pe_doc **out);
void pe_doc_free(pe_doc *doc);   /* NULL is a no-op */

/* Chinese ordinal for headings: 1 → "一", 12 → "十二" (into out, ≥ 16 bytes). */
void pe_doc_chinese_number(int n, char *out, size_t outsz);

#endif
