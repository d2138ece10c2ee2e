/* portierctl-agent.c: in a terminal, let polkit ask for the administrator's password
 *
 * polkit needs an authentication agent to ask anyone for a password. Desktops run one;
 * a terminal does not. Like systemctl, portierctl starts polkit's text agent for its
 * own process when it runs in a terminal, and stops it when it exits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "portierctl-private.h"

static GSubprocess *password_agent;

static void
stop_password_agent (void)
{
  if (password_agent == NULL)
    return;
  g_subprocess_send_signal (password_agent, SIGTERM);
  g_subprocess_wait (password_agent, NULL, NULL);
  g_clear_object (&password_agent);
}

/**
 * portierctl_start_password_agent:
 *
 * Starts `pkttyagent` for this process when standard input and error are a terminal,
 * and waits until it has registered with polkit. Does nothing otherwise, or when there
 * is no pkttyagent.
 */
void
portierctl_start_password_agent (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GInputStream) notify = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *pid = NULL;
  int fds[2];

  if (password_agent != NULL || !isatty (STDIN_FILENO) || !isatty (STDERR_FILENO))
    return;
  agent = g_find_program_in_path ("pkttyagent");
  if (agent == NULL || !g_unix_open_pipe (fds, FD_CLOEXEC, &error))
    return;

  pid = g_strdup_printf ("%d", (int) getpid ());
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  password_agent = g_subprocess_launcher_spawn (launcher, &error, agent, "--notify-fd", "3",
                                                "--process", pid, NULL);
  /* the write end must be closed here, or the end of the pipe never comes */
  g_clear_object (&launcher);
  notify = g_unix_input_stream_new (fds[0], TRUE);
  if (password_agent == NULL)
    {
      g_debug ("pkttyagent: %s", error->message);
      return;
    }
  atexit (stop_password_agent);

  /* the agent closes its end once it is registered (or when it exits) */
  g_input_stream_read_bytes_async (notify, 1, G_PRIORITY_DEFAULT, NULL,
                                   portierctl_store_result_cb, &result);
  bytes = g_input_stream_read_bytes_finish (notify, portierctl_wait (&result), &error);
  if (bytes == NULL)
    g_debug ("pkttyagent: %s", error->message);
}
