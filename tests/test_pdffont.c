/* test_pdffont.c — the PDF font objects of a subset (src/pdffont.c): what
 * pe_pdf_font_read measures against FreeType on the same subset file, the
 * CIDToGIDMap it deflates, and the objects pe_pdf_font_complete writes. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include <hpdf.h>
#include <libdeflate.h>

#include "pdffont.h"
#include "pe_font.h"

#define UMING "/usr/share/fonts/truetype/arphic/uming.ttc"

typedef struct {
    char *subset;       /* a subset of UMing: 中文，。A1 and space */
    FT_Library lib;
    FT_Face face;       /* the same file, for the expected values */
} fixture;

static const unsigned CPS[] = { 0x4E2D, 0x6587, 0xFF0C, 0x3002, 'A', '1' };

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    pe_font *f = NULL;

    if (!fx)
        return -1;
    if (access(UMING, R_OK) != 0) {
        free(fx);
        *state = NULL;
        return 0;       /* the tests skip */
    }
    if (pe_font_open(UMING, 0, &f) != PE_OK ||
        pe_font_subset(f, CPS, sizeof CPS / sizeof CPS[0], NULL, &fx->subset) != PE_OK ||
        FT_Init_FreeType(&fx->lib) != 0 || FT_New_Face(fx->lib, fx->subset, 0, &fx->face) != 0) {
        pe_font_free(f);
        return -1;
    }
    pe_font_free(f);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (fx) {
        FT_Done_Face(fx->face);
        FT_Done_FreeType(fx->lib);
        unlink(fx->subset);
        free(fx->subset);
        free(fx);
    }
    return 0;
}

#define NEED_FONT(fx)                                                   \
    do {                                                                \
        if (!(fx)) {                                                    \
            print_message("SKIP: %s is not installed\n", UMING);        \
            skip();                                                     \
        }                                                               \
    } while (0)

/* pe_pdf_font_read on the fixture's subset, which must succeed. */
static void read_subset(const fixture *fx, pe_pdf_font_data *fd)
{
    memset(fd, 0, sizeof *fd);
    fd->path = fx->subset;
    pe_pdf_font_read(fd);
    assert_true(fd->ok);
}

/* Codes, advances, DW, name and the CIDToGIDMap agree with FreeType. */
static void test_read_matches_freetype(void **state)
{
    fixture *fx = *state;
    pe_pdf_font_data fd;
    NEED_FONT(fx);
    read_subset(fx, &fd);
    assert_int_equal(fd.upem, fx->face->units_per_EM);

    /* every requested code is there, ascending, with FreeType's advance */
    for (size_t i = 0; i < sizeof CPS / sizeof CPS[0]; i++) {
        size_t k;
        for (k = 0; k < fd.ncodes && fd.codes[k] != CPS[i]; k++)
            ;
        assert_true(k < fd.ncodes);
        FT_Fixed adv = 0;
        assert_int_equal(FT_Get_Advance(fx->face, FT_Get_Char_Index(fx->face, CPS[i]),
                                        FT_LOAD_NO_SCALE, &adv), 0);
        assert_int_equal(fd.advance[k], adv);
    }
    for (size_t k = 1; k < fd.ncodes; k++)
        assert_true(fd.codes[k - 1] < fd.codes[k]);

    /* /DW is the ideographs' advance, the most frequent one here */
    FT_Fixed ideo = 0;
    FT_Get_Advance(fx->face, FT_Get_Char_Index(fx->face, 0x4E2D), FT_LOAD_NO_SCALE, &ideo);
    assert_int_equal(fd.dw_advance, ideo);

    /* "ABCDEF+Name" */
    for (int i = 0; i < 6; i++)
        assert_true(fd.name[i] >= 'A' && fd.name[i] <= 'Z');
    assert_int_equal(fd.name[6], '+');
    assert_true(strlen(fd.name) > 7);

    /* the map inflates to 2 × (highest code + 1) bytes of big-endian glyph ids */
    unsigned maxcode = fd.codes[fd.ncodes - 1];
    size_t rawlen = 2 * ((size_t)maxcode + 1), got = 0;
    unsigned char *raw = malloc(rawlen);
    struct libdeflate_decompressor *dz = libdeflate_alloc_decompressor();
    assert_non_null(raw);
    assert_non_null(dz);
    assert_int_equal(libdeflate_zlib_decompress(dz, fd.map, fd.map_len, raw, rawlen, &got),
                     LIBDEFLATE_SUCCESS);
    assert_int_equal(got, rawlen);
    assert_int_equal(fd.map_raw, rawlen);
    for (size_t i = 0; i < sizeof CPS / sizeof CPS[0]; i++) {
        unsigned g = (unsigned)raw[2 * CPS[i]] << 8 | raw[2 * CPS[i] + 1];
        assert_int_not_equal(g, 0);
        assert_int_equal(g, FT_Get_Char_Index(fx->face, CPS[i]));
    }
    assert_int_equal(raw[2 * 0x4E2C] << 8 | raw[2 * 0x4E2C + 1], 0);   /* not in the subset */

    /* the program inflates to the file itself */
    unsigned char *prog = malloc(fd.program_raw);
    assert_non_null(prog);
    assert_int_equal(libdeflate_zlib_decompress(dz, fd.program, fd.program_len, prog,
                                                fd.program_raw, &got), LIBDEFLATE_SUCCESS);
    assert_int_equal(got, fd.program_raw);
    FILE *f = fopen(fx->subset, "rb");
    unsigned char *file = malloc(fd.program_raw);
    assert_non_null(f);
    assert_non_null(file);
    assert_int_equal(fread(file, 1, fd.program_raw, f), fd.program_raw);
    fclose(f);
    assert_memory_equal(prog, file, fd.program_raw);

    /* the same file, the same name (the tag comes from the content) */
    pe_pdf_font_data again;
    memset(&again, 0, sizeof again);
    again.path = fx->subset;
    pe_pdf_font_read(&again);
    assert_string_equal(again.name, fd.name);

    pe_pdf_font_data_free(&again);
    libdeflate_free_decompressor(dz);
    free(raw);
    free(prog);
    free(file);
    pe_pdf_font_data_free(&fd);
}

/* Whether any deflated stream of the PDF `bytes` holds `needle`. */
static int inflated_contains(const char *bytes, size_t n, const char *needle)
{
    struct libdeflate_decompressor *dz = libdeflate_alloc_decompressor();
    size_t cap = 1u << 20, got;
    char *out = malloc(cap + 1);
    const char *p = bytes, *end = bytes + n;
    int found = 0;

    while (dz && out && !found && (p = memmem(p, (size_t)(end - p), "stream\r\n", 8)) != NULL) {
        const char *s = p + 8, *e = memmem(s, (size_t)(end - s), "endstream", 9);
        if (!e)
            break;
        if (libdeflate_zlib_decompress(dz, s, (size_t)(e - s), out, cap, &got) ==
            LIBDEFLATE_SUCCESS) {
            out[got] = '\0';
            found = strstr(out, needle) != NULL;
        }
        p = e;
    }
    free(out);
    libdeflate_free_decompressor(dz);
    return found;
}

static void HPDF_STDCALL ignore_error(HPDF_STATUS e, HPDF_STATUS detail, void *data)
{
    (void)e;
    (void)detail;
    (void)data;
}

/* The objects as a PDF reader finds them. */
static void test_complete_objects(void **state)
{
    fixture *fx = *state;
    pe_pdf_font_data fd;
    NEED_FONT(fx);
    read_subset(fx, &fd);

    HPDF_Doc pdf = HPDF_New(ignore_error, NULL);
    assert_non_null(pdf);
    HPDF_SetCompressionMode(pdf, HPDF_COMP_NONE);
    HPDF_Page pg = HPDF_AddPage(pdf);
    assert_non_null(pg);
    HPDF_Dict f = pe_pdf_font_shell(pdf);
    assert_non_null(f);
    assert_int_equal(pe_pdf_font_complete(pdf, f, &fd), HPDF_OK);
    assert_int_equal(HPDF_SaveToStream(pdf), HPDF_OK);
    HPDF_UINT32 n = HPDF_GetStreamSize(pdf);
    char *bytes = malloc(n + 1);
    assert_non_null(bytes);
    assert_int_equal(HPDF_ReadFromStream(pdf, (HPDF_BYTE *)bytes, &n), HPDF_OK);
    bytes[n] = 0;

    char want[128];
    static const char *const keys[] = {
        "/Subtype /Type0", "/Encoding /Identity-H", "/DescendantFonts",
        "/Subtype /CIDFontType2", "/CIDToGIDMap", "/Registry (Adobe)", "/Ordering (Identity)",
        "/Type /FontDescriptor", "/FontFile2", "/CIDSet", "/CapHeight", "/Length1",
        "/ToUnicode", "/Filter [ /FlateDecode ]",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!memmem(bytes, n, keys[i], strlen(keys[i])))
            fail_msg("no %s in the objects", keys[i]);
    snprintf(want, sizeof want, "/BaseFont /%s", fd.name);
    assert_non_null(memmem(bytes, n, want, strlen(want)));
    snprintf(want, sizeof want, "/DW %u", (unsigned)fd.dw_advance * 1000u / (unsigned)fd.upem);
    assert_non_null(memmem(bytes, n, want, strlen(want)));
    /* the ToUnicode CMap: identity ranges over the high bytes used (00 for
     * A, 1 and space, 30 for 。, 4E, 65, FF), no others, no cidrange */
    assert_true(inflated_contains(bytes, n, "<4E00> <4EFF> <4E00>"));
    assert_true(inflated_contains(bytes, n, "<FF00> <FFFF> <FF00>"));
    assert_true(inflated_contains(bytes, n, "5 beginbfrange"));
    assert_false(inflated_contains(bytes, n, "<6600> <66FF>"));
    assert_false(inflated_contains(bytes, n, "begincidrange"));

    free(bytes);
    HPDF_Free(pdf);
    pe_pdf_font_data_free(&fd);
}

/* A file that is not a font: not ok, and the shell is not completed. */
static void test_not_a_font(void **state)
{
    (void)state;
    char path[] = "/tmp/test_pdffont-XXXXXX";
    int fdn = mkstemp(path);
    assert_true(fdn >= 0);
    assert_int_equal(write(fdn, "not a font at all", 17), 17);
    close(fdn);

    pe_pdf_font_data fd;
    memset(&fd, 0, sizeof fd);
    fd.path = path;
    pe_pdf_font_read(&fd);
    assert_false(fd.ok);
    HPDF_Doc pdf = HPDF_New(ignore_error, NULL);
    assert_non_null(pdf);
    HPDF_Dict f = pe_pdf_font_shell(pdf);
    assert_non_null(f);
    assert_int_not_equal(pe_pdf_font_complete(pdf, f, &fd), HPDF_OK);
    HPDF_Free(pdf);
    pe_pdf_font_data_free(&fd);
    unlink(path);

    memset(&fd, 0, sizeof fd);
    fd.path = "/nonexistent/font.ttf";
    pe_pdf_font_read(&fd);
    assert_false(fd.ok);
    pe_pdf_font_data_free(&fd);
}

/* /DW is a whole number even when the most frequent advance is not: a
 * subset of WenQuanYi Zen Hei (the default 黑体, 1024 units an em) of the
 * digits of a header of years and one ideograph, where the digits' 614 units
 * (599.6 thousandths) are the most frequent advance. Poppler takes 1000 for a
 * real /DW and set those digits an em apart, into the next column. */
static void test_dw_whole_number(void **state)
{
    static const char *zenhei = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
    static const unsigned cps[] = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0x5E74 };
    pe_font *f = NULL;
    char *subset = NULL;
    pe_pdf_font_data fd;
    size_t k, digit = 0;
    (void)state;

    if (access(zenhei, R_OK) != 0) {
        print_message("SKIP: %s is not installed\n", zenhei);
        skip();
    }
    assert_int_equal(pe_font_open(zenhei, 0, &f), PE_OK);
    assert_int_equal(pe_font_subset(f, cps, sizeof cps / sizeof cps[0], NULL, &subset), PE_OK);
    pe_font_free(f);
    memset(&fd, 0, sizeof fd);
    fd.path = subset;
    pe_pdf_font_read(&fd);
    assert_true(fd.ok);
    for (k = 0; k < fd.ncodes; k++)
        if (fd.codes[k] == '0')
            digit = k;
    /* the premise: the digits' advance is not a whole number of thousandths */
    assert_int_not_equal((unsigned)fd.advance[digit] * 1000u % (unsigned)fd.upem, 0);
    assert_int_equal((unsigned)fd.dw_advance * 1000u % (unsigned)fd.upem, 0);
    assert_int_not_equal(fd.dw_advance, fd.advance[digit]);
    pe_pdf_font_data_free(&fd);
    unlink(subset);
    free(subset);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_matches_freetype),
        cmocka_unit_test(test_complete_objects),
        cmocka_unit_test(test_not_a_font),
        cmocka_unit_test(test_dw_whole_number),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
