# cmake/e2e.cmake — end-to-end tests that run the planeval binary: the command
# line (tests/e2e/check_cli.sh) and the bad-input corpus tests/bad/, one ctest
# test per case directory (tests/e2e/run_bad.sh PLANEVAL CASE). Included by the
# top CMakeLists.txt after the planeval target is defined. Label: e2e.
find_program(PE_BASH bash REQUIRED)

add_test(NAME e2e_cli
  COMMAND ${PE_BASH} ${PROJECT_SOURCE_DIR}/tests/e2e/check_cli.sh $<TARGET_FILE:planeval>)
set_tests_properties(e2e_cli PROPERTIES LABELS e2e)

# Pages and tables measured with mutool (issue 14): no holes, tables across the
# block, names and numbers wrapped as a reader expects. Skipped without mutool.
add_test(NAME e2e_page_check
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/page_check.py
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_page_check PROPERTIES LABELS e2e SKIP_RETURN_CODE 77)

# An annex too wide for portrait on landscape pages (issue 14, GB/T 9704 10.1),
# read back with pdfinfo, mutool and the OFD package, on tests/fixtures/wide_annex,
# tests/fixtures/new_city and tests/fixtures/overflow_annex (too wide even for
# landscape pages with its pieces whole). Skipped without mutool.
add_test(NAME e2e_landscape_annex
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e/landscape_check.py
          $<TARGET_FILE:planeval> ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_landscape_annex PROPERTIES LABELS e2e SKIP_RETURN_CODE 77)

# Every directory of tests/bad/, listed explicitly (no GLOB): add a new case here.
# A case marked needs=template/pdf exits 77 (skipped) on a build without that stage.
set(PE_BAD_CASES
  01-invalid-bytes
  02-utf16
  03-embedded-nul
  04-utf8-bom-ok
  05-crlf-ok
  06-gbk-auto-ok
  07-gbk-declared-ok
  08-gbk-ini-ok
  09-fullwidth-numbers-ok
  10-unterminated-quote
  11-stray-quote
  12-ragged-too-many
  13-ragged-too-few
  14-unknown-column
  15-duplicate-column
  16-missing-target-column
  17-duplicate-id
  18-empty-name
  19-empty-target
  20-target-abc
  21-value-nan
  22-value-inf
  23-value-1e400
  24-year-header-5-digits
  25-year-header-not-after-base
  26-year-header-after-target
  27-actual-after-eval-year
  28-growth-le-minus-100
  29-target-max-below-target
  30-unknown-kind
  31-unknown-direction
  32-base-year-not-before-target
  33-eval-year-outside
  34-threshold-not-number
  35-threshold-order
  36-invalid-date
  37-draft-maybe
  38-section-without-file
  39-missing-report
  40-missing-period
  41-missing-indicators
  42-ini-line-not-key-value
  43-missing-csv
  44-csv-is-directory
  45-empty-csv
  46-header-only-ok
  47-header-only-strict
  48-huge-field
  49-unknown-ini-key-ok
  50-unknown-ini-section-ok
  51-annex-merge-missing-column
  52-annex-total-not-number
  53-county-actual-after-eval-year
  54-county-duplicate
  55-rows-2000
  56-more-than-50-errors
  57-unknown-encoding
  58-ini-invalid-bytes
  59-ini-empty
  60-county-total-mismatch-ok
  61-declared-utf8-but-gbk
  62-template-unknown-field
  63-template-unknown-block
  64-template-unclosed-braces
  65-template-missing
  66-glyph-missing
  67-output-format-unknown
  68-format-option-unknown
  69-target-1e300
  70-value-16-digits
  71-county-target-1e16
  72-row-over-1mb
  73-rows-over-table-limit
  74-columns-over-16384
  75-ini-too-many-keys
  76-report-rows-over-limit
  77-annexes-over-100
  78-tables-over-4mb
  79-indicators-over-2500
  80-template-over-256kb
  81-report-over-1000-pages
  82-table-file-over-64mb
  83-annex-row-taller-than-page
  84-unit-too-long
  85-target-text-too-long
  86-annex-too-many-columns
  kind-01-cumulative-without-target
  kind-02-qualitative-without-text
  kind-03-judgement-not-a-status
  kind-04-judgement-without-reason
  kind-05-growth-missing-year
  kind-06-reduction-rate-100
  kind-07-milestone-unknown-word
  kind-08-direction-on-ceiling-ok
  kind-09-reduction-target-100
)
foreach(case IN LISTS PE_BAD_CASES)
  add_test(NAME e2e_bad_${case}
    COMMAND ${PE_BASH} ${PROJECT_SOURCE_DIR}/tests/e2e/run_bad.sh $<TARGET_FILE:planeval> ${case})
  set_tests_properties(e2e_bad_${case} PROPERTIES LABELS "e2e;bad" SKIP_RETURN_CODE 77)
endforeach()
# 2,000 generated rows (a table's limit), run twice (--check and a full run).
set_tests_properties(e2e_bad_55-rows-2000 PROPERTIES TIMEOUT 900)
