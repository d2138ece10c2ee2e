/* test-open-run.c: stopping the open transaction, and a run over several ports, without
 * root and without a router
 *
 * The router and the firewall need root and a network of their own (the integration
 * suite has both: test-wizard.py shows a run closing what it opened). What runs here is
 * the test from the internet, against a probe server on loopback that takes the
 * connection and never answers: the opening is still running when it is stopped, so what
 * a stop does can be seen. Nothing leaves this machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>

#include "portier-error.h"
#include "portier-open-run.h"

typedef struct
{
  char          *state_dir;
  PortierLedger *ledger;
  PortierOpener *opener;
  GSocket       *silent;       /* a probe server that never answers */
  char          *probe_server;
  guint16        port;         /* free on this computer */
} Fixture;

static GSocket *
listen_tcp (guint16 port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (socket, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&socket);
}

static guint16
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) probe = NULL;

  fixture->state_dir = g_dir_make_tmp ("portier-open-run-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->ledger = portier_ledger_new (fixture->state_dir);
  fixture->opener = portier_opener_new (fixture->ledger);

  /* Connections wait in its backlog: the request is sent, the answer never comes. */
  fixture->silent = listen_tcp (0);
  fixture->probe_server = g_strdup_printf ("http://127.0.0.1:%u/",
                                           socket_port (fixture->silent));
  probe = listen_tcp (0);
  fixture->port = socket_port (probe);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->state_dir, 0, NULL);
  const char *name;

  /* What the stopped test still had under way ends on the main loop. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->opener);
  g_assert_finalize_object (fixture->ledger);
  g_clear_object (&fixture->silent);
  g_free (fixture->probe_server);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->state_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->state_dir);
  g_free (fixture->state_dir);
}

static PortierOpenOptions *
options_for (Fixture *fixture,
             guint16  port)
{
  PortierPortSpec spec = { port, port, PORTIER_PROTOCOL_TCP };
  PortierOpenOptions *options = portier_open_options_new (&spec);

  options->firewall = FALSE;
  options->router = FALSE;
  options->verify = TRUE;
  options->probe_server = g_strdup (fixture->probe_server);
  return options;
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
cancel_when_verifying_cb (PortierOpener     *opener,
                          int                step,
                          int                status,
                          const char        *message,
                          GCancellable      *cancellable)
{
  if (step == PORTIER_STEP_VERIFY && status == PORTIER_STEP_STATUS_RUNNING)
    g_cancellable_cancel (cancellable);
}

static gboolean
ledger_is_empty (Fixture *fixture)
{
  g_assert_true (portier_ledger_load (fixture->ledger, NULL));
  return portier_ledger_get_openings (fixture->ledger)->len == 0;
}

/* Opens the fixture's port, to be tested from the internet only: nothing here needs root. */
static PortierOpenResult *
open_port (Fixture       *fixture,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(PortierOpenOptions) options = options_for (fixture, fixture->port);
  g_autoptr(GAsyncResult) async_result = NULL;

  portier_opener_open_async (fixture->opener, options, cancellable, store_cb, &async_result);
  return portier_opener_open_finish (fixture->opener, wait_for (&async_result), error);
}

/* portier-opener.h promises a result whenever the transaction ran, a stopped one too: it
 * says the opening was stopped, and that nothing stayed open. */
static void
test_cancelled_open_keeps_its_result (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gulong handler;

  handler = g_signal_connect (fixture->opener, "step-changed",
                              G_CALLBACK (cancel_when_verifying_cb), cancellable);
  result = open_port (fixture, cancellable, &error);
  g_signal_handler_disconnect (fixture->opener, handler);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_error (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (result->spec.first, ==, fixture->port);
  g_assert_true (ledger_is_empty (fixture));
}

/* Stopped before it started: nothing ran, so there is no result. */
static void
test_cancelled_before_it_starts (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  result = open_port (fixture, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_true (ledger_is_empty (fixture));
}

/* What a run said while it ran. */
typedef struct
{
  GString *ports;       /* the indexes of port-started, in order */
  guint    steps;       /* step-changed */
} Seen;

static void
port_started_cb (PortierOpenRun *run,
                 guint           index,
                 Seen           *seen)
{
  g_string_append_printf (seen->ports, "%u ", index);
}

static void
run_step_changed_cb (PortierOpenRun    *run,
                     PortierStep        step,
                     PortierStepStatus  status,
                     const char        *message,
                     Seen              *seen)
{
  seen->steps++;
}

/* Runs @options (of PortierOpenOptions) to the end. */
static GPtrArray *
execute (Fixture       *fixture,
         GPtrArray     *options,
         GCancellable  *cancellable,
         Seen          *seen,
         GError       **error)
{
  g_autoptr(PortierOpenRun) run = portier_open_run_new (fixture->opener, options, FALSE);
  g_autoptr(GAsyncResult) async_result = NULL;
  GPtrArray *results;

  g_signal_connect (run, "port-started", G_CALLBACK (port_started_cb), seen);
  g_signal_connect (run, "step-changed", G_CALLBACK (run_step_changed_cb), seen);
  portier_open_run_execute_async (run, cancellable, store_cb, &async_result);
  results = portier_open_run_execute_finish (run, wait_for (&async_result), error);
  g_clear_object (&async_result);
  g_assert_finalize_object (g_steal_pointer (&run));
  return results;
}

static GPtrArray *
two_ports (Fixture *fixture)
{
  GPtrArray *options = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_open_options_free);
  PortierOpenOptions *first = options_for (fixture, fixture->port);

  /* The first needs nothing done: it is over at once. */
  first->verify = FALSE;
  g_ptr_array_add (options, first);
  g_ptr_array_add (options, options_for (fixture, fixture->port + 1));
  return options;
}

/* Stopped at the second port: the first port's result and the second's, which says it
 * was stopped; nothing is left in the ledger. */
static void
test_run_stopped (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) options = two_ports (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { g_string_new (NULL), 0 };
  const PortierOpenResult *failed;

  g_signal_connect (fixture->opener, "step-changed", G_CALLBACK (cancel_when_verifying_cb),
                    cancellable);
  results = execute (fixture, options, cancellable, &seen, &error);
  g_signal_handlers_disconnect_by_data (fixture->opener, cancellable);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_cmpuint (results->len, ==, 2);
  failed = portier_open_run_get_failed (results);
  g_assert_true (failed == results->pdata[1]);
  g_assert_error (failed->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (((PortierOpenResult *) results->pdata[0])->error);
  g_assert_cmpstr (seen.ports->str, ==, "0 1 ");
  g_assert_cmpuint (seen.steps, >=, 6);
  g_assert_true (ledger_is_empty (fixture));
  g_string_free (seen.ports, TRUE);
}

/* The second port cannot start (its outside port is out of range): no results, the
 * reason, and nothing left in the ledger. */
static void
test_run_cannot_start (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) options = two_ports (fixture);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { g_string_new (NULL), 0 };
  PortierOpenOptions *second = options->pdata[1];

  second->spec.last = second->spec.first + 10;
  second->external_port = G_MAXUINT16 - 5;
  results = execute (fixture, options, NULL, &seen, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC);
  g_assert_null (results);
  g_assert_cmpstr (seen.ports->str, ==, "0 1 ");
  g_assert_true (ledger_is_empty (fixture));
  g_string_free (seen.ports, TRUE);
}

/* Every port opens: one result each, none failed. */
static void
test_run_all_open (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) options = two_ports (fixture);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { g_string_new (NULL), 0 };

  ((PortierOpenOptions *) options->pdata[1])->verify = FALSE;
  results = execute (fixture, options, NULL, &seen, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  g_assert_null (portier_open_run_get_failed (results));
  g_assert_cmpuint (((PortierOpenResult *) results->pdata[1])->spec.first, ==,
                    fixture->port + 1);
  g_assert_cmpstr (seen.ports->str, ==, "0 1 ");
  g_string_free (seen.ports, TRUE);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/opener/cancelled-open-keeps-its-result", Fixture, NULL, fixture_set_up,
              test_cancelled_open_keeps_its_result, fixture_tear_down);
  g_test_add ("/opener/cancelled-before-it-starts", Fixture, NULL, fixture_set_up,
              test_cancelled_before_it_starts, fixture_tear_down);
  g_test_add ("/open-run/stopped", Fixture, NULL, fixture_set_up, test_run_stopped,
              fixture_tear_down);
  g_test_add ("/open-run/cannot-start", Fixture, NULL, fixture_set_up, test_run_cannot_start,
              fixture_tear_down);
  g_test_add ("/open-run/all-open", Fixture, NULL, fixture_set_up, test_run_all_open,
              fixture_tear_down);

  return g_test_run ();
}
