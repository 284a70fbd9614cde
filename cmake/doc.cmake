# cmake/doc.cmake — the template stage: templates/report.md (cmark-gfm with the
# GFM table extension) into the block list of pe_doc.h, and its unit test.
pe_stage(pe_doc SOURCES src/doc.c LIBS pe_fields PkgConfig::CMARK ${CMARK_EXT_LIB})
pe_unit_test(test_doc SOURCES tests/test_doc.c LIBS pe_doc)
