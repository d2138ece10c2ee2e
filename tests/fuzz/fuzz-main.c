/* fuzz-main.c: runs a fuzz target over files, for builds without libFuzzer
 *
 * The ordinary test run replays every seed of the corpus through the target, so the
 * targets stay built and the seeds stay good between fuzzing runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
main (int    argc,
      char **argv)
{
  guint replayed = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        g_error ("cannot open %s", argv[i]);

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize length;

          if (!g_file_get_contents (path, &contents, &length, NULL))
            g_error ("cannot read %s", path);
          LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
          replayed++;
        }
    }

  g_print ("1..1\nok 1 - replayed %u inputs\n", replayed);
  return replayed > 0 ? 0 : 1;
}
