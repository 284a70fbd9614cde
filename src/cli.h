/* cli.h — the `collect` and `merge` subcommands of the command line (private
 * to the planeval executable; main.c dispatches to them). They print and
 * return the exit status of SPEC §2. */
#ifndef PE_CLI_H
#define PE_CLI_H

#include "pe_model.h"

/* Seconds since the epoch for the outputs' dates: SOURCE_DATE_EPOCH when set,
 * else the report date at 00:00 UTC (reruns give identical bytes). */
long long pe_cli_timestamp(const pe_model *m);
/* Creates `path` and its parents (like mkdir -p); 0 when it is a directory. */
int pe_cli_make_dirs(const char *path);

/* argv[0] is the subcommand's name. */
int pe_cli_collect(int argc, char **argv);
int pe_cli_merge(int argc, char **argv);

#endif
