/* portier-firewall.h: this computer's firewall, seen from the user's side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

/**
 * PortierFirewallMode:
 * @PORTIER_FIREWALL_MODE_HELPER: portier-helper is installed; it changes the firewall
 * @PORTIER_FIREWALL_MODE_FIREWALLD: no helper, but firewalld runs; Portier asks it
 *   directly and firewalld asks polkit itself (the Flatpak case)
 * @PORTIER_FIREWALL_MODE_MANUAL: neither; Portier shows the command to run
 */
typedef enum
{
  PORTIER_FIREWALL_MODE_HELPER,
  PORTIER_FIREWALL_MODE_FIREWALLD,
  PORTIER_FIREWALL_MODE_MANUAL,
} PortierFirewallMode;

typedef enum
{
  PORTIER_FIREWALL_FLAGS_NONE = 0,
  PORTIER_FIREWALL_FLAGS_PERMANENT = 1 << 0,   /* keep the rule across restarts */
  PORTIER_FIREWALL_FLAGS_INTERACTIVE = 1 << 1, /* polkit may ask for a password */
} PortierFirewallFlags;

/**
 * PortierFirewallStatus:
 * @PORTIER_FIREWALL_STATUS_NONE: the step did not run
 * @PORTIER_FIREWALL_STATUS_OPENED: a rule lets the port in now
 * @PORTIER_FIREWALL_STATUS_ALREADY_OPEN: a rule let it in already
 * @PORTIER_FIREWALL_STATUS_NOT_NEEDED: the firewall blocks nothing here
 * @PORTIER_FIREWALL_STATUS_SKIPPED: not asked for, or nothing can change the firewall from
 *   here (the command for the person says how)
 * @PORTIER_FIREWALL_STATUS_FAILED: the firewall refused
 */
typedef enum
{
  PORTIER_FIREWALL_STATUS_NONE,
  PORTIER_FIREWALL_STATUS_OPENED,
  PORTIER_FIREWALL_STATUS_ALREADY_OPEN,
  PORTIER_FIREWALL_STATUS_NOT_NEEDED,
  PORTIER_FIREWALL_STATUS_SKIPPED,
  PORTIER_FIREWALL_STATUS_FAILED,
} PortierFirewallStatus;

/**
 * PortierFirewallState:
 * @PORTIER_FIREWALL_STATE_UNKNOWN: the firewall could not be read
 * @PORTIER_FIREWALL_STATE_OPEN: it lets the port in
 * @PORTIER_FIREWALL_STATE_BLOCKED: it blocks the port
 */
typedef enum
{
  PORTIER_FIREWALL_STATE_UNKNOWN,
  PORTIER_FIREWALL_STATE_OPEN,
  PORTIER_FIREWALL_STATE_BLOCKED,
} PortierFirewallState;

/* What opening a port did. */
typedef struct
{
  char  *status;     /* "opened", "already-open" or "not-needed" */
  char  *backend;    /* "firewalld", "ufw", "nftables", "none", ... */
  char  *zone;       /* the firewalld zone, or "" */
  GStrv  rule_ids;   /* what portier_firewall_close_async() takes; empty unless opened */
} PortierFirewallResult;

/* A rule Portier's helper made and holds. */
typedef struct
{
  char            *id;
  char            *backend;
  PortierPortSpec  spec;      /* one protocol */
  char            *zone;
  char            *label;
  gboolean         permanent;
  gint64           created;
  gint64           expires;   /* 0 for never */
  guint32          uid;
} PortierFirewallRule;

/* Whether the firewall lets a port in. */
typedef struct
{
  char     *status;      /* "open", "blocked" or "unknown" */
  char     *backend;
  char     *zone;
  gboolean  panic_mode;
  char     *rule_id;     /* a rule Portier made that lets the port in, or NULL */
} PortierFirewallQuery;

#define PORTIER_TYPE_FIREWALL_RESULT (portier_firewall_result_get_type ())
#define PORTIER_TYPE_FIREWALL_RULE (portier_firewall_rule_get_type ())
#define PORTIER_TYPE_FIREWALL_QUERY (portier_firewall_query_get_type ())

GType                  portier_firewall_result_get_type (void) G_GNUC_CONST;
PortierFirewallResult *portier_firewall_result_copy     (const PortierFirewallResult *self);
void                   portier_firewall_result_free     (PortierFirewallResult       *self);
PortierFirewallStatus  portier_firewall_result_get_status (const PortierFirewallResult *self);
GType                  portier_firewall_rule_get_type   (void) G_GNUC_CONST;
PortierFirewallRule   *portier_firewall_rule_copy       (const PortierFirewallRule   *self);
void                   portier_firewall_rule_free       (PortierFirewallRule         *self);
GType                  portier_firewall_query_get_type  (void) G_GNUC_CONST;
PortierFirewallQuery  *portier_firewall_query_copy      (const PortierFirewallQuery  *self);
void                   portier_firewall_query_free      (PortierFirewallQuery        *self);
PortierFirewallState   portier_firewall_query_get_state (const PortierFirewallQuery  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierFirewallResult, portier_firewall_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierFirewallRule, portier_firewall_rule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierFirewallQuery, portier_firewall_query_free)

#define PORTIER_TYPE_FIREWALL (portier_firewall_get_type ())

G_DECLARE_FINAL_TYPE (PortierFirewall, portier_firewall, PORTIER, FIREWALL, GObject)

void                  portier_firewall_new_async         (GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
PortierFirewall      *portier_firewall_new_finish        (GAsyncResult          *result,
                                                          GError               **error);
PortierFirewallMode   portier_firewall_get_mode          (PortierFirewall       *self);
const char           *portier_firewall_mode_to_string    (PortierFirewallMode    mode);

void                  portier_firewall_open_async        (PortierFirewall       *self,
                                                          const PortierPortSpec *spec,
                                                          const char            *label,
                                                          guint                  timeout,
                                                          PortierFirewallFlags   flags,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
PortierFirewallResult *portier_firewall_open_finish      (PortierFirewall       *self,
                                                          GAsyncResult          *result,
                                                          GError               **error);
void                  portier_firewall_close_async       (PortierFirewall       *self,
                                                          const char            *rule_id,
                                                          PortierFirewallFlags   flags,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
gboolean              portier_firewall_close_finish      (PortierFirewall       *self,
                                                          GAsyncResult          *result,
                                                          GError               **error);
void                  portier_firewall_list_rules_async  (PortierFirewall       *self,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
GPtrArray            *portier_firewall_list_rules_finish (PortierFirewall       *self,
                                                          GAsyncResult          *result,
                                                          GError               **error);
void                  portier_firewall_query_async       (PortierFirewall       *self,
                                                          const PortierPortSpec *spec,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
PortierFirewallQuery *portier_firewall_query_finish      (PortierFirewall       *self,
                                                          GAsyncResult          *result,
                                                          GError               **error);

char                 *portier_firewall_manual_command    (const PortierPortSpec *spec,
                                                          const char            *backend);
char                 *portier_firewall_guess_backend     (void);

G_END_DECLS
