/* portier-opener.h: the open transaction — firewall, router, verify — and its undoing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-firewall.h"
#include "portier-ledger.h"
#include "portier-open-result.h"
#include "portier-port-spec.h"
#include "portier-probe.h"
#include "portier-router.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_STEP_FIREWALL,
  PORTIER_STEP_ROUTER,
  PORTIER_STEP_VERIFY,
} PortierStep;

typedef enum
{
  PORTIER_STEP_STATUS_PENDING,
  PORTIER_STEP_STATUS_RUNNING,
  PORTIER_STEP_STATUS_DONE,
  PORTIER_STEP_STATUS_SKIPPED,
  PORTIER_STEP_STATUS_FAILED,
  PORTIER_STEP_STATUS_UNDONE,     /* rolled back because a later step failed */
} PortierStepStatus;

/* What to open, and how. */
typedef struct
{
  PortierPortSpec  spec;
  char            *app_id;          /* nullable: the catalog app it is for */
  char            *label;           /* nullable */
  PortierDuration  duration;
  guint            hours;           /* for PORTIER_DURATION_UNTIL */
  guint            seconds;         /* for PORTIER_DURATION_UNTIL; wins over hours when set.
                                     * For PORTIER_DURATION_WHILE_RUNNING: a router lease
                                     * shorter than PORTIER_ROUTER_WHILE_RUNNING_LEASE */
  guint16          external_port;   /* 0: the same as the internal one */
  gboolean         any_external_port; /* take another free outside port on a conflict */
  gboolean         firewall;        /* run the step (portierctl --no-firewall clears it) */
  gboolean         router;
  gboolean         verify;
  gboolean         interactive;     /* a password prompt may be shown */
  char            *probe_server;    /* nullable: the configured one */
} PortierOpenOptions;

#define PORTIER_TYPE_OPEN_OPTIONS (portier_open_options_get_type ())

GType               portier_open_options_get_type (void) G_GNUC_CONST;
PortierOpenOptions *portier_open_options_new      (const PortierPortSpec *spec);
PortierOpenOptions *portier_open_options_copy     (const PortierOpenOptions *self);
void                portier_open_options_free     (PortierOpenOptions    *self);

#define PORTIER_TYPE_OPENER (portier_opener_get_type ())
G_DECLARE_FINAL_TYPE (PortierOpener, portier_opener, PORTIER, OPENER, GObject)

/* PortierOpener::step-changed (PortierStep step, PortierStepStatus status,
 *                              const char *message)
 *   message: a translated sentence of what the step is doing or what it did. */

/* open_finish() returns the result whenever the transaction ran: when it failed,
 * result->error says why and everything it had done was undone. It returns NULL with an
 * error only when it could not start (cancelled, invalid options, no ledger). */
PortierOpener      *portier_opener_new            (PortierLedger         *ledger);
PortierOpener      *portier_opener_new_with_peers (PortierLedger         *ledger,
                                                   PortierRouter         *router,
                                                   PortierFirewall       *firewall,
                                                   PortierProbe          *probe);
void                portier_opener_open_async     (PortierOpener         *self,
                                                   const PortierOpenOptions *options,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
PortierOpenResult  *portier_opener_open_finish    (PortierOpener         *self,
                                                   GAsyncResult          *result,
                                                   GError               **error);
void                portier_opener_close_async    (PortierOpener         *self,
                                                   const char            *id,
                                                   gboolean               interactive,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
gboolean            portier_opener_close_finish   (PortierOpener         *self,
                                                   GAsyncResult          *result,
                                                   GError               **error);
void                portier_opener_reconcile_async (PortierOpener        *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean            portier_opener_reconcile_finish (PortierOpener       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Keeps router leases renewed (and forwards a router lost put back) for every open
 * opening until the opener is disposed or released. */
void                portier_opener_hold           (PortierOpener         *self);
void                portier_opener_release        (PortierOpener         *self);
void                portier_opener_check_forwards_async  (PortierOpener       *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            portier_opener_check_forwards_finish (PortierOpener       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
GObject            *portier_opener_get_keeper     (PortierOpener         *self);
PortierLedger      *portier_opener_get_ledger     (PortierOpener         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierOpenOptions, portier_open_options_free)

G_END_DECLS
