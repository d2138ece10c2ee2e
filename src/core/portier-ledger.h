/* portier-ledger.h: what Portier opened, so that it can always be closed again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_OPENING_STATE_OPENING,   /* the transaction is under way */
  PORTIER_OPENING_STATE_OPEN,
  PORTIER_OPENING_STATE_CLOSING,
} PortierOpeningState;

typedef enum
{
  PORTIER_DURATION_WHILE_RUNNING,  /* until the program that opened it stops */
  PORTIER_DURATION_UNTIL,          /* until a time */
  PORTIER_DURATION_UNTIL_CLOSED,   /* until someone closes it */
} PortierDuration;

typedef struct
{
  char    *rule_id;      /* the helper's id, or firewalld's rich rule */
  char    *backend;      /* firewalld, ufw, nftables, none */
  char    *zone;
} PortierLedgerRule;

typedef struct
{
  char    *method;       /* upnp, natpmp */
  char    *protocol;     /* tcp, udp */
  guint16  external_port;
  guint16  internal_port;
  char    *internal_client;
  guint    lease;        /* seconds; 0 means the router would only take a permanent one */
  gint64   renewed_at;   /* unix time */
  char    *kept_by;      /* NULL: Portier made it. Otherwise another program on this
                          * computer did (its description, maybe ""): found, not made,
                          * and never renewed, changed or removed */
} PortierLedgerMapping;

typedef struct
{
  char    *unique_id;    /* the router's id of an IPv6 pinhole */
  char    *protocol;
  guint16  port;
  char    *internal_client;
  guint    lease;
} PortierLedgerPinhole;

typedef struct _PortierOpening PortierOpening;

struct _PortierOpening
{
  char                *id;
  PortierPortSpec      spec;
  char                *app_id;
  char                *label;
  PortierOpeningState  state;
  PortierDuration      duration;
  gint64               created;      /* unix time */
  gint64               expires;      /* unix time, for PORTIER_DURATION_UNTIL */
  int                  owner_pid;    /* for PORTIER_DURATION_WHILE_RUNNING */
  guint64              owner_start;  /* the owner's start time, against pid reuse */
  char                *external_address;
  GPtrArray           *rules;        /* of PortierLedgerRule */
  GPtrArray           *mappings;     /* of PortierLedgerMapping */
  GPtrArray           *pinholes;     /* of PortierLedgerPinhole */
};

#define PORTIER_TYPE_OPENING (portier_opening_get_type ())

GType             portier_opening_get_type       (void) G_GNUC_CONST;
PortierOpening   *portier_opening_new            (const PortierPortSpec *spec,
                                                  PortierDuration        duration);
PortierOpening   *portier_opening_copy           (const PortierOpening  *self);
void              portier_opening_free           (PortierOpening        *self);
void              portier_opening_add_rule       (PortierOpening        *self,
                                                  const char            *rule_id,
                                                  const char            *backend,
                                                  const char            *zone);
PortierLedgerMapping *portier_opening_add_mapping (PortierOpening        *self,
                                                  const char            *method,
                                                  const char            *protocol,
                                                  guint16                external_port,
                                                  guint16                internal_port,
                                                  const char            *internal_client,
                                                  guint                  lease,
                                                  gint64                 renewed_at);
gboolean          portier_opening_has_forwards   (const PortierOpening  *self);
void              portier_opening_add_pinhole    (PortierOpening        *self,
                                                  const char            *unique_id,
                                                  const char            *protocol,
                                                  guint16                port,
                                                  const char            *internal_client,
                                                  guint                  lease);
gboolean          portier_opening_is_stale       (const PortierOpening  *self,
                                                  gint64                 now,
                                                  const char            *proc_root);
void              portier_opening_serialize      (const PortierOpening  *self,
                                                  JsonBuilder           *builder);
PortierOpening   *portier_opening_deserialize    (JsonNode              *node,
                                                  GError               **error);
const char       *portier_opening_state_to_string (PortierOpeningState  state);
const char       *portier_duration_to_string     (PortierDuration        duration);
gboolean          portier_duration_from_string   (const char            *text,
                                                  PortierDuration       *duration);
guint64           portier_process_start_time     (const char            *proc_root,
                                                  int                    pid);

/* The most openings the ledger holds; a new one past it is refused. */
#define PORTIER_LEDGER_MAX_OPENINGS 4096

#define PORTIER_TYPE_LEDGER (portier_ledger_get_type ())
G_DECLARE_FINAL_TYPE (PortierLedger, portier_ledger, PORTIER, LEDGER, GObject)

PortierLedger    *portier_ledger_new             (const char            *directory);
PortierLedger    *portier_ledger_new_default     (void);
const char       *portier_ledger_get_path        (PortierLedger         *self);
gboolean          portier_ledger_load            (PortierLedger         *self,
                                                  GError               **error);
GPtrArray        *portier_ledger_get_openings    (PortierLedger         *self);
PortierOpening   *portier_ledger_lookup          (PortierLedger         *self,
                                                  const char            *id);
GPtrArray        *portier_ledger_find            (PortierLedger         *self,
                                                  const PortierPortSpec *spec);
gboolean          portier_ledger_put             (PortierLedger         *self,
                                                  const PortierOpening  *opening,
                                                  GError               **error);
gboolean          portier_ledger_remove          (PortierLedger         *self,
                                                  const char            *id,
                                                  GError               **error);
GPtrArray        *portier_ledger_get_stale       (PortierLedger         *self,
                                                  gint64                 now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierOpening, portier_opening_free)

G_END_DECLS
