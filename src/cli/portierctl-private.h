/* portierctl-private.h: what the portierctl commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "portier-catalog.h"
#include "portier-port-spec.h"
#include "portier-router.h"
#include "portier-router-record.h"

G_BEGIN_DECLS

/* The exit status contract: scripts rely on it. */
#define PORTIERCTL_EXIT_OK 0
#define PORTIERCTL_EXIT_FAILED 1
#define PORTIERCTL_EXIT_USAGE 2

typedef struct _PortierctlTable PortierctlTable;

/* Commands */
int               portierctl_apps              (int                     argc,
                                                char                  **argv);
int               portierctl_listening         (int                     argc,
                                                char                  **argv);
int               portierctl_open              (int                     argc,
                                                char                  **argv);
int               portierctl_close             (int                     argc,
                                                char                  **argv);
int               portierctl_list              (int                     argc,
                                                char                  **argv);
int               portierctl_status            (int                     argc,
                                                char                  **argv);

/* Shared */
GOptionContext   *portierctl_option_context    (const char             *command,
                                                const char             *parameters,
                                                const char             *summary,
                                                const GOptionEntry     *entries);
gboolean          portierctl_parse_options     (GOptionContext         *context,
                                                int                    *argc,
                                                char                 ***argv,
                                                int                    *status);
int               portierctl_usage_error       (const char             *command,
                                                const char             *format,
                                                ...) G_GNUC_PRINTF (2, 3);
int               portierctl_fail              (const GError           *error);
void              portierctl_print_json        (JsonNode               *node);
PortierCatalog   *portierctl_get_catalog       (void);
GPtrArray        *portierctl_resolve_spec      (const char             *text,
                                                PortierApp            **app,
                                                GError                **error);
void              portierctl_add_port_spec     (JsonBuilder            *builder,
                                                const PortierPortSpec  *spec);
GAsyncResult     *portierctl_wait              (GAsyncResult          **result);
void              portierctl_store_result_cb   (GObject                *source,
                                                GAsyncResult           *result,
                                                gpointer                user_data);

PortierctlTable  *portierctl_table_new         (guint                   n_columns,
                                                ...);
void              portierctl_table_add_row     (PortierctlTable        *table,
                                                ...);
void              portierctl_table_print       (PortierctlTable        *table);
void              portierctl_table_free        (PortierctlTable        *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierctlTable, portierctl_table_free)

/* The router step (portierctl-router.c) */
typedef struct _PortierctlRouterOpen PortierctlRouterOpen;

PortierRouter        *portierctl_router_discover          (GError                **error);
PortierRouterRecord  *portierctl_router_load_record       (void);
void                  portierctl_router_add_info_json     (JsonBuilder            *builder,
                                                           const PortierRouterInfo *info,
                                                           const GError           *error);
void                  portierctl_router_add_mapping_json  (JsonBuilder            *builder,
                                                           const PortierMapping   *mapping,
                                                           gboolean                ours);
PortierctlRouterOpen *portierctl_router_open              (PortierRouter          *router,
                                                           const GError           *discover_error,
                                                           PortierRouterRecord    *record,
                                                           const PortierPortSpec  *spec,
                                                           const char             *label,
                                                           int                     external_port,
                                                           guint                   lease);
void                  portierctl_router_open_free         (PortierctlRouterOpen   *self);
gboolean              portierctl_router_open_succeeded    (PortierctlRouterOpen   *self);
const GError         *portierctl_router_open_get_error    (PortierctlRouterOpen   *self);
const char           *portierctl_router_open_get_id       (PortierctlRouterOpen   *self);
GPtrArray            *portierctl_router_open_get_mappings (PortierctlRouterOpen   *self);
GPtrArray            *portierctl_router_open_get_pinholes (PortierctlRouterOpen   *self);
void                  portierctl_router_replace_pinhole   (PortierRouterRecord    *record,
                                                           const PortierPinhole   *old,
                                                           const PortierPinhole   *pinhole);
char                 *portierctl_router_open_get_share    (PortierctlRouterOpen   *self);
void                  portierctl_router_open_add_json     (PortierctlRouterOpen   *self,
                                                           JsonBuilder            *builder);
void                  portierctl_router_open_print        (PortierctlRouterOpen   *self,
                                                           gboolean                hold);
gboolean              portierctl_router_close             (PortierRouter          *router,
                                                           PortierRouterRecord    *record,
                                                           const char             *target,
                                                           GPtrArray             **closed,
                                                           GPtrArray             **left,
                                                           GError                **error);
GPtrArray            *portierctl_router_list              (PortierRouter          *router,
                                                           GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierctlRouterOpen, portierctl_router_open_free)

G_END_DECLS
