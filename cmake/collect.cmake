# cmake/collect.cmake — the departments' side: the hidden identification
# (pe_ident, linked by every workbook writer), collect and merge.
pe_stage(pe_ident SOURCES src/ident.c LIBS pe_model PkgConfig::XLSXWRITER)
pe_unit_test(test_ident SOURCES tests/test_ident.c LIBS pe_ident)

pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
pe_stage(pe_xlsxread SOURCES src/xlsxread.c LIBS pe_util PkgConfig::LIBZIP PkgConfig::LIBXML2)
pe_stage(pe_collect SOURCES src/collect.c src/merge.c src/csvpatch.c
  LIBS pe_ident pe_xlsxread pe_eval ${M_LIB})
pe_unit_test(test_xlsxread SOURCES tests/test_xlsxread.c LIBS pe_xlsxread PkgConfig::XLSXWRITER)
pe_unit_test(test_collect SOURCES tests/test_collect.c LIBS pe_collect)

# End to end: collect, departments fill the workbooks (openpyxl; LibreOffice
# through UNO), merge --apply, the next run's PDF; bad answers. Debian's
# interpreter has python3-openpyxl and python3-uno.
set(PE_COLLECT_CHECK ${PROJECT_SOURCE_DIR}/tests/e2e/collect_merge.py)
add_test(NAME collect_merge_openpyxl
  COMMAND /usr/bin/python3 ${PE_COLLECT_CHECK} --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-collect/openpyxl)
add_test(NAME collect_merge_openpyxl_gbk
  COMMAND /usr/bin/python3 ${PE_COLLECT_CHECK} --case gbk --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-collect/openpyxl-gbk)
# workbooks written by an earlier version (identification format 1), committed
add_test(NAME collect_merge_v1
  COMMAND /usr/bin/python3 ${PE_COLLECT_CHECK} --case v1 --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-collect/v1)
add_test(NAME collect_merge_libreoffice
  COMMAND /usr/bin/python3 ${PE_COLLECT_CHECK} --filler libreoffice --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-collect/libreoffice)
add_test(NAME collect_merge_bad
  COMMAND /usr/bin/python3 ${PE_COLLECT_CHECK} --bad --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-collect/bad)
add_test(NAME collect_merge_shared
  COMMAND /usr/bin/python3 ${PE_COLLECT_CHECK} --shared --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-collect/shared)
set_tests_properties(collect_merge_openpyxl collect_merge_openpyxl_gbk collect_merge_v1 collect_merge_bad
  collect_merge_shared
  PROPERTIES LABELS e2e TIMEOUT 300)
# LibreOffice is optional: lo_fill.py exits 77 (skipped) when it is not installed.
set_tests_properties(collect_merge_libreoffice PROPERTIES
  LABELS e2e TIMEOUT 600 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
