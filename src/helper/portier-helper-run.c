/* portier-helper-run.c: run a firewall program, with no shell and a clean environment
 *
 * Programs are found in the system's own folders only (never through the caller's or
 * anyone's PATH), started with an argument vector (never a command line a shell would
 * read), with an environment of two variables, and stopped when they hang.
 *
 * Runs on the helper's worker thread: it blocks that thread, never the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include "portier-error.h"
#include "portier-helper-run.h"

#define RUN_TIMEOUT_SECONDS 30

static const char * const system_dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };

/**
 * portier_helper_find_program:
 *
 * Returns: (nullable): the absolute path of @name in the system's folders, or %NULL
 */
char *
portier_helper_find_program (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (system_dirs); i++)
    {
      g_autofree char *path = g_build_filename (system_dirs[i], name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (path, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
  GError   *error;
} RunState;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RunState *state = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &state->out,
                                        &state->err, &state->error);
  state->done = TRUE;
}

/* The calling thread's interrupt (owned by whoever set it). */
static GPrivate interrupt_key;

/**
 * portier_helper_run_set_interrupt:
 * @interrupt: (nullable): cancelled when the programs this thread runs should stop
 *
 * From now on, a program run on this thread stops when @interrupt is cancelled (from
 * any thread), and portier_helper_run() fails with %G_IO_ERROR_CANCELLED. A read of
 * the firewall is interrupted this way when a change has to go first.
 */
void
portier_helper_run_set_interrupt (GCancellable *interrupt)
{
  g_private_set (&interrupt_key, interrupt);
}

static void
interrupted_cb (GCancellable *interrupt,
                gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
timeout_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;

  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/**
 * portier_helper_run:
 * @argv: the program's bare name (looked up in the system folders) and its arguments
 * @input: (nullable): what to write to its standard input
 * @out_exit_status: (out): its exit status
 *
 * Returns: %FALSE when the program could not be run or did not finish in time; a
 *   program that ran and failed returns %TRUE with a non-zero @out_exit_status.
 */
gboolean
portier_helper_run (const char * const  *argv,
                    const char          *input,
                    char               **out_stdout,
                    char               **out_stderr,
                    int                 *out_exit_status,
                    GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = NULL;
  g_autofree char *program = NULL;
  g_autofree const char **full_argv = NULL;
  const char *environment[] = {
    "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL=C",
    NULL
  };
  RunState state = { 0, };
  guint argc = g_strv_length ((char **) argv);
  GCancellable *interrupt = g_private_get (&interrupt_key);
  gulong interrupt_id = 0;

  if (g_cancellable_set_error_if_cancelled (interrupt, error))
    return FALSE;

  program = portier_helper_find_program (argv[0]);
  if (program == NULL)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE,
                   "%s is not installed", argv[0]);
      return FALSE;
    }

  full_argv = g_new0 (const char *, argc + 1);
  full_argv[0] = program;
  for (guint i = 1; i < argc; i++)
    full_argv[i] = argv[i];

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        (input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                       : G_SUBPROCESS_FLAGS_NONE));
  g_subprocess_launcher_set_environ (launcher, (char **) environment);
  g_subprocess_launcher_set_cwd (launcher, "/");

  subprocess = g_subprocess_launcher_spawnv (launcher, full_argv, error);
  if (subprocess == NULL)
    return FALSE;

  g_main_context_push_thread_default (context);
  timeout = g_timeout_source_new_seconds (RUN_TIMEOUT_SECONDS);
  g_source_set_callback (timeout, timeout_cb, cancellable, NULL);
  g_source_attach (timeout, context);
  if (interrupt != NULL)
    interrupt_id = g_cancellable_connect (interrupt, G_CALLBACK (interrupted_cb),
                                          cancellable, NULL);
  g_subprocess_communicate_utf8_async (subprocess, input, cancellable, communicate_cb, &state);
  while (!state.done)
    g_main_context_iteration (context, TRUE);
  g_cancellable_disconnect (interrupt, interrupt_id);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (state.error != NULL)
    {
      g_subprocess_force_exit (subprocess);
      g_subprocess_wait (subprocess, NULL, NULL);
      g_free (state.out);
      g_free (state.err);
      if (g_error_matches (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          g_cancellable_is_cancelled (interrupt))
        {
          g_debug ("%s stopped: a change goes first", argv[0]);
          g_propagate_error (error, state.error);
          return FALSE;
        }
      if (g_error_matches (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&state.error);
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_TIMED_OUT,
                       "%s did not finish in %u seconds", argv[0], RUN_TIMEOUT_SECONDS);
          return FALSE;
        }
      g_propagate_error (error, state.error);
      return FALSE;
    }

  g_debug ("%s exited with %d", program, g_subprocess_get_exit_status (subprocess));
  *out_exit_status = g_subprocess_get_if_exited (subprocess)
                     ? g_subprocess_get_exit_status (subprocess) : 255;
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&state.out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&state.err);
  g_free (state.out);
  g_free (state.err);
  return TRUE;
}
