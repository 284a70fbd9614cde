/* text.c — UTF-8 helpers, encoding detection and conversion (iconv), and the
 * number syntax of SPEC §3.2 (full-width digits, `－60`, `1,234.5`). */
#include "pe_util.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t pe_utf8_decode(const char *s, size_t len, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t n;
    unsigned c, min;
    if ((u[0] & 0xE0) == 0xC0) {
        n = 2; c = u[0] & 0x1Fu; min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        n = 3; c = u[0] & 0x0Fu; min = 0x800;
    } else if ((u[0] & 0xF8) == 0xF0) {
        n = 4; c = u[0] & 0x07u; min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (u[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

int pe_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned cp;
        size_t n = pe_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

size_t pe_utf8_encode(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int is_wide(unsigned c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) ||
           (c >= 0x20000 && c <= 0x3FFFD);
}

size_t pe_utf8_width(const char *s)
{
    size_t w = 0, len = strlen(s), i = 0;
    while (i < len) {
        unsigned cp;
        size_t n = pe_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            i++;
            w++;
            continue;
        }
        w += is_wide(cp) ? 2 : 1;
        i += n;
    }
    return w;
}

size_t pe_utf8_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if ((*u & 0xC0) != 0x80)
            n++;
    return n;
}

/* Line and column (in characters) of byte offset `off` in UTF-8 text. */
static void position_of(const char *buf, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

int pe_encoding_parse(const char *name)
{
    if (!name || !*name || strcasecmp(name, "auto") == 0)
        return PE_ENC_AUTO;
    if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0)
        return PE_ENC_UTF8;
    if (strcasecmp(name, "gbk") == 0 || strcasecmp(name, "gb2312") == 0 ||
        strcasecmp(name, "gb18030") == 0 || strcasecmp(name, "cp936") == 0)
        return PE_ENC_GB18030;
    return -1;
}

/* Converts GB18030 bytes to UTF-8; on invalid input records the position. */
static pe_status gb_to_utf8(const char *buf, size_t len, const char *file, pe_diags *d,
                            char **out, size_t *outlen)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        pe_error(d, ((pe_src){ file, 0, 0 }), "系统不支持 GB18030 转换（iconv），请先把文件另存为 UTF-8");
        return PE_ERR_INPUT;
    }
    size_t cap = len * 2 + 16;
    char *res = malloc(cap);
    if (!res) {
        iconv_close(cd);
        return PE_ERR_NOMEM;
    }
    char *in = (char *)buf, *o = res;
    size_t inleft = len, outleft = cap - 1;
    while (inleft > 0) {
        size_t r = iconv(cd, &in, &inleft, &o, &outleft);
        if (r == (size_t)-1) {
            if (errno == E2BIG) {
                size_t used = (size_t)(o - res);
                cap *= 2;
                char *p = realloc(res, cap);
                if (!p) {
                    free(res);
                    iconv_close(cd);
                    return PE_ERR_NOMEM;
                }
                res = p;
                o = res + used;
                outleft = cap - used - 1;
                continue;
            }
            /* position in the converted text so far: count lines of the input prefix */
            size_t off = (size_t)(in - buf);
            int line = 1;
            size_t ls = 0;
            for (size_t i = 0; i < off; i++)
                if (buf[i] == '\n') {
                    line++;
                    ls = i + 1;
                }
            /* column: characters converted on this line, roughly bytes of ASCII + pairs */
            int col = 1;
            for (size_t i = ls; i < off;) {
                unsigned char b = (unsigned char)buf[i];
                if (b < 0x80)
                    i += 1;
                else if (i + 1 < off && (unsigned char)buf[i + 1] >= 0x30 && (unsigned char)buf[i + 1] <= 0x39)
                    i += 4;   /* GB18030 four-byte sequence */
                else
                    i += 2;
                col++;
            }
            pe_error(d, ((pe_src){ file, line, col }),
                     "文件既不是有效的 UTF-8，也不是有效的 GBK/GB18030 编码（字节 0x%02X），"
                     "请用 WPS 或记事本另存为“UTF-8”编码",
                     (unsigned char)buf[off]);
            free(res);
            iconv_close(cd);
            return PE_ERR_INPUT;
        }
    }
    iconv_close(cd);
    *o = '\0';
    *out = res;
    *outlen = (size_t)(o - res);
    return PE_OK;
}

/* 1 if s[0..n) is the valid start of one multi-byte character cut short
 * (a file truncated in the middle of a character). */
static int utf8_truncated(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t need = (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3 : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (need == 0 || n >= need)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((u[i] & 0xC0) != 0x80)
            return 0;
    return 1;
}

pe_status pe_text_to_utf8(const char *buf, size_t len, pe_encoding enc,
                          const char *file, pe_diags *d, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        int line, col;
        position_of(buf, (size_t)(nul - buf), &line, &col);
        pe_error(d, ((pe_src){ file, line, col }),
                 "文件含有空字符（NUL），可能是二进制文件或 UTF-16 编码，请另存为 UTF-8 文本");
        return PE_ERR_INPUT;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        /* a UTF-8 BOM says what the file is, whatever the INI declares */
        buf += 3;
        len -= 3;
        enc = PE_ENC_UTF8;
    }
    if (enc != PE_ENC_GB18030) {
        size_t i = 0, multibyte = 0;
        while (i < len) {
            unsigned cp;
            size_t n = pe_utf8_decode(buf + i, len - i, &cp);
            if (n == 0)
                break;
            if (n > 1)
                multibyte++;
            i += n;
        }
        /* Valid multi-byte UTF-8 before the bad byte: a damaged or truncated
         * UTF-8 file, not GBK; report the bad byte itself. */
        if (i < len && enc == PE_ENC_AUTO && multibyte >= 2)
            enc = PE_ENC_UTF8;
        if (i == len) {
            char *p = malloc(len + 1);
            if (!p)
                return PE_ERR_NOMEM;
            memcpy(p, buf, len);
            p[len] = '\0';
            *out = p;
            *outlen = len;
            return PE_OK;
        }
        if (enc == PE_ENC_UTF8) {
            int line, col;
            position_of(buf, i, &line, &col);
            if (utf8_truncated(buf + i, len - i))
                pe_error(d, ((pe_src){ file, line, col }),
                         "文件在一个字符的中间结束（UTF-8 字节 0x%02X 不完整），文件可能被截断，请重新导出",
                         (unsigned char)buf[i]);
            else
                pe_error(d, ((pe_src){ file, line, col }),
                         "不是有效的 UTF-8 编码（字节 0x%02X）；若文件是 GBK 编码，请在 INI 中写 encoding = gbk，"
                         "或另存为 UTF-8",
                         (unsigned char)buf[i]);
            return PE_ERR_INPUT;
        }
    }
    return gb_to_utf8(buf, len, file, d, out, outlen);
}

/* ---- numbers ---- */

char *pe_trim(char *s)
{
    if (!s)
        return s;
    char *p = s;
    for (;;) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        else if (p[0] == '\xE3' && p[1] == '\x80' && p[2] == '\x80')   /* U+3000; stops at NUL */
            p += 3;
        else
            break;
    }
    size_t n = strlen(p);
    for (;;) {
        if (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
            n--;
        else if (n >= 3 && memcmp(p + n - 3, "\xE3\x80\x80", 3) == 0)
            n -= 3;
        else
            break;
    }
    memmove(s, p, n);
    s[n] = '\0';
    return s;
}

static int is_missing_mark(const char *s)
{
    static const char *const marks[] = { "", "-", "－", "—", "——", "–", "/", "／" };
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (strcmp(s, marks[i]) == 0)
            return 1;
    return 0;
}

pe_num_result pe_number_parse(const char *s, double *out, int *decimals)
{
    char norm[128];
    size_t k = 0, len = strlen(s), i = 0;
    int dec = 0, seen_point = 0, ndigits = 0;
    int first_nz = -1, last_nz = -1;   /* mantissa digit indexes, for significant digits */
    if (decimals)
        *decimals = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    /* full-width spaces */
    while (len - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0)
        i += 3;
    while (len - i >= 3 && memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0)
        len -= 3;
    {
        char tmp[16];
        size_t n = len - i < sizeof(tmp) - 1 ? len - i : sizeof(tmp) - 1;
        memcpy(tmp, s + i, n);
        tmp[n] = '\0';
        if (len - i < sizeof(tmp) - 1 && is_missing_mark(tmp))
            return PE_NUM_MISSING;
    }
    int last_comma = -1;   /* index in norm of the last thousands separator */
    while (i < len) {
        unsigned cp;
        size_t n = pe_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return PE_NUM_INVALID;
        i += n;
        if (cp >= 0xFF01 && cp <= 0xFF5E)     /* full-width ASCII */
            cp -= 0xFEE0;
        if (cp == 0x2212 || cp == 0x2013)     /* minus sign, en dash used as minus */
            cp = '-';
        if (k >= sizeof(norm) - 2)
            return PE_NUM_INVALID;
        if (cp >= '0' && cp <= '9') {
            norm[k++] = (char)cp;
            if (cp != '0') {
                if (first_nz < 0)
                    first_nz = ndigits;
                last_nz = ndigits;
            }
            ndigits++;
            if (seen_point)
                dec++;
        } else if (cp == '.') {
            if (seen_point)
                return PE_NUM_INVALID;
            seen_point = 1;
            norm[k++] = '.';
        } else if (cp == ',') {
            /* thousands separator: only between digits of the integer part, groups of 3 */
            if (seen_point || k == 0 || norm[k - 1] < '0' || norm[k - 1] > '9')
                return PE_NUM_INVALID;
            if (last_comma >= 0 && (int)k - last_comma != 3)
                return PE_NUM_INVALID;
            last_comma = (int)k;
        } else if ((cp == '-' || cp == '+') && k == 0) {
            norm[k++] = (char)cp;
        } else if (cp == 'e' || cp == 'E') {
            if (ndigits == 0)
                return PE_NUM_INVALID;
            norm[k++] = 'e';
            seen_point = 1;   /* no point after exponent */
            dec = 0;
            /* optional sign then digits */
            if (i < len && (s[i] == '-' || s[i] == '+'))
                norm[k++] = s[i++];
            size_t start = k;
            while (i < len && s[i] >= '0' && s[i] <= '9' && k < sizeof(norm) - 2)
                norm[k++] = s[i++];
            if (k == start)
                return PE_NUM_INVALID;
        } else if (cp == '%' && i == len) {
            /* a trailing percent sign is accepted: values of % indicators */
        } else {
            /* NaN, inf, Infinity: recognised to give a precise message */
            char low[16];
            size_t m = strlen(s), j = 0;
            for (; j < m && j < sizeof(low) - 1; j++)
                low[j] = (char)((s[j] >= 'A' && s[j] <= 'Z') ? s[j] + 32 : s[j]);
            low[j] = '\0';
            const char *t = low;
            while (*t == '+' || *t == '-' || *t == ' ')
                t++;
            if (strcmp(t, "nan") == 0 || strcmp(t, "inf") == 0 || strcmp(t, "infinity") == 0)
                return PE_NUM_NONFINITE;
            return PE_NUM_INVALID;
        }
        if (cp != ',' && last_comma >= 0 && !seen_point && cp >= '0' && cp <= '9' &&
            (int)k - last_comma > 3)
            return PE_NUM_INVALID;
    }
    if (last_comma >= 0) {
        /* the group after the last comma must be exactly three digits */
        int digits_after = 0;
        for (size_t j = (size_t)last_comma; j < k && norm[j] >= '0' && norm[j] <= '9'; j++)
            digits_after++;
        if (digits_after != 3)
            return PE_NUM_INVALID;
    }
    norm[k] = '\0';
    if (ndigits == 0)
        return PE_NUM_INVALID;
    errno = 0;
    char *end;
    double v = strtod(norm, &end);
    if (*end != '\0')
        return PE_NUM_INVALID;
    if (errno == ERANGE && fabs(v) > 1.0)
        return PE_NUM_NONFINITE;
    if (!isfinite(v))
        return PE_NUM_NONFINITE;
    if (fabs(v) > PE_NUM_MAX)
        return PE_NUM_RANGE;
    if (first_nz >= 0 && last_nz - first_nz + 1 > PE_NUM_DIGITS)
        return PE_NUM_PRECISION;
    if (v == 0.0)
        v = 0.0;   /* no negative zero */
    *out = v;
    if (decimals)
        *decimals = dec > 9 ? 9 : dec;
    return PE_NUM_OK;
}

/* Rounds to PE_NUM_DIGITS significant digits first (what a double holds of a
 * decimal), then to `decimals` places, half away from zero, on the decimal
 * digits: 9649653.8 with 9 decimals prints 9649653.800000000, not the binary
 * tail …800000001, and 1e24 prints 1000000000000000000000000. */
void pe_number_format(double v, int decimals, char *out, size_t outsz)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    if (!isfinite(v)) {
        snprintf(out, outsz, "—");
        return;
    }
    char e[32];
    snprintf(e, sizeof e, "%.*e", PE_NUM_DIGITS - 1, v);
    int neg = e[0] == '-';
    const char *p = e + neg;
    char sig[PE_NUM_DIGITS];
    int ns = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && ns < PE_NUM_DIGITS)
            sig[ns++] = *p;
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    /* digit of 10^pw */
#define SIG_AT(pw) (exp10 - (pw) >= 0 && exp10 - (pw) < ns ? sig[exp10 - (pw)] - '0' : 0)
    int top = exp10 > 0 ? exp10 : 0;           /* highest power printed */
    int ndig = top + decimals + 1;             /* digits 10^top … 10^-decimals */
    if (ndig + 4 > (int)outsz || ndig > 400) {
        snprintf(out, outsz, "—");
        return;
    }
    char dig[420];
    for (int i = 0; i < ndig; i++)
        dig[i] = (char)SIG_AT(top - i);
    int carry = SIG_AT(-decimals - 1) >= 5;
#undef SIG_AT
    for (int i = ndig - 1; i >= 0 && carry; i--) {
        if (++dig[i] == 10)
            dig[i] = 0;
        else
            carry = 0;
    }
    int allzero = !carry;
    for (int i = 0; i < ndig && allzero; i++)
        if (dig[i])
            allzero = 0;
    size_t k = 0;
    if (neg && !allzero)
        out[k++] = '-';
    if (carry)
        out[k++] = '1';
    int intdig = top + 1, i = 0;
    while (i < intdig - 1 && dig[i] == 0 && !carry)   /* leading zeros */
        i++;
    for (; i < intdig; i++)
        out[k++] = (char)('0' + dig[i]);
    if (decimals > 0) {
        out[k++] = '.';
        for (; i < ndig; i++)
            out[k++] = (char)('0' + dig[i]);
    }
    if (k >= outsz) {
        snprintf(out, outsz, "—");
        return;
    }
    out[k] = '\0';
}

void pe_percent_format(double ratio, char *out, size_t outsz)
{
    char num[64];
    pe_number_format(ratio * 100.0, 1, num, sizeof num);
    snprintf(out, outsz, "%s%%", num);
}
