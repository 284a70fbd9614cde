/* glyphcheck.c — test tool: checks that every character mapped by an embedded
 * TrueType font program has a non-empty outline (libharu 2.3.0 alone leaves
 * WenQuanYi Micro Hei's composite glyphs such as 估体保值划指标规评 blank).
 * Usage: glyphcheck FONTFILE [REQUIRED-UTF8-TEXT]; prints what it checked;
 * exit 0 when every glyph has an outline and every required character is mapped. */
#include <stdio.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "pe_util.h"

static int is_blank(unsigned long cp)
{
    return cp == 0x20 || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B);
}

int main(int argc, char **argv)
{
    FT_Library lib;
    FT_Face face;
    int bad = 0;
    unsigned long checked = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: glyphcheck FONTFILE [REQUIRED-TEXT]\n");
        return 2;
    }
    if (FT_Init_FreeType(&lib) != 0 || FT_New_Face(lib, argv[1], 0, &face) != 0) {
        fprintf(stderr, "glyphcheck: cannot open %s\n", argv[1]);
        return 2;
    }
    FT_UInt gid;
    for (FT_ULong cp = FT_Get_First_Char(face, &gid); gid != 0; cp = FT_Get_Next_Char(face, cp, &gid)) {
        if (is_blank(cp))
            continue;
        if (FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_BITMAP) != 0 ||
            face->glyph->format != FT_GLYPH_FORMAT_OUTLINE || face->glyph->outline.n_points <= 0) {
            char u[5] = { 0 };
            pe_utf8_encode((unsigned)cp, u);
            printf("%s: U+%04lX %s (glyph %u) has no outline\n", argv[1], cp, u, gid);
            bad++;
        }
        checked++;
    }
    if (argc > 2) {
        const char *s = argv[2];
        size_t len = strlen(s), i = 0;
        while (i < len) {
            unsigned cp;
            size_t n = pe_utf8_decode(s + i, len - i, &cp);
            if (n == 0)
                break;
            if (FT_Get_Char_Index(face, cp) == 0) {
                printf("%s: required %.*s (U+%04X) is not in this font\n", argv[1], (int)n, s + i, cp);
                bad++;
            }
            i += n;
        }
    }
    printf("%s: %lu glyphs checked, %d problems\n", argv[1], checked, bad);
    FT_Done_Face(face);
    FT_Done_FreeType(lib);
    return bad ? 1 : 0;
}
