# cmake/collect.cmake — the departments' side: the hidden identification
# (pe_ident, linked by every workbook writer), collect and merge.
pe_stage(pe_ident SOURCES src/ident.c LIBS pe_model PkgConfig::XLSXWRITER)
pe_unit_test(test_ident SOURCES tests/test_ident.c LIBS pe_ident)

pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
pe_stage(pe_xlsxread SOURCES src/xlsxread.c LIBS pe_util PkgConfig::LIBZIP PkgConfig::LIBXML2)
pe_stage(pe_collect SOURCES src/collect.c src/merge.c src/csvpatch.c
  LIBS pe_ident pe_xlsxread pe_eval ${M_LIB})
