# cmake/break.cmake — line breaking stage (libunibreak + kinsoku rules) and its tests.
pe_stage(pe_break SOURCES src/break.c LIBS pe_util PkgConfig::UNIBREAK)
pe_unit_test(test_break SOURCES tests/test_break.c LIBS pe_break)
