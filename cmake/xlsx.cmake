# cmake/xlsx.cmake — the XLSX stage: the workbook renderer (libxlsxwriter), its
# cmocka unit test, and the end-to-end checks that read the workbook back with
# Debian's openpyxl and (when installed) recalculate it in LibreOffice.
pe_stage(pe_xlsx SOURCES src/xlsx.c src/xlsx_formula.c LIBS pe_fields pe_ident PkgConfig::XLSXWRITER)
pe_unit_test(test_xlsx SOURCES tests/test_xlsx.c LIBS pe_xlsx)

# Debian's interpreter: python3-openpyxl is installed for it, not for whatever
# python3 comes first on PATH.
set(PE_XLSX_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with openpyxl for the XLSX checks")
set(PE_XLSX_CHECK ${PROJECT_SOURCE_DIR}/tests/e2e/xlsx_check.py)

# planeval is defined after this file is included; $<TARGET_FILE:…> is
# resolved at generate time, so that is fine.
add_test(NAME xlsx_workbook
  COMMAND ${PE_XLSX_PYTHON} ${PE_XLSX_CHECK}
          --planeval $<TARGET_FILE:planeval>
          --ini ${PROJECT_SOURCE_DIR}/input/report.ini
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/workbook)
add_test(NAME xlsx_libreoffice_recalc
  COMMAND ${PE_XLSX_PYTHON} ${PE_XLSX_CHECK} --libreoffice
          --planeval $<TARGET_FILE:planeval>
          --ini ${PROJECT_SOURCE_DIR}/input/report.ini
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/libreoffice)
# The same checks on a fixture the script generates with every edge case of
# SPEC §4 (no baseline, down, range, 0 % growth, gaps, target = base, …).
add_test(NAME xlsx_workbook_edge
  COMMAND ${PE_XLSX_PYTHON} ${PE_XLSX_CHECK} --edge
          --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/edge)
add_test(NAME xlsx_libreoffice_recalc_edge
  COMMAND ${PE_XLSX_PYTHON} ${PE_XLSX_CHECK} --edge --libreoffice
          --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/libreoffice-edge)
set_tests_properties(xlsx_workbook xlsx_workbook_edge PROPERTIES LABELS e2e TIMEOUT 120)
# LibreOffice is optional: the check exits 77 (skipped) when it is not installed.
set_tests_properties(xlsx_libreoffice_recalc xlsx_libreoffice_recalc_edge PROPERTIES
  LABELS e2e TIMEOUT 300 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)

# Regression for ratios exactly on a threshold: (44.8 − 40)/(56 − 40) ÷ 0.6 is 0.5
# in decimal but 0.4999999999999997 in binary. Excel and LibreOffice compare with
# a tolerance and say 滞后序时进度; pe_state_for_ratio (src/eval.c) compares with the
# same tolerance (PE_RATIO_EPS), so PDF and workbook agree.
add_test(NAME xlsx_threshold_boundary
  COMMAND ${PE_XLSX_PYTHON} ${PE_XLSX_CHECK} --boundary
          --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/boundary)
set_tests_properties(xlsx_threshold_boundary PROPERTIES LABELS e2e TIMEOUT 120)

# The workbook printed through LibreOffice (issue 12): every sheet readable on
# A4 (no text under 9 pt), every chart sheet printed with its labels, titles
# and notes whole, nothing overlapping, no page of only header and notes.
add_test(NAME xlsx_print
  COMMAND ${PE_XLSX_PYTHON} ${PROJECT_SOURCE_DIR}/tests/e2e/xlsx_print_check.py
          --planeval $<TARGET_FILE:planeval>
          --ini ${PROJECT_SOURCE_DIR}/input/report.ini
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/print)
add_test(NAME xlsx_print_edge
  COMMAND ${PE_XLSX_PYTHON} ${PROJECT_SOURCE_DIR}/tests/e2e/xlsx_print_check.py --edge
          --planeval $<TARGET_FILE:planeval>
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/print-edge)
set_tests_properties(xlsx_print xlsx_print_edge PROPERTIES
  LABELS e2e TIMEOUT 300 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)

# A department's typing in LibreOffice (python3-uno): a number typed as text,
# full-width digits, 0.6% in a % cell, a blank growth year, a negative count —
# each flagged in 数据检查; no status changes without a flag; saved and printed.
add_test(NAME xlsx_uno_entries
  COMMAND ${PE_XLSX_PYTHON} ${PROJECT_SOURCE_DIR}/tests/e2e/xlsx_uno_check.py
          --planeval $<TARGET_FILE:planeval>
          --ini ${PROJECT_SOURCE_DIR}/input/report.ini
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/uno)
set_tests_properties(xlsx_uno_entries PROPERTIES
  LABELS e2e TIMEOUT 300 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)

# The eight kinds of SPEC §3.2 (GBK, Chinese headers): cached values equal the
# model's, and LibreOffice recalculation agrees with every cached value.
add_test(NAME xlsx_workbook_all_kinds
  COMMAND ${PE_XLSX_PYTHON} ${PE_XLSX_CHECK}
          --planeval $<TARGET_FILE:planeval>
          --ini ${PROJECT_SOURCE_DIR}/tests/fixtures/all_kinds/report.ini
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/all-kinds)
add_test(NAME xlsx_libreoffice_recalc_all_kinds
  COMMAND ${PE_XLSX_PYTHON} ${PE_XLSX_CHECK} --libreoffice
          --planeval $<TARGET_FILE:planeval>
          --ini ${PROJECT_SOURCE_DIR}/tests/fixtures/all_kinds/report.ini
          --workdir ${PROJECT_BINARY_DIR}/e2e-xlsx/libreoffice-all-kinds)
set_tests_properties(xlsx_workbook_all_kinds PROPERTIES LABELS e2e TIMEOUT 120)
set_tests_properties(xlsx_libreoffice_recalc_all_kinds PROPERTIES
  LABELS e2e TIMEOUT 300 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
