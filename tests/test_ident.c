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

/* Version 2's packed records: fields unescaped, laid out as version 1's rows. */
static void test_unpack(void **state)
{
    (void)state;
    pe_arena *a = pe_arena_new();
    pe_id_record *recs = NULL;
    size_t n = 0, cap = 0;
    assert_int_equal(pe_ident_unpack(a, "核心指标",
                                     "lock\tC4\t0123456789abcdef\n"
                                     "in\tAB12\tactual\tindicators\ta\\tb\\nc\\\\d\\x01\t2024\t",
                                     &recs, &n, &cap), 0);
    assert_int_equal(n, 2);
    assert_int_equal(recs[0].n, 4);
    assert_string_equal(recs[0].f[0], "lock");
    assert_string_equal(recs[0].f[1], "核心指标");
    assert_string_equal(recs[0].f[2], "C4");
    assert_string_equal(recs[0].f[3], "0123456789abcdef");
    assert_int_equal(recs[1].n, 8);
    assert_string_equal(recs[1].f[2], "AB12");
    assert_string_equal(recs[1].f[3], "actual");
    assert_string_equal(recs[1].f[5], "a\tb\nc\\d\x01");
    assert_string_equal(recs[1].f[6], "2024");
    assert_string_equal(recs[1].f[7], "");
    assert_int_equal(pe_ident_unpack(a, "量化目标", "", &recs, &n, &cap), 0);
    assert_int_equal(n, 2);
    /* refused: wrong field counts, unknown kinds, bad escapes, empty lines */
    static const char *const bad[] = {
        "lock\tC4", "lock\tC4\th\tx", "in\tC4\tactual\tindicators\t1\t2024",
        "in\tC4\tactual\tindicators\t1\t2024\t\tx", "seal\tC4\th", "lock\tC4\th\\q",
        "lock\tC4\th\\x4", "lock\tC4\th\\x41", "lock\tC4\th\n\nlock\tC5\th", "lock",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = 0;
        assert_int_equal(pe_ident_unpack(a, "s", bad[i], &recs, &n, &cap), -1);
    }
    free(recs);
    pe_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv_known_values),
        cmocka_unit_test(test_number_text),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_plan_hash),
        cmocka_unit_test(test_write_workbook),
        cmocka_unit_test(test_unpack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
