/* network-dump.c: prints what PortierNetwork sees, one JSON line now and one per change
 *
 *   network-dump [CHANGES]   exits after CHANGES changes (default 0), or after 20 s
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "portier-network.h"

static int remaining;
static GMainLoop *loop;

static void
print_info (PortierNetwork *network)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  portier_network_info_serialize (portier_network_get_info (network), builder);
  node = json_builder_get_root (builder);
  text = json_to_string (node, FALSE);
  printf ("%s\n", text);
  fflush (stdout);
}

static void
changed_cb (PortierNetwork *network)
{
  print_info (network);
  if (--remaining <= 0)
    g_main_loop_quit (loop);
}

static void
ready_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  PortierNetwork **out = user_data;

  *out = portier_network_new_finish (result, &error);
  if (*out == NULL)
    g_error ("%s", error->message);
  print_info (*out);
  if (remaining <= 0)
    g_main_loop_quit (loop);
  else
    g_signal_connect (*out, "changed", G_CALLBACK (changed_cb), NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(PortierNetwork) network = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  remaining = argc > 1 ? atoi (argv[1]) : 0;
  loop = g_main_loop_new (NULL, FALSE);
  g_timeout_add_once (20000, (GSourceOnceFunc) g_main_loop_quit, loop);

  portier_network_new_async (NULL, ready_cb, &network);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  return remaining <= 0 ? 0 : 1;
}
