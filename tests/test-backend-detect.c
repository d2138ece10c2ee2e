/* test-backend-detect.c: the helper reuses the firewall it found for a few seconds, and
 * no longer once ufw's switch or lock file changed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>

#include "portier-backend.h"

#define SECOND G_USEC_PER_SEC

typedef struct
{
  char *dir;
  char *conf;
  char *lock;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("portier-detect-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->conf = g_build_filename (fixture->dir, "ufw.conf", NULL);
  fixture->lock = g_build_filename (fixture->dir, "ufw.lock", NULL);
  g_assert_true (g_file_set_contents (fixture->conf, "ENABLED=yes\nLOGLEVEL=low\n", -1,
                                      NULL));
  g_assert_true (g_file_set_contents (fixture->lock, "", 0, NULL));
  portier_backend_forget_detected ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  portier_backend_forget_detected ();
  g_unlink (fixture->conf);
  g_unlink (fixture->lock);
  g_rmdir (fixture->lock);
  g_rmdir (fixture->dir);
  g_free (fixture->conf);
  g_free (fixture->lock);
  g_free (fixture->dir);
}

static char *
fingerprint (Fixture *fixture)
{
  const char *paths[] = { fixture->conf, fixture->lock, NULL };

  return _portier_backend_files_fingerprint (paths);
}

static void
assert_remembered (const char *files,
                   gint64      now,
                   const char *expected)
{
  g_autofree char *name = _portier_backend_detected_lookup (files, now);

  g_assert_cmpstr (name, ==, expected);
}

/* Reused for a few seconds, then looked at again. */
static void
test_recent_then_stale (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *files = fingerprint (fixture);
  gint64 then = 1000 * SECOND;

  assert_remembered (files, then, NULL);
  _portier_backend_detected_remember ("ufw", files, then);
  assert_remembered (files, then + 1 * SECOND, "ufw");
  assert_remembered (files, then + 5 * SECOND, NULL);

  _portier_backend_detected_remember ("nftables", files, then);
  assert_remembered (files, then, "nftables");
  portier_backend_forget_detected ();
  assert_remembered (files, then, NULL);
}

/* "ufw disable" rewrites its switch (same size, same inode): no longer reused. */
static void
test_ufw_switched_off (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *before = fingerprint (fixture);
  g_autofree char *after = NULL;
  g_autofree char *back = NULL;
  gint64 then = 1000 * SECOND;

  _portier_backend_detected_remember ("ufw", before, then);
  g_assert_true (g_file_set_contents_full (fixture->conf, "ENABLED=no\nLOGLEVEL=low\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0644, NULL));
  after = fingerprint (fixture);
  g_assert_cmpstr (after, !=, before);
  assert_remembered (after, then + 1, NULL);

  /* Switched on again: what was found for that state is not taken for the new one. */
  _portier_backend_detected_remember ("nftables", after, then);
  g_assert_true (g_file_set_contents_full (fixture->conf, "ENABLED=yes\nLOGLEVEL=low\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0644, NULL));
  back = fingerprint (fixture);
  g_assert_cmpstr (back, !=, after);
  assert_remembered (back, then + 1, NULL);
}

/* The lock file made unusable (a folder in its place), or gone: looked at again. */
static void
test_lock_file_changed (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *before = fingerprint (fixture);
  g_autofree char *gone = NULL;
  g_autofree char *folder = NULL;

  g_assert_cmpint (g_unlink (fixture->lock), ==, 0);
  gone = fingerprint (fixture);
  g_assert_cmpstr (gone, !=, before);
  g_assert_cmpint (g_mkdir (fixture->lock, 0755), ==, 0);
  folder = fingerprint (fixture);
  g_assert_cmpstr (folder, !=, gone);
  g_assert_cmpstr (folder, !=, before);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/backend-detect/recent-then-stale", Fixture, NULL, fixture_set_up,
              test_recent_then_stale, fixture_tear_down);
  g_test_add ("/backend-detect/ufw-switched-off", Fixture, NULL, fixture_set_up,
              test_ufw_switched_off, fixture_tear_down);
  g_test_add ("/backend-detect/lock-file-changed", Fixture, NULL, fixture_set_up,
              test_lock_file_changed, fixture_tear_down);
  return g_test_run ();
}
