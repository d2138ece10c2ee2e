/* portierctl-private.h: what the portierctl commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "portier-catalog.h"
#include "portier-opener.h"
#include "portier-firewall.h"
#include "portier-guide.h"
#include "portier-port-spec.h"
#include "portier-router.h"
#include "portierctl-json.h"

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
int               portierctl_check             (int                     argc,
                                                char                  **argv);
int               portierctl_open              (int                     argc,
                                                char                  **argv);
int               portierctl_close             (int                     argc,
                                                char                  **argv);
int               portierctl_list              (int                     argc,
                                                char                  **argv);
int               portierctl_diagnose          (int                     argc,
                                                char                  **argv);
int               portierctl_status            (int                     argc,
                                                char                  **argv);
int               portierctl_guide             (int                     argc,
                                                char                  **argv);
void              portierctl_print_guide       (PortierGuide           *guide);
void              portierctl_add_guide_json    (JsonBuilder            *builder,
                                                PortierGuide           *guide);

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
const char       *portierctl_error_name        (const GError           *error);
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
void              portierctl_start_password_agent (void);
void              portierctl_router_add_info_json (JsonBuilder            *builder,
                                                   const PortierRouterInfo *info,
                                                   const GError           *error);

PortierctlTable  *portierctl_table_new         (guint                   n_columns,
                                                ...);
void              portierctl_table_add_row     (PortierctlTable        *table,
                                                ...);
void              portierctl_table_print       (PortierctlTable        *table);
void              portierctl_table_free        (PortierctlTable        *table);

void              portierctl_add_mapping       (JsonBuilder            *builder,
                                                const PortierMapping   *mapping,
                                                PortierMappingOwner     owner);
void              portierctl_reconcile         (PortierOpener          *opener);
void              portierctl_add_open_result   (JsonBuilder            *builder,
                                                const PortierOpenResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierctlTable, portierctl_table_free)


G_END_DECLS
