/* portier-firewall-private.h: the ways PortierFirewall changes the firewall
 *
 * PortierFirewall (portier-firewall.c) chooses one way when it is made and hands every
 * call to it. Each way is one file:
 *
 * - portier-firewall-helper.c: portier-helper over the system bus;
 * - portier-firewall-firewalld.c: firewalld's own D-Bus API (no helper, e.g. Flatpak);
 * - portier-firewall-manual.c: neither; the command for a person to run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-error.h"
#include "portier-firewall.h"

G_BEGIN_DECLS

/* A password dialog can stay open for a while: no timeout on calls that may show one. */
#define PORTIER_FIREWALL_NO_TIMEOUT G_MAXINT

#define PORTIER_TYPE_FIREWALL_WAY (portier_firewall_way_get_type ())

G_DECLARE_INTERFACE (PortierFirewallWay, portier_firewall_way, PORTIER, FIREWALL_WAY, GObject)

/**
 * PortierFirewallWayInterface:
 * @open_async: lets the ports of @spec in; @spec names one protocol (tcp or udp).
 *   Answers a PortierFirewallResult.
 * @close_async: removes a rule that @open_async made. Answers a boolean.
 * @list_rules_async: the rules this way made and holds. Answers a GPtrArray of
 *   PortierFirewallRule.
 * @query_async: whether the firewall lets the ports of @spec (one protocol) in. Answers
 *   a PortierFirewallQuery.
 *
 * Every way answers with a GTask whose source object is the way, so the finish
 * functions below serve them all. Errors are PORTIER_ERROR codes.
 */
struct _PortierFirewallWayInterface
{
  GTypeInterface parent_iface;

  void (*open_async)       (PortierFirewallWay    *self,
                            const PortierPortSpec *spec,
                            const char            *label,
                            guint                  timeout,
                            PortierFirewallFlags   flags,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data);
  void (*close_async)      (PortierFirewallWay    *self,
                            const char            *rule_id,
                            PortierFirewallFlags   flags,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data);
  void (*list_rules_async) (PortierFirewallWay    *self,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data);
  void (*query_async)      (PortierFirewallWay    *self,
                            const PortierPortSpec *spec,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data);
};

void                   portier_firewall_way_open_async        (PortierFirewallWay    *self,
                                                               const PortierPortSpec *spec,
                                                               const char            *label,
                                                               guint                  timeout,
                                                               PortierFirewallFlags   flags,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
PortierFirewallResult *portier_firewall_way_open_finish       (PortierFirewallWay    *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);
void                   portier_firewall_way_close_async       (PortierFirewallWay    *self,
                                                               const char            *rule_id,
                                                               PortierFirewallFlags   flags,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
gboolean               portier_firewall_way_close_finish      (PortierFirewallWay    *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);
void                   portier_firewall_way_list_rules_async  (PortierFirewallWay    *self,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
GPtrArray             *portier_firewall_way_list_rules_finish (PortierFirewallWay    *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);
void                   portier_firewall_way_query_async       (PortierFirewallWay    *self,
                                                               const PortierPortSpec *spec,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
PortierFirewallQuery  *portier_firewall_way_query_finish      (PortierFirewallWay    *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);

/* ---- the three ways ------------------------------------------------------------------ */
#define PORTIER_TYPE_FIREWALL_HELPER (portier_firewall_helper_get_type ())
G_DECLARE_FINAL_TYPE (PortierFirewallHelper, portier_firewall_helper, PORTIER,
                      FIREWALL_HELPER, GObject)

#define PORTIER_TYPE_FIREWALL_FIREWALLD (portier_firewall_firewalld_get_type ())
G_DECLARE_FINAL_TYPE (PortierFirewallFirewalld, portier_firewall_firewalld, PORTIER,
                      FIREWALL_FIREWALLD, GObject)

#define PORTIER_TYPE_FIREWALL_MANUAL (portier_firewall_manual_get_type ())
G_DECLARE_FINAL_TYPE (PortierFirewallManual, portier_firewall_manual, PORTIER,
                      FIREWALL_MANUAL, GObject)

void                portier_firewall_helper_new_async    (GDBusConnection      *bus,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
PortierFirewallWay *portier_firewall_helper_new_finish   (GAsyncResult         *result,
                                                          GError              **error);
PortierFirewallWay *portier_firewall_firewalld_new       (GDBusConnection      *bus);
gboolean            portier_firewall_firewalld_owns_id   (const char           *rule_id);
PortierFirewallWay *portier_firewall_manual_new          (void);

/* ---- what the ways share (portier-firewall.c) ---------------------------------------- */
GError               *portier_firewall_error_new         (PortierError          code);
GError               *portier_firewall_error_from_dbus   (GError               *error);
GDBusCallFlags        portier_firewall_call_flags        (PortierFirewallFlags  flags);
char                 *portier_firewall_format_range      (guint                 first,
                                                          guint                 last);
GPtrArray            *portier_firewall_rules_new         (void);
PortierFirewallQuery *portier_firewall_query_new_unknown (const char           *backend);

/* A firewall that hands every call to @way (the unit tests' fakes stand behind it). */
PortierFirewall *portier_firewall_new_for_way      (PortierFirewallMode  mode,
                                                    PortierFirewallWay  *way);

/* The firewall seen through @bus instead of the system bus (the unit tests' own bus). */
void            portier_firewall_new_for_bus_async (GDBusConnection     *bus,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);

G_END_DECLS
