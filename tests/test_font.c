/* test_font.c — unit tests of the font stage (pe_font.h): role resolution and
 * its errors, FreeType coverage and advances, and HarfBuzz subsets that keep
 * composite glyphs whole, come out byte-identical, and load into libharu.
 * Needs the Debian font packages of SPEC §1 and fonts-wqy-microhei. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <hpdf.h>

#include "pe_font.h"

#define MICROHEI "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
#define UMING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define ZENHEI "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define GKAI "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"

/* Characters WenQuanYi Micro Hei draws as composites of components above
 * glyph 32767, which libharu 2.3.0 alone embeds blank. */
#define COMPOSITE_TEXT "估体保值划指标规评"
#define SAMPLE_TEXT COMPOSITE_TEXT "中期评估 R&D/GDP 2.5% (2023)"

/* Per-test state: an arena, diagnostics and an empty scratch directory. */
typedef struct {
    pe_arena *arena;
    pe_diags d;
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    fx->arena = pe_arena_new();
    pe_diags_init(&fx->d);
    strcpy(fx->dir, "/tmp/planeval-test-font-XXXXXX");
    if (!fx->arena || !mkdtemp(fx->dir)) {
        pe_arena_free(fx->arena);
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

/* Removes the scratch directory and what the tests left in it (one level of
 * subdirectories). */
static void remove_tree(const char *dir)
{
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            struct stat sb;
            if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
                remove_tree(p);
            else
                unlink(p);
        }
        closedir(dh);
    }
    rmdir(dir);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    remove_tree(fx->dir);
    pe_diags_release(&fx->d);
    pe_arena_free(fx->arena);
    free(fx);
    return 0;
}

static int file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static long file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

/* Reads a whole file into a malloc'd buffer. */
static char *slurp(const char *p, size_t *len)
{
    FILE *fp = fopen(p, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    char *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

#define N_ASCII 94  /* U+0021..U+007E, first in every code point list */

/* Printable ASCII, then the code points of a UTF-8 string; returns the count. */
static size_t collect_cps(const char *s, unsigned *out, size_t cap)
{
    size_t n = 0, len = strlen(s), i = 0;
    for (unsigned c = 0x21; c < 0x7F && n < cap; c++)
        out[n++] = c;
    while (i < len && n < cap) {
        unsigned cp;
        size_t k = pe_utf8_decode(s + i, len - i, &cp);
        assert_true(k > 0);
        out[n++] = cp;
        i += k;
    }
    return n;
}

/* cmocka 1.1 compares floats only in single precision */
#define assert_near(x, y, eps)                                                 \
    do {                                                                       \
        double near_x = (x), near_y = (y);                                     \
        if (!(fabs(near_x - near_y) <= (eps)))                                 \
            fail_msg("%.9g != %.9g (tolerance %g)", near_x, near_y, (double)(eps)); \
    } while (0)

static const pe_src AT = {"input/report.ini", 40, 9};

/* ---- roles and resolution ---- */

static void test_role_names(void **state)
{
    (void)state;
    assert_string_equal(pe_font_role_name(PE_FONT_TITLE), "title");
    assert_string_equal(pe_font_role_name(PE_FONT_BODY), "body");
    assert_string_equal(pe_font_role_name(PE_FONT_HEADING), "heading");
    assert_string_equal(pe_font_role_name(PE_FONT_KAI), "kai");
    assert_string_equal(pe_font_default_family(PE_FONT_TITLE), "AR PL SungtiL GB");
    assert_string_equal(pe_font_default_family(PE_FONT_BODY), "AR PL UMing CN");
    assert_string_equal(pe_font_default_family(PE_FONT_HEADING), "WenQuanYi Zen Hei");
    assert_string_equal(pe_font_default_family(PE_FONT_KAI), "AR PL KaitiM GB");
    assert_null(pe_font_role_name(PE_FONT_ROLES));
}

static void test_resolve_defaults(void **state)
{
    fixture *fx = *state;
    static const char *const expect[PE_FONT_ROLES] = {GBSN, UMING, ZENHEI, GKAI};
    for (int r = 0; r < PE_FONT_ROLES; r++) {
        const char *path = NULL;
        int index = -1;
        assert_int_equal(pe_font_resolve((pe_font_role)r, NULL, ".", fx->dir, fx->arena,
                                         AT, &fx->d, &path, &index), PE_OK);
        assert_non_null(path);
        assert_true(file_exists(path));
        assert_string_equal(path, expect[r]);
        assert_int_equal(index, 0);     /* AR PL UMing CN is face 0 of uming.ttc */
    }
    assert_int_equal(fx->d.nerrors, 0);
    assert_int_equal(fx->d.nwarnings, 0);

    /* the resolved body face really is the family asked for */
    const char *path;
    int index;
    pe_font *f = NULL;
    assert_int_equal(pe_font_resolve(PE_FONT_BODY, "", NULL, NULL, fx->arena, AT, &fx->d,
                                     &path, &index), PE_OK);
    assert_int_equal(pe_font_open(path, index, &f), PE_OK);
    assert_string_equal(pe_font_family(f), "AR PL UMing CN");
    pe_font_free(f);
}

static void test_resolve_fonts_dir(void **state)
{
    fixture *fx = *state;
    char fonts[128], link[160];
    snprintf(fonts, sizeof fonts, "%s/fonts", fx->dir);
    assert_int_equal(mkdir(fonts, 0700), 0);
    snprintf(link, sizeof link, "%s/kai.ttf", fonts);
    assert_int_equal(symlink(GKAI, link), 0);
    /* a directory named like a font file is not a font */
    char bogus[160];
    snprintf(bogus, sizeof bogus, "%s/title.ttf", fonts);
    assert_int_equal(mkdir(bogus, 0700), 0);

    const char *path = NULL;
    int index = -1;
    assert_int_equal(pe_font_resolve(PE_FONT_KAI, NULL, ".", fonts, fx->arena, AT, &fx->d,
                                     &path, &index), PE_OK);
    assert_string_equal(path, link);
    assert_int_equal(index, 0);
    assert_int_equal(pe_font_resolve(PE_FONT_TITLE, NULL, ".", fonts, fx->arena, AT, &fx->d,
                                     &path, &index), PE_OK);
    assert_string_equal(path, GBSN);
    assert_int_equal(fx->d.nerrors, 0);
}

static void test_resolve_bogus_family(void **state)
{
    fixture *fx = *state;
    const char *path = NULL;
    int index = -1;
    assert_int_equal(pe_font_resolve(PE_FONT_TITLE, "方正小标宋", fx->dir, fx->dir,
                                     fx->arena, AT, &fx->d, &path, &index), PE_ERR_INPUT);
    assert_null(path);
    assert_int_equal(fx->d.nerrors, 1);
    assert_int_equal(fx->d.n, 1);
    const pe_diag *g = &fx->d.items[0];
    assert_int_equal(g->sev, PE_SEV_ERROR);
    assert_string_equal(g->file, "input/report.ini");
    assert_int_equal(g->line, 40);
    assert_int_equal(g->col, 9);
    assert_non_null(strstr(g->msg, "[fonts] title"));
    assert_non_null(strstr(g->msg, "找不到字体“方正小标宋”"));
    assert_non_null(strstr(g->msg, "fonts/"));
    assert_non_null(strstr(g->msg, "文件路径"));

    /* a Latin family fontconfig would happily substitute is still an error */
    assert_int_equal(pe_font_resolve(PE_FONT_BODY, "No Such Family Sans", NULL, NULL,
                                     fx->arena, AT, &fx->d, &path, &index), PE_ERR_INPUT);
    assert_int_equal(fx->d.nerrors, 2);
}

static void test_resolve_missing_path(void **state)
{
    fixture *fx = *state;
    const char *path = NULL;
    int index = -1;
    assert_int_equal(pe_font_resolve(PE_FONT_HEADING, "fonts/黑体.ttf", fx->dir, NULL,
                                     fx->arena, AT, &fx->d, &path, &index), PE_ERR_INPUT);
    assert_int_equal(fx->d.nerrors, 1);
    assert_non_null(strstr(fx->d.items[0].msg, "[fonts] heading"));
    assert_non_null(strstr(fx->d.items[0].msg, "黑体.ttf"));
    assert_non_null(strstr(fx->d.items[0].msg, "不存在"));
}

static void test_resolve_relative_path(void **state)
{
    fixture *fx = *state;
    char sub[128], link[160];
    snprintf(sub, sizeof sub, "%s/licensed", fx->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(link, sizeof link, "%s/小标宋.ttf", sub);
    assert_int_equal(symlink(GBSN, link), 0);

    const char *path = NULL;
    int index = -1;
    /* relative to base_dir (the INI's directory), not to the working directory */
    assert_int_equal(pe_font_resolve(PE_FONT_TITLE, "licensed/小标宋.ttf", fx->dir, NULL,
                                     fx->arena, AT, &fx->d, &path, &index), PE_OK);
    assert_string_equal(path, link);
    assert_int_equal(index, 0);
    /* an absolute path ignores base_dir */
    assert_int_equal(pe_font_resolve(PE_FONT_TITLE, GKAI, fx->dir, NULL, fx->arena, AT,
                                     &fx->d, &path, &index), PE_OK);
    assert_string_equal(path, GKAI);
    assert_int_equal(fx->d.nerrors, 0);
}

static void test_resolve_family_override(void **state)
{
    fixture *fx = *state;
    const char *path = NULL;
    int index = -1;
    /* case-insensitive, and the localized family names fontconfig knows */
    assert_int_equal(pe_font_resolve(PE_FONT_HEADING, "wenquanyi zen hei", NULL, NULL,
                                     fx->arena, AT, &fx->d, &path, &index), PE_OK);
    assert_string_equal(path, ZENHEI);
    assert_int_equal(index, 0);
    assert_int_equal(pe_font_resolve(PE_FONT_HEADING, "文泉驿正黑", NULL, NULL,
                                     fx->arena, AT, &fx->d, &path, &index), PE_OK);
    assert_string_equal(path, ZENHEI);
    /* another face of a collection comes with its index */
    assert_int_equal(pe_font_resolve(PE_FONT_BODY, "AR PL UMing TW", NULL, NULL,
                                     fx->arena, AT, &fx->d, &path, &index), PE_OK);
    assert_string_equal(path, UMING);
    assert_int_equal(index, 2);
    assert_int_equal(fx->d.nerrors, 0);
}

/* ---- faces, coverage, advances ---- */

static void test_open_errors(void **state)
{
    fixture *fx = *state;
    pe_font *f = (pe_font *)1;
    assert_int_equal(pe_font_open("/nonexistent/font.ttf", 0, &f), PE_ERR_INPUT);
    assert_null(f);
    char p[128];
    snprintf(p, sizeof p, "%s/not-a-font.ttf", fx->dir);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fputs("this is not a font\n", fp);
    fclose(fp);
    assert_int_equal(pe_font_open(p, 0, &f), PE_ERR_INPUT);
    assert_int_equal(pe_font_open(GBSN, 5, &f), PE_ERR_INPUT);     /* no such face */
    pe_font_free(NULL);
}

static void test_advances(void **state)
{
    (void)state;
    pe_font *f = NULL;
    assert_int_equal(pe_font_open(UMING, 0, &f), PE_OK);
    assert_string_equal(pe_font_path(f), UMING);
    assert_int_equal(pe_font_face_index(f), 0);
    double zhong = pe_font_advance(f, 0x4E2D);     /* 中 */
    assert_near(zhong, 1000.0, 1e-9);
    assert_near(pe_font_advance(f, 0x3002), 1000.0, 1e-9);  /* 。 */
    double a = pe_font_advance(f, 'a');
    assert_true(a > 0.0 && a < 1000.0);
    assert_near(pe_font_advance(f, 'a'), a, 0.0);          /* cached */
    double w = pe_font_text_width(f, "中文ab", strlen("中文ab"), 16.0);
    assert_near(w, (2000.0 + a + pe_font_advance(f, 'b')) * 16.0 / 1000.0, 1e-9);
    /* invalid UTF-8 bytes have no width */
    assert_near(pe_font_text_width(f, "\xff中", 4, 16.0), 16.0, 1e-9);
    pe_font_free(f);

    /* the other CJK fonts: ideographs a full em, ASCII narrower */
    static const char *const files[] = {GBSN, ZENHEI, GKAI, MICROHEI};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        assert_int_equal(pe_font_open(files[i], 0, &f), PE_OK);
        assert_near(pe_font_advance(f, 0x4E2D), 1000.0, 1e-9);
        assert_true(pe_font_advance(f, '1') < 1000.0);
        pe_font_free(f);
    }
}

static void test_has_glyph(void **state)
{
    (void)state;
    pe_font *f = NULL;
    assert_int_equal(pe_font_open(UMING, 0, &f), PE_OK);
    assert_true(pe_font_has_glyph(f, 0x4E2D));
    assert_true(pe_font_has_glyph(f, 'A'));
    assert_false(pe_font_has_glyph(f, 0xE000));      /* private use */
    assert_false(pe_font_has_glyph(f, 0x10000));
    pe_font_free(f);
    /* Zen Hei maps U+10000, but libharu cannot draw beyond the BMP */
    assert_int_equal(pe_font_open(ZENHEI, 0, &f), PE_OK);
    assert_true(pe_font_has_glyph(f, 0x4E2D));
    assert_false(pe_font_has_glyph(f, 0x10000));
    assert_false(pe_font_has_glyph(f, 0xE000));
    pe_font_free(f);
}

/* ---- subsetting ---- */

static void subset_microhei(const char *dir, char **out)
{
    unsigned cps[256];
    size_t n = collect_cps(SAMPLE_TEXT, cps, 256);
    pe_font *f = NULL;
    assert_int_equal(pe_font_open(MICROHEI, 0, &f), PE_OK);
    assert_int_equal(pe_font_subset(f, cps, n, dir, out), PE_OK);
    pe_font_free(f);
    assert_non_null(*out);
    assert_non_null(strstr(*out, "/.planeval-font-"));
    assert_true(file_exists(*out));
}

static void test_subset_keeps_composites(void **state)
{
    fixture *fx = *state;
    char *sub = NULL;
    subset_microhei(fx->dir, &sub);
    long size = file_size(sub), orig = file_size(MICROHEI);
    assert_true(size > 0 && size * 50 < orig);

    /* reopen as a single-face TrueType; every character keeps its outline */
    FT_Library lib;
    FT_Face face;
    assert_int_equal(FT_Init_FreeType(&lib), 0);
    assert_int_equal(FT_New_Face(lib, sub, 0, &face), 0);
    assert_int_equal(face->num_faces, 1);
    unsigned cps[256];
    size_t n = collect_cps(SAMPLE_TEXT, cps, 256);
    for (size_t i = 0; i < n; i++) {
        if (cps[i] == ' ')
            continue;
        FT_UInt gid = FT_Get_Char_Index(face, cps[i]);
        assert_true(gid != 0);
        assert_int_equal(FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE), 0);
        assert_int_equal(face->glyph->format, FT_GLYPH_FORMAT_OUTLINE);
        assert_true(face->glyph->outline.n_points > 0);
    }
    assert_true(FT_Get_Char_Index(face, ' ') != 0);
    /* nothing beyond what was asked */
    assert_int_equal(FT_Get_Char_Index(face, 0x56FD), 0);    /* 国 */
    FT_Done_Face(face);
    FT_Done_FreeType(lib);

    /* the original font draws those characters as composites: that is why */
    assert_int_equal(FT_Init_FreeType(&lib), 0);
    assert_int_equal(FT_New_Face(lib, MICROHEI, 0, &face), 0);
    FT_UInt gid = FT_Get_Char_Index(face, 0x4F30);           /* 估 */
    assert_int_equal(FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE), 0);
    assert_int_equal(face->glyph->format, FT_GLYPH_FORMAT_COMPOSITE);
    FT_Done_Face(face);
    FT_Done_FreeType(lib);

    assert_int_equal(unlink(sub), 0);
    free(sub);
}

static void test_subset_deterministic(void **state)
{
    fixture *fx = *state;
    char *a = NULL, *b = NULL;
    subset_microhei(fx->dir, &a);
    subset_microhei(fx->dir, &b);
    assert_string_not_equal(a, b);
    size_t la, lb;
    char *ba = slurp(a, &la), *bb = slurp(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ba, bb, la);
    free(ba);
    free(bb);

    /* the order and repetition of the code points do not matter either */
    unsigned cps[256], rev[512];
    size_t n = collect_cps(SAMPLE_TEXT, cps, 256);
    for (size_t i = 0; i < n; i++)
        rev[i] = rev[n + i] = cps[n - 1 - i];
    pe_font *f = NULL;
    char *c = NULL;
    assert_int_equal(pe_font_open(MICROHEI, 0, &f), PE_OK);
    assert_int_equal(pe_font_subset(f, rev, 2 * n, fx->dir, &c), PE_OK);
    pe_font_free(f);
    size_t lc;
    char *bc = slurp(c, &lc);
    ba = slurp(a, &la);
    assert_int_equal(la, lc);
    assert_memory_equal(ba, bc, la);
    free(ba);
    free(bc);

    unlink(a);
    unlink(b);
    unlink(c);
    free(a);
    free(b);
    free(c);
}

static void hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    (void)detail_no;
    *(HPDF_STATUS *)user = error_no;
}

/* Loads a subset into libharu, draws the text and saves to memory. */
static void draw_with_libharu(const char *font_file, const char *text)
{
    HPDF_STATUS err = HPDF_OK;
    HPDF_Doc pdf = HPDF_New(hpdf_error, &err);
    assert_non_null(pdf);
    assert_int_equal(HPDF_UseUTFEncodings(pdf), HPDF_OK);
    assert_int_equal(HPDF_SetCurrentEncoder(pdf, "UTF-8"), HPDF_OK);
    const char *name = HPDF_LoadTTFontFromFile(pdf, font_file, HPDF_TRUE);
    if (!name)
        fail_msg("libharu cannot load %s (%ld bytes): error 0x%04X", font_file, file_size(font_file), (unsigned)err);
    HPDF_Font font = HPDF_GetFont(pdf, name, "UTF-8");
    assert_non_null(font);
    HPDF_Page page = HPDF_AddPage(pdf);
    assert_non_null(page);
    assert_int_equal(HPDF_Page_BeginText(page), HPDF_OK);
    assert_int_equal(HPDF_Page_SetFontAndSize(page, font, 16), HPDF_OK);
    assert_int_equal(HPDF_Page_TextOut(page, 72, 700, text), HPDF_OK);
    assert_int_equal(HPDF_Page_EndText(page), HPDF_OK);
    assert_int_equal(HPDF_SaveToStream(pdf), HPDF_OK);
    assert_true(HPDF_GetStreamSize(pdf) > 1000);
    assert_int_equal(err, HPDF_OK);
    HPDF_Free(pdf);
}

static void test_subset_loads_in_libharu(void **state)
{
    fixture *fx = *state;
    char *sub = NULL;
    subset_microhei(fx->dir, &sub);
    draw_with_libharu(sub, SAMPLE_TEXT);
    unlink(sub);
    free(sub);

    /* the four role fonts too (hinted, collection, unhinted faces) */
    static const char *const files[] = {GBSN, UMING, ZENHEI, GKAI};
    unsigned cps[256];
    size_t n = collect_cps(SAMPLE_TEXT, cps, 256);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        pe_font *f = NULL;
        assert_int_equal(pe_font_open(files[i], 0, &f), PE_OK);
        for (size_t k = 0; k < n; k++)
            assert_true(pe_font_has_glyph(f, cps[k]));
        assert_int_equal(pe_font_subset(f, cps, n, fx->dir, &sub), PE_OK);
        pe_font_free(f);
        assert_true(file_size(sub) < 64 * 1024);
        draw_with_libharu(sub, SAMPLE_TEXT);
        unlink(sub);
        free(sub);
    }
}

/* 1 if the glyph of cp is a composite with a composite component. */
static int glyph_nested(FT_Face face, unsigned cp)
{
    FT_UInt gid = FT_Get_Char_Index(face, cp);
    assert_true(gid != 0);
    assert_int_equal(FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE), 0);
    if (face->glyph->format != FT_GLYPH_FORMAT_COMPOSITE)
        return 0;
    FT_UInt n = face->glyph->num_subglyphs;
    FT_Int comps[16];
    assert_true(n <= 16);
    for (FT_UInt k = 0; k < n; k++) {
        FT_UInt flags;
        FT_Int a1, a2;
        FT_Matrix m;
        assert_int_equal(FT_Get_SubGlyph_Info(face->glyph, k, &comps[k], &flags, &a1, &a2, &m), 0);
    }
    for (FT_UInt k = 0; k < n; k++) {
        assert_int_equal(FT_Load_Glyph(face, (FT_UInt)comps[k],
                                       FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE), 0);
        if (face->glyph->format == FT_GLYPH_FORMAT_COMPOSITE)
            return 1;
    }
    return 0;
}

/* Asserts that cp has the same assembled outline in both faces. */
static void assert_same_outline(FT_Face a, FT_Face b, unsigned cp)
{
    FT_Outline oa, ob;
    assert_int_equal(FT_Load_Char(a, cp, FT_LOAD_NO_SCALE), 0);
    assert_int_equal(FT_Outline_New(a->glyph->library, (FT_UInt)a->glyph->outline.n_points,
                                    a->glyph->outline.n_contours, &oa), 0);
    assert_int_equal(FT_Outline_Copy(&a->glyph->outline, &oa), 0);
    assert_int_equal(FT_Load_Char(b, cp, FT_LOAD_NO_SCALE), 0);
    ob = b->glyph->outline;
    assert_true(oa.n_points > 0);
    assert_int_equal(oa.n_points, ob.n_points);
    assert_int_equal(oa.n_contours, ob.n_contours);
    for (int i = 0; i < oa.n_points; i++) {
        assert_int_equal(oa.points[i].x, ob.points[i].x);
        assert_int_equal(oa.points[i].y, ob.points[i].y);
        assert_int_equal(FT_CURVE_TAG(oa.tags[i]), FT_CURVE_TAG(ob.tags[i]));
    }
    for (int i = 0; i < oa.n_contours; i++)
        assert_int_equal(oa.contours[i], ob.contours[i]);
    FT_Outline_Done(a->glyph->library, &oa);
}

/* libharu 2.3.0 embeds only one level of composite components: glyphs built
 * from composites (UMing's ǖǘǚǜ, Zen Hei's ∷ ≯) must come out flattened. */
static void test_subset_flattens_nested_composites(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *file;
        const char *text;
    } cases[] = {
        {UMING, "ǖǘǚǜü中"},
        {ZENHEI, "∷≯中文"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        unsigned cps[256];
        size_t n = collect_cps(cases[c].text, cps, 256);
        FT_Library lib;
        FT_Face orig, face;
        assert_int_equal(FT_Init_FreeType(&lib), 0);
        assert_int_equal(FT_New_Face(lib, cases[c].file, 0, &orig), 0);
        /* the original's first character (after the ASCII) is such a glyph */
        assert_true(n > N_ASCII);
        assert_true(glyph_nested(orig, cps[N_ASCII]));

        pe_font *f = NULL;
        char *sub = NULL, *again = NULL;
        assert_int_equal(pe_font_open(cases[c].file, 0, &f), PE_OK);
        assert_int_equal(pe_font_subset(f, cps, n, fx->dir, &sub), PE_OK);
        assert_int_equal(pe_font_subset(f, cps, n, fx->dir, &again), PE_OK);
        pe_font_free(f);

        assert_int_equal(FT_New_Face(lib, sub, 0, &face), 0);
        for (size_t i = 0; i < n; i++) {
            assert_false(glyph_nested(face, cps[i]));
            assert_same_outline(orig, face, cps[i]);
        }
        FT_Done_Face(face);
        FT_Done_Face(orig);
        FT_Done_FreeType(lib);

        size_t la, lb;
        char *ba = slurp(sub, &la), *bb = slurp(again, &lb);
        assert_int_equal(la, lb);
        assert_memory_equal(ba, bb, la);
        free(ba);
        free(bb);

        draw_with_libharu(sub, cases[c].text);
        unlink(sub);
        unlink(again);
        free(sub);
        free(again);
    }
}

static void test_subset_unwritable_dir(void **state)
{
    fixture *fx = *state;
    char missing[128];
    snprintf(missing, sizeof missing, "%s/no/such/dir", fx->dir);
    unsigned cps[] = {0x4E2D};
    pe_font *f = NULL;
    char *out = (char *)1;
    assert_int_equal(pe_font_open(GKAI, 0, &f), PE_OK);
    assert_int_equal(pe_font_subset(f, cps, 1, missing, &out), PE_ERR_IO);
    assert_null(out);
    pe_font_free(f);
}

/* pe_font_subset_many: the fonts in parallel give the bytes of serial calls,
 * a NULL slot is skipped, and one failing font reports its own status. */
static void test_subset_many_matches_serial(void **state)
{
    fixture *fx = *state;
    const char *files[] = { UMING, NULL, GKAI, ZENHEI };
    pe_font *fonts[4] = { NULL, NULL, NULL, NULL };
    unsigned text[] = { 0x4E2D, 0x671F, 0x8BC4, 0x4F30, 0x62A5, 0x544A, 0x0031, 0xFF08 };
    unsigned *cps[4] = { text, text, text, text };
    size_t ncps[4] = { 8, 8, 8, 8 };
    char *many[4], *one = NULL;
    pe_status sts[4];
    for (int i = 0; i < 4; i++)
        if (files[i])
            assert_int_equal(pe_font_open(files[i], 0, &fonts[i]), PE_OK);
    assert_int_equal(pe_font_subset_many(4, fonts, cps, ncps, fx->dir, many, sts), PE_OK);
    assert_null(many[1]);
    for (int i = 0; i < 4; i++) {
        if (!files[i])
            continue;
        assert_int_equal(sts[i], PE_OK);
        assert_non_null(many[i]);
        assert_int_equal(pe_font_subset(fonts[i], text, 8, fx->dir, &one), PE_OK);
        size_t la, lb;
        char *ba = slurp(many[i], &la), *bb = slurp(one, &lb);
        assert_int_equal(la, lb);
        assert_memory_equal(ba, bb, la);
        free(ba);
        free(bb);
        unlink(one);
        free(one);
        unlink(many[i]);
        free(many[i]);
    }
    /* an unwritable directory: every font fails with PE_ERR_IO, no file */
    char missing[128];
    snprintf(missing, sizeof missing, "%s/no/such/dir", fx->dir);
    assert_int_equal(pe_font_subset_many(4, fonts, cps, ncps, missing, many, sts), PE_ERR_IO);
    for (int i = 0; i < 4; i++) {
        assert_null(many[i]);
        assert_int_equal(sts[i], files[i] ? PE_ERR_IO : PE_OK);
    }
    for (int i = 0; i < 4; i++)
        pe_font_free(fonts[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test_setup_teardown(test_subset_many_matches_serial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_fonts_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_bogus_family, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_missing_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_relative_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_family_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test(test_advances),
        cmocka_unit_test(test_has_glyph),
        cmocka_unit_test_setup_teardown(test_subset_keeps_composites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subset_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subset_loads_in_libharu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subset_flattens_nested_composites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subset_unwritable_dir, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    pe_font_cache_release();
    return rc;
}
