/* portier-helper-run.h: run a firewall program, with no shell and a clean environment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char      *portier_helper_find_program (const char          *name);
gboolean   portier_helper_run          (const char * const  *argv,
                                        const char          *input,
                                        char               **out_stdout,
                                        char               **out_stderr,
                                        int                 *out_exit_status,
                                        GError             **error);
void       portier_helper_run_set_interrupt (GCancellable    *interrupt);

G_END_DECLS
