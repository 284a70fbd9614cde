/* cli_common.c — what the main run and the collect/merge subcommands share
 * on the command line side: the output timestamp and the output directory. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

long long pe_cli_timestamp(const pe_model *m)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (*end == '\0' && v >= 0)
            return v;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = m->year - 1900;
    tm.tm_mon = m->month - 1;
    tm.tm_mday = m->day;
    return (long long)timegm(&tm);
}

int pe_cli_make_dirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777);
    free(p);
    if (rc != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

