# cmake/ofd.cmake — the OFD backend (GB/T 33190-2016; libxml2 + libzip) and
# the end-to-end structure check of the OFD package.
if(NOT TARGET PkgConfig::LIBZIP)
  pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
endif()
if(NOT TARGET PkgConfig::LIBXML2)
  pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
endif()
pe_stage(pe_ofd SOURCES src/ofd.c LIBS pe_page PkgConfig::LIBZIP PkgConfig::LIBXML2 ${M_LIB})

# End to end: the sample case and the other city's, written as PDF, XLSX and
# OFD; the OFD's structure, fonts, boundaries and text against the PDF.
add_test(NAME ofd_sample
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/ofd_check.py
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR}/input/report.ini $<TARGET_FILE:glyphcheck>)
add_test(NAME ofd_other_city
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/ofd_check.py
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR}/tests/fixtures/other_city/report.ini
          $<TARGET_FILE:glyphcheck>)
add_test(NAME ofd_all_kinds
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/ofd_check.py
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR}/tests/fixtures/all_kinds/report.ini
          $<TARGET_FILE:glyphcheck>)
set_tests_properties(ofd_sample ofd_other_city ofd_all_kinds PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
  TIMEOUT 300)

# Which outputs a run writes (--format, [output] formats) and that a failure
# of one leaves none of them behind.
add_test(NAME e2e_output_formats
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/output_formats.sh $<TARGET_FILE:planeval>)
set_tests_properties(e2e_output_formats PROPERTIES LABELS e2e TIMEOUT 300)

pe_unit_test(test_ofd SOURCES tests/test_ofd.c LIBS pe_ofd)
