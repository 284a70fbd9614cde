/* cli.h — the `collect` and `merge` subcommands of the command line (private
 * to the planeval executable; main.c dispatches to them). They print and
 * return the exit status of SPEC §2. */
#ifndef PE_CLI_H
#define PE_CLI_H

/* argv[0] is the subcommand's name. */
int pe_cli_collect(int argc, char **argv);
int pe_cli_merge(int argc, char **argv);

#endif
