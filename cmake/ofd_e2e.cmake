# cmake/ofd_e2e.cmake — the OFD output read back with a real reader (issue 11
# item 4): tests/e2e/ofd/ofd_e2e.py runs planeval --format pdf,ofd, renders the OFD
# with the npm package ofd.js 0.2.6 in headless Debian chromium (playwright-core),
# and compares every page with the PDF (text positions within 0.5 mm, rules).
# The npm packages (tests/e2e/ofd/package-lock.json) are installed with `npm ci`
# into the build directory, once per lock file, never into the source tree.
# Exit 77 (SKIP) only when chromium, node/npm or the npm packages cannot be had, or
# while planeval does not accept --format ofd. Included by the top CMakeLists.txt
# after the planeval target is defined. Label: e2e.
set(PE_OFD_NODE_CACHE ${PROJECT_BINARY_DIR}/e2e-ofd/node)

add_test(NAME ofd_reader_sample
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/ofd/ofd_e2e.py run
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR}/input/report.ini ${PE_OFD_NODE_CACHE})
add_test(NAME ofd_reader_other_city
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/ofd/ofd_e2e.py run
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR}/tests/fixtures/other_city/report.ini
          ${PE_OFD_NODE_CACHE})
# An annex on landscape pages (issue 14): each page's box and text as the PDF's.
add_test(NAME ofd_reader_wide_annex
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/ofd/ofd_e2e.py run
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR}/tests/fixtures/wide_annex/report.ini
          ${PE_OFD_NODE_CACHE})
# An annex too wide even for landscape pages, its codes broken between characters.
add_test(NAME ofd_reader_overflow_annex
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/ofd/ofd_e2e.py run
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR}/tests/fixtures/overflow_annex/report.ini
          ${PE_OFD_NODE_CACHE})
# Negative control: three defects planted in one page of the sample's OFD (text moved
# 1 mm, a rule removed, a rule twice as wide) must each be reported by the check.
add_test(NAME ofd_reader_negative
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/ofd/ofd_e2e.py negative
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR}/input/report.ini ${PE_OFD_NODE_CACHE})
set_tests_properties(ofd_reader_sample ofd_reader_other_city ofd_reader_wide_annex
  ofd_reader_overflow_annex ofd_reader_negative PROPERTIES
  LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 900)
