# cmake/fuzz.cmake — libFuzzer targets (tests/fuzz/), built when PE_FUZZ is ON
# with clang (CC=clang; Debian's clang and libclang-rt-14-dev). Every target
# and stage library is then compiled with -fsanitize=fuzzer-no-link plus
# ASan/UBSan (set in the top CMakeLists.txt); the harnesses link libFuzzer.
# scripts/fuzz.sh builds them, makes the seed corpora and runs each one.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "PE_FUZZ needs clang (libFuzzer): configure with CC=clang")
endif()

# pe_fuzz_target(NAME LIBS ...): tests/fuzz/NAME.c linked with libFuzzer.
function(pe_fuzz_target name)
  add_executable(${name} tests/fuzz/${name}.c)
  target_compile_options(${name} PRIVATE ${PE_WARNINGS} -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_compile_definitions(${name} PRIVATE PE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${name} PRIVATE ${ARGN})
endfunction()

pe_fuzz_target(fuzz_csv pe_csv)
pe_fuzz_target(fuzz_tables pe_fields)
pe_fuzz_target(fuzz_ini pe_fields)
pe_fuzz_target(fuzz_template pe_doc)
pe_fuzz_target(fuzz_number pe_util)
pe_fuzz_target(fuzz_encoding pe_util)
pe_fuzz_target(fuzz_break pe_break)
if(TARGET pe_collect)
  pe_fuzz_target(fuzz_xlsx_merge pe_collect pe_xlsxread)
endif()
if(TARGET pe_ofd)
  pe_fuzz_target(fuzz_ofd pe_ofd pe_doc)
endif()
