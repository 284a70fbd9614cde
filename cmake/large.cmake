# cmake/large.cmake — the large-input test of issue 13 (tests/large/): 1, 10
# and 50 MB CSVs of each kind, a 1 MB single row, long rows and a large template
# (rejected at the size limits), and every kind at half its limit and at its
# limit, checked by time and memory RATIOS measured in one run (never absolute
# seconds); about two minutes. Label: large. In the
# sanitizer and fuzz builds the test reports a skip: ASan's time and memory are
# not those of the program.
if(PE_SANITIZE OR PE_FUZZ)
  add_test(NAME large_inputs COMMAND ${PE_BASH} -c
    "echo 'large_inputs: skipped in the sanitizer build (its time and memory are not the program'\\''s); the strict build runs it'; exit 77")
else()
  add_test(NAME large_inputs
    COMMAND ${PE_BASH} ${PROJECT_SOURCE_DIR}/tests/large/check_large.sh $<TARGET_FILE:planeval>)
endif()
set_tests_properties(large_inputs PROPERTIES LABELS large TIMEOUT 3600 SKIP_RETURN_CODE 77
  RUN_SERIAL TRUE)
