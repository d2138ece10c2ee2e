/* portier-helper-args.h: what the helper accepts from callers, and nothing more
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

#define PORTIER_HELPER_MAX_ZONE 32
#define PORTIER_HELPER_MAX_LABEL 64
#define PORTIER_HELPER_RULE_ID_LENGTH 16
/* One year: longer openings are what "permanent" is for. */
#define PORTIER_HELPER_MAX_TIMEOUT (366 * 24 * 3600)

typedef struct
{
  guint16          first;
  guint16          last;
  PortierProtocol  protocol;   /* PORTIER_PROTOCOL_TCP or PORTIER_PROTOCOL_UDP */
  char            *zone;       /* "" for automatic */
  guint32          timeout;
  gboolean         permanent;
  char            *label;
  gboolean         interactive;
} PortierOpenRequest;

void         portier_open_request_clear       (PortierOpenRequest  *request);

gboolean     portier_helper_check_ports       (guint                first,
                                               guint                last,
                                               const char          *protocol,
                                               PortierProtocol     *out_protocol,
                                               GError             **error);
gboolean     portier_helper_check_zone        (const char          *zone,
                                               GError             **error);
gboolean     portier_helper_check_label       (const char          *label,
                                               GError             **error);
gboolean     portier_helper_check_rule_id     (const char          *rule_id,
                                               GError             **error);
gboolean     portier_helper_check_name        (const char          *name,
                                               gsize                max_length);

gboolean     portier_helper_parse_open_args   (GVariant            *parameters,
                                               PortierOpenRequest  *request,
                                               GError             **error);
gboolean     portier_helper_parse_query_args  (GVariant            *parameters,
                                               PortierPortSpec     *spec,
                                               GError             **error);
gboolean     portier_helper_parse_close_args  (GVariant            *parameters,
                                               char               **rule_id,
                                               gboolean            *interactive,
                                               GError             **error);

char        *portier_helper_new_rule_id       (void);
char        *portier_helper_format_ports      (guint16              first,
                                               guint16              last);
GStrv        portier_helper_split_fields      (const char          *line);

G_END_DECLS
