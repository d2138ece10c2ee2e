/* test-sandbox.c: Portier knows when it runs inside Flatpak, and what changes there
 *
 * The sandbox is simulated with PORTIER_SANDBOX_ROOT: a folder with a .flatpak-info
 * file is a Flatpak sandbox, an empty folder is not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "portier-listeners.h"
#include "portier-sandbox.h"

typedef struct
{
  char *root;        /* the simulated file system root */
  char *proc;        /* a fake /proc: one program listening on 25565/tcp */
} Fixture;

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *net = NULL;
  g_autofree char *fd = NULL;
  g_autofree char *socket_link = NULL;

  fixture->root = g_dir_make_tmp ("portier-sandbox-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->proc = g_dir_make_tmp ("portier-proc-XXXXXX", &error);
  g_assert_no_error (error);

  /* 0.0.0.0:25565, LISTEN, uid 1000, inode 42001; its owner is pid 4242, "java". */
  net = g_build_filename (fixture->proc, "net", NULL);
  g_assert_cmpint (g_mkdir (net, 0755), ==, 0);
  write_file (net, "tcp",
              "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
              "retrnsmt   uid  timeout inode\n"
              "   0: 00000000:63DD 00000000:0000 0A 00000000:00000000 00:00000000 "
              "00000000  1000        0 42001 1 0000000000000000 100 0 0 10 0\n");
  fd = g_build_filename (fixture->proc, "4242", "fd", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fd, 0755), ==, 0);
  socket_link = g_build_filename (fd, "3", NULL);
  g_assert_cmpint (symlink ("socket:[42001]", socket_link), ==, 0);
  write_file (fd, "../comm", "java\n");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL &&
         (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
      g_object_unref (info);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_unsetenv (PORTIER_SANDBOX_ROOT_ENV);
  remove_tree (fixture->root);
  remove_tree (fixture->proc);
  g_free (fixture->root);
  g_free (fixture->proc);
}

static void
enter_sandbox (Fixture *fixture)
{
  write_file (fixture->root, ".flatpak-info",
              "[Application]\nname=io.github.portier_app.Portier\nruntime=runtime/"
              "org.gnome.Platform/x86_64/47\n");
}

static void
test_detect_outside (Fixture       *fixture,
                     gconstpointer  data)
{
  g_assert_true (g_setenv (PORTIER_SANDBOX_ROOT_ENV, fixture->root, TRUE));
  g_assert_cmpstr (portier_sandbox_get_root (), ==, fixture->root);
  g_assert_false (portier_sandbox_is_flatpak ());
}

static void
test_detect_inside (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_true (g_setenv (PORTIER_SANDBOX_ROOT_ENV, fixture->root, TRUE));
  enter_sandbox (fixture);
  g_assert_true (portier_sandbox_is_flatpak ());
}

static void
test_detect_not_a_file (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *info = g_build_filename (fixture->root, ".flatpak-info", NULL);

  /* Only a file counts: a folder of that name is no sandbox. */
  g_assert_true (g_setenv (PORTIER_SANDBOX_ROOT_ENV, fixture->root, TRUE));
  g_assert_cmpint (g_mkdir (info, 0755), ==, 0);
  g_assert_false (portier_sandbox_is_flatpak ());
}

static void
test_root_default (void)
{
  g_unsetenv (PORTIER_SANDBOX_ROOT_ENV);
  g_assert_cmpstr (portier_sandbox_get_root (), ==, "/");
  g_assert_true (g_setenv (PORTIER_SANDBOX_ROOT_ENV, "", TRUE));
  g_assert_cmpstr (portier_sandbox_get_root (), ==, "/");
  g_unsetenv (PORTIER_SANDBOX_ROOT_ENV);

  /* The machine running the tests is not a Flatpak sandbox. */
  g_assert_false (portier_sandbox_is_flatpak ());
}

static const PortierListener *
only_listener (GPtrArray *listeners)
{
  g_assert_nonnull (listeners);
  g_assert_cmpuint (listeners->len, ==, 1);
  return g_ptr_array_index (listeners, 0);
}

static void
test_listeners_outside (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listeners = NULL;
  const PortierListener *listener;

  g_assert_true (g_setenv (PORTIER_SANDBOX_ROOT_ENV, fixture->root, TRUE));
  listeners = portier_listeners_read (fixture->proc, &error);
  g_assert_no_error (error);
  listener = only_listener (listeners);
  g_assert_cmpuint (listener->port, ==, 25565);
  g_assert_cmpint (listener->pid, ==, 4242);
  g_assert_cmpstr (listener->process, ==, "java");
}

static void
test_listeners_inside (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listeners = NULL;
  const PortierListener *listener;

  /* The same /proc, seen from inside the sandbox: the socket is there, its owner is
   * not named. */
  g_assert_true (g_setenv (PORTIER_SANDBOX_ROOT_ENV, fixture->root, TRUE));
  enter_sandbox (fixture);
  listeners = portier_listeners_read (fixture->proc, &error);
  g_assert_no_error (error);
  listener = only_listener (listeners);
  g_assert_cmpuint (listener->port, ==, 25565);
  g_assert_cmpstr (listener->address, ==, "0.0.0.0");
  g_assert_cmpint (listener->scope, ==, PORTIER_BIND_SCOPE_ALL);
  g_assert_cmpuint (listener->uid, ==, 1000);
  g_assert_cmpint (listener->pid, ==, -1);
  g_assert_null (listener->process);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox/root-default", test_root_default);
  g_test_add ("/sandbox/detect/outside", Fixture, NULL,
              fixture_set_up, test_detect_outside, fixture_tear_down);
  g_test_add ("/sandbox/detect/inside", Fixture, NULL,
              fixture_set_up, test_detect_inside, fixture_tear_down);
  g_test_add ("/sandbox/detect/not-a-file", Fixture, NULL,
              fixture_set_up, test_detect_not_a_file, fixture_tear_down);
  g_test_add ("/sandbox/listeners/outside", Fixture, NULL,
              fixture_set_up, test_listeners_outside, fixture_tear_down);
  g_test_add ("/sandbox/listeners/inside", Fixture, NULL,
              fixture_set_up, test_listeners_inside, fixture_tear_down);

  return g_test_run ();
}
