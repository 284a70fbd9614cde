# cmake/font.cmake — the font stage: resolution (fontconfig), metrics
# (FreeType) and subsetting (HarfBuzz) of the four type roles.

pe_stage(pe_font SOURCES src/font.c
  LIBS pe_util PkgConfig::FREETYPE PkgConfig::FONTCONFIG PkgConfig::HARFBUZZ Threads::Threads)

pe_unit_test(test_font SOURCES tests/test_font.c LIBS pe_font ${HPDF_LIB})
