/* test-module.c: the parts loaded on first use (portier-module.h): found in the build
 * tree, refused with a sentence when missing, damaged or from another version, and the
 * self-test and the network watcher cope without them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define _GNU_SOURCE
#include <dlfcn.h>
#include <locale.h>
#include <natpmp.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "portier-error.h"
#include "portier-http-module.h"
#include "portier-module.h"
#include "portier-network.h"
#include "portier-probe-client.h"
#ifdef HAVE_LIBNM
#include "portier-network-nm.h"
#endif

/* The build tree's modules, from the test's environment. */
static char *build_modules;

/* From now on, the modules are looked for in @dir. */
static void
with_module_dir (const char *dir)
{
  g_assert_true (g_setenv (PORTIER_MODULE_DIR_ENV, dir, TRUE));
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Must run before anything loads portier-http in this process. */
static void
test_missing (void)
{
  g_autofree char *empty = g_dir_make_tmp ("portier-test-module-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierProbeClient) client = NULL;
  g_autoptr(PortierPortSpec) spec = portier_port_spec_new (25565, 25565,
                                                           PORTIER_PROTOCOL_TCP, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PortierProbeReport) report = NULL;

  with_module_dir (empty);
  g_assert_null (portier_module_get ("http", PORTIER_HTTP_MODULE_ABI, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "portier-http.so"));
  g_assert_nonnull (strstr (error->message, "Reinstalling Portier"));
  g_clear_error (&error);

  /* The self-test says so instead of crashing, and sends nothing. */
  client = portier_probe_client_new ("http://127.0.0.1:9/");
  portier_probe_client_check_async (client, spec, NULL, store_result, &result);
  report = portier_probe_client_check_finish (client, wait_for_result (&result), &error);
  g_assert_null (report);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "portier-http.so"));

  with_module_dir (build_modules);
  g_assert_cmpint (g_rmdir (empty), ==, 0);
}

/* Puts portier-@name.so in a folder of its own, a link to @target or else a text file,
 * and checks that it is refused with a sentence that names the file and says @word. */
static void
assert_refused (const char *name,
                const char *target,
                const char *word)
{
  g_autofree char *dir = g_dir_make_tmp ("portier-test-module-XXXXXX", NULL);
  g_autofree char *file = g_strdup_printf ("portier-%s.so", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GError) error = NULL;

  if (target != NULL)
    g_assert_cmpint (symlink (target, path), ==, 0);
  else
    g_assert_true (g_file_set_contents (path, "not a shared object\n", -1, NULL));
  with_module_dir (dir);
  g_assert_null (portier_module_get (name, 1, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, file));
  g_assert_nonnull (strstr (error->message, word));

  with_module_dir (build_modules);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_not_a_module (void)
{
  assert_refused ("junk", NULL, "missing");
}

/* A real shared object without Portier's table: libnatpmp, which the core links. */
static void
test_no_table (void)
{
  Dl_info info;

  g_assert_cmpint (dladdr ((void *) initnatpmp, &info), !=, 0);
  assert_refused ("plain", info.dli_fname, "damaged");
}

static void
test_http (void)
{
  g_autoptr(GError) error = NULL;
  const PortierHttpModule *http = portier_module_get ("http", PORTIER_HTTP_MODULE_ABI, &error);

  g_assert_no_error (error);
  g_assert_nonnull (http);
  g_assert_cmpuint (http->abi, ==, PORTIER_HTTP_MODULE_ABI);
  g_assert_nonnull (http->session_new);
  g_assert_nonnull (http->request_new);
  g_assert_nonnull (http->send_async);
  g_assert_nonnull (http->send_finish);
  g_assert_nonnull (http->get_status);
  g_assert_nonnull (http->get_header);
  g_assert_nonnull (http->get_param);
  /* Loaded once. */
  g_assert_true (portier_module_get ("http", PORTIER_HTTP_MODULE_ABI, NULL) == http);

  /* libsoup came with the module, into the module's scope only. */
  g_assert_null (dlsym (RTLD_DEFAULT, "soup_session_new"));

  /* A table of another version is refused, not used. */
  g_assert_null (portier_module_get ("http", PORTIER_HTTP_MODULE_ABI + 1, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "another version"));
}

static void
test_http_param (void)
{
  const PortierHttpModule *http = portier_module_get ("http", PORTIER_HTTP_MODULE_ABI, NULL);
  g_autofree char *realm = NULL;
  g_autofree char *none = NULL;

  g_assert_nonnull (http);
  realm = http->get_param ("realm=\"FRITZ!Box\", charset=\"UTF-8\"", "realm");
  g_assert_cmpstr (realm, ==, "FRITZ!Box");
  none = http->get_param ("charset=\"UTF-8\"", "realm");
  g_assert_null (none);
}

#ifdef HAVE_LIBNM
static void
test_networkmanager (void)
{
  g_autoptr(GError) error = NULL;
  const PortierNetworkNmModule *nm =
    portier_module_get ("networkmanager", PORTIER_NETWORK_NM_MODULE_ABI, &error);

  g_assert_no_error (error);
  g_assert_nonnull (nm);
  g_assert_nonnull (nm->client_new_async);
  g_assert_nonnull (nm->client_new_finish);
  g_assert_nonnull (nm->is_running);
  g_assert_nonnull (nm->read);
  g_assert_null (dlsym (RTLD_DEFAULT, "nm_client_new_async"));
}

/* Without its NetworkManager module the watcher reads the kernel's tables, and says
 * what is missing. */
static void
test_network_without_module (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *empty = g_dir_make_tmp ("portier-test-module-XXXXXX", NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(PortierNetwork) network = NULL;
      g_autoptr(GError) error = NULL;

      /* The warning is what is tested: it must not abort here. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      with_module_dir (empty);
      g_unsetenv ("PORTIER_NETWORK_SOURCE");
      portier_network_new_async (NULL, store_result, &result);
      network = portier_network_new_finish (wait_for_result (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpint (portier_network_get_info (network)->source, ==,
                       PORTIER_NETWORK_SOURCE_KERNEL);
      g_rmdir (empty);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*portier-networkmanager.so*");
}
#endif

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  build_modules = g_strdup (g_getenv (PORTIER_MODULE_DIR_ENV));
  if (build_modules == NULL)
    g_error ("Set %s to the build tree's src/core", PORTIER_MODULE_DIR_ENV);

  /* First: nothing has loaded portier-http yet. */
  g_test_add_func ("/module/missing", test_missing);
  g_test_add_func ("/module/not-a-module", test_not_a_module);
  g_test_add_func ("/module/no-table", test_no_table);
  g_test_add_func ("/module/http", test_http);
  g_test_add_func ("/module/http/param", test_http_param);
#ifdef HAVE_LIBNM
  g_test_add_func ("/module/networkmanager", test_networkmanager);
  g_test_add_func ("/module/networkmanager/missing", test_network_without_module);
#endif
  return g_test_run ();
}
