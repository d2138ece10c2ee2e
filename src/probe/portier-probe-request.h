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

/* Who asked, as portier_probe_client_address() reads it. */
typedef enum
{
  PORTIER_PROBE_CLIENT_OK,
  PORTIER_PROBE_CLIENT_BAD_FORWARDED_FOR,  /* a trusted proxy did not say whom it forwards */
  PORTIER_PROBE_CLIENT_PROXY,              /* the client would be a trusted proxy itself */
} PortierProbeClientStatus;

/* Why an address is never probed. */
typedef enum
{
  PORTIER_PROBE_TARGET_OK,
  PORTIER_PROBE_TARGET_LOOPBACK,
  PORTIER_PROBE_TARGET_UNSPECIFIED,
  PORTIER_PROBE_TARGET_LINK_LOCAL,
  PORTIER_PROBE_TARGET_MULTICAST,
  PORTIER_PROBE_TARGET_BROADCAST,
  PORTIER_PROBE_TARGET_RESERVED,
  PORTIER_PROBE_TARGET_PRIVATE,      /* private, shared (100.64/10), unique-local */
  PORTIER_PROBE_TARGET_OWN_ADDRESS,  /* the server's host (found by the server) */
} PortierProbeTarget;

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
                                                                const PortierProbeConfig *config,
                                                                PortierProbeClientStatus *status);
PortierProbeTarget         portier_probe_target_classify        (GInetAddress             *address,
                                                                gboolean                  allow_private);
const char                *portier_probe_target_to_string       (PortierProbeTarget        target);
const char                *portier_probe_target_describe        (PortierProbeTarget        target);

G_END_DECLS
