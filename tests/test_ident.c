/* test_ident.c — unit tests of the identification format (pe_collect.h):
 * FNV-1a hashes, canonical number text, role words, plan hash and writing a
 * workbook that carries the hidden sheet. Reading it back: test_xlsxread. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pe_collect.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_fnv_known_values(void **state)
{
    (void)state;
    /* published FNV-1a 64 test vectors */
    assert_true(pe_ident_value_hash("") == 0xcbf29ce484222325ULL);
    assert_true(pe_ident_value_hash("a") == 0xaf63dc4c8601ec8cULL);
    assert_true(pe_ident_value_hash("foobar") == 0x85944171f73967e8ULL);
}

static void test_number_text(void **state)
{
    char t[32];
    (void)state;
    pe_ident_number_text(1.01, t);
    assert_string_equal(t, "1.01");
    pe_ident_number_text(-0.0, t);
    assert_string_equal(t, "0");
    pe_ident_number_text(0.1 + 0.2, t);     /* 0.30000000000000004 → 15 digits */
    assert_string_equal(t, "0.3");
    pe_ident_number_text(1234567, t);
    assert_string_equal(t, "1234567");
}

static void test_roles(void **state)
{
    (void)state;
    for (int r = 0; r < PE_ID_ROLE_COUNT; r++)
        assert_int_equal(pe_id_role_parse(pe_id_role_word((pe_id_role)r)), r);
    assert_int_equal(pe_id_role_parse("actuals"), -1);
}

static void test_plan_hash(void **state)
{
    (void)state;
    pe_model *m = pe_model_new();
    assert_non_null(m);
    m->title = "甲市规划中期评估报告";
    m->issuer = "甲市科学技术局";
    m->base_year = 2020;
    m->target_year = 2025;
    m->eval_year = 2023;
    uint64_t h1 = pe_plan_hash(m);
    m->eval_year = 2024;
    assert_true(pe_plan_hash(m) != h1);
    m->eval_year = 2023;
    assert_true(pe_plan_hash(m) == h1);
    m->title = "乙市规划中期评估报告";
    assert_true(pe_plan_hash(m) != h1);
    pe_model_free(m);
}

static void test_write_workbook(void **state)
{
    (void)state;
    const char *path = PE_BINARY_DIR "/test_ident.xlsx";
    pe_model *m = pe_model_new();
    assert_non_null(m);
    m->title = "甲市规划中期评估报告";
    m->issuer = "甲市科学技术局";
    m->base_year = 2020;
    m->target_year = 2025;
    m->eval_year = 2023;
    pe_ident *id = pe_ident_new(m, "市科技局", 2023);
    assert_non_null(id);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "核心指标");
    assert_non_null(ws);
    assert_int_equal(pe_ident_write_string(id, ws, 0, 0, "指标名称", NULL), LXW_NO_ERROR);
    assert_int_equal(pe_ident_write_number(id, ws, 1, 1, 1.01, NULL), LXW_NO_ERROR);
    assert_int_equal(pe_ident_add_input(id, ws, 1, 2, PE_ID_ACTUAL, "indicators", "2", 2023, NULL), 0);
    assert_int_equal(pe_ident_write(id, wb), LXW_NO_ERROR);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 1000);
    unlink(path);
    pe_ident_free(id);
    pe_ident_free(NULL);
    pe_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv_known_values),
        cmocka_unit_test(test_number_text),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_plan_hash),
        cmocka_unit_test(test_write_workbook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
