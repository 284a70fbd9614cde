# cmake/collect.cmake — the departments' side: the hidden identification
# (pe_ident, linked by every workbook writer), collect and merge.
pe_stage(pe_ident SOURCES src/ident.c LIBS pe_model PkgConfig::XLSXWRITER)
pe_unit_test(test_ident SOURCES tests/test_ident.c LIBS pe_ident)
