/* font.c — font resolution (INI override → fonts/ → fontconfig → Debian
 * defaults), FreeType metrics with a per-code-point width cache, and HarfBuzz
 * subsetting to a small single-face TrueType file that libharu 2.3.0 embeds.
 *
 * Why subset: libharu 2.3.0 reads composite-glyph component ids as signed
 * 16-bit numbers, so components above glyph 32767 (most of WenQuanYi Micro
 * Hei) are never embedded and print blank; it also searches the whole cmap
 * linearly per character. A subset has a few hundred glyphs, small ids and a
 * tiny cmap. libharu also follows composites one level only, so the subset's
 * composites of composites are flattened here (see below). What libharu needs from the subset: a (3,1) format-4 cmap, glyf,
 * loca, head, hhea, hmtx, maxp, OS/2 (fsType must allow embedding) and a name
 * table with name ids 2 and 6 in Mac Roman (1,0) or Windows US English
 * (3,1,0x409) records; post, cvt, fpgm and prep are optional. */
#include "pe_font.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H
#include <hb.h>
#include <hb-subset.h>

/* ---- roles ---- */

typedef struct {
    const char *name;           /* INI key and fonts/ file stem */
    const char *label;          /* shown in messages */
    const char *family;         /* default fontconfig family */
    const char *debian_path;    /* where the Debian package puts it */
    int debian_index;
    const char *package;        /* Debian package providing it */
} role_info;

static const role_info ROLES[PE_FONT_ROLES] = {
    [PE_FONT_TITLE] = {"title", "标题（小标宋）", "AR PL SungtiL GB",
                       "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0,
                       "fonts-arphic-gbsn00lp"},
    [PE_FONT_BODY] = {"body", "正文（仿宋）", "AR PL UMing CN",
                      "/usr/share/fonts/truetype/arphic/uming.ttc", 0,
                      "fonts-arphic-uming"},
    [PE_FONT_HEADING] = {"heading", "一级标题（黑体）", "WenQuanYi Zen Hei",
                         "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0,
                         "fonts-wqy-zenhei"},
    [PE_FONT_KAI] = {"kai", "二级标题（楷体）", "AR PL KaitiM GB",
                     "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf", 0,
                     "fonts-arphic-gkai00mp"},
};

static const char *const FONT_EXTS[] = {"ttf", "otf", "ttc"};

const char *pe_font_default_family(pe_font_role role)
{
    return (unsigned)role < PE_FONT_ROLES ? ROLES[role].family : NULL;
}

const char *pe_font_role_name(pe_font_role role)
{
    return (unsigned)role < PE_FONT_ROLES ? ROLES[role].name : NULL;
}

/* ---- fontconfig ---- */

/* Loading the configuration and caches costs ~6 ms, so it is done once and
 * shared; pe_font_cache_release() drops it. */
static pthread_mutex_t fc_lock = PTHREAD_MUTEX_INITIALIZER;
static FcConfig *fc_config;

/* Returns a reference to the shared configuration (release it with
 * FcConfigDestroy), or NULL if fontconfig cannot be initialised. */
static FcConfig *fc_acquire(void)
{
    FcConfig *c = NULL;
    pthread_mutex_lock(&fc_lock);
    if (!fc_config)
        fc_config = FcInitLoadConfigAndFonts();
    if (fc_config)
        c = FcConfigReference(fc_config);
    pthread_mutex_unlock(&fc_lock);
    return c;
}

void pe_font_cache_release(void)
{
    pthread_mutex_lock(&fc_lock);
    if (fc_config)
        FcConfigDestroy(fc_config);
    fc_config = NULL;
    pthread_mutex_unlock(&fc_lock);
}

/* What fontconfig's best match for a family is. */
typedef struct {
    int found;          /* a match with a file at all */
    int exact;          /* one of its FC_FAMILY values equals the request */
    int truetype;       /* TrueType (glyf) outlines, which libharu can embed */
    int cjk;            /* a TrueType-outlined font that covers Chinese text */
    const char *path;   /* in the arena */
    int index;
    const char *family; /* its first family name, in the arena */
} fc_result;

static int fc_is_truetype(FcPattern *m)
{
    FcChar8 *fmt = NULL;
    return FcPatternGetString(m, FC_FONTFORMAT, 0, &fmt) == FcResultMatch &&
           FcStrCmpIgnoreCase(fmt, (const FcChar8 *)"TrueType") == 0;
}

static int fc_is_cjk_truetype(FcPattern *m)
{
    FcCharSet *cs = NULL;
    if (!fc_is_truetype(m))
        return 0;
    if (FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) != FcResultMatch)
        return 0;
    /* 中 文 。 and a rarer ideograph of the GB 2312 set */
    return FcCharSetHasChar(cs, 0x4E2D) && FcCharSetHasChar(cs, 0x6587) &&
           FcCharSetHasChar(cs, 0x3002) && FcCharSetHasChar(cs, 0x9F9F);
}

/* Asks fontconfig for `family`. Fills *r (r->found = 0 when nothing matched or
 * fontconfig is unavailable). Returns PE_ERR_NOMEM only on allocation failure. */
static pe_status fc_lookup(const char *family, pe_arena *a, fc_result *r)
{
    pe_status st = PE_OK;
    FcConfig *cfg = NULL;
    FcPattern *pat = NULL, *m = NULL;
    FcResult res;
    FcChar8 *file = NULL, *fam = NULL;
    int index = 0;

    memset(r, 0, sizeof(*r));
    cfg = fc_acquire();
    if (!cfg)
        goto cleanup;
    pat = FcPatternCreate();
    if (!pat || !FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family)) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    if (!FcConfigSubstitute(cfg, pat, FcMatchPattern)) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    FcDefaultSubstitute(pat);
    m = FcFontMatch(cfg, pat, &res);
    if (!m || FcPatternGetString(m, FC_FILE, 0, &file) != FcResultMatch)
        goto cleanup;
    if (FcPatternGetInteger(m, FC_INDEX, 0, &index) != FcResultMatch)
        index = 0;
    for (int i = 0; FcPatternGetString(m, FC_FAMILY, i, &fam) == FcResultMatch; i++) {
        if (FcStrCmpIgnoreCase(fam, (const FcChar8 *)family) == 0) {
            r->exact = 1;
            break;
        }
    }
    if (FcPatternGetString(m, FC_FAMILY, 0, &fam) != FcResultMatch)
        fam = (FcChar8 *)"";
    r->truetype = fc_is_truetype(m);
    r->cjk = fc_is_cjk_truetype(m);
    r->index = index & 0xFFFF;      /* the high bits name a variable-font instance */
    r->path = pe_arena_strdup(a, (const char *)file);
    r->family = pe_arena_strdup(a, (const char *)fam);
    if (!r->path || !r->family) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    r->found = 1;
cleanup:
    if (m)
        FcPatternDestroy(m);
    if (pat)
        FcPatternDestroy(pat);
    if (cfg)
        FcConfigDestroy(cfg);
    return st;
}

/* ---- resolution ---- */

static int is_regular_file(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* An override is taken for a path (rather than a family name) when it has a
 * slash or a font file extension. */
static int looks_like_path(const char *s)
{
    if (strchr(s, '/'))
        return 1;
    const char *dot = strrchr(s, '.');
    if (!dot)
        return 0;
    for (size_t i = 0; i < sizeof(FONT_EXTS) / sizeof(FONT_EXTS[0]); i++)
        if (strcasecmp(dot + 1, FONT_EXTS[i]) == 0)
            return 1;
    return 0;
}

/* Sets *path (copied into `a`) and *face_index. */
static pe_status set_result(pe_arena *a, const char *file, int index,
                            const char **path, int *face_index)
{
    const char *p = pe_arena_strdup(a, file);
    if (!p)
        return PE_ERR_NOMEM;
    *path = p;
    *face_index = index;
    return PE_OK;
}

/* Resolves an INI override: an existing file (relative to base_dir; face 0
 * of a collection), else a TrueType family fontconfig really has. When it
 * cannot, records an error at `at` and returns PE_ERR_INPUT. */
static pe_status resolve_override(const role_info *ri, const char *override,
                                  const char *base_dir, pe_arena *a, pe_src at,
                                  pe_diags *d, const char **path, int *face_index)
{
    pe_status st;
    char *joined = pe_path_join(base_dir, override);
    fc_result r;

    if (!joined)
        return PE_ERR_NOMEM;
    if (is_regular_file(joined)) {
        st = set_result(a, joined, 0, path, face_index);
        free(joined);
        return st;
    }
    if (looks_like_path(override)) {
        pe_error(d, at, "[fonts] %s：字体文件“%s”不存在（路径相对于 INI 文件所在目录），"
                 "请检查路径，或改写为已安装字体的名称", ri->name, joined);
        free(joined);
        return PE_ERR_INPUT;
    }
    free(joined);
    st = fc_lookup(override, a, &r);
    if (st != PE_OK)
        return st;
    if (r.found && r.exact && r.truetype)
        return set_result(a, r.path, r.index, path, face_index);
    if (r.found && r.exact) {
        pe_error(d, at, "[fonts] %s：字体“%s”（%s）是 PostScript（CFF）轮廓的 OpenType 字体，"
                 "无法嵌入 PDF，请改用该字体的 TrueType 版本（.ttf/.ttc）", ri->name, override,
                 r.path);
        return PE_ERR_INPUT;
    }
    pe_error(d, at, "[fonts] %s：找不到字体“%s”，请安装该字体、把字体文件命名为 %s.ttf "
             "放入 fonts/ 目录并删去此项，或改用字体文件路径", ri->name, override, ri->name);
    return PE_ERR_INPUT;
}

/* Order: override → fonts_dir/<role>.ttf|otf|ttc → the Debian package's file
 * → fontconfig's match for the default family, if it really is that family
 * with TrueType outlines → fontconfig's substitute if it is a CJK TrueType
 * font (with a warning) → error. The Debian file comes first: the same input
 * gives the same PDF on every machine that has the package, a stale
 * fontconfig cache never swaps a present default font for another, and
 * fontconfig's configuration (about a tenth of a whole run's instructions on
 * the sample) is loaded only when a default font is not where Debian puts it. */
pe_status pe_font_resolve(pe_font_role role, const char *override, const char *base_dir,
                          const char *fonts_dir, pe_arena *a, pe_src at, pe_diags *d,
                          const char **path, int *face_index)
{
    pe_status st;
    fc_result r;

    if ((unsigned)role >= PE_FONT_ROLES)
        return PE_ERR_INPUT;
    const role_info *ri = &ROLES[role];
    *path = NULL;
    *face_index = 0;

    /* 1. the INI override */
    if (override && *override)
        return resolve_override(ri, override, base_dir, a, at, d, path, face_index);

    /* 2. fonts/<role>.ttf|otf|ttc */
    if (fonts_dir && *fonts_dir) {
        for (size_t i = 0; i < sizeof(FONT_EXTS) / sizeof(FONT_EXTS[0]); i++) {
            char name[32];
            snprintf(name, sizeof(name), "%s.%s", ri->name, FONT_EXTS[i]);
            char *p = pe_path_join(fonts_dir, name);
            if (!p)
                return PE_ERR_NOMEM;
            if (is_regular_file(p)) {
                st = set_result(a, p, 0, path, face_index);
                free(p);
                return st;
            }
            free(p);
        }
    }

    /* 3. the Debian package's file */
    if (is_regular_file(ri->debian_path))
        return set_result(a, ri->debian_path, ri->debian_index, path, face_index);

    /* 4. fontconfig, accepted only for the default family itself */
    st = fc_lookup(ri->family, a, &r);
    if (st != PE_OK)
        return st;
    if (r.found && r.exact && r.truetype)
        return set_result(a, r.path, r.index, path, face_index);

    /* 5. whatever CJK TrueType font fontconfig substituted, with a warning */
    if (r.found && r.cjk) {
        pe_warn(d, at, "[fonts] %s：未找到默认字体“%s”，改用“%s”（%s）；"
                "安装软件包 %s 可得到预期的版式", ri->name, ri->family, r.family,
                r.path, ri->package);
        return set_result(a, r.path, r.index, path, face_index);
    }

    pe_error(d, at, "找不到%s所用的字体“%s”：请安装 Debian 软件包 %s，或把字体文件命名为 "
             "%s.ttf 放入 fonts/ 目录，或在 INI 的 [fonts] 节用 %s = 字体名或文件路径 指定",
             ri->label, ri->family, ri->package, ri->name, ri->name);
    return PE_ERR_INPUT;
}

/* ---- FreeType faces and metrics ---- */

#define ADV_PAGES 256       /* the BMP as 256 pages of 256 code points */
#define ADV_PAGE_SIZE 256

struct pe_font {
    FT_Library lib;
    FT_Face face;
    char *path;
    int face_index;
    double *adv[ADV_PAGES]; /* advance cache; a page is allocated on first use, <0 = unknown */
    double *blank[ADV_PAGES];   /* pe_font_blank cache: left, right per code point */
};

/* Opens `path` at `face_index`. Besides files FreeType cannot read, fails
 * with PE_ERR_INPUT for faces libharu cannot embed: no TrueType (glyf)
 * outlines (CFF-flavoured OpenType), no Unicode cmap, or an OS/2 fsType that
 * forbids embedding or subsetting. PE_ERR_NOMEM on allocation failure. */
pe_status pe_font_open(const char *path, int face_index, pe_font **out)
{
    pe_status st = PE_ERR_NOMEM;
    FT_ULong len = 0;
    pe_font *f = calloc(1, sizeof(*f));

    *out = NULL;
    if (!f)
        goto fail;
    f->face_index = face_index;
    f->path = strdup(path);
    if (!f->path)
        goto fail;
    if (FT_Init_FreeType(&f->lib)) {
        f->lib = NULL;
        goto fail;
    }
    st = PE_ERR_INPUT;
    if (face_index < 0 || FT_New_Face(f->lib, path, face_index, &f->face)) {
        f->face = NULL;
        goto fail;
    }
    if (!FT_IS_SFNT(f->face) || f->face->units_per_EM == 0 ||
        FT_Load_Sfnt_Table(f->face, TTAG_glyf, 0, NULL, &len) != 0 ||
        FT_Select_Charmap(f->face, FT_ENCODING_UNICODE) != 0)
        goto fail;
    if (FT_Get_FSType_Flags(f->face) & (FT_FSTYPE_RESTRICTED_LICENSE_EMBEDDING |
                                        FT_FSTYPE_NO_SUBSETTING |
                                        FT_FSTYPE_BITMAP_EMBEDDING_ONLY))
        goto fail;
    *out = f;
    return PE_OK;
fail:
    pe_font_free(f);
    return st;
}

void pe_font_free(pe_font *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < ADV_PAGES; i++) {
        free(f->adv[i]);
        free(f->blank[i]);
    }
    if (f->face)
        FT_Done_Face(f->face);
    if (f->lib)
        FT_Done_FreeType(f->lib);
    free(f->path);
    free(f);
}

const char *pe_font_path(const pe_font *f)
{
    return f->path;
}

int pe_font_face_index(const pe_font *f)
{
    return f->face_index;
}

const char *pe_font_family(const pe_font *f)
{
    return f->face->family_name ? f->face->family_name : "";
}

int pe_font_has_glyph(const pe_font *f, unsigned cp)
{
    /* libharu 2.3.0 draws through a format-4 cmap: the BMP only */
    if (cp > 0xFFFF)
        return 0;
    return FT_Get_Char_Index(f->face, cp) != 0;
}

/* Advance of cp in 1/1000 em, uncached; that of .notdef when cp is not
 * mapped, 0 if FreeType cannot read the metrics. */
static double advance_measure(const pe_font *f, unsigned cp)
{
    FT_Fixed adv = 0;
    FT_UInt gid = FT_Get_Char_Index(f->face, cp);
    if (FT_Get_Advance(f->face, gid, FT_LOAD_NO_SCALE, &adv) != 0)
        return 0.0;
    return (double)adv * 1000.0 / (double)f->face->units_per_EM;
}

/* Not thread-safe for one font: the cache is filled as code points come. */
double pe_font_advance(pe_font *f, unsigned cp)
{
    if (cp > 0xFFFF)
        return advance_measure(f, cp);
    double *page = f->adv[cp / ADV_PAGE_SIZE];
    if (!page) {
        page = malloc(ADV_PAGE_SIZE * sizeof(*page));
        if (!page)
            return advance_measure(f, cp);
        for (size_t i = 0; i < ADV_PAGE_SIZE; i++)
            page[i] = -1.0;
        f->adv[cp / ADV_PAGE_SIZE] = page;
    }
    double *slot = &page[cp % ADV_PAGE_SIZE];
    if (*slot < 0.0)
        *slot = advance_measure(f, cp);
    return *slot;
}

/* The glyph's outline bounding box (FreeType, unhinted font units) gives
 * the blank on each side of the ink within the advance. */
static int blank_measure(const pe_font *f, unsigned cp, double *left, double *right)
{
    FT_UInt gid = FT_Get_Char_Index(f->face, cp);
    *left = *right = 0.0;
    if (gid == 0 || FT_Load_Glyph(f->face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_BITMAP) != 0)
        return -1;
    const FT_Glyph_Metrics *gm = &f->face->glyph->metrics;
    if (gm->width <= 0)
        return -1;      /* no ink: nothing to measure */
    double k = 1000.0 / (double)f->face->units_per_EM;
    double l = (double)gm->horiBearingX * k;
    double r = (double)(gm->horiAdvance - gm->horiBearingX - gm->width) * k;
    *left = l > 0.0 ? l : 0.0;
    *right = r > 0.0 ? r : 0.0;
    return 0;
}

/* Cached per code point like the advances (a page of 256 left/right pairs,
 * −1 = not measured, −2 = no ink). */
int pe_font_blank(pe_font *f, unsigned cp, double *left, double *right)
{
    if (cp > 0xFFFF)
        return blank_measure(f, cp, left, right);
    double *page = f->blank[cp / ADV_PAGE_SIZE];
    if (!page) {
        page = malloc(2 * ADV_PAGE_SIZE * sizeof(*page));
        if (!page)
            return blank_measure(f, cp, left, right);
        for (size_t i = 0; i < 2 * ADV_PAGE_SIZE; i++)
            page[i] = -1.0;
        f->blank[cp / ADV_PAGE_SIZE] = page;
    }
    double *slot = &page[2 * (cp % ADV_PAGE_SIZE)];
    if (slot[0] == -1.0) {
        if (blank_measure(f, cp, &slot[0], &slot[1]) != 0)
            slot[0] = -2.0;
    }
    if (slot[0] == -2.0) {
        *left = *right = 0.0;
        return -1;
    }
    *left = slot[0];
    *right = slot[1];
    return 0;
}

/* Invalid UTF-8 bytes are skipped (they have no width). */
double pe_font_text_width(pe_font *f, const char *s, size_t len, double size)
{
    double units = 0.0;
    size_t i = 0;
    while (i < len) {
        unsigned cp;
        size_t n = pe_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            i++;
            continue;
        }
        units += pe_font_advance(f, cp);
        i += n;
    }
    return units * size / 1000.0;
}

/* ---- subsetting ---- */

/* Tables the PDF never uses: OpenType layout (libharu does not shape),
 * vertical metrics, and device/hinting tables left by NO_HINTING. */
static const char *const DROP_TABLES[] = {
    "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "vhea", "vmtx", "VORG",
    "kern", "hdmx", "VDMX", "LTSH", "gasp", "DSIG",
};

/* ---- flattening nested composite glyphs ----
 *
 * libharu 2.3.0's own embedding took a drawn glyph and the components it
 * names, but not the components of those components: a composite built from
 * composites (AR PL UMing's ǖǘǚǜ, WenQuanYi Zen Hei's ∷ ≯) printed partly or
 * wholly blank. Such glyphs are rewritten as simple glyphs holding the outline
 * FreeType assembles; every other table and glyph is kept byte for byte.
 * Since the PDF embeds the whole subset file (pdffont.c) and the OFD too, this
 * only keeps the programs one level deep for simple rasterisers; it could go. */

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void buf_add16(pe_buf *b, long v)
{
    unsigned char c[2];
    wr16(c, (unsigned)(v & 0xFFFF));
    pe_buf_add(b, (const char *)c, 2);
}

static void buf_pad4(pe_buf *b)
{
    static const char zero[4];
    if (b->len % 4)
        pe_buf_add(b, zero, 4 - b->len % 4);
}

/* OpenType table checksum: the sum of big-endian words, zero-padded. */
static uint32_t sfnt_checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += rd32(p + i);
    if (i < len) {
        unsigned char last[4] = {0, 0, 0, 0};
        memcpy(last, p + i, len - i);
        sum += rd32(last);
    }
    return sum;
}

/* Appends `o` as a simple TrueType glyph without instructions. Returns 0,
 * or -1 if it cannot be one (cubic curves, coordinates beyond 16 bits). */
static int glyph_encode_simple(pe_buf *b, const FT_Outline *o)
{
    if (o->n_contours <= 0 || o->n_points <= 0)
        return 0;                           /* empty glyph: no data */
    long xmin = LONG_MAX, ymin = LONG_MAX, xmax = LONG_MIN, ymax = LONG_MIN;
    for (int i = 0; i < o->n_points; i++) {
        if (FT_CURVE_TAG(o->tags[i]) == FT_CURVE_TAG_CUBIC)
            return -1;
        long x = o->points[i].x, y = o->points[i].y;
        if (x < -32768 || x > 32767 || y < -32768 || y > 32767)
            return -1;
        xmin = x < xmin ? x : xmin;
        xmax = x > xmax ? x : xmax;
        ymin = y < ymin ? y : ymin;
        ymax = y > ymax ? y : ymax;
    }
    /* deltas must fit int16 too */
    for (int i = 1; i < o->n_points; i++) {
        long dx = o->points[i].x - o->points[i - 1].x;
        long dy = o->points[i].y - o->points[i - 1].y;
        if (dx < -32768 || dx > 32767 || dy < -32768 || dy > 32767)
            return -1;
    }
    buf_add16(b, o->n_contours);
    buf_add16(b, xmin);
    buf_add16(b, ymin);
    buf_add16(b, xmax);
    buf_add16(b, ymax);
    for (int i = 0; i < o->n_contours; i++)
        buf_add16(b, (long)(unsigned short)o->contours[i]);
    buf_add16(b, 0);                        /* instructionLength */
    for (int i = 0; i < o->n_points; i++) {
        char flag = FT_CURVE_TAG(o->tags[i]) == FT_CURVE_TAG_ON ? 1 : 0;
        pe_buf_add(b, &flag, 1);            /* 16-bit x and y deltas follow */
    }
    for (int i = 0; i < o->n_points; i++)
        buf_add16(b, o->points[i].x - (i ? o->points[i - 1].x : 0));
    for (int i = 0; i < o->n_points; i++)
        buf_add16(b, o->points[i].y - (i ? o->points[i - 1].y : 0));
    return 0;
}

/* The glyf data of glyph g: [offs[g], offs[g+1]). */
typedef struct {
    const unsigned char *glyf;
    const uint32_t *offs;
    unsigned nglyphs;
} glyf_view;

static int glyph_is_composite(const glyf_view *v, unsigned g)
{
    return g < v->nglyphs && v->offs[g + 1] - v->offs[g] >= 10 &&
           (v->glyf[v->offs[g]] & 0x80) != 0;      /* numberOfContours < 0 */
}

/* 1 if glyph g is a composite with a composite component (or one that
 * cannot be parsed, which is then rewritten as well). */
static int glyph_is_nested(const glyf_view *v, unsigned g)
{
    enum { WORDS = 0x0001, SCALE = 0x0008, MORE = 0x0020, XY_SCALE = 0x0040, TWO_BY_TWO = 0x0080 };
    if (!glyph_is_composite(v, g))
        return 0;
    const unsigned char *p = v->glyf + v->offs[g] + 10;
    const unsigned char *end = v->glyf + v->offs[g + 1];
    unsigned flags;
    do {
        if (end - p < 4)
            return 1;
        flags = rd16(p);
        if (glyph_is_composite(v, rd16(p + 2)))
            return 1;
        p += 4 + ((flags & WORDS) ? 4 : 2) +
             ((flags & SCALE) ? 2 : (flags & XY_SCALE) ? 4 : (flags & TWO_BY_TWO) ? 8 : 0);
    } while (flags & MORE);
    return 0;
}

typedef struct {
    uint32_t tag;
    const unsigned char *data;
    size_t len;
} sfnt_table;

#define SFNT_MAX_TABLES 64

/* Rewrites the nested composites of the single-face TrueType font in
 * `font`/`len`. *out is malloc'd, or NULL when the font has none (or cannot
 * be rewritten; it is then used as it is). */
static pe_status flatten_nested_composites(FT_Library lib, const unsigned char *font,
                                           size_t len, unsigned char **out, size_t *outlen)
{
    pe_status st = PE_OK;
    FT_Face face = NULL;
    sfnt_table t[SFNT_MAX_TABLES];
    unsigned char *nested = NULL, *head = NULL, *maxp = NULL, *res = NULL;
    uint32_t *offs = NULL;
    pe_buf glyf, loca;
    int ihead = -1, imaxp = -1, iloca = -1, iglyf = -1;

    *out = NULL;
    *outlen = 0;
    pe_buf_init(&glyf);
    pe_buf_init(&loca);
    if (len < 12)
        goto cleanup;
    unsigned ntables = rd16(font + 4);
    if (ntables > SFNT_MAX_TABLES || 12 + 16 * (size_t)ntables > len)
        goto cleanup;
    for (unsigned i = 0; i < ntables; i++) {
        const unsigned char *r = font + 12 + 16 * i;
        uint32_t off = rd32(r + 8), n = rd32(r + 12);
        if (off > len || n > len - off)
            goto cleanup;
        t[i].tag = rd32(r);
        t[i].data = font + off;
        t[i].len = n;
        if (t[i].tag == TTAG_head && n >= 54)
            ihead = (int)i;
        else if (t[i].tag == TTAG_maxp && n >= 32)
            imaxp = (int)i;
        else if (t[i].tag == TTAG_loca)
            iloca = (int)i;
        else if (t[i].tag == TTAG_glyf)
            iglyf = (int)i;
    }
    if (ihead < 0 || imaxp < 0 || iloca < 0 || iglyf < 0)
        goto cleanup;
    unsigned nglyphs = rd16(t[imaxp].data + 4);
    int short_loca = rd16(t[ihead].data + 50) == 0;
    if (t[iloca].len < (size_t)(nglyphs + 1) * (short_loca ? 2 : 4))
        goto cleanup;

    nested = calloc(nglyphs ? nglyphs : 1, 1);
    offs = malloc((nglyphs + 1) * sizeof(*offs));
    if (!nested || !offs) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    for (unsigned g = 0; g <= nglyphs; g++) {
        const unsigned char *e = t[iloca].data + g * (short_loca ? 2 : 4);
        offs[g] = short_loca ? 2 * rd16(e) : rd32(e);
        if (offs[g] > t[iglyf].len || (g > 0 && offs[g] < offs[g - 1]))
            goto cleanup;
    }
    glyf_view view = {t[iglyf].data, offs, nglyphs};
    int any = 0;
    for (unsigned g = 0; g < nglyphs; g++) {
        nested[g] = (unsigned char)glyph_is_nested(&view, g);
        any |= nested[g];
    }
    if (!any)
        goto cleanup;
    if (FT_New_Memory_Face(lib, font, (FT_Long)len, 0, &face) != 0) {
        face = NULL;
        goto cleanup;
    }

    /* the new glyf and its long loca */
    unsigned max_points = rd16(t[imaxp].data + 6), max_contours = rd16(t[imaxp].data + 8);
    for (unsigned g = 0; g < nglyphs; g++) {
        unsigned char e[4];
        wr32(e, (uint32_t)glyf.len);
        pe_buf_add(&loca, (const char *)e, 4);
        if (!nested[g]) {
            pe_buf_add(&glyf, (const char *)t[iglyf].data + offs[g], offs[g + 1] - offs[g]);
        } else {
            if (FT_Load_Glyph(face, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_BITMAP) != 0 ||
                face->glyph->format != FT_GLYPH_FORMAT_OUTLINE ||
                glyph_encode_simple(&glyf, &face->glyph->outline) != 0)
                goto cleanup;
            const FT_Outline *o = &face->glyph->outline;
            if ((unsigned)o->n_points > max_points)
                max_points = (unsigned)o->n_points;
            if ((unsigned)o->n_contours > max_contours)
                max_contours = (unsigned)o->n_contours;
        }
        buf_pad4(&glyf);
    }
    {
        unsigned char e[4];
        wr32(e, (uint32_t)glyf.len);
        pe_buf_add(&loca, (const char *)e, 4);
    }
    head = malloc(t[ihead].len);
    maxp = malloc(t[imaxp].len);
    if (glyf.oom || loca.oom || !head || !maxp) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    memcpy(head, t[ihead].data, t[ihead].len);
    wr32(head + 8, 0);                      /* checkSumAdjustment, set below */
    wr16(head + 50, 1);                     /* indexToLocFormat: long */
    memcpy(maxp, t[imaxp].data, t[imaxp].len);
    wr16(maxp + 6, max_points > 0xFFFF ? 0xFFFF : max_points);
    wr16(maxp + 8, max_contours > 0xFFFF ? 0xFFFF : max_contours);
    t[ihead].data = head;
    t[iglyf].data = (const unsigned char *)glyf.s;
    t[iglyf].len = glyf.len;
    t[iloca].data = (const unsigned char *)loca.s;
    t[iloca].len = loca.len;
    t[imaxp].data = maxp;

    /* reassemble, tables in the same (tag) order, each 4-byte aligned */
    size_t total = 12 + 16 * (size_t)ntables;
    for (unsigned i = 0; i < ntables; i++)
        total += (t[i].len + 3) & ~(size_t)3;
    res = calloc(total, 1);
    if (!res) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    unsigned sel = 0;
    while ((2u << sel) <= ntables)
        sel++;
    memcpy(res, font, 4);                   /* sfnt version */
    wr16(res + 4, ntables);
    wr16(res + 6, 16u << sel);
    wr16(res + 8, sel);
    wr16(res + 10, ntables * 16 - (16u << sel));
    size_t pos = 12 + 16 * (size_t)ntables;
    size_t head_pos = 0;
    for (unsigned i = 0; i < ntables; i++) {
        unsigned char *r = res + 12 + 16 * i;
        wr32(r, t[i].tag);
        wr32(r + 4, sfnt_checksum(t[i].data, t[i].len));
        wr32(r + 8, (uint32_t)pos);
        wr32(r + 12, (uint32_t)t[i].len);
        if (t[i].len)
            memcpy(res + pos, t[i].data, t[i].len);
        if ((int)i == ihead)
            head_pos = pos;
        pos += (t[i].len + 3) & ~(size_t)3;
    }
    wr32(res + head_pos + 8, 0xB1B0AFBAu - sfnt_checksum(res, total));
    *out = res;
    *outlen = total;
    res = NULL;
cleanup:
    free(res);
    free(maxp);
    free(head);
    free(offs);
    free(nested);
    pe_buf_release(&loca);
    pe_buf_release(&glyf);
    if (face)
        FT_Done_Face(face);
    return st;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes the subset into a new file in `tmpdir` (NULL: $TMPDIR, else /tmp)
 * named .planeval-font-XXXXXX.ttf. Code points above U+FFFF are ignored.
 * Same font and code points give the same bytes. Keep the file until libharu
 * has saved the PDF: it reads the font file again when saving.
 * PE_ERR_INPUT: the font cannot be read or subset; PE_ERR_IO: the file could
 * not be written (nothing is left behind); PE_ERR_NOMEM. */
pe_status pe_font_subset(const pe_font *f, const unsigned *cps, size_t ncps,
                         const char *tmpdir, char **out_path)
{
    pe_status st = PE_ERR_NOMEM;
    hb_blob_t *blob = NULL, *data = NULL;
    hb_face_t *face = NULL, *sub = NULL;
    hb_subset_input_t *in = NULL;
    char *tmpl = NULL;
    unsigned len = 0;
    const char *bytes;
    unsigned char *flat = NULL;
    size_t flatlen = 0, wlen;

    *out_path = NULL;
    blob = hb_blob_create_from_file_or_fail(f->path);
    if (!blob) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    face = hb_face_create(blob, (unsigned)f->face_index);
    if (hb_face_get_glyph_count(face) == 0) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }

    in = hb_subset_input_create_or_fail();
    if (!in)
        goto cleanup;
    hb_set_t *unicodes = hb_subset_input_unicode_set(in);
    hb_set_add(unicodes, 0x20);
    for (size_t i = 0; i < ncps; i++)
        if (cps[i] <= 0xFFFF)
            hb_set_add(unicodes, cps[i]);
    /* libharu takes the PostScript name (id 6) and style (id 2) from Mac
     * Roman (1,0) or Windows US English (3,1,0x409) records and fails without
     * them: keep the Mac records too (NAME_LEGACY) and the default language
     * set {0x409}. Do not invert that set: HarfBuzz 6.0 then drops the 0x409
     * records (fonts with Windows names only, like gbsn00lp, stop loading). */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_NAME_LEGACY);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof(DROP_TABLES) / sizeof(DROP_TABLES[0]); i++)
        hb_set_add(drop, hb_tag_from_string(DROP_TABLES[i], 4));
    if (!hb_set_allocation_successful(unicodes) || !hb_set_allocation_successful(drop))
        goto cleanup;

    sub = hb_subset_or_fail(face, in);
    if (!sub) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    data = hb_face_reference_blob(sub);
    bytes = hb_blob_get_data(data, &len);
    if (!bytes || len == 0) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    st = flatten_nested_composites(f->lib, (const unsigned char *)bytes, len, &flat, &flatlen);
    if (st != PE_OK)
        goto cleanup;
    st = PE_ERR_NOMEM;
    if (flat) {
        bytes = (const char *)flat;
        wlen = flatlen;
    } else {
        wlen = len;
    }

    if (!tmpdir || !*tmpdir) {
        tmpdir = getenv("TMPDIR");
        if (!tmpdir || !*tmpdir)
            tmpdir = "/tmp";
    }
    tmpl = pe_path_join(tmpdir, ".planeval-font-XXXXXX.ttf");
    if (!tmpl)
        goto cleanup;
    int fd = mkstemps(tmpl, 4);
    if (fd < 0) {
        st = PE_ERR_IO;
        goto cleanup;
    }
    int werr = write_all(fd, bytes, wlen);
    int cerr = close(fd);
    if (werr != 0 || cerr != 0) {
        unlink(tmpl);
        st = PE_ERR_IO;
        goto cleanup;
    }
    *out_path = tmpl;
    tmpl = NULL;
    st = PE_OK;
cleanup:
    free(tmpl);
    free(flat);
    hb_blob_destroy(data);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return st;
}

/* ---- parallel subsetting ---- */

typedef struct {
    const pe_font *font;
    const unsigned *cps;
    size_t ncps;
    const char *tmpdir;
    char *out;
    pe_status st;
} subset_job;

static void *subset_thread(void *arg)
{
    subset_job *j = arg;
    j->st = pe_font_subset(j->font, j->cps, j->ncps, j->tmpdir, &j->out);
    return NULL;
}

pe_status pe_font_subset_many(size_t n, pe_font *const *fonts, unsigned *const *cps,
                              const size_t *ncps, const char *tmpdir, char **out_paths,
                              pe_status *status)
{
    subset_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    pthread_t *tids = calloc(n ? n : 1, sizeof *tids);
    unsigned char *started = calloc(n ? n : 1, 1);
    pe_status st = PE_OK;
    size_t i, used = 0, last = 0;

    for (i = 0; i < n; i++) {
        out_paths[i] = NULL;
        status[i] = PE_OK;
    }
    if (!jobs || !tids || !started) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        if (!fonts[i])
            continue;
        jobs[i] = (subset_job){ fonts[i], cps[i], ncps[i], tmpdir, NULL, PE_OK };
        used++;
        last = i;
    }
    /* the last font runs on this thread; the others each on a new one (a
     * thread that cannot be started runs its job here, serially) */
    for (i = 0; i < n; i++) {
        if (!fonts[i] || i == last)
            continue;
        if (used > 1 && pthread_create(&tids[i], NULL, subset_thread, &jobs[i]) == 0)
            started[i] = 1;
        else
            subset_thread(&jobs[i]);
    }
    if (used)
        subset_thread(&jobs[last]);
    for (i = 0; i < n; i++) {
        if (started[i])
            pthread_join(tids[i], NULL);
        if (!fonts[i])
            continue;
        out_paths[i] = jobs[i].out;
        status[i] = jobs[i].st;
        if (jobs[i].st != PE_OK && st == PE_OK)
            st = jobs[i].st;
    }
cleanup:
    free(started);
    free(tids);
    free(jobs);
    return st;
}
