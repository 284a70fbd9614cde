/* test_ofd.c — the OFD backend (pe_ofd.h) on a small laid-out document: the
 * package's parts, DeltaX in the `g N v` repeat form, a Boundary that holds
 * its text, rules as PathObjects, and identical bytes on a second write. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "pe_ofd.h"

static pe_pages *layout(pe_model **mp, pe_doc **dp)
{
    static const char *cells[] = { "项目", "数量", "甲", "1", "乙", "12" };
    pe_pages_options o = { PE_SOURCE_DIR "/fonts", "planeval 9.9", 1692057600LL };
    pe_model *m = pe_model_new();
    pe_doc *doc = calloc(1, sizeof *doc);
    pe_pages *p = NULL;
    pe_diags d;

    assert_non_null(m);
    assert_non_null(doc);
    m->ini_path = "t.ini";
    m->ini_dir = ".";
    m->title = "测试报告";
    m->issuer = "测试局";
    m->base_year = 2020;
    m->target_year = 2025;
    m->eval_year = 2023;
    doc->arena = pe_arena_new();
    doc->items = calloc(4, sizeof *doc->items);
    doc->n = 2;
    doc->items[0].kind = PE_BLK_PARA;
    doc->items[0].text = "测测测测测测";          /* six equal advances */
    doc->items[1].kind = PE_BLK_GFM_TABLE;
    doc->items[1].ncols = 2;
    doc->items[1].nrows = 3;
    doc->items[1].cells = cells;
    pe_diags_init(&d);
    assert_int_equal(pe_pages_build(m, doc, &o, &d, &p), PE_OK);
    assert_int_equal(pe_pages_subset(p, &d), PE_OK);
    pe_diags_release(&d);
    *mp = m;
    *dp = doc;
    return p;
}

static char *slurp_entry(zip_t *z, const char *name, size_t *len)
{
    zip_stat_t st;
    zip_file_t *f;
    char *buf;
    assert_int_equal(zip_stat(z, name, 0, &st), 0);
    buf = malloc(st.size + 1);
    f = zip_fopen(z, name, 0);
    assert_non_null(f);
    assert_int_equal(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    buf[st.size] = '\0';
    *len = st.size;
    return buf;
}

static char *slurp_file(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    char *b;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)*n);
    assert_int_equal(fread(b, 1, (size_t)*n, f), (size_t)*n);
    fclose(f);
    return b;
}

/* The first element named `name` under n (depth first), or NULL. */
static xmlNode *find(xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        xmlNode *r;
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
        if ((r = find(n->children, name)) != NULL)
            return r;
    }
    return NULL;
}

/* Text content / attribute of n, copied (libxml2's copies are freed). */
static const char *content(xmlNode *n)
{
    static char buf[512];
    xmlChar *c;
    assert_non_null(n);
    c = xmlNodeGetContent(n);
    snprintf(buf, sizeof buf, "%s", c ? (const char *)c : "");
    xmlFree(c);
    return buf;
}

static const char *prop(xmlNode *n, const char *name)
{
    static char buf[512];
    xmlChar *c = xmlGetProp(n, BAD_CAST name);
    assert_non_null(c);
    snprintf(buf, sizeof buf, "%s", (const char *)c);
    xmlFree(c);
    return buf;
}

static void test_package(void **state)
{
    pe_model *m;
    pe_doc *doc;
    pe_pages *p = layout(&m, &doc);
    char dir[] = "/tmp/test_ofd-XXXXXX", f1[256], f2[256];
    pe_diags d;
    pe_ofd_result res;
    zip_t *z;
    int zerr = 0;
    size_t len;
    char *xml;
    xmlDoc *x;
    xmlNode *tobj, *code = NULL, *path;
    double bx, by, bw, bh, tx, ty;
    long n1, n2;
    char *b1, *b2;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(f1, sizeof f1, "%s/a.ofd", dir);
    snprintf(f2, sizeof f2, "%s/b.ofd", dir);
    pe_diags_init(&d);
    assert_int_equal(pe_ofd_write(p, f1, "a.ofd", &d, &res), PE_OK);
    assert_int_equal(res.pages, 1);
    assert_int_equal(pe_ofd_write(p, f2, "b.ofd", &d, &res), PE_OK);
    assert_int_equal(d.nerrors, 0);
    b1 = slurp_file(f1, &n1);
    b2 = slurp_file(f2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, (size_t)n1);
    free(b1);
    free(b2);

    z = zip_open(f1, ZIP_RDONLY, &zerr);
    assert_non_null(z);
    assert_true(zip_name_locate(z, "OFD.xml", 0) >= 0);
    assert_true(zip_name_locate(z, "Doc_0/Document.xml", 0) >= 0);
    assert_true(zip_name_locate(z, "Doc_0/PublicRes.xml", 0) >= 0);
    assert_true(zip_name_locate(z, "Doc_0/Res/font_1.ttf", 0) >= 0);

    xml = slurp_entry(z, "OFD.xml", &len);
    x = xmlReadMemory(xml, (int)len, "OFD.xml", NULL, XML_PARSE_NONET);
    assert_non_null(x);
    assert_string_equal((const char *)xmlDocGetRootElement(x)->ns->href,
                        "http://www.ofdspec.org/2016");
    assert_string_equal(content(find(xmlDocGetRootElement(x), "Title")), "测试报告");
    assert_string_equal(content(find(xmlDocGetRootElement(x), "CreatorVersion")), "9.9");
    assert_string_equal(content(find(xmlDocGetRootElement(x), "CreationDate")), "2023-08-15");
    xmlFreeDoc(x);
    free(xml);

    xml = slurp_entry(z, "Doc_0/Pages/Page_0/Content.xml", &len);
    x = xmlReadMemory(xml, (int)len, "Content.xml", NULL, XML_PARSE_NONET);
    assert_non_null(x);
    /* the watermark is off (draft = 0): the first text is the page number,
     * find the paragraph by its text */
    for (tobj = find(xmlDocGetRootElement(x), "TextObject"); tobj; tobj = tobj->next) {
        code = find(tobj->children, "TextCode");
        if (code && strcmp((const char *)code->children->content, "测测测测测测") == 0)
            break;
    }
    assert_non_null(tobj);
    /* six glyphs of one width: five equal advances in one repeat */
    assert_true(strncmp(prop(code, "DeltaX"), "g 5 ", 4) == 0);
    assert_int_equal(sscanf(prop(tobj, "Boundary"), "%lf %lf %lf %lf", &bx, &by, &bw, &bh), 4);
    tx = atof(prop(code, "X"));
    ty = atof(prop(code, "Y"));
    /* the baseline lies inside the box with an em above it (16 pt = 5.644 mm);
     * the indent is two characters: 28 mm + 2 × 156 / 28 mm */
    assert_true(tx >= 0 && ty >= 5.644 && ty <= bh);
    assert_true(bx + tx > 28 + 2 * 156.0 / 28 - 0.01 && bx + tx < 28 + 2 * 156.0 / 28 + 0.01);
    assert_true(tx + 6 * 156.0 / 28 <= bw + 0.01);
    /* the table's rules */
    path = find(xmlDocGetRootElement(x), "PathObject");
    assert_non_null(path);
    assert_true(atof(prop(path, "LineWidth")) > 0);
    assert_true(strncmp(content(find(path->children, "AbbreviatedData")), "M ", 2) == 0);
    xmlFreeDoc(x);
    free(xml);
    zip_close(z);

    unlink(f1);
    unlink(f2);
    rmdir(dir);
    pe_diags_release(&d);
    pe_pages_free(p);
    pe_doc_free(doc);
    pe_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_package),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    pe_font_cache_release();
    xmlCleanupParser();
    return rc;
}
