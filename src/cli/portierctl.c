/* portierctl.c: Portier on the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "portierctl-private.h"

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} Command;

static const Command commands[] = {
  { "open", N_("Let people on the internet reach a port or an app"), portierctl_open },
  { "close", N_("Close what Portier opened"), portierctl_close },
  { "list", N_("Show what Portier opened, and the router’s forwards"), portierctl_list },
  { "diagnose", N_("Find out why a port cannot be reached, and what to do"),
    portierctl_diagnose },
  { "guide", N_("Show the steps to forward a port on your router by hand"),
    portierctl_guide },
  { "listening", N_("Show which programs wait for connections on which ports"),
    portierctl_listening },
  { "apps", N_("List the apps Portier knows and the ports they need"), portierctl_apps },
  { "check", N_("Test from the internet whether a port is reachable"), portierctl_check },
  { "status", N_("Show the router and how it reaches the internet"), portierctl_status },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: portierctl COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n\n", _("Let other people reach an app on this computer."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “portierctl COMMAND --help” to learn more about a command."));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* stdout is for results (JSON): every log message goes to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);

  if (argc < 2)
    {
      print_usage (stderr);
      return PORTIERCTL_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return PORTIERCTL_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("portierctl %s\n", PACKAGE_VERSION);
      return PORTIERCTL_EXIT_OK;
    }

  /* Opening and closing may need an administrator's password; in a terminal, polkit's
   * text agent asks for it. */
  if (g_str_equal (argv[1], "open") || g_str_equal (argv[1], "close"))
    portierctl_start_password_agent ();

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("portierctl: “%s” is not a command.\n"), argv[1]);
  print_usage (stderr);
  return PORTIERCTL_EXIT_USAGE;
}
