/* portier-probe-request.h: reading what a client asks the probe server
 *
 * Everything here reads untrusted bytes from the internet, and nothing else: the fuzz
 * target covers all of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"
#include "portier-probe-config.h"

G_BEGIN_DECLS

/* A token is hex: at least 128 bits, at most 512. */
#define PORTIER_PROBE_TOKEN_MIN_LENGTH 32
#define PORTIER_PROBE_TOKEN_MAX_LENGTH 128

typedef enum
{
  PORTIER_PROBE_REQUEST_OK,
  PORTIER_PROBE_REQUEST_MALFORMED,
  PORTIER_PROBE_REQUEST_INVALID_PORT,
  PORTIER_PROBE_REQUEST_INVALID_PROTOCOL,
  PORTIER_PROBE_REQUEST_INVALID_TOKEN,
} PortierProbeRequestStatus;

typedef struct
{
  guint16         port;
  PortierProtocol protocol;       /* TCP or UDP, never both */
  char            token[PORTIER_PROBE_TOKEN_MAX_LENGTH + 1];
} PortierProbeRequest;

PortierProbeRequestStatus  portier_probe_request_parse         (const char               *data,
                                                                gsize                     length,
                                                                PortierProbeRequest      *request);
const char                *portier_probe_request_status_to_string (PortierProbeRequestStatus status);
const char                *portier_probe_request_status_describe  (PortierProbeRequestStatus status);
gboolean                   portier_probe_token_is_valid         (const char               *token);
gboolean                   portier_probe_parse_port_path        (const char               *path,
                                                                guint16                  *port);
GInetAddress              *portier_probe_normalize_address      (GInetAddress             *address);
GInetAddress              *portier_probe_client_address         (GInetAddress             *peer,
                                                                const char               *forwarded_for,
                                                                const PortierProbeConfig *config);

G_END_DECLS
