/* portier-firewall-manual.c: the firewall by hand
 *
 * Neither the helper nor firewalld: nothing can be changed from here. Opening fails with
 * PORTIER_ERROR_FIREWALL_UNAVAILABLE, and portier_firewall_manual_command() gives the
 * exact command for the person to run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-firewall"

#include "config.h"

#include "portier-firewall-private.h"

struct _PortierFirewallManual
{
  GObject parent_instance;
};

static void portier_firewall_manual_way_init (PortierFirewallWayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierFirewallManual, portier_firewall_manual, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_FIREWALL_WAY,
                                                      portier_firewall_manual_way_init))

static void
manual_open_async (PortierFirewallWay    *way,
                   const PortierPortSpec *spec,
                   const char            *label,
                   guint                  timeout,
                   PortierFirewallFlags   flags,
                   GCancellable          *cancellable,
                   GAsyncReadyCallback    callback,
                   gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (way, cancellable, callback, user_data);

  g_task_set_source_tag (task, manual_open_async);
  g_task_return_error (task, portier_firewall_error_new (PORTIER_ERROR_FIREWALL_UNAVAILABLE));
}

/* Nothing was made here, so there is nothing to close. */
static void
manual_close_async (PortierFirewallWay   *way,
                    const char           *rule_id,
                    PortierFirewallFlags  flags,
                    GCancellable         *cancellable,
                    GAsyncReadyCallback   callback,
                    gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (way, cancellable, callback, user_data);

  g_task_set_source_tag (task, manual_close_async);
  g_task_return_error (task, portier_firewall_error_new (PORTIER_ERROR_NOT_FOUND));
}

static void
manual_list_rules_async (PortierFirewallWay  *way,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (way, cancellable, callback, user_data);

  g_task_set_source_tag (task, manual_list_rules_async);
  g_task_return_pointer (task, portier_firewall_rules_new (), (GDestroyNotify) g_ptr_array_unref);
}

static void
manual_query_async (PortierFirewallWay    *way,
                    const PortierPortSpec *spec,
                    GCancellable          *cancellable,
                    GAsyncReadyCallback    callback,
                    gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (way, cancellable, callback, user_data);

  g_task_set_source_tag (task, manual_query_async);
  g_task_return_pointer (task, portier_firewall_query_new_unknown (""),
                         (GDestroyNotify) portier_firewall_query_free);
}

static void
portier_firewall_manual_class_init (PortierFirewallManualClass *klass)
{
}

static void
portier_firewall_manual_init (PortierFirewallManual *self)
{
}

static void
portier_firewall_manual_way_init (PortierFirewallWayInterface *iface)
{
  iface->open_async = manual_open_async;
  iface->close_async = manual_close_async;
  iface->list_rules_async = manual_list_rules_async;
  iface->query_async = manual_query_async;
}

PortierFirewallWay *
portier_firewall_manual_new (void)
{
  return g_object_new (PORTIER_TYPE_FIREWALL_MANUAL, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* What the person runs                                                                */

/**
 * portier_firewall_guess_backend:
 *
 * Returns: (transfer full): "firewalld", "ufw" or "nftables": the firewall whose
 *   command this computer has, for portier_firewall_manual_command()
 */
char *
portier_firewall_guess_backend (void)
{
  const char *dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/run/host/usr/sbin",
                         "/run/host/usr/bin" };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *firewall_cmd = g_build_filename (dirs[i], "firewall-cmd", NULL);
      g_autofree char *ufw = g_build_filename (dirs[i], "ufw", NULL);

      if (g_file_test (firewall_cmd, G_FILE_TEST_EXISTS))
        return g_strdup ("firewalld");
      if (g_file_test (ufw, G_FILE_TEST_EXISTS))
        return g_strdup ("ufw");
    }
  return g_strdup ("nftables");
}

/**
 * portier_firewall_manual_command:
 * @backend: "firewalld", "ufw" or "nftables"
 *
 * Returns: (transfer full): the command (one line a protocol) that lets @spec in with
 *   @backend, for a person to run when Portier cannot change the firewall itself
 */
char *
portier_firewall_manual_command (const PortierPortSpec *spec,
                                 const char            *backend)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (PortierProtocol protocol = PORTIER_PROTOCOL_TCP; protocol <= PORTIER_PROTOCOL_UDP;
       protocol <<= 1)
    {
      const char *name = portier_protocol_to_string (protocol);
      g_autofree char *dashed = portier_firewall_format_range (spec->first, spec->last);

      if ((spec->protocol & protocol) == 0)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');

      if (g_strcmp0 (backend, "firewalld") == 0)
        g_string_append_printf (text, "sudo firewall-cmd --add-port=%s/%s", dashed, name);
      else if (g_strcmp0 (backend, "ufw") == 0)
        {
          if (spec->first == spec->last)
            g_string_append_printf (text, "sudo ufw allow %u/%s", spec->first, name);
          else
            g_string_append_printf (text, "sudo ufw allow %u:%u/%s", spec->first, spec->last,
                                    name);
        }
      else
        g_string_append_printf (text, "sudo nft insert rule inet filter input %s dport %s accept",
                                name, dashed);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
