/* test-probe-client.c: the reachability self-test against a real portier-probe-server on
 * loopback
 *
 * On loopback the server sees the request come from 127.0.0.1 (or ::1) and connects back
 * there, so every path of the client runs for real: temporary listener and token, an app
 * already on the port, refusals, a server that is down or never answers, rate limits, the
 * Transmission-style fallback. (Across a NAT, in the simulated home network, the
 * integration suite runs the same.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "portier-error.h"
#include "portier-probe-client.h"

typedef struct
{
  GSubprocess *process;
  char        *url4;      /* http://127.0.0.1:PORT/ */
  char        *url6;      /* http://[::1]:PORT/ */
  char        *config;    /* a temporary configuration file, or NULL */
} Server;

static void
server_stop (Server *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_assert_true (g_subprocess_wait (server->process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);
  g_clear_object (&server->process);
  if (server->config != NULL)
    g_unlink (server->config);
  g_free (server->config);
  g_free (server->url4);
  g_free (server->url6);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_stop)

/* A failed assertion aborts the test: the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* A server as shipped when @local_targets is FALSE: it never tests its own host, so on
 * loopback it refuses every probe. */
static Server *
server_start_full (const char *config,
                   gboolean    local_targets)
{
  const char *binary = g_getenv ("PROBE_SERVER_BINARY");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  Server *server = g_new0 (Server, 1);

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *) binary);
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "127.0.0.1:0");
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "[::1]:0");
  if (config != NULL)
    {
      int fd = g_file_open_tmp ("probe-XXXXXX.conf", &server->config, &error);

      g_assert_no_error (error);
      close (fd);
      g_assert_true (g_file_set_contents (server->config, config, -1, &error));
      g_ptr_array_add (argv, (char *) "--config");
      g_ptr_array_add (argv, server->config);
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  if (!local_targets)
    g_subprocess_launcher_unsetenv (launcher, "PORTIER_PROBE_TEST_LOCAL_TARGETS");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata,
                                                  &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      const char *address;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_true (g_str_has_prefix (line, "portier-probe-server: listening on "));
      address = line + strlen ("portier-probe-server: listening on ");
      if (address[0] == '[')
        server->url6 = g_strdup_printf ("http://%s/", address);
      else
        server->url4 = g_strdup_printf ("http://%s/", address);
    }
  g_assert_nonnull (server->url4);
  g_assert_nonnull (server->url6);
  return server;
}

static Server *
server_start (const char *config)
{
  return server_start_full (config, TRUE);
}

/* A port that is free for TCP and for UDP, in both families. */
static guint16
free_port (void)
{
  while (TRUE)
    {
      g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                               G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocket) udp = NULL;
      guint16 port;

      g_assert_true (g_socket_bind (probe, address, FALSE, NULL));
      bound = g_socket_get_local_address (probe, NULL);
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      g_clear_object (&address);
      address = g_inet_socket_address_new (any, port);
      udp = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                          G_SOCKET_PROTOCOL_UDP, NULL);
      if (g_socket_bind (udp, address, FALSE, NULL))
        return port;
    }
}

/* A socket that holds @port the way an app would: listening (TCP), bound (UDP), or bound
 * and not listening (TCP, @listen FALSE: connections are refused). */
static GSocket *
hold_port (guint16          port,
           PortierProtocol  protocol,
           gboolean         listen)
{
  gboolean tcp = protocol == PORTIER_PROTOCOL_TCP;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV6,
                                            tcp ? G_SOCKET_TYPE_STREAM : G_SOCKET_TYPE_DATAGRAM,
                                            tcp ? G_SOCKET_PROTOCOL_TCP : G_SOCKET_PROTOCOL_UDP,
                                            NULL);
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, port);
  g_autoptr(GError) error = NULL;

  /* Dual-stack, like most apps: one socket holds the port for IPv4 and IPv6. Address
   * reuse only for a listening socket: without listening, it would let others bind. */
  g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 0, NULL);
  g_assert_true (g_socket_bind (socket, address, tcp && listen, &error));
  g_assert_no_error (error);
  if (tcp && listen)
    g_assert_true (g_socket_listen (socket, &error));
  return g_steal_pointer (&socket);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static PortierProbeReport *
check (PortierProbeClient *client,
       const char         *spec_text,
       GCancellable       *cancellable,
       GError            **error)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (spec_text, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_nonnull (spec);
  portier_probe_client_check_async (client, spec, cancellable, store_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return portier_probe_client_check_finish (client, result, error);
}

static const PortierProbeOutcome *
find (PortierProbeReport *report,
      guint16             port,
      PortierProtocol     protocol,
      GSocketFamily       family)
{
  for (guint i = 0; i < report->outcomes->len; i++)
    {
      const PortierProbeOutcome *outcome = g_ptr_array_index (report->outcomes, i);

      if (outcome->port == port && outcome->protocol == protocol && outcome->family == family)
        return outcome;
    }
  g_assert_not_reached ();
}

static void
assert_result (PortierProbeReport *report,
               guint16             port,
               PortierProtocol     protocol,
               GSocketFamily       family,
               PortierProbeResult  expected,
               const char         *reason)
{
  const PortierProbeOutcome *outcome = find (report, port, protocol, family);
  g_autofree char *sentence = portier_probe_outcome_describe (outcome);

  g_test_message ("%u/%s %s: %s (%s) — %s", port, portier_protocol_to_string (protocol),
                  portier_socket_family_to_string (family),
                  portier_probe_result_to_string (outcome->result), outcome->reason, sentence);
  g_assert_cmpstr (portier_probe_result_to_string (outcome->result), ==,
                   portier_probe_result_to_string (expected));
  g_assert_cmpstr (outcome->reason, ==, reason);
  g_assert_true (g_utf8_validate (sentence, -1, NULL) && strlen (sentence) > 10);
}

/* The test could not run, for the reason and with the error code given; the sentence is
 * the one of that code. */
static void
assert_not_run (PortierProbeReport *report,
                guint16             port,
                PortierProtocol     protocol,
                GSocketFamily       family,
                const char         *reason,
                PortierError        code)
{
  const PortierProbeOutcome *outcome = find (report, port, protocol, family);
  g_autofree char *sentence = portier_probe_outcome_describe (outcome);

  assert_result (report, port, protocol, family, PORTIER_PROBE_RESULT_UNAVAILABLE, reason);
  g_assert_error (outcome->error, PORTIER_ERROR, (int) code);
  g_assert_cmpstr (sentence, ==, portier_error_describe (code));
}

static void
test_token (void)
{
  g_autofree char *a = portier_probe_client_make_token ();
  g_autofree char *b = portier_probe_client_make_token ();

  g_assert_cmpuint (strlen (a), ==, 32);
  for (const char *p = a; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p));
  g_assert_cmpstr (a, !=, b);
}

static void
test_urls (void)
{
  static const char *const good[] = { "http://127.0.0.1:8080/", "https://probe.example.org",
                                      "https://probe.example.org/portier/",
                                      "http://[::1]:80/", "transmission+https://example.org/" };
  static const char *const bad[] = { "", "probe.example.org", "ftp://example.org/",
                                     "transmission+ftp://x/", "http://", "https:///x",
                                     "http://exa mple.org/" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (portier_probe_client_validate_url (good[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (portier_probe_client_validate_url (bad[i], &error));
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_configured_server (void)
{
  g_autoptr(PortierProbeClient) configured = NULL;
  g_autoptr(PortierProbeClient) explicit = NULL;

  g_setenv ("PORTIER_PROBE_SERVER", "https://probe.example.org/", TRUE);
  configured = portier_probe_client_new (NULL);
  g_assert_cmpstr (portier_probe_client_get_server_url (configured), ==,
                   "https://probe.example.org/");
  g_assert_false (portier_probe_client_is_fallback (configured));

  /* An explicit server beats the variable. */
  explicit = portier_probe_client_new ("http://127.0.0.1:1/");
  g_assert_cmpstr (portier_probe_client_get_server_url (explicit), ==, "http://127.0.0.1:1/");
  g_unsetenv ("PORTIER_PROBE_SERVER");
}

/* Without the schema installed (a bare build, some packagings), nothing is configured:
 * the public fallback, and no abort. In a child: a process reads its schemas once. */
static void
test_configured_server_without_schema (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(PortierProbeClient) client = NULL;
      g_autofree char *none = portier_probe_client_get_configured_server ();

      g_assert_null (none);
      client = portier_probe_client_new (NULL);
      g_assert_cmpstr (portier_probe_client_get_server_url (client), ==,
                       PORTIER_PROBE_FALLBACK_URL);
      g_assert_true (portier_probe_client_is_fallback (client));
      return;
    }

  {
    g_autofree char *schema_dir = g_strdup (g_getenv ("GSETTINGS_SCHEMA_DIR"));
    g_autofree char *data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));

    g_unsetenv ("GSETTINGS_SCHEMA_DIR");
    g_unsetenv ("PORTIER_PROBE_SERVER");
    g_setenv ("XDG_DATA_DIRS", "/nonexistent", TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    if (schema_dir != NULL)
      g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
    if (data_dirs != NULL)
      g_setenv ("XDG_DATA_DIRS", data_dirs, TRUE);
    else
      g_unsetenv ("XDG_DATA_DIRS");
    g_test_trap_assert_passed ();
  }
}

/* With Portier's schema (the build's, which the tests find through
 * GSETTINGS_SCHEMA_DIR), the setting counts, and the variable beats it. */
static void
test_configured_server_from_settings (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GSettings) settings = NULL;
      g_autofree char *configured = NULL;

      g_assert_null (portier_probe_client_get_configured_server ());
      settings = g_settings_new (PORTIER_PROBE_SETTINGS_SCHEMA);
      g_settings_set_string (settings, PORTIER_PROBE_SETTINGS_KEY, "http://[::1]:4242/");
      configured = portier_probe_client_get_configured_server ();
      g_assert_cmpstr (configured, ==, "http://[::1]:4242/");

      g_setenv ("PORTIER_PROBE_SERVER", "http://127.0.0.1:4343/", TRUE);
      g_free (configured);
      configured = portier_probe_client_get_configured_server ();
      g_assert_cmpstr (configured, ==, "http://127.0.0.1:4343/");
      return;
    }

  g_assert_nonnull (g_getenv ("GSETTINGS_SCHEMA_DIR"));
  g_unsetenv ("PORTIER_PROBE_SERVER");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_reachable (void)
{
  g_autoptr(Server) server = server_start (NULL);
  guint16 port = free_port ();
  g_autofree char *spec = g_strdup_printf ("%u/both", port);
  g_autoptr(PortierProbeClient) client4 = portier_probe_client_new (server->url4);
  g_autoptr(PortierProbeClient) client6 = portier_probe_client_new (server->url6);
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const PortierProbeOutcome *outcome;

  report = check (client4, spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->outcomes->len, ==, 4);
  assert_result (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_REACHABLE, NULL);
  assert_result (report, port, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_REACHABLE, NULL);
  /* That server has no IPv6 address: IPv6 is not tested. */
  assert_result (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV6,
                 PORTIER_PROBE_RESULT_SKIPPED, "server-has-no-address");
  outcome = find (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4);
  g_assert_cmpstr (outcome->address, ==, "127.0.0.1");
  g_assert_true (outcome->listened);
  g_assert_true (portier_probe_report_is_reachable (report));
  g_assert_false (portier_probe_report_is_unavailable (report));
  g_assert_cmpint (portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV4)->result, ==,
                   PORTIER_PROBE_RESULT_REACHABLE);
  g_assert_cmpint (portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV6)->result, ==,
                   PORTIER_PROBE_RESULT_SKIPPED);
  g_clear_pointer (&report, portier_probe_report_unref);

  /* And the other way round over IPv6. */
  report = check (client6, spec, NULL, &error);
  g_assert_no_error (error);
  assert_result (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV6,
                 PORTIER_PROBE_RESULT_REACHABLE, NULL);
  assert_result (report, port, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV6,
                 PORTIER_PROBE_RESULT_REACHABLE, NULL);
  assert_result (report, port, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_SKIPPED, "server-has-no-address");
  g_assert_cmpstr (find (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV6)->address, ==,
                   "::1");
  g_clear_pointer (&report, portier_probe_report_unref);

  /* The temporary listeners are gone: the port is free again. */
  g_clear_object (&client4);
  {
    g_autoptr(GSocket) again = hold_port (port, PORTIER_PROTOCOL_TCP, TRUE);
    g_autoptr(GSocket) again_udp = hold_port (port, PORTIER_PROTOCOL_UDP, FALSE);

    g_assert_true (G_IS_SOCKET (again) && G_IS_SOCKET (again_udp));
  }
}

static void
test_range_tests_its_ends (void)
{
  g_autoptr(Server) server = server_start (NULL);
  guint16 first = free_port ();
  g_autofree char *spec = NULL;
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (server->url4);
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint16 last;

  /* first+4 may be taken by someone; then it is tested as taken, which is fine here. */
  last = first < 65000 ? first + 4 : first - 4;
  spec = g_strdup_printf ("%u-%u/tcp", MIN (first, last), MAX (first, last));
  report = check (client, spec, NULL, &error);
  g_assert_no_error (error);
  /* First and last port, over two families. */
  g_assert_cmpuint (report->outcomes->len, ==, 4);
  assert_result (report, first, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_REACHABLE, NULL);
  (void) find (report, last, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4);
}

static void
test_app_already_listening (void)
{
  g_autoptr(Server) server = server_start (NULL);
  guint16 port = free_port ();
  g_autofree char *spec = g_strdup_printf ("%u/both", port);
  g_autoptr(GSocket) tcp = hold_port (port, PORTIER_PROTOCOL_TCP, TRUE);
  g_autoptr(GSocket) udp = hold_port (port, PORTIER_PROTOCOL_UDP, FALSE);
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (server->url4);
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const PortierProbeOutcome *outcome;

  g_assert_true (G_IS_SOCKET (tcp) && G_IS_SOCKET (udp));
  report = check (client, spec, NULL, &error);
  g_assert_no_error (error);
  /* The app accepted the connection: open, and it counts as reachable. */
  assert_result (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_OPEN, NULL);
  outcome = find (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4);
  g_assert_false (outcome->listened);
  g_assert_true (portier_probe_outcome_is_success (outcome));
  /* The app never answers the token: UDP cannot be verified. */
  assert_result (report, port, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_UNVERIFIABLE, "app-silent");
}

static void
test_refused (void)
{
  g_autoptr(Server) server = server_start (NULL);
  guint16 port = free_port ();
  g_autofree char *spec = g_strdup_printf ("%u", port);
  /* Bound, not listening: the port is taken, and a connection to it is reset. */
  g_autoptr(GSocket) tcp = hold_port (port, PORTIER_PROTOCOL_TCP, FALSE);
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (server->url4);
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (G_IS_SOCKET (tcp));
  report = check (client, spec, NULL, &error);
  g_assert_no_error (error);
  assert_result (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_REFUSED, NULL);
  g_assert_false (portier_probe_report_is_reachable (report));
}

static void
test_server_down (void)
{
  g_autoptr(GSocket) closed = hold_port (0, PORTIER_PROTOCOL_TCP, FALSE);
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (closed, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/",
    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (url);
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const PortierProbeOutcome *outcome;
  gint64 started = g_get_monotonic_time ();

  report = check (client, "45999", NULL, &error);
  g_assert_no_error (error);
  outcome = find (report, 45999, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4);
  assert_result (report, 45999, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_UNAVAILABLE, "connection-failed");
  g_assert_error (outcome->error, PORTIER_ERROR, PORTIER_ERROR_PROBE_UNAVAILABLE);
  g_assert_true (portier_probe_report_is_unavailable (report));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
}

static void
test_server_silent_is_bounded (void)
{
  /* A server that takes the connection and never answers. */
  g_autoptr(GSocket) silent = hold_port (0, PORTIER_PROTOCOL_TCP, TRUE);
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (silent, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/",
    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (url);
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed;

  portier_probe_client_set_timeout (client, 1500);
  report = check (client, "45998/both", NULL, &error);
  elapsed = g_get_monotonic_time () - started;
  g_assert_no_error (error);
  assert_result (report, 45998, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_UNAVAILABLE, "timeout");
  assert_result (report, 45998, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_UNAVAILABLE, "timeout");
  g_assert_cmpint (elapsed, >=, 1400 * 1000);
  g_assert_cmpint (elapsed, <, 4 * G_USEC_PER_SEC);
}

static void
test_rate_limited (void)
{
  g_autoptr(Server) server = server_start ("[limits]\nrequest-burst=1\n"
                                           "requests-per-minute=1\n");
  guint16 port = free_port ();
  g_autofree char *spec = g_strdup_printf ("%u", port);
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (server->url4);
  g_autoptr(PortierProbeReport) first = NULL;
  g_autoptr(PortierProbeReport) second = NULL;
  g_autoptr(GError) error = NULL;

  first = check (client, spec, NULL, &error);
  g_assert_no_error (error);
  assert_result (first, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_REACHABLE, NULL);

  second = check (client, spec, NULL, &error);
  g_assert_no_error (error);
  assert_not_run (second, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4, "rate-limited",
                  PORTIER_ERROR_PROBE_RATE_LIMITED);
}

/* The server as shipped refuses to test its own host: the test could not run, which is
 * never “not reachable”, and the sentence says why instead of “did not answer”. */
static void
test_target_refused (void)
{
  g_autoptr(Server) server = server_start_full (NULL, FALSE);
  guint16 port = free_port ();
  g_autofree char *spec = g_strdup_printf ("%u/both", port);
  g_autoptr(PortierProbeClient) client4 = portier_probe_client_new (server->url4);
  g_autoptr(PortierProbeClient) client6 = portier_probe_client_new (server->url6);
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = check (client4, spec, NULL, &error);
  g_assert_no_error (error);
  assert_not_run (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4, "target-loopback",
                  PORTIER_ERROR_PROBE_MISCONFIGURED);
  assert_not_run (report, port, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4, "target-loopback",
                  PORTIER_ERROR_PROBE_MISCONFIGURED);
  g_assert_cmpstr (portier_error_describe (PORTIER_ERROR_PROBE_MISCONFIGURED), !=,
                   portier_error_describe (PORTIER_ERROR_PROBE_UNAVAILABLE));
  g_assert_true (portier_probe_report_is_unavailable (report));
  g_assert_false (portier_probe_report_is_reachable (report));
  g_assert_cmpint (portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV4)->result, ==,
                   PORTIER_PROBE_RESULT_UNAVAILABLE);
  g_clear_pointer (&report, portier_probe_report_unref);

  report = check (client6, spec, NULL, &error);
  g_assert_no_error (error);
  assert_not_run (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV6, "target-loopback",
                  PORTIER_ERROR_PROBE_MISCONFIGURED);
  assert_not_run (report, port, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV6, "target-loopback",
                  PORTIER_ERROR_PROBE_MISCONFIGURED);
  g_assert_true (portier_probe_report_is_unavailable (report));
}

/* A full server answers 503: busy, try again shortly; the test could not run. */
static void
test_server_busy (void)
{
  g_autoptr(Server) server = server_start ("[limits]\nmax-pending-probes=1\n"
                                           "read-timeout-ms=4000\n");
  guint16 silent_port = free_port ();
  guint16 port = free_port ();
  g_autofree char *silent_spec = g_strdup_printf ("%u/udp", silent_port);
  g_autofree char *spec = g_strdup_printf ("%u/tcp", port);
  /* An app bound to the port that never answers: the server waits for its reply. */
  g_autoptr(GSocket) silent = hold_port (silent_port, PORTIER_PROTOCOL_UDP, FALSE);
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (server->url4);
  g_autoptr(PortierPortSpec) parsed = portier_port_spec_parse (silent_spec, NULL);
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(PortierProbeReport) first = NULL;
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 until;

  g_assert_true (G_IS_SOCKET (silent));
  portier_probe_client_check_async (client, parsed, NULL, store_cb, &pending);
  /* Its probe is under way at the server, and takes the only place. */
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (pending);

  report = check (client, spec, NULL, &error);
  g_assert_no_error (error);
  assert_not_run (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4, "busy",
                  PORTIER_ERROR_PROBE_RATE_LIMITED);
  g_assert_true (portier_probe_report_is_unavailable (report));

  while (pending == NULL)
    g_main_context_iteration (NULL, TRUE);
  first = portier_probe_client_check_finish (client, pending, &error);
  g_assert_no_error (error);
  assert_result (first, silent_port, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_UNVERIFIABLE, "app-silent");
}

static void
test_transmission_fallback (void)
{
  g_autoptr(Server) server = server_start (NULL);
  g_autofree char *url = g_strconcat ("transmission+", server->url4, NULL);
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (url);
  guint16 port = free_port ();
  g_autofree char *spec = g_strdup_printf ("%u/both", port);
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) closed = NULL;
  g_autoptr(GSocketAddress) closed_address = NULL;
  guint16 closed_port;

  g_assert_true (portier_probe_client_is_fallback (client));
  report = check (client, spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (report->fallback);
  /* The port check connected, and it was Portier's listener that answered. */
  assert_result (report, port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_REACHABLE, NULL);
  /* It cannot test UDP at all. */
  assert_result (report, port, PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_SKIPPED, "udp-not-supported");
  g_clear_pointer (&report, portier_probe_report_unref);

  /* “0”: not reachable, cause unknown. */
  closed = hold_port (0, PORTIER_PROTOCOL_TCP, FALSE);
  closed_address = g_socket_get_local_address (closed, NULL);
  closed_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (closed_address));
  g_free (spec);
  spec = g_strdup_printf ("%u", closed_port);
  report = check (client, spec, NULL, &error);
  g_assert_no_error (error);
  assert_result (report, closed_port, PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4,
                 PORTIER_PROBE_RESULT_UNREACHABLE, NULL);
}

static void
test_get_address (void)
{
  g_autoptr(Server) server = server_start (NULL);
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (server->url4);
  g_autoptr(PortierProbeClient) client6 = portier_probe_client_new (server->url6);
  g_autofree char *fallback_url = g_strconcat ("transmission+", server->url4, NULL);
  g_autoptr(PortierProbeClient) fallback = portier_probe_client_new (fallback_url);
  struct
  {
    PortierProbeClient *client;
    GSocketFamily       family;
    const char         *address;
    PortierError        code;
  } cases[] = {
    { client, G_SOCKET_FAMILY_IPV4, "127.0.0.1", 0 },
    { client, G_SOCKET_FAMILY_IPV6, NULL, PORTIER_ERROR_PROBE_UNAVAILABLE },
    { client6, G_SOCKET_FAMILY_IPV6, "::1", 0 },
    { fallback, G_SOCKET_FAMILY_IPV4, NULL, PORTIER_ERROR_NOT_SUPPORTED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *address = NULL;

      portier_probe_client_get_address_async (cases[i].client, cases[i].family, NULL,
                                              store_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      address = portier_probe_client_get_address_finish (cases[i].client, result, &error);
      g_assert_cmpstr (address, ==, cases[i].address);
      if (cases[i].address == NULL)
        g_assert_error (error, PORTIER_ERROR, (int) cases[i].code);
    }
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(GSocket) silent = hold_port (0, PORTIER_PROTOCOL_TCP, TRUE);
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (silent, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/",
    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  g_autoptr(PortierProbeClient) client = portier_probe_client_new (url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(PortierProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = free_port ();
  g_autofree char *spec = g_strdup_printf ("%u", port);

  g_timeout_add_full (G_PRIORITY_DEFAULT, 200, cancel_cb, g_object_ref (cancellable),
                      g_object_unref);
  report = check (client, spec, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (report);

  /* Cancelled before it starts. */
  g_clear_error (&error);
  report = check (client, spec, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Nothing of the test stays on the port. */
  {
    g_autoptr(GSocket) again = hold_port (port, PORTIER_PROTOCOL_TCP, TRUE);

    g_assert_true (G_IS_SOCKET (again));
  }
}

static void
test_summary (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("100-200/both", NULL);
  g_autoptr(PortierProbeReport) report = portier_probe_report_new (spec, "http://x/", FALSE);
  static const struct
  {
    PortierProtocol    protocol;
    GSocketFamily      family;
    PortierProbeResult result;
  } outcomes[] = {
    { PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4, PORTIER_PROBE_RESULT_REACHABLE },
    { PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4, PORTIER_PROBE_RESULT_SKIPPED },
    { PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV6, PORTIER_PROBE_RESULT_REACHABLE },
    { PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV6, PORTIER_PROBE_RESULT_TIMEOUT },
  };
  PortierProbeResult parsed;

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    {
      PortierProbeOutcome *outcome = portier_probe_outcome_new (100, outcomes[i].protocol,
                                                                outcomes[i].family);

      outcome->result = outcomes[i].result;
      g_ptr_array_add (report->outcomes, outcome);
    }

  /* Skipped ones do not count against a family; a failure does. */
  g_assert_cmpint (portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV4)->result, ==,
                   PORTIER_PROBE_RESULT_REACHABLE);
  g_assert_cmpint (portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV6)->result, ==,
                   PORTIER_PROBE_RESULT_TIMEOUT);
  g_assert_true (portier_probe_report_is_reachable (report));
  g_assert_false (portier_probe_report_is_unavailable (report));

  for (int r = PORTIER_PROBE_RESULT_REACHABLE; r <= PORTIER_PROBE_RESULT_SKIPPED; r++)
    {
      g_assert_true (portier_probe_result_from_string (portier_probe_result_to_string (r),
                                                       &parsed));
      g_assert_cmpint (parsed, ==, r);
    }
  g_assert_false (portier_probe_result_from_string ("maybe", &parsed));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probe-client/token", test_token);
  g_test_add_func ("/probe-client/urls", test_urls);
  g_test_add_func ("/probe-client/configured-server", test_configured_server);
  g_test_add_func ("/probe-client/configured-server-without-schema",
                   test_configured_server_without_schema);
  g_test_add_func ("/probe-client/configured-server-from-settings",
                   test_configured_server_from_settings);
  g_test_add_func ("/probe-client/summary", test_summary);
  g_test_add_func ("/probe-client/reachable", test_reachable);
  g_test_add_func ("/probe-client/range", test_range_tests_its_ends);
  g_test_add_func ("/probe-client/app-already-listening", test_app_already_listening);
  g_test_add_func ("/probe-client/refused", test_refused);
  g_test_add_func ("/probe-client/server-down", test_server_down);
  g_test_add_func ("/probe-client/server-silent", test_server_silent_is_bounded);
  g_test_add_func ("/probe-client/rate-limited", test_rate_limited);
  g_test_add_func ("/probe-client/target-refused", test_target_refused);
  g_test_add_func ("/probe-client/server-busy", test_server_busy);
  g_test_add_func ("/probe-client/transmission-fallback", test_transmission_fallback);
  g_test_add_func ("/probe-client/get-address", test_get_address);
  g_test_add_func ("/probe-client/cancel", test_cancel);

  return g_test_run ();
}
